import Foundation
import Kling

/// A task as a test sees it, at the moment it asked.
public struct SimulatedTask: Sendable, Equatable {
    public let id: String
    public let externalTaskID: String?
    public let kind: SimulatedKind
    /// The bearer token that created it.
    public let account: String
    public let status: SimulatedStatus
    public let statusMessage: String
    /// The create body exactly as received.
    public let body: JSONValue
    public let callbackURL: String?
    public let createdAt: Date
    public let updatedAt: Date
    /// Status changes called back so far (delivered or given up).
    public let callbacksSent: Int
    /// What a query answers now as `data`.
    public let data: JSONValue

    init(_ record: TaskRecord, at date: Date) {
        let step = record.timeline.step(at: date)
        id = record.id
        externalTaskID = record.externalTaskID
        kind = record.kind
        account = record.account
        status = step.status
        statusMessage = step.message
        body = record.body
        callbackURL = record.callbackURL
        createdAt = record.createdAt
        updatedAt = step.at
        callbacksSent = record.callbacksSent
        data = record.data(for: step)
    }
}
