import ArgumentParser
import Foundation
import Simulator

struct UpstreamSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upstream-simulator",
        abstract: "Serve a Kling Omni compatible upstream for demos and tests.",
        discussion: """
        Serves /kling/v1/... and /v1/... like the upstream. A prompt containing [sim:fail] makes its task fail; \
        [sim:series=K] sets the size of a series_amount "auto" image series; an edit's input length is read \
        from a duration= parameter of its video_url.
        """
    )

    @Option(help: "HOST:PORT to listen on.")
    var listen: String = "127.0.0.1:8091"

    @Option(name: .customLong("api-key"), help: "Accept only this bearer token (default: any token; each token is its own account).")
    var apiKey: String?

    @Option(name: .customLong("task-seconds"), help: "Seconds from submission to succeed or failed.")
    var taskSeconds: Double = 1

    @Option(name: .customLong("processing-after"), help: "Seconds from submission to processing.")
    var processingAfter: Double = 0.2

    @Option(help: "Seed of the random draws behind the fault rates.")
    var seed: UInt64 = 1

    @Option(name: .customLong("webhook-secret"), help: "Sign callbacks per Standard Webhooks (whsec_<base64> or plain text).")
    var webhookSecret: String?

    @Option(name: .customLong("submit-delay-ms"), help: "Milliseconds to wait before answering a create.")
    var submitDelayMs: Int = 0

    @Option(name: .customLong("submit-error-rate"), help: "Share of creates answered 500/5000, nothing created.")
    var submitErrorRate: Double = 0

    @Option(name: .customLong("submit-refusal-rate"), help: "Share of valid creates refused 400/1301 (content safety), nothing created.")
    var submitRefusalRate: Double = 0

    @Option(name: .customLong("lost-answer-rate"), help: "Share of creates whose task is created but whose answer is lost (504/5002).")
    var lostAnswerRate: Double = 0

    @Option(name: .customLong("submit-429-rate"), help: "Share of creates answered 429/1302 (rate limit), nothing created.")
    var submit429Rate: Double = 0

    @Option(name: .customLong("jwt-key"), help: "ACCESS_KEY:SECRET_KEY of a Kling AK/SK account (repeatable); then only HS256 JWTs they sign are accepted.")
    var jwtKeys: [String] = []

    @Flag(name: .customLong("lost-answer-drop"), help: "Lose answers by dropping the connection instead of answering 504.")
    var lostAnswerDrop = false

    @Option(name: .customLong("query-error-rate"), help: "Share of queries and lists answered 500/5000.")
    var queryErrorRate: Double = 0

    @Option(name: .customLong("query-429-rate"), help: "Share of queries and lists answered 429/1302.")
    var query429Rate: Double = 0

    @Option(name: .customLong("task-failure-rate"), help: "Share of tasks that end failed.")
    var taskFailureRate: Double = 0

    @Option(name: .customLong("created-error-rate"), help: "Share of creates whose task is created but answered 500/5000.")
    var createdErrorRate: Double = 0

    @Option(name: .customLong("slow-answer-rate"), help: "Share of creates whose task is created and answered only after --slow-answer-ms.")
    var slowAnswerRate: Double = 0

    @Option(name: .customLong("slow-answer-ms"), help: "Milliseconds a slow answer waits.")
    var slowAnswerMs: Int = 2000

    @Option(name: .customLong("edit-input-seconds"), help: "An edit's input length when its video_url has no duration= parameter.")
    var editInputSeconds: String = "7.5"

    @Option(name: .customLong("auto-series-count"), help: "Images in a series_amount \"auto\" series (2 to 9).")
    var autoSeriesCount: Int = 6

    @Option(name: .customLong("max-tasks"), help: "Tasks kept in memory; the oldest are forgotten beyond.")
    var maxTasks: Int = 1_000_000

    func validate() throws {
        _ = try listenAddress()
        let rates = [
            ("--submit-error-rate", submitErrorRate), ("--submit-refusal-rate", submitRefusalRate),
            ("--lost-answer-rate", lostAnswerRate), ("--query-error-rate", queryErrorRate),
            ("--query-429-rate", query429Rate), ("--task-failure-rate", taskFailureRate),
            ("--created-error-rate", createdErrorRate), ("--slow-answer-rate", slowAnswerRate),
            ("--submit-429-rate", submit429Rate),
        ]
        for (flag, rate) in rates where !(0...1).contains(rate) {
            throw ValidationError("\(flag) must be between 0 and 1, got \(rate)")
        }
        guard taskSeconds >= 0, processingAfter >= 0 else {
            throw ValidationError("--task-seconds and --processing-after must not be negative")
        }
        guard submitDelayMs >= 0, slowAnswerMs >= 0 else { throw ValidationError("--submit-delay-ms and --slow-answer-ms must not be negative") }
        guard (2...9).contains(autoSeriesCount) else { throw ValidationError("--auto-series-count must be 2 to 9") }
        guard maxTasks >= 1 else { throw ValidationError("--max-tasks must be at least 1") }
        _ = try jwtKeyPairs()
    }

    /// `--jwt-key AK:SK` pairs, access key → secret key.
    private func jwtKeyPairs() throws -> [String: String] {
        var pairs: [String: String] = [:]
        for text in jwtKeys {
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex else {
                throw ValidationError("--jwt-key must be ACCESS_KEY:SECRET_KEY")
            }
            pairs[String(text[..<colon])] = String(text[text.index(after: colon)...])
        }
        return pairs
    }

    func run() async throws {
        let (host, port) = try listenAddress()
        let config = SimulatorConfig(
            apiKey: apiKey,
            processingAfter: .seconds(processingAfter),
            taskDuration: .seconds(taskSeconds),
            seed: seed,
            webhookSecret: webhookSecret,
            faults: SimulatorFaults(
                submitDelay: .milliseconds(submitDelayMs),
                submitErrorRate: submitErrorRate,
                submitRefusalRate: submitRefusalRate,
                lostAnswerRate: lostAnswerRate,
                lostAnswerDropsConnection: lostAnswerDrop,
                queryErrorRate: queryErrorRate,
                queryRateLimitRate: query429Rate,
                taskFailureRate: taskFailureRate,
                createdErrorRate: createdErrorRate,
                slowAnswerRate: slowAnswerRate,
                slowAnswerDelay: .milliseconds(slowAnswerMs)
            ),
            defaultEditInputSeconds: editInputSeconds,
            autoSeriesCount: autoSeriesCount,
            maxTasks: maxTasks
        )
        var configured = config
        configured.faults.submitRateLimitRate = submit429Rate
        configured.jwtKeys = try jwtKeyPairs()
        let simulator = UpstreamSimulator(config: configured, logger: Startup.logger("omnimeter.upstream-simulator"))
        try await simulator.run(host: host, port: port) { bound in
            // One line, flushed at once: scripts wait for it.
            FileHandle.standardOutput.write(Data("upstream-simulator listening on http://\(host):\(bound)\n".utf8))
        }
    }

    /// `HOST:PORT`, the host possibly in brackets (`[::1]:8091`).
    private func listenAddress() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65535).contains(port)
        else { throw ValidationError("--listen must be HOST:PORT, got \"\(listen)\"") }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen must be HOST:PORT, got \"\(listen)\"") }
        return (host, port)
    }
}
