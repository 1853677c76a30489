import Foundation
import Postgres

/// A top-up or adjustment as the admin API answers it: the ledger entry and the balance after it.
public struct CreditReceipt: Sendable, Encodable {
    public var id: Int64
    public var tenantID: UUID
    /// `credit` (positive) or `adjustment` (negative).
    public var kind: LedgerKind
    public var amountMicros: Int64
    public var reason: String?
    public var idempotencyKey: String?
    public var createdAt: Date
    public var balance: Balance

    enum CodingKeys: String, CodingKey {
        case id, kind, reason, balance
        case tenantID = "tenant_id"
        case amountMicros = "amount_micros"
        case idempotencyKey = "idempotency_key"
        case createdAt = "created_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(tenantID.text, forKey: .tenantID)
        try container.encode(kind, forKey: .kind)
        try container.encode(amountMicros, forKey: .amountMicros)
        try container.encode(reason, forKey: .reason)
        try container.encode(idempotencyKey, forKey: .idempotencyKey)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(balance, forKey: .balance)
    }
}

public enum CreditError: Error, Sendable, Equatable {
    /// The idempotency key was used before for this tenant with another amount.
    case idempotencyKeyReused(existingAmountMicros: Int64)
}

/// Admin top-ups (positive) and adjustments (negative), through Ledger.append.
public struct CreditStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The receipt, and whether this call wrote it (false: an earlier call with the same idempotency key
    /// did, and nothing was written now). nil: no such tenant. Throws `CreditError` on a reused key.
    public func add(tenantID: UUID, amountMicros: Int64, reason: String, idempotencyKey: String?, actor: String)
        async throws -> (receipt: CreditReceipt, created: Bool)?
    {
        precondition(amountMicros != 0, "a zero credit moves nothing")
        do {
            return try await write(tenantID, amountMicros, reason, idempotencyKey, actor)
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "ledger_credit_idempotency" {
            // Cannot happen while writers lock the tenant row first, but the index is the last word:
            // the other writer committed, so running again finds its entry.
            return try await write(tenantID, amountMicros, reason, idempotencyKey, actor)
        }
    }

    private func write(_ tenantID: UUID, _ amountMicros: Int64, _ reason: String, _ idempotencyKey: String?, _ actor: String)
        async throws -> (receipt: CreditReceipt, created: Bool)?
    {
        try await pool.transaction { connection -> (receipt: CreditReceipt, created: Bool)? in
            // The tenant lock serializes concurrent retries of one key: the second sees the first's entry.
            guard let before = try await TenantStore.read(tenantID, on: connection, forUpdate: true) else { return nil }
            if let idempotencyKey, let row = try await connection.queryFirst("""
                SELECT id, tenant_id, kind, amount_micros, reason, idempotency_key, created_at FROM ledger_entries
                WHERE tenant_id = \(tenantID) AND idempotency_key = \(idempotencyKey)
                """) {
                let existing = try Self.receipt(row, balance: before.balance)
                guard existing.amountMicros == amountMicros else {
                    throw CreditError.idempotencyKeyReused(existingAmountMicros: existing.amountMicros)
                }
                return (existing, false)
            }
            try before.balance.check(addingCredits: amountMicros, creditLimit: before.settings.creditLimitMicros, field: "amount_micros")
            let entry = LedgerEntry(tenantID: tenantID, kind: amountMicros > 0 ? .credit : .adjustment, amountMicros: amountMicros,
                                    reason: reason, idempotencyKey: idempotencyKey, actor: actor)
            let id = try await Ledger.append(entry, on: connection)
            try await AlertEvents.afterBalanceChange(tenantID: tenantID, on: connection)
            let after = try await TenantStore.read(tenantID, on: connection).expected("tenant read")
            let row = try await connection.queryFirst("""
                SELECT id, tenant_id, kind, amount_micros, reason, idempotency_key, created_at FROM ledger_entries WHERE id = \(id)
                """).expected("ledger entry read")
            let receipt = try Self.receipt(row, balance: after.balance)
            try await AuditLog.record(actor: actor, action: "tenant.credit", resourceType: "tenant",
                                      resourceID: tenantID.text, before: before.balance, after: receipt,
                                      on: connection)
            return (receipt, true)
        }
    }

    private static func receipt(_ row: PostgresRow, balance: Balance) throws -> CreditReceipt {
        let kindText = try row.decode(String.self, "kind")
        guard let kind = LedgerKind(rawValue: kindText) else {
            throw PostgresError(.decoding, message: "ledger_entries.kind: unknown kind \(kindText)")
        }
        return CreditReceipt(
            id: try row.decode(Int64.self, "id"),
            tenantID: try row.decode(UUID.self, "tenant_id"),
            kind: kind,
            amountMicros: try row.decode(Int64.self, "amount_micros"),
            reason: try row.decode(String?.self, "reason"),
            idempotencyKey: try row.decode(String?.self, "idempotency_key"),
            createdAt: try row.decode(Date.self, "created_at"),
            balance: balance
        )
    }
}
