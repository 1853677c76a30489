import Foundation
import Kling

/// The task as the upstream shows it: a query's `data`, a list item, a callback body.
extension TaskRecord {
    /// `data` of a create's answer.
    var createdData: JSONValue {
        .object([
            "task_id": .string(id),
            "task_status": .string(SimulatedStatus.submitted.rawValue),
            "task_info": .object(["external_task_id": externalTaskID.map(JSONValue.string) ?? .null]),
            "created_at": Self.milliseconds(createdAt),
            "updated_at": Self.milliseconds(createdAt),
        ])
    }

    /// The task as it stands at `date`.
    func data(at date: Date) -> JSONValue {
        data(for: timeline.step(at: date))
    }

    /// The task while `step` holds; a succeeded task carries its result and charge.
    func data(for step: TaskTimeline.Step) -> JSONValue {
        var object: [String: JSONValue] = [
            "task_id": .string(id),
            "task_status": .string(step.status.rawValue),
            "task_status_msg": .string(step.message),
            "task_info": taskInfo,
            "created_at": Self.milliseconds(createdAt),
            "updated_at": Self.milliseconds(step.at),
        ]
        switch step.status {
        case .succeed:
            object["task_result"] = taskResult
            object["final_unit_deduction"] = .string(plan.finalUnitDeduction)
        case .failed:
            object["final_unit_deduction"] = "0"
        case .submitted, .processing:
            break
        }
        return .object(object)
    }

    private var taskInfo: JSONValue {
        var info: [String: JSONValue] = ["external_task_id": externalTaskID.map(JSONValue.string) ?? .null]
        if case .video(_, let parent?) = plan.output {
            info["parent_video"] = .object([
                "id": .string("\(id)-input"), "url": .string(parent.url), "duration": .string(parent.duration),
            ])
        }
        return .object(info)
    }

    private var taskResult: JSONValue {
        let base = "\(assetBase)/\(kind.rawValue)s/\(id)"
        switch plan.output {
        case .video(let duration, _):
            return .object(["videos": .array([.object([
                "id": .string("\(id)-0"),
                "url": .string("\(base)/0.mp4"),
                "watermark_url": .string("\(base)/0-watermark.mp4"),
                "duration": .string(duration),
            ])])])
        case .images(let resultType, let count):
            let images: [JSONValue] = (0..<count).map { index in
                .object([
                    "index": .int(Int64(index)),
                    "url": .string("\(base)/\(index).png"),
                    "watermark_url": .string("\(base)/\(index)-watermark.png"),
                ])
            }
            return .object(["result_type": .string(resultType), "images": .array(images)])
        }
    }

    static func milliseconds(_ date: Date) -> JSONValue {
        .int(Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
