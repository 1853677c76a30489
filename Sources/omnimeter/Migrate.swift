import ArgumentParser
import Postgres

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations from sql/ and exit.")

    func run() async throws {
        let config = Startup.config()
        let logger = Startup.logger("omnimeter.migrate")
        let pool = PostgresPool(url: config.databaseURL, maxConnections: 1, preparedStatements: false)
        do {
            let applied = try await Startup.migrate(pool, logger: logger)
            print(applied.isEmpty ? "migrate: nothing to apply" : "migrate: applied \(applied.joined(separator: ", "))")
        } catch {
            await pool.close()
            Startup.databaseFailure("migrate", config, error)
        }
        await pool.close()
    }
}
