import Foundation
import Testing

/// Runs `tests/webhooks/verify.py`: the PyPI `standardwebhooks` package checks what our receivers got.
enum WebhookVerifier {
    struct Case: Encodable {
        var secret: String
        var webhookID: String
        var webhookTimestamp: String
        var webhookSignature: String
        var body: String
        var expect = "valid"

        enum CodingKeys: String, CodingKey {
            case secret, body, expect
            case webhookID = "webhook_id"
            case webhookTimestamp = "webhook_timestamp"
            case webhookSignature = "webhook_signature"
        }
    }

    static func cases(_ deliveries: [CallbackReceiver.Delivery], secret: String, expect: String = "valid") throws -> [Case] {
        try deliveries.map {
            Case(secret: secret, webhookID: try #require($0.webhookID), webhookTimestamp: try #require($0.timestamp),
                 webhookSignature: try #require($0.signature), body: String(decoding: $0.body, as: UTF8.self), expect: expect)
        }
    }

    /// The script's exit status and output.
    static func run(_ cases: [Case]) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("webhooks-\(UUID().uuidString).json")
        try JSONEncoder().encode(cases).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestDatabase.repository.appendingPathComponent("tests/webhooks/verify.py").path, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
