import Foundation

/// Configuration from the environment (README.md, "Configuration").
/// A bad value stops the program at start with one line naming the variable.
public struct GatewayConfig: Sendable {
    public var databaseURL: String
    /// Reports, exports and listings read here (`OMNIMETER_READ_DATABASE_URL`, default the primary);
    /// money decisions never do (`deploy/README.md`, "Read replica").
    public var readDatabaseURL: String
    public var listenHost: String
    public var listenPort: Int
    public var adminToken: String?
    public var upstreamURL: URL?
    public var upstreamKey: String?
    public var publicURL: URL?
    public var pollInterval: Duration
    public var taskTimeout: Duration
    public var allowPrivateCallbacks: Bool
    /// Connections this process keeps to PostgreSQL (`OMNIMETER_DB_POOL_SIZE`).
    public var databasePoolSize: Int
    /// A name for this process in leases and logs (`OMNIMETER_INSTANCE_ID`, default host and pid).
    public var instanceID: String
    /// Safety limits (docs/security.md): attempts before a callback is given up, open HTTP connections,
    /// CSV exports at once, and the bearer token `/metrics` asks for (nil: open).
    public var deliveryMaxAttempts: Int = 8
    public var maxConnections: Int = 4096
    public var maxExports: Int = 2
    public var metricsToken: String?
    /// A CSV download whose client reads nothing for this long is aborted (`OMNIMETER_EXPORT_STALL_S`, for tests).
    public var exportStallTimeout: Duration = .seconds(30)
    /// Finished deliveries and their events are deleted this many days after they finished
    /// (`OMNIMETER_DELIVERY_RETENTION_DAYS`; nil, the default: kept for ever). docs/events.md, "Retention".
    public var deliveryRetentionDays: Int?
    /// Named prepared statements on the database sessions (`OMNIMETER_DB_PREPARED_STATEMENTS`, 1 by
    /// default). They turn themselves off behind a pooler that switches sessions; 0 never uses them.
    public var preparedStatements = true

    /// True when reads have a database of their own (a replica) rather than the primary.
    public var hasReadReplica: Bool { readDatabaseURL != databaseURL }

    public static let defaultDatabaseURL = "postgresql://postgres@127.0.0.1:54329/omnimeter"

    /// The database of `scripts/run.sh` (`scripts/pg.sh url`): its port follows `OMNIMETER_PG_PORT`, so
    /// that every command run in the same shell as the scripts finds the same database.
    public static func defaultDatabaseURL(pgPort: String?) -> String {
        guard let pgPort, let port = Int(pgPort), (1...65535).contains(port) else { return defaultDatabaseURL }
        return "postgresql://postgres@127.0.0.1:\(port)/omnimeter"
    }

    /// The database, named for messages: without its password.
    public var databaseName: String { DatabaseName.redacted(databaseURL) }

    public struct Invalid: Error, CustomStringConvertible {
        public var variable: String
        public var problem: String
        public var description: String { "\(variable): \(problem)" }
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GatewayConfig {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func positiveInt(_ name: String, default fallback: Int, max: Int = Int(Int32.max)) throws -> Int {
            guard let text = value(name) else { return fallback }
            guard let number = Int(text), number > 0, number <= max else {
                throw Invalid(variable: name, problem: "expected a whole number from 1 to \(max), got \(text.debugDescription)")
            }
            return number
        }
        func httpURL(_ name: String) throws -> URL? {
            guard let text = value(name) else { return nil }
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
                throw Invalid(variable: name, problem: "expected an http:// or https:// URL, got \(text.debugDescription)")
            }
            return url
        }

        let listen = value("OMNIMETER_LISTEN") ?? "127.0.0.1:8080"
        guard let (host, port) = parseHostPort(listen) else {
            throw Invalid(variable: "OMNIMETER_LISTEN", problem: "expected HOST:PORT with a port from 0 to 65535, got \(listen.debugDescription)")
        }
        let allowPrivate: Bool
        switch value("OMNIMETER_ALLOW_PRIVATE_CALLBACKS") ?? "0" {
        case "0": allowPrivate = false
        case "1": allowPrivate = true
        case let other: throw Invalid(variable: "OMNIMETER_ALLOW_PRIVATE_CALLBACKS", problem: "expected 0 or 1, got \(other.debugDescription)")
        }
        if let pgPort = value("OMNIMETER_PG_PORT"), Int(pgPort).map({ !(1...65535).contains($0) }) ?? true {
            throw Invalid(variable: "OMNIMETER_PG_PORT", problem: "expected a port from 1 to 65535, got \(pgPort.debugDescription)")
        }
        let databaseURL = value("OMNIMETER_DATABASE_URL") ?? defaultDatabaseURL(pgPort: value("OMNIMETER_PG_PORT"))
        var config = GatewayConfig(
            databaseURL: databaseURL,
            readDatabaseURL: value("OMNIMETER_READ_DATABASE_URL") ?? databaseURL,
            listenHost: host,
            listenPort: port,
            adminToken: value("OMNIMETER_ADMIN_TOKEN"),
            upstreamURL: try httpURL("OMNIMETER_UPSTREAM_URL"),
            upstreamKey: value("OMNIMETER_UPSTREAM_KEY"),
            publicURL: try httpURL("OMNIMETER_PUBLIC_URL"),
            pollInterval: .milliseconds(try positiveInt("OMNIMETER_POLL_INTERVAL_MS", default: 5000)),
            taskTimeout: .seconds(try positiveInt("OMNIMETER_TASK_TIMEOUT_S", default: 86400)),
            allowPrivateCallbacks: allowPrivate,
            databasePoolSize: try positiveInt("OMNIMETER_DB_POOL_SIZE", default: 16, max: 1000),
            instanceID: value("OMNIMETER_INSTANCE_ID") ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        )
        config.deliveryMaxAttempts = try positiveInt("OMNIMETER_DELIVERY_MAX_ATTEMPTS", default: 8, max: 100)
        config.maxConnections = try positiveInt("OMNIMETER_MAX_CONNECTIONS", default: 4096, max: 1_000_000)
        config.maxExports = try positiveInt("OMNIMETER_MAX_EXPORTS", default: 2, max: 1000)
        config.metricsToken = value("OMNIMETER_METRICS_TOKEN")
        config.exportStallTimeout = .seconds(try positiveInt("OMNIMETER_EXPORT_STALL_S", default: 30, max: 3600))
        switch value("OMNIMETER_DB_PREPARED_STATEMENTS") ?? "1" {
        case "0": config.preparedStatements = false
        case "1": config.preparedStatements = true
        case let other: throw Invalid(variable: "OMNIMETER_DB_PREPARED_STATEMENTS", problem: "expected 0 or 1, got \(other.debugDescription)")
        }
        if value("OMNIMETER_DELIVERY_RETENTION_DAYS") != nil {
            config.deliveryRetentionDays = try positiveInt("OMNIMETER_DELIVERY_RETENTION_DAYS", default: 0, max: 36_500)
        }
        return config
    }

    /// "HOST:PORT", "[::1]:PORT".
    public static func parseHostPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        return (host, port)
    }
}
