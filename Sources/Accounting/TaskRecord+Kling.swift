import Foundation
import Kling

extension TaskRecord {
    /// The task as tenants see it, in the upstream's shape (`data` of a query, the body of a callback),
    /// with omnimeter's id as `task_id` and the money as `billing`.
    public func klingData() -> JSONValue {
        var data: [String: JSONValue] = [
            "task_id": .string(id.uuidString.lowercased()),
            "task_status": .string(state.klingStatus),
            "task_info": .object(["external_task_id": externalTaskID.map(JSONValue.string) ?? .null]),
            "created_at": .int(Int64(createdAt.timeIntervalSince1970 * 1000)),
            "updated_at": .int(Int64(updatedAt.timeIntervalSince1970 * 1000)),
            "model_name": .string(model),
            "billing": .object([
                "currency": .string(currency),
                "state": .string(billingState),
                "reserved_micros": .int(reservedMicros),
                "charged_micros": .int(chargedMicros + lateChargedMicros),
                "released_micros": .int(releasedMicros),
            ]),
        ]
        if let message = statusMessage { data["task_status_msg"] = .string(message) }
        if let result = upstreamResult, let value = try? JSONValue.decode(result.data) { data["task_result"] = value }
        if let finalUnitDeduction { data["final_unit_deduction"] = .string(finalUnitDeduction) }
        return .object(data)
    }

    /// What tenants are told about why a task ended the way it did.
    var statusMessage: String? {
        switch state {
        case .expired: upstreamStatusMessage ?? "expired: unfinished after the task timeout; the reservation was released"
        case .rejected: upstreamStatusMessage ?? "rejected by the upstream; the reservation was released"
        default: upstreamStatusMessage
        }
    }
}
