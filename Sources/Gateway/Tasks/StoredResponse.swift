import Foundation
import Hummingbird
import Kling
import Postgres

/// A create's first answer, kept for Idempotency-Key replays: its HTTP status and body.
struct StoredResponse {
    var status: Int
    var body: JSONValue

    init(status: Int, body: JSONValue) {
        self.status = status
        self.body = body
    }

    init?(_ json: PostgresJSON) {
        guard let value = try? JSONValue.decode(json.data), let status = value["status"]?.int64Value, let body = value["body"] else { return nil }
        self.status = Int(status)
        self.body = body
    }

    var json: PostgresJSON { PostgresJSON(data: JSONValue.object(["status": .int(Int64(status)), "body": body]).encodedData()) }
}
