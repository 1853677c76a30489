import Foundation

/// One task of a batch settlement (`TaskStore.settle(batch:)`): the task, how it ended, and what the
/// upstream last said about it.
public struct SettlementRequest: Sendable {
    public var taskID: UUID
    public var outcome: TaskOutcome
    public var upstream: UpstreamSnapshot

    public init(taskID: UUID, outcome: TaskOutcome, upstream: UpstreamSnapshot = UpstreamSnapshot()) {
        self.taskID = taskID
        self.outcome = outcome
        self.upstream = upstream
    }
}
