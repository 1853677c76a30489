import Foundation
import Postgres

/// One callback to send, leased to this process.
public struct CallbackDelivery: Sendable {
    public var id: Int64
    public var taskID: UUID
    public var url: String
    public var payload: PostgresJSON
    public var tenantID: UUID
    public var messageID: String
    public var attempts: Int
    public var secret: String
}
