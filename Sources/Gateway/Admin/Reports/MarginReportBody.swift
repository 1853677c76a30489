import Accounting
import Foundation

/// `GET /admin/v1/reports/margin`: `{from, to, group_by, currency, rows, groups, totals}`. `rows` is the
/// usage report's name for the groups; `groups` carries the same list under the name the report's
/// documentation uses.
struct MarginReportBody: Encodable {
    var from: Date
    var to: Date
    var groupBy: [MarginGrouping]
    var currency: String
    var rows: [MarginRowBody]
    var groups: [MarginRowBody]
    var totals: MarginFiguresBody

    init(_ result: MarginReportResult) {
        from = result.period.from
        to = result.period.to
        groupBy = result.groupBy
        currency = result.currency
        rows = result.rows.map { MarginRowBody($0, groupBy: Set(result.groupBy)) }
        groups = rows
        totals = MarginFiguresBody(result.totals)
    }
}

/// A group: the columns grouped by (present, null where a task had none, e.g. no channel), then the figures.
struct MarginRowBody: Encodable {
    var row: MarginRow
    var groupBy: Set<MarginGrouping>

    init(_ row: MarginRow, groupBy: Set<MarginGrouping>) {
        self.row = row
        self.groupBy = groupBy
    }

    enum CodingKeys: String, CodingKey {
        case tenantID, tenantName, channelID, channelName, model, day
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if groupBy.contains(.tenant) {
            try c.encode(row.tenantID?.uuidString.lowercased(), forKey: .tenantID)
            try c.encode(row.tenantName, forKey: .tenantName)
        }
        if groupBy.contains(.channel) {
            try c.encode(row.channelID, forKey: .channelID)
            try c.encode(row.channelName, forKey: .channelName)
        }
        if groupBy.contains(.model) { try c.encode(row.model, forKey: .model) }
        if groupBy.contains(.day) { try c.encode(row.day, forKey: .day) }
        try MarginFiguresBody(row.figures).encode(to: encoder)
    }
}

/// `{tasks, revenue_micros, cost_micros, margin_micros}` and the same amounts as six-place decimals.
struct MarginFiguresBody: Encodable {
    var tasks: Int64
    var revenueMicros: Int64
    var costMicros: Int64
    var marginMicros: Int64
    var revenue: String
    var cost: String
    var margin: String

    init(_ figures: MarginFigures) {
        tasks = figures.tasks
        revenueMicros = figures.revenueMicros
        costMicros = figures.costMicros
        marginMicros = figures.marginMicros
        revenue = MicrosText.decimal(figures.revenueMicros)
        cost = MicrosText.decimal(figures.costMicros)
        margin = MicrosText.decimal(figures.marginMicros)
    }
}
