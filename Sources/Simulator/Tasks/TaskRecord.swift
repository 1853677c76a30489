import Foundation
import Kling

/// One task as the simulator keeps it.
struct TaskRecord: Sendable {
    let id: String
    let kind: SimulatedKind
    /// The bearer token that created it: external ids are unique per account.
    let account: String
    let externalTaskID: String?
    let callbackURL: String?
    /// The create body exactly as received.
    let body: JSONValue
    let createdAt: Date
    let plan: TaskPlan
    /// Where the fake result files are said to be (SimulatorConfig.assetBaseURL).
    let assetBase: String
    var timeline: TaskTimeline
    /// How many timeline steps have been called back (delivered or given up).
    var callbacksSent = 0
}
