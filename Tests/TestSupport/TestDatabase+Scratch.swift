import Foundation
import Postgres

/// Databases of a test's own: empty (migrations), migrated (checks over a whole database), or a copy of
/// a migrated template (a gateway whose poller follows every task of its database). Names are made here
/// from UUIDs, never from input: CREATE DATABASE takes no parameters.
extension TestDatabase {
    /// A new empty database; the caller drops it.
    public static func createScratchDatabase() async throws -> (url: String, drop: @Sendable () async -> Void) {
        let name = "omnimeter_scratch_\(uniqueSuffix())"
        try await admin { try await $0.executeScript("CREATE DATABASE \(name)") }
        return (try urlOf(name), { await drop(name) })
    }

    /// A new migrated database and a pool on it; `drop` closes the pool and drops the database.
    public static func migratedScratchDatabase(prefix: String = "omnimeter_private", maxConnections: Int = 8)
        async throws -> (pool: PostgresPool, drop: @Sendable () async -> Void)
    {
        let name = "\(prefix)_\(uniqueSuffix())"
        try await admin { try await $0.executeScript("CREATE DATABASE \(name)") }
        let pool = PostgresPool(url: try urlOf(name), maxConnections: maxConnections)
        try await Migrator(directory: migrationsDirectory).migrate(pool)
        return (pool, {
            await pool.close()
            await drop(name)
        })
    }

    /// A new database copied from a template migrated once per run: quicker than migrating each.
    public static func fresh(prefix: String = "omnimeter_gw") async throws -> (name: String, url: String) {
        let template = try await migratedTemplate.value
        let name = "\(prefix)_\(uniqueSuffix())"
        for attempt in 1...20 {
            do {
                try await admin { try await $0.executeScript("CREATE DATABASE \(name) TEMPLATE \(template)") }
                break
            } catch let error as PostgresError where error.sqlState == "55006" && attempt < 20 {
                try await Task.sleep(for: .milliseconds(50 * attempt))  // the template is busy being copied
            }
        }
        return (name, try urlOf(name))
    }

    public static func drop(_ name: String) async {
        _ = try? await admin { try await $0.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }

    /// No connection stays open on the template, so it can be copied.
    private static let migratedTemplate = Task<String, Error> {
        let name = "omnimeter_gw_template_\(ProcessInfo.processInfo.processIdentifier)"
        await drop(name)
        try await admin { try await $0.executeScript("CREATE DATABASE \(name)") }
        let pool = PostgresPool(url: try urlOf(name), maxConnections: 1)
        do {
            try await Migrator(directory: migrationsDirectory).migrate(pool)
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
        return name
    }

    private static func admin(_ body: @Sendable (PostgresConnection) async throws -> Void) async throws {
        let admin = PostgresPool(url: try adminURL(), maxConnections: 1)
        do {
            try await admin.withConnection(body)
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
    }

    private static func uniqueSuffix() -> String {
        String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))
    }
}
