import Accounting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Logging
import Postgres
import Simulator
import Testing

/// A gateway wired to a real PostgreSQL and an in-process upstream simulator on a real port.
struct Harness {
    let pool: PostgresPool
    let simulator: UpstreamSimulator
    let gateway: Gateway
    let poller: TaskPoller

    let databaseName: String

    /// Each harness has its own database (a copy of a migrated template), because a gateway's poller
    /// follows every due task in its database against its own simulator.
    static func make(simulator simulatorConfig: SimulatorConfig = SimulatorConfig(processingAfter: .milliseconds(50), taskDuration: .milliseconds(150)),
                     environment: [String: String] = [:], instanceID: String = "test-\(UUID().uuidString.prefix(8))") async throws -> Harness {
        let (databaseName, databaseURL) = try await Database.fresh()
        let pool = PostgresPool(url: databaseURL, maxConnections: 16, acquireTimeout: .seconds(60))
        let simulator = UpstreamSimulator(config: simulatorConfig)
        let port = try await simulator.start()
        var env = [
            "OMNIMETER_DATABASE_URL": databaseURL,
            "OMNIMETER_UPSTREAM_URL": "http://127.0.0.1:\(port)/kling",
            "OMNIMETER_UPSTREAM_KEY": simulatorConfig.apiKey ?? "operator-key",
            "OMNIMETER_POLL_INTERVAL_MS": "50",
            "OMNIMETER_INSTANCE_ID": instanceID,
        ]
        env.merge(environment) { $1 }
        let config = try GatewayConfig.fromEnvironment(env)
        var logger = Logger(label: "gateway-test")
        logger.logLevel = .warning
        let gateway = Gateway(config: config, pool: pool, logger: logger)
        return Harness(pool: pool, simulator: simulator, gateway: gateway, poller: try #require(gateway.makePoller()), databaseName: databaseName)
    }

    func stop() async {
        await simulator.stop()
        await pool.close()
        await Database.drop(databaseName)
    }

    /// Runs `body` with a client of the gateway's router.
    func withClient(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: gateway.makeRouter())
        try await app.test(.router) { client in try await body(client) }
    }

    /// Polls until none of the tenant's tasks is open (or gives up after `seconds`).
    func settleAll(tenantID: UUID, seconds: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            await poller.pollOnce()
            let open = try await pool.queryFirst("""
                SELECT count(*) AS n FROM tasks WHERE tenant_id = \(tenantID) AND state IN ('reserved', 'submitted', 'processing')
                """)?.decode(Int64.self, "n") ?? 0
            if open == 0 { return }
            try await Task.sleep(for: .milliseconds(40))
        }
        Issue.record("tasks of tenant \(tenantID) still open after \(seconds) s")
    }
}

struct Reply: Sendable {
    var status: Int
    var json: JSONValue
    var headers: HTTPFields

    var code: Int64? { json["code"]?.int64Value }
    var data: JSONValue? { json["data"] }
    var taskID: String? { data?["task_id"]?.stringValue }
    func billing(_ field: String) -> Int64? { data?["billing"]?[field]?.int64Value }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ path: String, key: String?, body: String? = nil, headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        headers[.contentType] = "application/json"
        return try await execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let json = (try? JSONValue.decode(Data(buffer: response.body))) ?? .null
            return Reply(status: Int(response.status.code), json: json, headers: response.headers)
        }
    }
}

/// The test database, migrated once per run.
enum Database {
    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["OMNIMETER_TEST_DATABASE_URL"], !url.isEmpty else {
            throw HarnessError("OMNIMETER_TEST_DATABASE_URL is not set: run the tests with `bash scripts/test.sh`")
        }
        return url
    }

    static func adminURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["OMNIMETER_TEST_ADMIN_URL"], !url.isEmpty else {
            throw HarnessError("OMNIMETER_TEST_ADMIN_URL is not set: run the tests with `bash scripts/test.sh`")
        }
        return url
    }

    static func urlOf(_ name: String) throws -> String {
        try url().replacingOccurrences(of: "/omnimeter_test", with: "/\(name)")
    }

    /// A new database copied from the migrated template; names are made here, never from input.
    static func fresh() async throws -> (name: String, url: String) {
        let template = try await migratedTemplate.value
        let name = "omnimeter_gw_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
        let admin = PostgresPool(url: try adminURL(), maxConnections: 1)
        defer { Task { await admin.close() } }
        for attempt in 1...20 {
            do {
                try await admin.withConnection { try await $0.executeScript("CREATE DATABASE \(name) TEMPLATE \(template)") }
                break
            } catch let error as PostgresError where error.sqlState == "55006" && attempt < 20 {
                try await Task.sleep(for: .milliseconds(50 * attempt)) // the template is busy being copied
            }
        }
        return (name, try urlOf(name))
    }

    static func drop(_ name: String) async {
        guard let adminURL = try? adminURL() else { return }
        let admin = PostgresPool(url: adminURL, maxConnections: 1)
        _ = try? await admin.withConnection { try await $0.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        await admin.close()
    }

    /// Made and migrated once per run; no connection stays open on it, so it can be copied.
    private static let migratedTemplate = Task<String, Error> {
        let name = "omnimeter_gw_template_\(ProcessInfo.processInfo.processIdentifier)"
        await drop(name)
        let admin = PostgresPool(url: try adminURL(), maxConnections: 1)
        try await admin.withConnection { try await $0.executeScript("CREATE DATABASE \(name)") }
        await admin.close()
        let pool = PostgresPool(url: try urlOf(name), maxConnections: 1)
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("sql")
        do {
            try await Migrator(directory: directory).migrate(pool)
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
        return name
    }

    /// A tenant with credit and one key; returns the key's secret and ids.
    static func tenant(_ pool: PostgresPool, credits: Int64, creditLimit: Int64 = 0, keyConcurrency: Int? = nil,
                       callbackURL: String? = nil) async throws -> (secret: String, tenantID: UUID, keyID: UUID) {
        let tenantID = UUID()
        let keyID = UUID()
        let secret = Secrets.generate(prefix: "omk_")
        try await pool.transaction { connection in
            try await connection.execute("""
                INSERT INTO tenants (id, name, credit_limit_micros, callback_url)
                VALUES (\(tenantID), \("gateway test " + tenantID.uuidString.prefix(8)), \(creditLimit), \(callbackURL))
                """)
            try await connection.execute("""
                INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash, max_concurrent_tasks)
                VALUES (\(keyID), \(tenantID), 'key', \(Secrets.displayPrefix(secret)), \(PostgresBytes(Secrets.hash(secret))), \(keyConcurrency))
                """)
            if credits > 0 {
                try await Ledger.append(LedgerEntry(tenantID: tenantID, kind: .credit, amountMicros: credits, reason: "test"), on: connection)
            }
        }
        return (secret, tenantID, keyID)
    }

    struct Balance: Equatable { var credits: Int64, charged: Int64, reserved: Int64 }

    static func balance(_ pool: PostgresPool, _ tenantID: UUID) async throws -> Balance {
        let row = try #require(try await pool.queryFirst("SELECT credits_micros, charged_micros, reserved_micros FROM tenants WHERE id = \(tenantID)"))
        let (credits, charged, reserved) = try row.decode((Int64, Int64, Int64).self)
        return Balance(credits: credits, charged: charged, reserved: reserved)
    }

    /// The same, from the ledger alone: the two must always agree.
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

    /// The ledger rows of one task, kind → amount; fails the test if a kind appears twice.
    static func ledgerKinds(_ pool: PostgresPool, taskID: String) async throws -> [String: Int64] {
        let id = try #require(UUID(uuidString: taskID))
        var kinds: [String: Int64] = [:]
        for row in try await pool.query("SELECT kind, amount_micros FROM ledger_entries WHERE task_id = \(id)") {
            let (kind, amount) = try row.decode((String, Int64).self)
            #expect(kinds[kind] == nil, "two \(kind) rows for one task")
            kinds[kind] = amount
        }
        return kinds
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
