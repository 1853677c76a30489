import AsyncHTTPClient
import Foundation
import Kling
import NIOCore
import NIOHTTP1
import NIOPosix

/// The Kling Omni upstream, called with the operator's credentials. Every call has a bounded timeout,
/// and every answer is classified so that only a definite refusal is ever treated as "not created".
public struct UpstreamClient: Sendable {
    public enum CreateOutcome: Sendable {
        /// The upstream made the task.
        case accepted(upstreamTaskID: String)
        /// The upstream said no: nothing was made. `code` is its Kling error code when it gave one.
        case refused(httpStatus: Int, code: Int?, message: String)
        /// The connection was never made (refused, connect timeout, no address): nothing was sent.
        case notSent(String)
        /// No answer, or one that does not tell (timeout, reset, 5xx): the task may or may not exist.
        case uncertain(String)
    }

    public enum QueryOutcome: Sendable {
        /// `data` is the upstream's whole `data` object.
        case found(UpstreamTask, data: JSONValue)
        case notFound
        /// Could not ask now (rate limit, 5xx, network): try later.
        case unavailable(String)
    }

    let http: HTTPClient
    let baseURL: String
    let auth: UpstreamAuth
    /// The channel this client calls, for metrics and logs ("default": OMNIMETER_UPSTREAM_URL).
    public let channelID: String
    let createTimeout: TimeAmount
    let queryTimeout: TimeAmount

    /// How long a connection to the upstream may take to open. A refused or timed-out connect is
    /// definite (nothing was sent), so a create fails fast instead of waiting out its whole timeout.
    public static let connectTimeout: TimeAmount = .seconds(5)

    /// Upstream calls: connect timeout as above, and no silent retry of a failed connect (which
    /// would turn a refused connection into a wait for the request's whole deadline).
    public static let httpConfiguration: HTTPClient.Configuration = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = connectTimeout
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        return configuration
    }()

    /// The process's client for upstream calls (like `HTTPClient.shared`, never shut down).
    public static let sharedHTTP = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)

    public init(http: HTTPClient = UpstreamClient.sharedHTTP, baseURL: URL, apiKey: String?, createTimeout: TimeAmount = .seconds(30), queryTimeout: TimeAmount = .seconds(15)) {
        self.init(http: http, baseURL: baseURL, auth: apiKey.map(UpstreamAuth.bearer) ?? .none, channelID: "default",
                  createTimeout: createTimeout, queryTimeout: queryTimeout)
    }

    public init(http: HTTPClient = UpstreamClient.sharedHTTP, baseURL: URL, auth: UpstreamAuth, channelID: String,
                createTimeout: TimeAmount = .seconds(30), queryTimeout: TimeAmount = .seconds(15)) {
        self.http = http
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.auth = auth
        self.channelID = channelID
        self.createTimeout = createTimeout
        self.queryTimeout = queryTimeout
    }

    public func create(_ endpoint: OmniEndpoint, body: JSONValue) async -> CreateOutcome {
        let started = ContinuousClock.now
        let outcome = await GatewayMetrics.upstreamCreate { await sendCreate(endpoint, body: body) }
        GatewayMetrics.channelCreate(channelID, outcome, since: started)
        return outcome
    }

    func sendCreate(_ endpoint: OmniEndpoint, body: JSONValue) async -> CreateOutcome {
        var request = HTTPClientRequest(url: "\(baseURL)/v1/\(endpoint.path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let header = await auth.header() { request.headers.add(name: "Authorization", value: header) }
        request.body = .bytes(ByteBuffer(bytes: body.encodedData()))
        let status: Int
        let envelope: JSONValue?
        do {
            (status, envelope) = try await send(request, timeout: createTimeout)
        } catch let error where Self.neverConnected(error) {
            return .notSent("\(error)")
        } catch {
            return .uncertain("\(error)")
        }
        let code = envelope?["code"]?.int64Value.map(Int.init)
        let message = envelope?["message"]?.stringValue ?? "HTTP \(status)"
        if status == 200, code == 0, let taskID = envelope?["data"]?["task_id"].flatMap(Self.idText) {
            return .accepted(upstreamTaskID: taskID)
        }
        // 408 and 5xx say nothing about whether the task was made; neither does a 200 we cannot read.
        if status == 408 || status >= 500 || (status == 200 && code == nil) || (code ?? 0) >= 5000 {
            return .uncertain("HTTP \(status) \(code.map(String.init) ?? "") \(message)")
        }
        return .refused(httpStatus: status, code: code, message: message)
    }

    public func query(_ endpoint: OmniEndpoint, id: String) async -> QueryOutcome {
        let started = ContinuousClock.now
        let outcome = await GatewayMetrics.upstreamQuery { await sendQuery(endpoint, id: id) }
        GatewayMetrics.channelQuery(channelID, outcome, since: started)
        return outcome
    }

    func sendQuery(_ endpoint: OmniEndpoint, id: String) async -> QueryOutcome {
        let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
        var request = HTTPClientRequest(url: "\(baseURL)/v1/\(endpoint.path)/\(escaped)")
        request.method = .GET
        if let header = await auth.header() { request.headers.add(name: "Authorization", value: header) }
        do {
            let (status, envelope) = try await send(request, timeout: queryTimeout)
            let code = envelope?["code"]?.int64Value
            if status == 404 || code == 1202 || code == 1203 { return .notFound }
            guard status == 200, code == 0, let envelope else {
                return .unavailable("HTTP \(status) \(code.map(String.init) ?? "")")
            }
            var data = envelope["data"] ?? .null
            // CometAPI sometimes wraps the native object: {status, progress, data: {native}}
            if data["task_status"] == nil, let inner = data["data"], inner["task_status"] != nil { data = inner }
            let task = try UpstreamTask(data: data)
            return .found(task, data: data)
        } catch {
            return .unavailable("\(error)")
        }
    }

    private func send(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> (Int, JSONValue?) {
        let response = try await http.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 8 * 1024 * 1024)
        let envelope = try? JSONValue.decode(Data(buffer: body))
        return (Int(response.status.code), envelope)
    }

    /// True when the error says no connection was made, so no byte of the request left: a refused
    /// connection, a connect timeout, or a name that resolved to nothing reachable.
    static func neverConnected(_ error: any Error) -> Bool {
        switch error {
        case let error as HTTPClientError: return error == .connectTimeout
        case is NIOConnectionError: return true
        case ChannelError.connectTimeout: return true
        case let error as IOError: return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(error.errnoCode)
        default: return false
        }
    }

    static func idText(_ value: JSONValue) -> String? {
        if let text = value.stringValue, !text.isEmpty { return text }
        return value.int64Value.map(String.init)
    }
}
