import Foundation
import Postgres

/// A closed month: after `closedAt` its statements never change.
public struct ClosedPeriod: Sendable, Encodable, Equatable {
    public var month: String
    public var closedAt: Date
    public var closedBy: String
    /// The last ledger entry counted in or before this month; later ones count after it.
    public var lastLedgerID: Int64
    public var statements: Int64

    enum CodingKeys: String, CodingKey {
        case month, statements
        case closedAt = "closed_at"
        case closedBy = "closed_by"
        case lastLedgerID = "last_ledger_id"
    }
}

public enum PeriodCloseResult: Sendable {
    case closed(ClosedPeriod)
    /// Closed before: nothing changed.
    case alreadyClosed(ClosedPeriod)
    /// Some tenant's local month has not begun yet (its name is given).
    case notBegun(tenant: String)
}

/// Closing months (README "Statements and closed periods").
public struct PeriodStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func close(_ month: StatementMonth, actor: String) async throws -> PeriodCloseResult {
        if let existing = try await period(month) { return .alreadyClosed(existing) }
        // The period is written in the transaction that holds SHARE on the ledger (docs: sql/019). SHARE
        // waits for every transaction that is writing ledger entries to end and holds new ones back until
        // this one commits: every entry up to `last` is committed, every later one is written after the
        // period is visible, so the statement rollup's trigger, which reads closed_periods when an entry
        // is written, places it after the closed month as the id rule does.
        let marked = try await pool.transaction { connection -> PeriodCloseResult? in
            if let early = try await connection.queryFirst("""
                SELECT name FROM tenants t
                WHERE (\(month.firstDay)::date::timestamp AT TIME ZONE COALESCE(to_jsonb(t) ->> 'time_zone', 'UTC')) > now()
                ORDER BY created_at LIMIT 1
                """) {
                return .notBegun(tenant: try early.decode(String.self, "name"))
            }
            try await connection.execute("LOCK TABLE ledger_entries IN SHARE MODE")
            let last = try await connection.queryFirst("SELECT COALESCE(max(id), 0)::bigint AS last FROM ledger_entries")
                .expected("ledger mark").decode(Int64.self, "last")
            guard try await connection.queryFirst("""
                INSERT INTO closed_periods (month, last_ledger_id, closed_by) VALUES (\(month.firstDay)::date, \(last), \(actor))
                ON CONFLICT (month) DO NOTHING RETURNING month
                """) != nil else {
                return .alreadyClosed(try await Self.read(month, on: connection).expected("closed period"))
            }
            return nil
        }
        if let marked { return marked }
        // The statements, stored after the lock is let go (a month closed with none stored yet computes
        // and stores each one at its first read, the same statement).
        return try await pool.transaction { connection -> PeriodCloseResult in
            for row in try await connection.query("SELECT id FROM tenants ORDER BY created_at, id") {
                let tenantID = try row.decode(UUID.self, "id")
                guard case .found(let statement, _) = try await StatementStore.compute(tenantID: tenantID, month: month, on: connection) else {
                    continue  // begun everywhere (checked above), and tenants are never deleted
                }
                try await StatementStore.store(statement, month: month, on: connection)
            }
            let period = try await Self.read(month, on: connection).expected("closed period")
            try await AuditLog.record(actor: actor, action: "period.close", resourceType: "period", resourceID: month.description,
                                      before: nil, after: period, on: connection)
            return .closed(period)
        }
    }

    public func period(_ month: StatementMonth) async throws -> ClosedPeriod? {
        try await pool.withConnection { try await Self.read(month, on: $0) }
    }

    static func read(_ month: StatementMonth, on connection: PostgresConnection) async throws -> ClosedPeriod? {
        guard let row = try await connection.queryFirst("""
            SELECT to_char(p.month, 'YYYY-MM') AS month, p.closed_at, p.closed_by, p.last_ledger_id,
                   (SELECT count(*) FROM closed_statements s WHERE s.month = p.month) AS statements
            FROM closed_periods p WHERE p.month = \(month.firstDay)::date
            """) else { return nil }
        return ClosedPeriod(month: try row.decode(String.self, "month"), closedAt: try row.decode(Date.self, "closed_at"),
                            closedBy: try row.decode(String.self, "closed_by"), lastLedgerID: try row.decode(Int64.self, "last_ledger_id"),
                            statements: try row.decode(Int64.self, "statements"))
    }
}
