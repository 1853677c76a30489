import Accounting
import Foundation
import Kling
import Postgres
import Pricing
import Testing

/// A migrated test database and helpers that make tenants, keys and tasks the way the product does:
/// through `TaskStore.reserve` and `settle`, so every task has its real ledger rows.
enum Fixtures {
    static let o1Pro5s = #"{"prompt":"a fox","aspect_ratio":"16:9"}"#  // kling-video-o1 pro 5 s: 560,000
    static let v3ProSound15s = #"{"model":"kling-v3-omni","prompt":"x","sound":"on","duration":"15","aspect_ratio":"1:1"}"#  // 2,100,000
    static let o1StdReference10s = #"{"prompt":"x","mode":"std","duration":10,"aspect_ratio":"1:1","video_list":[{"video_url":"v","refer_type":"feature"}]}"#  // 1,260,000
    static let image3 = #"{"model_name":"kling-image-o1","prompt":"x","n":3}"#  // 3 × 28,000

    /// One pool for the whole target: tests share it instead of each opening connections of its own.
    static func pool() async throws -> PostgresPool {
        try await shared.value
    }

    private static let shared = Task<PostgresPool, Error> {
        guard let url = ProcessInfo.processInfo.environment["OMNIMETER_TEST_DATABASE_URL"] else {
            throw FixtureError("OMNIMETER_TEST_DATABASE_URL is not set: run the tests with `bash scripts/test.sh`")
        }
        let migrator = PostgresPool(url: url, maxConnections: 1)
        try await Migrator(directory: repository.appendingPathComponent("sql")).migrate(migrator)
        await migrator.close()
        return PostgresPool(url: url, maxConnections: 12, acquireTimeout: .seconds(60))
    }

    /// A migrated database of its own, for checks over the whole database (reconciliation), which other
    /// tests, writing to the shared database at the same time, may break on purpose.
    static func privateDatabase() async throws -> (pool: PostgresPool, drop: @Sendable () async -> Void) {
        guard let adminURL = ProcessInfo.processInfo.environment["OMNIMETER_TEST_ADMIN_URL"],
              let url = ProcessInfo.processInfo.environment["OMNIMETER_TEST_DATABASE_URL"] else {
            throw FixtureError("OMNIMETER_TEST_ADMIN_URL is not set: run the tests with `bash scripts/test.sh`")
        }
        // the name is made here from a UUID, never from input
        let name = "omnimeter_reports_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
        let admin = PostgresPool(url: adminURL, maxConnections: 1)
        try await admin.withConnection { try await $0.executeScript("CREATE DATABASE \(name)") }
        let pool = PostgresPool(url: url.replacingOccurrences(of: "/omnimeter_test", with: "/\(name)"), maxConnections: 8)
        try await Migrator(directory: repository.appendingPathComponent("sql")).migrate(pool)
        return (pool, {
            await pool.close()
            _ = try? await admin.withConnection { try await $0.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
            await admin.close()
        })
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A UTC midnight no other test uses: reports over all tenants then see only this test's tasks.
    static func uniqueDay() -> Date {
        let day = Int.random(in: 0..<300_000)  // about 800 years of days, starting in 2100
        return Date(timeIntervalSince1970: 4_102_444_800 + Double(day) * 86_400)
    }

    /// A tenant with one key, both named as given, and `credits` micros of credit.
    static func tenant(_ pool: PostgresPool, name: String? = nil, keyName: String = "test key", credits: Int64 = 100_000_000) async throws -> AuthenticatedKey {
        let tenantID = UUID()
        let tenantName = name ?? "tenant " + tenantID.uuidString.prefix(8)
        try await pool.transaction { connection in
            try await connection.execute("INSERT INTO tenants (id, name) VALUES (\(tenantID), \(tenantName))")
            if credits > 0 {
                try await Ledger.append(LedgerEntry(tenantID: tenantID, kind: .credit, amountMicros: credits, reason: "test"), on: connection)
            }
        }
        return try await key(pool, tenantID: tenantID, tenantName: tenantName, name: keyName)
    }

    /// Another key of a tenant.
    static func key(_ pool: PostgresPool, tenantID: UUID, tenantName: String, name: String) async throws -> AuthenticatedKey {
        let keyID = UUID()
        let secret = Secrets.generate(prefix: "omk_")
        try await pool.execute("""
            INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash)
            VALUES (\(keyID), \(tenantID), \(name), \(Secrets.displayPrefix(secret)), \(PostgresBytes(Secrets.hash(secret))))
            """)
        return AuthenticatedKey(keyID: keyID, keyName: name, tenantID: tenantID, tenantName: tenantName, tenantSuspended: false, allowedModels: nil)
    }

    /// A reservation for a video or image body, priced on the default book (version 1).
    static func reservation(_ key: AuthenticatedKey, _ body: String, externalID: String? = nil) throws -> ReservationRequest {
        let taskID = UUID()
        let parsed: any OmniCreateRequest
        let endpoint: OmniEndpoint
        var mode: String?
        var resolution: String?
        var sound = false
        var reference = false
        if body.contains("kling-image") {
            let image = try ImageRequest.parse(Data(body.utf8))
            parsed = image
            endpoint = .image
            resolution = image.resolution
        } else {
            let video = try VideoRequest.parse(Data(body.utf8))
            parsed = video
            endpoint = .video
            mode = video.mode
            sound = video.sound
            reference = video.hasVideoReference
        }
        let estimate = try Pricing.estimate(parsed.priceRequest, book: .default2026)
        let upstreamBody = JSONValue.object(parsed.upstreamBody(externalTaskID: taskID.uuidString.lowercased(), callbackURL: nil))
        return ReservationRequest(
            taskID: taskID, key: key, endpoint: endpoint, model: parsed.model, mode: mode, resolution: resolution,
            sound: sound, videoReference: reference, priceVersion: 1,
            requestBody: PostgresJSON(data: upstreamBody.encodedData()), reserveMicros: estimate.reserveMicros,
            currency: "USD", estimate: try PostgresJSON(encoding: estimate), externalTaskID: externalID,
            callbackURL: nil, idempotency: nil, leaseOwner: "test")
    }

    /// Reserves a task and leaves it open.
    static func openTask(_ pool: PostgresPool, _ key: AuthenticatedKey, _ body: String = o1Pro5s, externalID: String? = nil) async throws -> TaskRecord {
        switch try await TaskStore(pool: pool).reserve(try reservation(key, body, externalID: externalID)) {
        case .reserved(let task), .replayed(let task, _): return task
        }
    }

    /// Reserves and settles a task, then moves its end to `endedAt` (tasks end "now"; reports need set times).
    /// `.succeeded` after `.expired` in `outcomes` makes a late charge.
    @discardableResult
    static func endedTask(_ pool: PostgresPool, _ key: AuthenticatedKey, _ body: String = o1Pro5s, _ outcomes: TaskOutcome...,
                          endedAt: Date, upstreamID: String? = nil, externalID: String? = nil) async throws -> TaskRecord {
        let task = try await openTask(pool, key, body, externalID: externalID)
        let store = TaskStore(pool: pool)
        for outcome in outcomes {
            _ = try await store.settle(taskID: task.id, outcome: outcome, upstream: UpstreamSnapshot(upstreamTaskID: upstreamID))
        }
        try await pool.execute("UPDATE tasks SET ended_at = \(endedAt) WHERE id = \(task.id)")
        return try #require(try await store.task(id: task.id))
    }

    static func succeeded(_ micros: Int64, seconds: Int? = nil, images: Int? = nil) -> TaskOutcome {
        .succeeded(chargeMicros: micros, billableSeconds: seconds, images: images)
    }

    /// The charge and late-charge ledger rows of these tasks, summed.
    static func ledgerCharged(_ pool: PostgresPool, tasks: [UUID]) async throws -> Int64 {
        var total: Int64 = 0
        for id in tasks {
            let row = try #require(try await pool.queryFirst("""
                SELECT COALESCE(sum(amount_micros), 0)::bigint AS charged FROM ledger_entries
                WHERE task_id = \(id) AND kind IN ('charge', 'late_charge')
                """))
            total += try row.decode(Int64.self, "charged")
        }
        return total
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Date {
    static func utc(_ text: String) -> Date {
        guard let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: text.contains("."), timeZone: .gmt)) else {
            fatalError("bad test date \(text)")
        }
        return date
    }
}
