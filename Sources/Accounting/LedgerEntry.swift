import Foundation

/// What a ledger row records. Amounts are non-negative micros, except adjustments, which may be negative.
public enum LedgerKind: String, Sendable, Codable, CaseIterable {
    /// Money a tenant was given (top-up).
    case credit
    /// A correction by an admin, positive or negative.
    case adjustment
    /// A hold for a task, taken before it goes upstream.
    case reserve
    /// What a finished task cost, taken out of its hold.
    case charge
    /// The part of a hold that was not charged, given back.
    case release
    /// A success reported after the task was expired and released: charged explicitly, outside any hold.
    case lateCharge = "late_charge"
    /// A credit grant given (docs/money.md): money with a priority and an optional expiry.
    case grant
    /// What was left of a grant at its expiry, or released onto it after its expiry.
    case grantExpire = "grant_expire"
    /// What was left of a grant when it was voided, or released onto it after the void.
    case grantVoid = "grant_void"
}

public struct LedgerEntry: Sendable {
    public var tenantID: UUID
    public var keyID: UUID?
    public var taskID: UUID?
    public var kind: LedgerKind
    public var amountMicros: Int64
    public var reason: String?
    public var idempotencyKey: String?
    public var actor: String?
    /// The grant a grant, grant_expire or grant_void row moves.
    public var grantID: UUID?

    public init(tenantID: UUID, keyID: UUID? = nil, taskID: UUID? = nil, kind: LedgerKind, amountMicros: Int64,
                reason: String? = nil, idempotencyKey: String? = nil, actor: String? = nil, grantID: UUID? = nil) {
        self.tenantID = tenantID
        self.keyID = keyID
        self.taskID = taskID
        self.kind = kind
        self.amountMicros = amountMicros
        self.reason = reason
        self.idempotencyKey = idempotencyKey
        self.actor = actor
        self.grantID = grantID
    }

    /// How this entry moves the cached balances: (credits, charged, reserved).
    var balanceDeltas: (credits: Int64, charged: Int64, reserved: Int64) {
        switch kind {
        case .credit, .adjustment: (amountMicros, 0, 0)
        case .reserve: (0, 0, amountMicros)
        case .charge: (0, amountMicros, -amountMicros)
        case .release: (0, 0, -amountMicros)
        case .lateCharge: (0, amountMicros, 0)
        case .grant, .grantExpire, .grantVoid: (0, 0, 0)
        }
    }

    /// How this entry moves the tenant's cached net grants (granted − expired − voided).
    var grantedDelta: Int64 {
        switch kind {
        case .grant: amountMicros
        case .grantExpire, .grantVoid: -amountMicros
        default: 0
        }
    }
}
