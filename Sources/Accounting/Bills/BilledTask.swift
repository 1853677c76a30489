import Foundation

/// A task of the channel that a bill line names, as matching reads it.
public struct BilledTask: Sendable, Equatable {
    public var id: UUID
    public var tenantID: UUID
    public var upstreamTaskID: String
    public var state: TaskState
    /// Charges and late charges: what its tenant paid.
    public var chargedMicros: Int64
    /// Recorded at settlement; nil while the task is open.
    public var costMicros: Int64?

    public init(id: UUID, tenantID: UUID, upstreamTaskID: String, state: TaskState, chargedMicros: Int64, costMicros: Int64?) {
        self.id = id
        self.tenantID = tenantID
        self.upstreamTaskID = upstreamTaskID
        self.state = state
        self.chargedMicros = chargedMicros
        self.costMicros = costMicros
    }

    /// Ended with nothing charged: its reservation went back to the tenant.
    var released: Bool { !state.isOpen && chargedMicros == 0 }
}
