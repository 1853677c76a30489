import Foundation
import Postgres

/// An entry counted in a later month than its own because its own month was closed when it was
/// written: the reference (its task) that the printable statement shows.
public struct CarriedEntry: Sendable, Codable, Equatable {
    public var ledgerID: Int64
    public var kind: String
    public var taskID: UUID?
    public var amountMicros: Int64
    /// `YYYY-MM`, the month it would have counted in.
    public var naturalMonth: String

    enum CodingKeys: String, CodingKey {
        case kind
        case ledgerID = "ledger_id"
        case taskID = "task_id"
        case amountMicros = "amount_micros"
        case naturalMonth = "natural_month"
    }
}

public enum StatementLookup: Sendable {
    case found(Statement, carried: [CarriedEntry])
    case noSuchTenant
    /// The month has not begun in the tenant's time zone.
    case notBegun
}

/// Monthly statements: computed from the ledger while the month is open, read as stored once it is closed.
public struct StatementStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func statement(tenantID: UUID, month: StatementMonth) async throws -> StatementLookup {
        try await pool.withConnection { connection -> StatementLookup in
            let computed = try await Self.compute(tenantID: tenantID, month: month, on: connection)
            guard case .found(let live, let carried) = computed else { return computed }
            guard try await connection.queryFirst("SELECT 1 AS one FROM closed_periods WHERE month = \(month.firstDay)::date") != nil else {
                return .found(live, carried: carried)
            }
            if let stored = try await Self.stored(tenantID: tenantID, month: month, on: connection) {
                return .found(stored, carried: carried)
            }
            // A tenant made after the close: nothing can land in the month any more, so the statement
            // computed now is the one it would have had; stored on this first read, then kept.
            try await Self.store(live, month: month, on: connection)
            return .found(try await Self.stored(tenantID: tenantID, month: month, on: connection).expected("stored statement"), carried: carried)
        }
    }

    /// `fromLedger` reads the ledger itself instead of the rollup (the reference the rollup is tested against).
    static func compute(tenantID: UUID, month: StatementMonth, on connection: PostgresConnection,
                        fromLedger: Bool = false) async throws -> StatementLookup {
        let query = fromLedger ? StatementQuery.fromLedger(tenantID: tenantID, month) : StatementQuery.month(tenantID: tenantID, month)
        let row = try await connection.queryFirst(query).expected("statement")
        guard try row.decode(Bool.self, "found") else { return .noSuchTenant }
        guard try row.decode(Bool.self, "begun") else { return .notBegun }
        var sums: [String: Int64] = ["opening": try row.decode(Int64.self, "opening"), "grant": try row.decode(Int64.self, "grant_in")]
        for kind in ["credit", "adjustment", "grant_expire", "grant_void", "charge", "late_charge"] {
            sums[kind] = try row.decode(Int64.self, kind)
        }
        let statement = try Statement(tenantID: tenantID, month: month, currency: try row.decode(String.self, "currency"), sums: sums,
                                      lines: try row.decode(PostgresJSON.self, "lines").decode([StatementLine].self))
        return .found(statement, carried: try row.decode(PostgresJSON.self, "carried").decode([CarriedEntry].self))
    }

    static func stored(tenantID: UUID, month: StatementMonth, on connection: PostgresConnection) async throws -> Statement? {
        guard let row = try await connection.queryFirst("""
            SELECT document, digest FROM closed_statements WHERE tenant_id = \(tenantID) AND month = \(month.firstDay)::date
            """) else { return nil }
        var statement = try JSONDecoder().decode(Statement.self, from: Data(try row.decode(String.self, "document").utf8))
        statement.digest = try row.decode(String.self, "digest")
        return statement
    }

    /// Stores the closed form of `statement` unless one is stored already (the first one wins).
    static func store(_ statement: Statement, month: StatementMonth, on connection: PostgresConnection) async throws {
        let (document, digest) = try statement.closedDocument()
        try await connection.execute("""
            INSERT INTO closed_statements (tenant_id, month, document, digest)
            VALUES (\(statement.tenantID), \(month.firstDay)::date, \(document), \(digest))
            ON CONFLICT (tenant_id, month) DO NOTHING
            """)
    }
}
