import Foundation
import Postgres

/// One callback or event to send, leased to this process.
public struct CallbackDelivery: Sendable {
    public var id: Int64
    /// nil for an event that is not about a task.
    public var taskID: UUID?
    public var url: String
    public var payload: PostgresJSON
    public var tenantID: UUID
    public var messageID: String
    public var attempts: Int
    public var secret: String
    /// `callback` or `event`.
    public var kind: String = "callback"
    /// The tenant's secret before a rotation, signing beside `secret` for 24 h (docs/events.md).
    public var previousSecret: String?

    public init(id: Int64, taskID: UUID?, url: String, payload: PostgresJSON, tenantID: UUID, messageID: String, attempts: Int,
                secret: String, kind: String = "callback", previousSecret: String? = nil) {
        self.id = id
        self.taskID = taskID
        self.url = url
        self.payload = payload
        self.tenantID = tenantID
        self.messageID = messageID
        self.attempts = attempts
        self.secret = secret
        self.kind = kind
        self.previousSecret = previousSecret
    }

    init(row: PostgresRow) throws {
        self.init(id: try row.decode(Int64.self, "id"), taskID: try row.decode(UUID?.self, "task_id"),
                  url: try row.decode(String.self, "url"), payload: try row.decode(PostgresJSON.self, "payload"),
                  tenantID: try row.decode(UUID.self, "tenant_id"), messageID: try row.decode(String.self, "message_id"),
                  attempts: try row.decode(Int.self, "attempts"), secret: try row.decode(String.self, "secret"),
                  kind: try row.decode(String.self, "kind"), previousSecret: try row.decode(String?.self, "previous_secret"))
    }
}
