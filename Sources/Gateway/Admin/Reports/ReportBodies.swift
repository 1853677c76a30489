import Accounting
import Foundation

/// `GET /admin/v1/reports/usage`: `{from, to, group_by, currency, rows, totals}`.
struct UsageReportBody: Encodable {
    var from: Date
    var to: Date
    var groupBy: [UsageGrouping]
    var currency: String
    var rows: [UsageRowBody]
    var totals: UsageFiguresBody

    init(_ result: UsageReportResult) {
        from = result.period.from
        to = result.period.to
        groupBy = result.groupBy
        currency = result.currency
        rows = result.rows.map(UsageRowBody.init)
        totals = UsageFiguresBody(result.totals)
    }
}

/// A row: the columns grouped by (the others absent), then the figures.
struct UsageRowBody: Encodable {
    var tenantID: UUID?
    var tenantName: String?
    var keyID: UUID?
    var keyName: String?
    var model: String?
    var day: String?
    var figures: UsageFiguresBody

    init(_ row: UsageRow) {
        tenantID = row.tenantID
        tenantName = row.tenantName
        keyID = row.keyID
        keyName = row.keyName
        model = row.model
        day = row.day
        figures = UsageFiguresBody(row.figures)
    }

    enum CodingKeys: String, CodingKey {
        case tenantID, tenantName, keyID, keyName, model, day
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(tenantID?.uuidString.lowercased(), forKey: .tenantID)
        try c.encodeIfPresent(tenantName, forKey: .tenantName)
        try c.encodeIfPresent(keyID?.uuidString.lowercased(), forKey: .keyID)
        try c.encodeIfPresent(keyName, forKey: .keyName)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encodeIfPresent(day, forKey: .day)
        try figures.encode(to: encoder)
    }
}

struct UsageFiguresBody: Encodable {
    var tasks: Int64
    var succeeded: Int64
    var failed: Int64
    var billableSeconds: Int64
    var images: Int64
    var chargedMicros: Int64
    /// The same amount as a decimal with six places, made from the integer.
    var charged: String

    init(_ figures: UsageFigures) {
        tasks = figures.tasks
        succeeded = figures.succeeded
        failed = figures.failed
        billableSeconds = figures.billableSeconds
        images = figures.images
        chargedMicros = figures.chargedMicros
        charged = MicrosText.decimal(figures.chargedMicros)
    }
}

/// A page of a listing: `{"data":[…],"next_cursor":"…"|null}`.
struct PageBody<Item: Encodable & Sendable>: Encodable {
    var data: [Item]
    var nextCursor: String?

    init(_ page: ListingPage<Item>) {
        data = page.items
        nextCursor = page.nextCursor?.encoded
    }

    enum CodingKeys: String, CodingKey {
        case data, nextCursor
    }

    /// `next_cursor` is always present: null on the last page.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(data, forKey: .data)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}
