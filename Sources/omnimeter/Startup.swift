import Foundation
import Gateway
import Logging
import Postgres

/// What every command shares: configuration, logging, the pool, the migrations, and how a database
/// failure is told (naming the database, never its password).
enum Startup {
    /// Reads the configuration or stops the program with one line naming the variable. Every command
    /// that touches the database reads it here, so all use the same database.
    static func config() -> GatewayConfig {
        do {
            return try GatewayConfig.fromEnvironment()
        } catch {
            fail("omnimeter: bad configuration: \(error)")
        }
    }

    static func fail(_ line: String) -> Never {
        FileHandle.standardError.write(Data((line + "\n").utf8))
        exit(2)
    }

    /// One line: the command, the database it could not use (without password), what went wrong.
    static func databaseFailure(_ command: String, _ config: GatewayConfig, _ error: any Error) -> Never {
        var problem = "\(error)"
        if let error = error as? PostgresError, error.sqlState == "42P01" {
            // an undefined table: the database is reachable but is not omnimeter's, or not migrated yet
            problem = "it has no omnimeter tables (\(error.message)); is OMNIMETER_DATABASE_URL the database `omnimeter serve` uses? "
                + "`omnimeter migrate` prepares a new one"
        }
        fail("omnimeter \(command): database \(config.databaseName): \(problem)")
    }

    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        let level = ProcessInfo.processInfo.environment["OMNIMETER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = level ?? .info
        return logger
    }

    static func migrate(_ pool: PostgresPool, logger: Logger) async throws -> [String] {
        guard let directory = Migrator.locateDirectory() else {
            fail("omnimeter: cannot find the sql/ migrations folder; set OMNIMETER_MIGRATIONS_DIR")
        }
        return try await Migrator(directory: directory, logger: logger).migrate(pool)
    }
}
