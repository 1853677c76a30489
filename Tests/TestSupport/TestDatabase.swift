import Foundation
import Postgres

/// The databases that `scripts/test.sh` prepared: `OMNIMETER_TEST_DATABASE_URL` (shared by every test,
/// migrated once per run) and `OMNIMETER_TEST_ADMIN_URL` (to make and drop databases of one's own).
/// Tests fail, never skip, without them: a suite that skips its database tests passes while testing nothing.
public enum TestDatabase {
    public static func url() throws -> String {
        try environment("OMNIMETER_TEST_DATABASE_URL")
    }

    public static func adminURL() throws -> String {
        try environment("OMNIMETER_TEST_ADMIN_URL")
    }

    /// The URL of another database on the same server.
    public static func urlOf(_ name: String) throws -> String {
        try url().replacingOccurrences(of: "/omnimeter_test", with: "/\(name)")
    }

    static func environment(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw TestSetupError("\(name) is not set: run the tests with `bash scripts/test.sh`")
        }
        return value
    }

    /// The repository this file is in, and its migrations.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    public static var migrationsDirectory: URL { repository.appendingPathComponent("sql") }

    /// A pool on the migrated test database. With no `max`, the one pool that the whole run shares (never
    /// close it); with `max`, a pool of its own that the caller may close.
    public static func pool(max: Int? = nil, acquireTimeout: Duration = .seconds(10)) async throws -> PostgresPool {
        let shared = try await sharedPool.value
        guard let max else { return shared }
        return PostgresPool(url: try url(), maxConnections: max, acquireTimeout: acquireTimeout)
    }

    /// Migrated once per run, under the migrator's advisory lock, with the scratch tables of the Postgres
    /// layer's tests (concurrent CREATE TABLE IF NOT EXISTS can collide inside PostgreSQL, so once, here).
    private static let sharedPool = Task<PostgresPool, Error> {
        let pool = PostgresPool(url: try url(), maxConnections: 32, acquireTimeout: .seconds(60))
        try await Migrator(directory: migrationsDirectory).migrate(pool)
        try await pool.withConnection { connection in
            try await connection.executeScript("""
                CREATE TABLE IF NOT EXISTS bound_parameter_canary (id int);
                CREATE TABLE IF NOT EXISTS tx_rollback_rows (marker uuid NOT NULL);
                CREATE TABLE IF NOT EXISTS tx_serial_counters (id uuid PRIMARY KEY, n bigint NOT NULL);
                """)
        }
        return pool
    }

    /// One number from a query such as `SELECT count(*) AS n …`, on the shared pool.
    public static func number(_ query: PostgresQuery) async throws -> Int64 {
        guard let row = try await pool().queryFirst(query) else { throw TestSetupError("no row for \(query)") }
        return try row.decode(Int64.self, "n")
    }
}
