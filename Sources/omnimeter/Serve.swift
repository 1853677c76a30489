import ArgumentParser
import Gateway
import Hummingbird
import Postgres
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway (applies pending migrations first).")

    func run() async throws {
        let config = Startup.config()
        let logger = Startup.logger("omnimeter")
        let pool = PostgresPool(url: config.databaseURL, maxConnections: config.databasePoolSize, logger: logger,
                                preparedStatements: config.preparedStatements)
        do {
            _ = try await Startup.migrate(pool, logger: logger)
        } catch {
            Startup.databaseFailure("serve", config, error)
        }
        GatewayMetrics.bootstrap()  // once per process: swift-metrics allows a single backend
        // reports and listings on the replica when one is configured; money stays on `pool`
        let readPool = config.hasReadReplica
            ? PostgresPool(url: config.readDatabaseURL, maxConnections: config.databasePoolSize, logger: logger,
                           preparedStatements: config.preparedStatements) : nil
        let gateway = Gateway(config: config, pool: pool, readPool: readPool, logger: logger)
        let group = ServiceGroup(
            services: [gateway.makeApplication()] + gateway.makeBackgroundServices(),
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        try await group.run()
        await readPool?.close()
        await pool.close()
    }
}
