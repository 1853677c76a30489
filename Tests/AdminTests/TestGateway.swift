import Accounting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Kling
import Logging
import Postgres
import Testing
@_exported import TestSupport

/// Every line logged through the gateway's logger, with its metadata, to search for secrets.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        lines.append(line)
    }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        return lines.joined(separator: "\n")
    }

    var count: Int {
        lock.lock(); defer { lock.unlock() }
        return lines.count
    }

    var logger: Logger {
        var logger = Logger(label: "omnimeter.test") { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        recorder.append("\(event.level) \(event.message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
    }
}

/// An answer: its status and its body, as JSON when it is JSON.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var text: String
    var json: JSONValue

    subscript(key: String) -> JSONValue? { json[key] }
    /// `{"error":{"code":…}}` of an admin error.
    var errorCode: String? { json["error"]?["code"]?.stringValue }
}

/// The gateway's router in-process over the test database, with a fresh bootstrap token and a log recorder.
struct TestGateway: Sendable {
    static let bootstrapToken = Secrets.generate(prefix: "omt_")

    let pool: PostgresPool
    let logs = LogRecorder()
    let adminToken: String?

    init(adminToken: String? = TestGateway.bootstrapToken) async throws {
        pool = try await TestDatabase.pool()
        self.adminToken = adminToken
    }

    /// Runs `body` with a client of the gateway's router.
    func run<T: Sendable>(_ body: @Sendable (Client) async throws -> T) async throws -> T {
        var config = try GatewayConfig.fromEnvironment(["OMNIMETER_DATABASE_URL": pool.url])
        config.adminToken = adminToken
        let gateway = Gateway(config: config, pool: pool, logger: logs.logger)
        let app = Application(router: gateway.makeRouter(), logger: logs.logger)
        return try await app.test(.router) { client in
            try await body(Client(client: client))
        }
    }

    struct Client: Sendable {
        let client: any TestClientProtocol

        /// Sends `json` (or `raw` text) with `token` as the bearer.
        func send(_ method: HTTPRequest.Method, _ uri: String, token: String?, json: JSONValue? = nil, raw: String? = nil) async throws -> Reply {
            var headers: HTTPFields = [.contentType: "application/json"]
            if let token { headers[.authorization] = "Bearer \(token)" }
            let text = raw ?? json?.encodedString()
            let response = try await client.execute(uri: uri, method: method, headers: headers, body: text.map { ByteBuffer(string: $0) })
            let body = String(buffer: response.body)
            return Reply(status: response.status, text: body, json: (try? JSONValue.decode(Data(body.utf8))) ?? .null)
        }

        func admin(_ method: HTTPRequest.Method, _ uri: String, json: JSONValue? = nil) async throws -> Reply {
            try await send(method, uri, token: TestGateway.bootstrapToken, json: json)
        }

        /// A new tenant made by the bootstrap admin; returns its id.
        func makeTenant(_ fields: JSONValue = [:]) async throws -> String {
            var object = fields.objectValue ?? [:]
            if object["name"] == nil { object["name"] = .string("tenant \(UUID().uuidString.prefix(8))") }
            let reply = try await admin(.post, "/admin/v1/tenants", json: .object(object))
            try #require(reply.status == .created, "tenant create: \(reply.text)")
            return try #require(reply["id"]?.stringValue)
        }

        /// A new key of `tenantID`; returns its id and secret.
        func makeKey(tenantID: String, _ fields: JSONValue = [:]) async throws -> (id: String, secret: String) {
            var object = fields.objectValue ?? [:]
            if object["name"] == nil { object["name"] = "test key" }
            let reply = try await admin(.post, "/admin/v1/tenants/\(tenantID)/keys", json: .object(object))
            try #require(reply.status == .created, "key create: \(reply.text)")
            return (try #require(reply["id"]?.stringValue), try #require(reply["key"]?.stringValue))
        }

        /// A new admin token of `role`; returns its id and secret.
        func makeToken(_ role: String) async throws -> (id: String, secret: String) {
            let reply = try await admin(.post, "/admin/v1/tokens", json: ["name": .string("test \(role)"), "role": .string(role)])
            try #require(reply.status == .created, "token create: \(reply.text)")
            return (try #require(reply["id"]?.stringValue), try #require(reply["token"]?.stringValue))
        }
    }
}
