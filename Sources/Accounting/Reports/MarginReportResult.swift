import Foundation

/// The margin report: its parameters, its groups, and their sum (which is also the ungrouped report).
public struct MarginReportResult: Sendable {
    public var period: ReportPeriod
    public var groupBy: [MarginGrouping]
    public var tenantID: UUID?
    public var channelID: String?
    public var currency: String
    public var rows: [MarginRow]
    public var totals: MarginFigures
}
