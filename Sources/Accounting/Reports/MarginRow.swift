import Foundation

/// One group of the margin report: only the columns grouped by are meaningful (the others nil).
/// `channelID` is nil in a channel group for tasks that never reached an upstream.
public struct MarginRow: Sendable, Equatable {
    public var tenantID: UUID?
    public var tenantName: String?
    public var channelID: String?
    public var channelName: String?
    public var model: String?
    /// YYYY-MM-DD, the UTC day the tasks ended.
    public var day: String?
    public var figures: MarginFigures
}
