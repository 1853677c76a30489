import AsyncHTTPClient
import Foundation
import Kling
import Logging
import NIOCore
import NIOHTTP1
import Simulator

/// A simulator started in-process on a free port, and a client that calls it
/// over real HTTP, as the gateway does.
struct SimulatorHarness: Sendable {
    static let token = "test-token"

    let simulator: UpstreamSimulator
    let port: Int

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Runs `body` against a fresh simulator, stopped afterwards whatever happens.
    static func with<T: Sendable>(
        _ config: SimulatorConfig = SimulatorConfig(), _ body: (SimulatorHarness) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "simulator-tests")
        logger.logLevel = .warning
        let simulator = UpstreamSimulator(config: config, logger: logger)
        let port = try await simulator.start()
        do {
            let value = try await body(SimulatorHarness(simulator: simulator, port: port))
            await simulator.stop()
            return value
        } catch {
            await simulator.stop()
            throw error
        }
    }

    /// An answer: its HTTP status and its JSON body.
    struct Answer: Sendable {
        var status: Int
        var json: JSONValue

        var code: Int64? { json["code"]?.int64Value }
        var message: String? { json["message"]?.stringValue }
        var data: JSONValue { json["data"] ?? .null }
        var taskStatus: String? { data["task_status"]?.stringValue }
    }

    func send(
        _ method: HTTPMethod, _ path: String, body: String? = nil, token: String? = SimulatorHarness.token,
        authorization: String? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let header = authorization ?? token.map({ "Bearer \($0)" }) {
            request.headers.add(name: "Authorization", value: header)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        let json = (try? JSONValue.decode(Data(bytes.readableBytesView))) ?? .null
        return Answer(status: Int(response.status.code), json: json)
    }

    func create(_ kind: SimulatedKind, _ body: JSONValue, prefix: String = "/kling/v1", token: String? = SimulatorHarness.token) async throws -> Answer {
        try await send(.POST, "\(prefix)/\(Self.path(kind))", body: body.encodedString(), token: token)
    }

    func query(_ kind: SimulatedKind, _ id: String, prefix: String = "/kling/v1", token: String? = SimulatorHarness.token) async throws -> Answer {
        try await send(.GET, "\(prefix)/\(Self.path(kind))/\(id)", token: token)
    }

    func list(_ kind: SimulatedKind, query: String, token: String? = SimulatorHarness.token) async throws -> Answer {
        try await send(.GET, "/kling/v1/\(Self.path(kind))?\(query)", token: token)
    }

    /// Queries until the task reaches `status`; fails after `timeout` seconds.
    func waitFor(_ status: String, _ kind: SimulatedKind, _ id: String, timeout: Double = 10) async throws -> Answer {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let answer = try await query(kind, id)
            if answer.taskStatus == status || Date() > deadline { return answer }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    static func path(_ kind: SimulatedKind) -> String {
        kind == .video ? "videos/omni-video" : "images/omni-image"
    }
}

/// Bodies the tests send.
enum Bodies {
    /// kling-video-o1 pro, 5 s, text-to-video: 4 units upstream.
    static func video(prompt: String = "a fox in the snow", externalTaskID: String? = nil, callbackURL: String? = nil) -> JSONValue {
        var body: [String: JSONValue] = ["prompt": .string(prompt), "mode": "pro", "aspect_ratio": "16:9", "duration": "5"]
        if let externalTaskID { body["external_task_id"] = .string(externalTaskID) }
        if let callbackURL { body["callback_url"] = .string(callbackURL) }
        return .object(body)
    }

    /// A base edit of `videoURL` with kling-video-o1 pro.
    static func edit(videoURL: String) -> JSONValue {
        ["prompt": "make it rain", "mode": "pro", "video_list": [["video_url": .string(videoURL), "refer_type": "base"]]]
    }

    static func image(prompt: String = "a red chair", n: Int = 1, externalTaskID: String? = nil) -> JSONValue {
        var body: [String: JSONValue] = ["prompt": .string(prompt), "n": .int(Int64(n))]
        if let externalTaskID { body["external_task_id"] = .string(externalTaskID) }
        return .object(body)
    }

    static func series(prompt: String = "a comic strip", amount: JSONValue) -> JSONValue {
        ["model_name": "kling-v3-omni", "prompt": .string(prompt), "result_type": "series", "series_amount": amount, "aspect_ratio": "1:1"]
    }
}

extension SimulatorConfig {
    /// Tasks end as soon as they are created.
    static var instant: SimulatorConfig {
        SimulatorConfig(processingAfter: .zero, taskDuration: .zero)
    }

    /// Tasks stay processing for an hour: tests decide the outcome with forceStatus.
    static var steered: SimulatorConfig {
        SimulatorConfig(processingAfter: .zero, taskDuration: .seconds(3600))
    }
}
