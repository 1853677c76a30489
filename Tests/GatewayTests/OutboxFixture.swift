import Accounting
import Foundation
import Postgres

/// Callbacks queued by SQL, for tests of the sender alone: a finished task per callback (so that the
/// per-task order does not serialize them) and its outbox row.
enum OutboxFixture {
    @discardableResult
    static func enqueue(_ pool: PostgresPool, tenantID: UUID, keyID: UUID, url: String, count: Int = 1) async throws -> [Int64] {
        var ids: [Int64] = []
        for _ in 0..<count {
            let taskID = UUID()
            try await pool.execute("""
                INSERT INTO tasks (id, tenant_id, key_id, endpoint, model, mode, price_version, price_request, request_body, state,
                                   reserved_micros, released_micros, ended_at)
                VALUES (\(taskID), \(tenantID), \(keyID), 'omni-video', 'kling-video-o1', 'pro',
                        (SELECT max(version) FROM price_books), '{}'::jsonb, '{}'::jsonb, 'failed', 0, 0, now())
                """)
            let row = try await pool.queryFirst("""
                INSERT INTO callback_outbox (tenant_id, task_id, url, payload)
                VALUES (\(tenantID), \(taskID), \(url), '{"task_status":"failed"}'::jsonb) RETURNING id
                """)
            ids.append(try row!.decode(Int64.self, "id"))
        }
        return ids
    }

    static func row(_ pool: PostgresPool, _ id: Int64) async throws -> (delivered: Bool, gaveUp: Bool, attempts: Int, lastStatus: Int?, lastError: String?) {
        let row = try await pool.queryFirst("""
            SELECT delivered_at IS NOT NULL AS delivered, gave_up_at IS NOT NULL AS gave_up, attempts, last_status, last_error
            FROM callback_outbox WHERE id = \(id)
            """)!
        return (try row.decode(Bool.self, "delivered"), try row.decode(Bool.self, "gave_up"), try row.decode(Int.self, "attempts"),
                try row.decode(Int?.self, "last_status"), try row.decode(String?.self, "last_error"))
    }
}

/// A resolver stub that answers from a script, one answer per call (the last one repeats), and counts calls.
final class ScriptedResolver: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [[IPAddressText]]
    private(set) var calls = 0

    typealias IPAddressText = String

    init(_ answers: [[String]]) {
        self.answers = answers
    }

    var callCount: Int { lock.withLock { calls } }

    func next() -> [String] {
        lock.withLock {
            calls += 1
            return answers.count > 1 ? answers.removeFirst() : answers[0]
        }
    }
}
