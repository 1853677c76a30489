import Foundation

extension UpstreamTask {
    /// Reads a whole upstream answer: the envelope `{code, message, data}` of a
    /// query, or a callback's bare task object.
    public static func parse(_ body: Data) throws(KlingError) -> UpstreamTask {
        let object = try BodyDecoding.object(body)
        if object["task_id"] == nil, let data = object["data"] {
            return try UpstreamTask(data: data)
        }
        return try UpstreamTask(data: .object(object))
    }

    /// Reads a task object. CometAPI sometimes wraps it as
    /// `{status, progress, action, data: {task}}`; the wrapper is looked through.
    public init(data: JSONValue) throws(KlingError) {
        guard var object = data.objectValue else {
            throw .malformed("data: must be a JSON object, got \(data.typeName)")
        }
        if object["task_id"] == nil, let inner = object["data"]?.objectValue {
            object = inner
        }
        let fields = FieldReader(object, path: "data")
        guard let taskID = Self.text(fields.value("task_id")), !taskID.isEmpty else {
            throw fields.invalid("task_id", "required")
        }
        guard let status = try fields.string("task_status") else { throw fields.invalid("task_status", "required") }

        let info = object["task_info"]?.objectValue ?? [:]
        let parent = info["parent_video"]?.objectValue ?? [:]
        let result = object["task_result"]?.objectValue ?? [:]
        let videos = (result["videos"]?.arrayValue ?? []).map { item in
            UpstreamVideo(id: Self.text(item["id"]), url: item["url"]?.stringValue, duration: Self.text(item["duration"]))
        }
        let images = (result["images"]?.arrayValue?.count ?? 0) + (result["series_images"]?.arrayValue?.count ?? 0)

        self.init(
            taskID: taskID, status: UpstreamTaskStatus(status), statusMessage: fields.value("task_status_msg")?.stringValue,
            externalTaskID: Self.text(info["external_task_id"]), parentVideoDuration: Self.text(parent["duration"]),
            videos: videos, imageCount: images, finalUnitDeduction: Self.text(fields.value("final_unit_deduction"))
        )
    }

    /// A value the upstream may send as a string or a number ("5.041", 5.041,
    /// 842250903629086785), as text. Integers are exact; decimals take their
    /// shortest round-trip spelling.
    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number) where number.isFinite: return "\(number)"
        default: return nil
        }
    }
}
