import Crypto
import Foundation
import Postgres

/// Imports of upstream bills (docs/channels.md, "Cost, margin and bills"): parse, match to the channel's
/// tasks by upstream id, and keep the import and its answer, audited, in one transaction. A bill that
/// cannot be read is refused before anything is stored.
public struct BillStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// nil: no such channel. Throws `BillError` for a bill it cannot read.
    public func importBill(channelID: String, body: [UInt8], actor: String) async throws -> BillImport? {
        let lines = try BillCSV.parse(body)
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        let ids = try PostgresJSON(encoding: Array(Set(lines.map(\.upstreamTaskID))))
        return try await pool.transaction { connection -> BillImport? in
            guard try await ChannelCostBook.exists(channelID, on: connection) else { return nil }
            // a task with no recorded channel that reached the upstream was made by the built-in one
            let rows = try await connection.query("""
                SELECT id, tenant_id, upstream_task_id, state, charged_micros + late_charged_micros AS charged_micros, cost_micros
                FROM tasks
                WHERE upstream_task_id IN (SELECT jsonb_array_elements_text(\(ids)))
                  AND (channel_id = \(channelID) OR (\(channelID) = 'default' AND channel_id IS NULL))
                ORDER BY created_at
                """)
            var tasks: [String: BilledTask] = [:]
            for row in rows {
                let upstreamID = try row.decode(String.self, "upstream_task_id")
                guard tasks[upstreamID] == nil else { continue }
                let stateText = try row.decode(String.self, "state")
                guard let state = TaskState(rawValue: stateText) else { throw PostgresError(.decoding, message: "unknown task state \(stateText)") }
                tasks[upstreamID] = BilledTask(id: try row.decode(UUID.self, "id"), tenantID: try row.decode(UUID.self, "tenant_id"),
                                               upstreamTaskID: upstreamID, state: state,
                                               chargedMicros: try row.decode(Int64.self, "charged_micros"),
                                               costMicros: try row.decode(Int64?.self, "cost_micros"))
            }
            let result = try BillMatching.match(lines, tasks: tasks)
            let stored = try await connection.queryFirst("""
                INSERT INTO channel_bills (channel_id, imported_by, digest, lines, matched, billed_micros, cost_micros, result)
                VALUES (\(channelID), \(actor), \(digest), \(result.lines), \(result.matched), \(result.billedMicros), \(result.costMicros),
                        \(try PostgresJSON(encoding: result)))
                RETURNING \(unescaped: BillImport.columns)
                """).expected("bill insert")
            let bill = try BillImport(row: stored)
            try await AuditLog.record(actor: actor, action: "channel.bill_import", resourceType: "bill", resourceID: bill.id.text,
                                      before: nil, after: bill.summary, on: connection)
            return bill
        }
    }

    /// A channel's imports, newest first; nil: no such channel.
    public func list(channelID: String) async throws -> [BillSummary]? {
        try await pool.withConnection { connection -> [BillSummary]? in
            guard try await ChannelCostBook.exists(channelID, on: connection) else { return nil }
            return try await connection.query("""
                SELECT \(unescaped: BillImport.columns) FROM channel_bills WHERE channel_id = \(channelID)
                ORDER BY imported_at DESC, id DESC LIMIT 1000
                """).map { try BillImport(row: $0).summary }
        }
    }

    public func get(_ id: UUID) async throws -> BillImport? {
        try await pool.queryFirst("SELECT \(unescaped: BillImport.columns) FROM channel_bills WHERE id = \(id)").map(BillImport.init(row:))
    }
}
