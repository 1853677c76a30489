import Foundation
import Logging

/// Applies the numbered files of `sql/` (`001_name.sql`, ...) once each, in order, each in its own
/// transaction, recorded in `schema_migrations`. Each of those transactions first takes a
/// transaction-level advisory lock and then reads what is done, so several instances starting together
/// apply each migration once. Nothing outlives a transaction (no session lock, no `SET`), so migrations
/// also run through PgBouncer in transaction mode (`deploy/README.md`).
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public var version: Int
        public var name: String
        public var sql: String

        public init(version: Int, name: String, sql: String) {
            self.version = version
            self.name = name
            self.sql = sql
        }
    }

    /// An arbitrary constant shared by every omnimeter process: "omnimeter" in ASCII, cut to 63 bits.
    static let advisoryLockKey: Int64 = 0x6f6d6e696d6574

    public let migrations: [Migration]
    let logger: Logger

    public init(migrations: [Migration], logger: Logger = Logger(label: "omnimeter.migrate")) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Reads `NNN_name.sql` files from a folder.
    public init(directory: URL, logger: Logger = Logger(label: "omnimeter.migrate")) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var migrations: [Migration] = []
        for name in names where name.hasSuffix(".sql") {
            guard let version = Int(name.prefix { $0.isNumber }) else {
                throw PostgresError(.usage, message: "migration \(name) does not start with its number")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        let versions = migrations.map(\.version)
        guard Set(versions).count == versions.count else {
            throw PostgresError(.usage, message: "two migrations in \(directory.path) share a number")
        }
        self.init(migrations: migrations, logger: logger)
    }

    /// Finds `sql/`: `$OMNIMETER_MIGRATIONS_DIR`, else `./sql`, else a `sql/` beside the executable or
    /// in one of its parents (a built binary under `.build/…` finds the repository's), else
    /// `../share/omnimeter/sql` beside the executable (an installed layout).
    public static func locateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        func hasMigrations(_ url: URL) -> Bool {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return names.contains { $0.hasPrefix("001_") && $0.hasSuffix(".sql") }
        }
        if let configured = environment["OMNIMETER_MIGRATIONS_DIR"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("sql")]
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        candidates.append(folder.appendingPathComponent("../share/omnimeter/sql").standardized)
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent("sql"))
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first(where: hasMigrations)
    }

    /// Applies what is pending; returns the names applied by this call.
    @discardableResult
    public func migrate(_ pool: PostgresPool) async throws -> [String] {
        var applied: [String] = []
        // one migration per transaction, each under its own lock: a pooler may give every one of
        // them another server session, and a lock that lives with the transaction cannot be left behind
        while let name = try await applyNext(pool) {
            applied.append(name)
        }
        return applied
    }

    /// Under the lock, applies the first pending migration and returns its name; nil when none is left.
    private func applyNext(_ pool: PostgresPool) async throws -> String? {
        try await pool.withConnection { connection in
            try await connection.executeScript("BEGIN")
            do {
                try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.advisoryLockKey))")
                // under the lock: concurrent CREATE TABLE IF NOT EXISTS would collide inside PostgreSQL
                try await connection.executeScript("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """)
                let done = Set(try await connection.query("SELECT version FROM schema_migrations").map { try $0.decode(Int.self, "version") })
                guard let migration = migrations.first(where: { !done.contains($0.version) }) else {
                    try await connection.executeScript("COMMIT")
                    return nil
                }
                logger.info("applying migration", metadata: ["migration": "\(migration.name)"])
                do {
                    try await connection.executeScript(migration.sql)
                    try await connection.execute("INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))")
                } catch {
                    throw PostgresError(.server, sqlState: (error as? PostgresError)?.sqlState,
                                        message: "migration \(migration.name) failed: \(error)")
                }
                let status = try await connection.run("COMMIT").commandStatus
                guard status == "COMMIT" else {
                    throw PostgresError(.server, sqlState: "25P02", message: "migration \(migration.name) was rolled back")
                }
                return migration.name
            } catch {
                if !connection.isBroken { _ = try? await connection.executeScript("ROLLBACK") }
                throw error
            }
        }
    }
}
