import Foundation
import Gateway
import Logging
import Postgres

/// What `serve` and `migrate` share: configuration, logging, the pool, the migrations.
enum Startup {
    /// Reads the configuration or stops the program with one line naming the variable.
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
