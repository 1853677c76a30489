import Accounting
import Foundation
import Kling
import Postgres
import Pricing
import Testing

/// A migrated test database and helpers that make tenants, keys and tasks the way the product does.
enum Fixtures {
    static func pool(max: Int = 8) async throws -> PostgresPool {
        try await migrated.value
        guard let url = ProcessInfo.processInfo.environment["OMNIMETER_TEST_DATABASE_URL"] else {
            throw FixtureError("OMNIMETER_TEST_DATABASE_URL is not set: run the tests with `bash scripts/test.sh`")
        }
        return PostgresPool(url: url, maxConnections: max, acquireTimeout: .seconds(60))
    }

    /// Migrated once per run, under the migrator's advisory lock (other test targets may migrate too).
    private static let migrated = Task<Void, Error> {
        guard let url = ProcessInfo.processInfo.environment["OMNIMETER_TEST_DATABASE_URL"] else {
            throw FixtureError("OMNIMETER_TEST_DATABASE_URL is not set: run the tests with `bash scripts/test.sh`")
        }
        let pool = PostgresPool(url: url, maxConnections: 1)
        defer { Task { await pool.close() } }
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("sql")
        try await Migrator(directory: directory).migrate(pool)
    }

    struct Limits {
        var creditLimit: Int64 = 0
        var monthlyBudget: Int64?
        var tenantConcurrency: Int?
        var tenantRPM: Int?
        var keyBudget: Int64?
        var keyBudgetPeriod = "total"
        var keyConcurrency: Int?
        var keyRPM: Int?
        var allowedModels: [String]?
    }

    /// A tenant with `credits` micros of credit and one key.
    static func tenant(_ pool: PostgresPool, credits: Int64, limits: Limits = Limits()) async throws -> AuthenticatedKey {
        let tenantID = UUID()
        let keyID = UUID()
        let secret = Secrets.generate(prefix: "omk_")
        let models = try limits.allowedModels.map { try PostgresJSON(encoding: $0) }
        try await pool.transaction { connection in
            try await connection.execute("""
                INSERT INTO tenants (id, name, credit_limit_micros, monthly_budget_micros, max_concurrent_tasks, rpm_limit)
                VALUES (\(tenantID), \("tenant " + tenantID.uuidString.prefix(8)), \(limits.creditLimit), \(limits.monthlyBudget),
                        \(limits.tenantConcurrency), \(limits.tenantRPM))
                """)
            try await connection.execute("""
                INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash, budget_micros, budget_period, allowed_models, max_concurrent_tasks, rpm_limit)
                VALUES (\(keyID), \(tenantID), 'test key', \(Secrets.displayPrefix(secret)), \(PostgresBytes(Secrets.hash(secret))),
                        \(limits.keyBudget), \(limits.keyBudgetPeriod), \(models), \(limits.keyConcurrency), \(limits.keyRPM))
                """)
            if credits > 0 {
                try await Ledger.append(LedgerEntry(tenantID: tenantID, kind: .credit, amountMicros: credits, reason: "test"), on: connection)
            }
        }
        return AuthenticatedKey(keyID: keyID, keyName: "test key", tenantID: tenantID, tenantName: "t", tenantSuspended: false, allowedModels: limits.allowedModels)
    }

    /// A reservation for a parsed video body priced on the default book (version 1).
    static func videoReservation(_ key: AuthenticatedKey, _ body: String, externalID: String? = nil,
                                 idempotency: (String, [UInt8])? = nil) throws -> ReservationRequest {
        let request = try VideoRequest.parse(Data(body.utf8))
        let estimate = try Pricing.estimate(request.priceRequest, book: .default2026)
        let taskID = UUID()
        let upstreamBody = JSONValue.object(request.upstreamBody(externalTaskID: taskID.uuidString.lowercased(), callbackURL: nil))
        return ReservationRequest(
            taskID: taskID, key: key, endpoint: .video, model: request.model, mode: request.mode, resolution: nil,
            sound: request.sound, videoReference: request.hasVideoReference, priceVersion: 1,
            requestBody: PostgresJSON(data: upstreamBody.encodedData()), reserveMicros: estimate.reserveMicros,
            currency: "USD", estimate: try PostgresJSON(encoding: estimate), externalTaskID: externalID ?? request.externalTaskID,
            callbackURL: request.callbackURL, idempotency: idempotency.map { (key: $0.0, requestHash: $0.1) }, leaseOwner: "test")
    }

    struct Balance: Equatable {
        var credits: Int64, charged: Int64, reserved: Int64
    }

    /// The cached balance columns.
    static func balance(_ pool: PostgresPool, _ tenantID: UUID) async throws -> Balance {
        let row = try #require(try await pool.queryFirst("SELECT credits_micros, charged_micros, reserved_micros FROM tenants WHERE id = \(tenantID)"))
        let (credits, charged, reserved) = try row.decode((Int64, Int64, Int64).self)
        return Balance(credits: credits, charged: charged, reserved: reserved)
    }

    /// The same balance computed from the ledger alone.
    static func ledgerBalance(_ pool: PostgresPool, _ tenantID: UUID) async throws -> Balance {
        let row = try #require(try await pool.queryFirst("""
            SELECT COALESCE(sum(amount_micros) FILTER (WHERE kind IN ('credit', 'adjustment')), 0)::bigint AS credits,
                   COALESCE(sum(amount_micros) FILTER (WHERE kind IN ('charge', 'late_charge')), 0)::bigint AS charged,
                   (COALESCE(sum(amount_micros) FILTER (WHERE kind = 'reserve'), 0)
                    - COALESCE(sum(amount_micros) FILTER (WHERE kind IN ('charge', 'release')), 0))::bigint AS reserved
            FROM ledger_entries WHERE tenant_id = \(tenantID)
            """))
        let (credits, charged, reserved) = try row.decode((Int64, Int64, Int64).self)
        return Balance(credits: credits, charged: charged, reserved: reserved)
    }

    static func ledgerKinds(_ pool: PostgresPool, taskID: UUID) async throws -> [String: Int64] {
        var kinds: [String: Int64] = [:]
        for row in try await pool.query("SELECT kind, amount_micros FROM ledger_entries WHERE task_id = \(taskID)") {
            let (kind, amount) = try row.decode((String, Int64).self)
            #expect(kinds[kind] == nil, "two \(kind) rows for one task")
            kinds[kind] = amount
        }
        return kinds
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension ReservationOutcome {
    var task: TaskRecord {
        switch self {
        case .reserved(let task), .replayed(let task, _): task
        }
    }
}
