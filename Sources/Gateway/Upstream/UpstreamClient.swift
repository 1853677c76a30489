import AsyncHTTPClient
import Foundation
import Kling
import NIOCore
import NIOHTTP1

/// The Kling Omni upstream, called with the operator's credentials. Every call has a bounded timeout,
/// and every answer is classified so that only a definite refusal is ever treated as "not created".
public struct UpstreamClient: Sendable {
    public enum Endpoint: String, Sendable {
        case video = "videos/omni-video"
        case image = "images/omni-image"
    }

    public enum CreateOutcome: Sendable {
        /// The upstream made the task.
        case accepted(upstreamTaskID: String)
        /// The upstream said no: nothing was made. `code` is its Kling error code when it gave one.
        case refused(httpStatus: Int, code: Int?, message: String)
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
    let apiKey: String?
    let createTimeout: TimeAmount
    let queryTimeout: TimeAmount

    public init(http: HTTPClient, baseURL: URL, apiKey: String?, createTimeout: TimeAmount = .seconds(30), queryTimeout: TimeAmount = .seconds(15)) {
        self.http = http
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKey = apiKey
        self.createTimeout = createTimeout
        self.queryTimeout = queryTimeout
    }

    public func create(_ endpoint: Endpoint, body: JSONValue) async -> CreateOutcome {
        await GatewayMetrics.upstreamCreate { await sendCreate(endpoint, body: body) }
    }

    func sendCreate(_ endpoint: Endpoint, body: JSONValue) async -> CreateOutcome {
        var request = HTTPClientRequest(url: "\(baseURL)/v1/\(endpoint.rawValue)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(ByteBuffer(bytes: body.encodedData()))
        let status: Int
        let envelope: JSONValue?
        do {
            (status, envelope) = try await send(request, timeout: createTimeout)
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

    public func query(_ endpoint: Endpoint, id: String) async -> QueryOutcome {
        await GatewayMetrics.upstreamQuery { await sendQuery(endpoint, id: id) }
    }

    func sendQuery(_ endpoint: Endpoint, id: String) async -> QueryOutcome {
        let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
        var request = HTTPClientRequest(url: "\(baseURL)/v1/\(endpoint.rawValue)/\(escaped)")
        request.method = .GET
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
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

    static func idText(_ value: JSONValue) -> String? {
        if let text = value.stringValue, !text.isEmpty { return text }
        return value.int64Value.map(String.init)
    }
}
