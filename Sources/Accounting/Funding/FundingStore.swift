import Foundation
import Postgres

/// Writes a reservation's holds and settles them, inside the reserve and settle transactions, under the
/// tenant and key locks those take first (docs/money.md). What the sources are and how a charge spreads
/// over them is decided by `FundingPlan`.
enum FundingStore {
    /// Holds `amount` on the tenant's grants and plain balance in funding order; nil when they cannot
    /// cover it (nothing was held). `plainBase` is credits − charged − reserved + credit limit, all of it.
    /// A grant past its expiry that this meets is expired here, in this transaction.
    /// The two reads `hold` decides from: the tenant's live grants, locked in id order, and what grants
    /// fund of the tenant's charges and holds. Sent by the caller in one round trip with its other reads,
    /// after the tenant and key locks (the lock order: tenant, key, grants).
    static func holdReads(tenantID: UUID) -> [PostgresQuery] {
        [
            """
            SELECT id, remaining_micros, priority, expires_at, created_at, models,
                   effective_at <= now() AS effective, COALESCE(expires_at <= now(), false) AS past_expiry
            FROM credit_grants
            WHERE tenant_id = \(tenantID) AND expired_at IS NULL AND voided_at IS NULL
              AND (remaining_micros > 0 OR expires_at <= now())
            ORDER BY id
            FOR UPDATE
            """,
            // charges and holds funded by grants are not the plain balance's
            """
            SELECT COALESCE(sum(used_micros + held_micros), 0)::bigint AS funded FROM credit_grants WHERE tenant_id = \(tenantID)
            """,
        ]
    }

    /// `reads` are the answers of `holdReads`. The holds are queued (`later`): they go with the
    /// transaction's next round trip.
    static func hold(taskID: UUID, tenantID: UUID, model: String, amount: Int64, plainBase: Int64, reads: [[PostgresRow]],
                     on connection: PostgresConnection) async throws -> [FundingHold]? {
        precondition(reads.count == 2, "hold decides from the two holdReads")
        let rows = reads[0]
        var grants: [FundingGrant] = []
        for row in rows {
            let id = try row.decode(UUID.self, "id")
            if try row.decode(Bool.self, "past_expiry") {
                try await GrantStore.expire(id, tenantID: tenantID, on: connection)
                continue
            }
            guard try row.decode(Bool.self, "effective") else { continue }
            grants.append(FundingGrant(
                id: id, remainingMicros: try row.decode(Int64.self, "remaining_micros"), priority: try row.decode(Int.self, "priority"),
                expiresAt: try row.decode(Date?.self, "expires_at"), createdAt: try row.decode(Date.self, "created_at"),
                models: try row.decode(PostgresJSON?.self, "models").map { try $0.decode([String].self) }))
        }
        let funded = try reads[1].first?.decode(Int64.self, "funded") ?? 0
        let (plain, overflow) = plainBase.addingReportingOverflow(funded)
        guard let holds = FundingPlan.holds(amount: amount, model: model, grants: grants, plainAvailableMicros: overflow ? .max : plain) else {
            return nil
        }
        for (position, hold) in holds.enumerated() {
            try await connection.later("""
                INSERT INTO funding_holds (task_id, position, tenant_id, grant_id, model, held_micros)
                VALUES (\(taskID), \(position), \(tenantID), \(hold.grantID), \(model), \(hold.amountMicros))
                """)
            if let grantID = hold.grantID {
                try await connection.later("""
                    UPDATE credit_grants SET remaining_micros = remaining_micros - \(hold.amountMicros),
                                             held_micros = held_micros + \(hold.amountMicros)
                    WHERE id = \(grantID)
                    """)
            }
        }
        return holds
    }

    /// Charges the task's open holds in order and gives the rest back where it was held: to a live
    /// grant's remainder; on an expired or voided grant it leaves at once (`grant_expire`/`grant_void`),
    /// in this transaction. A task reserved with no holds (amount 0) has nothing to do.
    /// The task's open holds, for `settle`: read under the task's lock, with the settlement's other reads.
    static func settleRead(taskID: UUID) -> PostgresQuery {
        """
            SELECT position, grant_id, held_micros FROM funding_holds
            WHERE task_id = \(taskID) AND charged_micros IS NULL ORDER BY position
            """
    }

    /// `rows` are the answer of `settleRead`. Writes to the plain balance's holds are queued; a grant's
    /// answer decides its ledger rows, so that update is a round trip of its own.
    static func settle(taskID: UUID, tenantID: UUID, charge: Int64, rows: [PostgresRow], on connection: PostgresConnection) async throws {
        let holds = try rows.map { (try $0.decode(Int.self, "position"), try $0.decode(UUID?.self, "grant_id"), try $0.decode(Int64.self, "held_micros")) }
        let split = FundingPlan.settle(charge: charge, holds: holds.map(\.2))
        for ((position, grantID, held), (charged, released)) in zip(holds, split) {
            try await connection.later("""
                UPDATE funding_holds SET charged_micros = \(charged), released_micros = \(released)
                WHERE task_id = \(taskID) AND position = \(position)
                """)
            guard let grantID else { continue }
            let row = try await connection.queryFirst("""
                UPDATE credit_grants SET
                    held_micros = held_micros - \(held), used_micros = used_micros + \(charged),
                    remaining_micros = remaining_micros + CASE WHEN voided_at IS NULL AND expired_at IS NULL
                        AND (expires_at IS NULL OR expires_at > now()) THEN \(released) ELSE 0 END,
                    voided_micros = voided_micros + CASE WHEN voided_at IS NOT NULL THEN \(released) ELSE 0 END,
                    expired_micros = expired_micros + CASE WHEN voided_at IS NULL
                        AND (expired_at IS NOT NULL OR COALESCE(expires_at <= now(), false)) THEN \(released) ELSE 0 END
                WHERE id = \(grantID)
                RETURNING voided_at IS NOT NULL AS voided,
                          (voided_at IS NULL AND (expired_at IS NOT NULL OR COALESCE(expires_at <= now(), false))) AS expired,
                          expired_at IS NULL AS unmarked
                """).expected("grant settle")
            let (voided, expired, unmarked) = try row.decode((Bool, Bool, Bool).self)
            if released > 0, voided || expired {
                try await Ledger.appendLater(LedgerEntry(tenantID: tenantID, kind: voided ? .grantVoid : .grantExpire, amountMicros: released,
                                                    reason: "released by task \(taskID.text) after the grant \(voided ? "was voided" : "expired")",
                                                    grantID: grantID), on: connection)
            }
            if expired, unmarked { try await GrantStore.expire(grantID, tenantID: tenantID, on: connection) }
        }
    }
}
