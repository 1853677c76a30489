import Accounting
import Foundation
import Postgres
import Testing

/// bench/reserve_settle.pgbench is the money path's SQL, statement for statement, as the code sends it
/// (reserve, submitted, settle of a five-second std video on a tenant with no limits): compared here
/// with what `TaskStore` actually sends, so the benchmark cannot drift from the code.
@Suite struct BenchScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Values, bound parameters and pgbench variables all become `?` (with any cast after them), and
    /// whitespace one space: what is left is the statement's shape, which must be the same.
    static func shape(_ sql: String) -> String {
        var text = sql
        let rules: [(String, String)] = [
            (#"'(?:[^']|'')*'"#, "?"),
            (#"\$[0-9]+"#, "?"),
            (#"(?<![:A-Za-z0-9_]):[A-Za-z_][A-Za-z0-9_]*"#, "?"),
            (#"\bNULL\b"#, "?"),
            (#"\?(?:::[a-z_0-9]+(?:\[\])?)+"#, "?"),
            (#"\s+"#, " "),
            (#" ?([()\[\],]) ?"#, "$1"),
        ]
        for (pattern, replacement) in rules {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: ";")).trimmingCharacters(in: .whitespaces)
    }

    /// The script's statements from its first BEGIN (what comes before only makes the ids), grouped by
    /// round trip: `\startpipeline` ... `\endpipeline` is one, a statement outside a pipeline another.
    /// Comments and other meta-commands dropped; a statement ends at `;` or at `\gset`.
    static func scriptRoundTrips(_ script: String) -> [[String]] {
        var trips: [[String]] = []
        var pipeline: [String]?
        var current = ""
        func end(_ statement: String) {
            if pipeline != nil { pipeline!.append(statement) } else { trips.append([statement]) }
            current = ""
        }
        for line in script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current.isEmpty, trimmed == "\\startpipeline" { pipeline = []; continue }
            if current.isEmpty, trimmed == "\\endpipeline" {
                trips.append(pipeline ?? [])
                pipeline = nil
                continue
            }
            if trimmed.isEmpty || trimmed.hasPrefix("--") || (current.isEmpty && trimmed.hasPrefix("\\")) { continue }
            if trimmed.hasSuffix("\\gset") || trimmed.range(of: #"\\gset [a-z_]+$"#, options: .regularExpression) != nil {
                end(current + " " + trimmed.replacingOccurrences(of: #"\\gset.*$"#, with: "", options: .regularExpression))
            } else if trimmed.hasSuffix(";") {
                end(current + " " + trimmed)
            } else {
                current += " " + trimmed
            }
        }
        guard let begin = trips.firstIndex(where: { $0.contains { shape($0).hasPrefix("BEGIN") } }) else { return [] }
        return Array(trips[begin...])
    }

    @Test func thePgbenchScriptSendsTheCodesStatements() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 1_000_000_000)
        let store = TaskStore(pool: pool)
        let body = #"{"prompt":"a fox running through fresh snow","mode":"std","duration":"5","aspect_ratio":"16:9"}"#
        let log = PostgresStatementLog()
        try await PostgresStatementLog.$current.withValue(log) {
            let task = try await store.reserve(try Fixtures.videoReservation(key, body)).task
            #expect(task.reservedMicros == 420_000)
            try await store.markSubmitted(task, upstreamTaskID: "up-\(task.id)", nextPollAfter: 0.5)
            let settled = try await store.settle(taskID: task.id, outcome: Fixtures.succeeded(420_000, seconds: 5))
            guard case .settled(let record) = settled else { Issue.record("not settled: \(settled)"); return }
            #expect(record.chargedMicros == 420_000 && record.releasedMicros == 0)
        }
        let code = log.statements.map(Self.shape)
        let trips = Self.scriptRoundTrips(try String(contentsOf: Self.root.appendingPathComponent("bench/reserve_settle.pgbench"), encoding: .utf8))
        let script = trips.flatMap { $0 }.map(Self.shape)
        // the same round trips too: a pipeline in the code is one in the script (reserve 2, submitted 1, settle 2)
        #expect(log.roundTrips.map(\.count) == trips.map(\.count), "round trips: code \(log.roundTrips.map(\.count)), script \(trips.map(\.count))")
        #expect(log.roundTrips.count == 5, "the money path took \(log.roundTrips.count) round trips")
        #expect(code.count == script.count, "the code sent \(code.count) statements, the script has \(script.count)")
        for (index, (sent, scripted)) in zip(code, script).enumerated() {
            #expect(sent == scripted, "statement \(index + 1) differs:\ncode:   \(sent)\nscript: \(scripted)")
        }
        if code.count != script.count {
            let listing = log.statements.enumerated().map { "\($0.offset + 1): \($0.element)" }.joined(separator: "\n")
            Issue.record("the code's statements:\n\(listing)")
        }
    }

    /// The comparison sees pipelines: a statement moved out of one is a different script.
    @Test func theScriptsRoundTripsAreItsPipelines() {
        let script = """
            SELECT 1 AS x \\gset
            \\startpipeline
            BEGIN;
            SELECT a
              FROM t;
            \\endpipeline
            UPDATE t SET a = 1;
            \\startpipeline
            COMMIT;
            \\endpipeline
            """
        let trips = Self.scriptRoundTrips(script).map { $0.map(Self.shape) }
        #expect(trips == [["BEGIN", "SELECT a FROM t"], ["UPDATE t SET a = 1"], ["COMMIT"]])
    }

    /// A tenant and key with no rate or concurrency limit, and no external_task_id: reserving counts nothing.
    @Test func reservingWithoutLimitsRunsNoCountingQuery() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let log = PostgresStatementLog()
        try await PostgresStatementLog.$current.withValue(log) {
            _ = try await TaskStore(pool: pool).reserve(try Fixtures.videoReservation(key, Fixtures.o1Pro5s))
        }
        #expect(!log.statements.isEmpty)
        #expect(!log.statements.contains { $0.contains("count(*) FROM tasks") || $0.contains("FROM tasks WHERE key_id") }, "\(log.statements)")
    }

    /// With a tenant concurrency limit only, the count runs, and refuses at the limit as before.
    @Test func aConcurrencyLimitStillCountsAndRefuses() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, limits: Fixtures.Limits(tenantConcurrency: 1))
        let store = TaskStore(pool: pool)
        _ = try await store.reserve(try Fixtures.videoReservation(key, Fixtures.o1Pro5s))
        await #expect(throws: ReservationRefusal.concurrencyLimited("tenant")) {
            _ = try await store.reserve(try Fixtures.videoReservation(key, Fixtures.o1Pro5s))
        }
    }
}
