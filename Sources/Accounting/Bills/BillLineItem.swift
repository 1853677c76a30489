import Foundation

/// A bill line as an import answers it: the line, what the upstream billed, and, when the upstream id
/// is a task of the channel, that task's id, tenant, state, recorded cost and what its tenant was charged.
/// `reason` says why a line is in `amount_mismatch`: `amount` (billed ≠ recorded cost) or `duplicate`
/// (a task billed again on a later line).
public struct BillLineItem: Sendable, Codable, Equatable {
    public var line: Int
    public var upstreamTaskID: String
    public var billedMicros: Int64
    public var taskID: UUID?
    public var tenantID: UUID?
    public var state: String?
    public var costMicros: Int64?
    public var chargedMicros: Int64?
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case line, state, reason
        case upstreamTaskID = "upstream_task_id"
        case billedMicros = "billed_micros"
        case taskID = "task_id"
        case tenantID = "tenant_id"
        case costMicros = "cost_micros"
        case chargedMicros = "charged_micros"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(line, forKey: .line)
        try c.encode(upstreamTaskID, forKey: .upstreamTaskID)
        try c.encode(billedMicros, forKey: .billedMicros)
        try c.encodeIfPresent(taskID?.uuidString.lowercased(), forKey: .taskID)
        try c.encodeIfPresent(tenantID?.uuidString.lowercased(), forKey: .tenantID)
        try c.encodeIfPresent(state, forKey: .state)
        if taskID != nil { try c.encode(costMicros, forKey: .costMicros) }  // null: the task has not settled
        try c.encodeIfPresent(chargedMicros, forKey: .chargedMicros)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}
