import Foundation
import Logging
import Postgres
import Testing

/// The database the test command prepared. Tests fail (never skip) without it: a suite that silently
/// skips its database tests would pass while testing nothing.
enum TestDatabase {
    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["OMNIMETER_TEST_DATABASE_URL"], !url.isEmpty else {
            throw TestSetupError("OMNIMETER_TEST_DATABASE_URL is not set: run the tests with `bash scripts/test.sh`")
        }
        return url
    }

    /// A pool on the test database, after the tables these tests share exist.
    static func pool(max: Int = 8, acquireTimeout: Duration = .seconds(10)) async throws -> PostgresPool {
        try await sharedTables.value
        return PostgresPool(url: try url(), maxConnections: max, acquireTimeout: acquireTimeout)
    }

    /// Made once per run: concurrent CREATE TABLE IF NOT EXISTS can collide inside PostgreSQL.
    private static let sharedTables = Task<Void, Error> {
        let pool = PostgresPool(url: try url(), maxConnections: 1)
        defer { Task { await pool.close() } }
        try await pool.withConnection { connection in
            try await connection.executeScript("""
                CREATE TABLE IF NOT EXISTS bound_parameter_canary (id int);
                CREATE TABLE IF NOT EXISTS tx_rollback_rows (marker uuid NOT NULL);
                CREATE TABLE IF NOT EXISTS tx_serial_counters (id uuid PRIMARY KEY, n bigint NOT NULL);
                """)
        }
    }

    /// A new empty database for a test that needs one of its own (migrations); dropped by the caller.
    static func createScratchDatabase() async throws -> (url: String, drop: @Sendable () async -> Void) {
        guard let adminURL = ProcessInfo.processInfo.environment["OMNIMETER_TEST_ADMIN_URL"] else {
            throw TestSetupError("OMNIMETER_TEST_ADMIN_URL is not set: run the tests with `bash scripts/test.sh`")
        }
        let name = "omnimeter_scratch_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = PostgresPool(url: adminURL, maxConnections: 1)
        // CREATE DATABASE takes no parameters; the name is made here from a UUID, never from input.
        try await admin.withConnection { try await $0.executeScript("CREATE DATABASE \(name)") }
        let url = try self.url().replacingOccurrences(of: "/omnimeter_test", with: "/\(name)")
        return (url, {
            _ = try? await admin.withConnection { try await $0.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
            await admin.close()
        })
    }

    static var migrationsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("sql")
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
