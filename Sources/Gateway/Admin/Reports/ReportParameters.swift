import Accounting
import Foundation
import Hummingbird

/// The query parameters of the report and listing routes. Every problem is a 400 that names the
/// parameter, raised before any work starts (and, for the CSV, before the first byte is streamed).
struct ReportParameters {
    /// The first value of each parameter, percent-decoded.
    let query: [String: String]

    init(_ request: Request) {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where query[String(name)] == nil {
            query[String(name)] = String(value)
        }
        self.query = query
    }

    /// The value, or nil when absent or empty.
    func text(_ name: String) -> String? {
        guard let value = query[name], !value.isEmpty else { return nil }
        return value
    }

    /// RFC 3339, or YYYY-MM-DD for UTC midnight.
    func date(_ name: String) throws -> Date? {
        guard let text = text(name) else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw AdminAPIError.badRequest("\(name): expected an RFC 3339 time or YYYY-MM-DD, got \(text.debugDescription)")
        }
        // what every calendar and PostgreSQL agree on; outside it the database refuses (22008) mid-download
        guard ReportPeriod.representable.contains(date) else {
            throw AdminAPIError.badRequest("\(name): must be from 1900-01-01 to 9999-12-31, got \(text.debugDescription)")
        }
        return date
    }

    /// `from` and `to`, both required, half-open, `from` before `to`.
    func period() throws -> ReportPeriod {
        guard let from = try date("from") else { throw AdminAPIError.badRequest("from: required (RFC 3339 or YYYY-MM-DD)") }
        guard let to = try date("to") else { throw AdminAPIError.badRequest("to: required (RFC 3339 or YYYY-MM-DD)") }
        guard let period = ReportPeriod(from: from, to: to) else { throw AdminAPIError.badRequest("from: must be before to") }
        return period
    }

    /// `from` and `to`, each optional; when both are given, `from` must be before `to`.
    func optionalWindow() throws -> (from: Date?, to: Date?) {
        let from = try date("from")
        let to = try date("to")
        if let from, let to, from >= to { throw AdminAPIError.badRequest("from: must be before to") }
        return (from, to)
    }

    func uuid(_ name: String) throws -> UUID? {
        guard let text = text(name) else { return nil }
        guard let id = UUID(uuidString: text) else { throw AdminAPIError.badRequest("\(name): not an id: \(text.debugDescription)") }
        return id
    }

    /// One of a fixed set of words.
    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = text(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw AdminAPIError.badRequest("\(name): expected one of \(allowed), got \(text.debugDescription)")
        }
        return value
    }

    /// `limit`: 50 unless given, at most 500.
    func limit() throws -> Int {
        guard let text = text("limit") else { return 50 }
        guard let limit = Int(text), (1...500).contains(limit) else {
            throw AdminAPIError.badRequest("limit: expected a whole number from 1 to 500, got \(text.debugDescription)")
        }
        return limit
    }

    /// `cursor`, read by the listing's own reader.
    func cursor(_ read: (String) throws(InvalidCursor) -> ListingCursor) throws -> ListingCursor? {
        guard let text = text("cursor") else { return nil }
        do {
            return try read(text)
        } catch {
            throw AdminAPIError.badRequest("cursor: not a cursor from this listing; pass next_cursor back unchanged")
        }
    }

    /// `group_by`: a comma-separated list of tenant, key, model, day; repeats ignored, order kept.
    func grouping() throws -> [UsageGrouping] {
        guard let text = text("group_by") else { return [] }
        var groups: [UsageGrouping] = []
        for word in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = word.trimmingCharacters(in: .whitespaces)
            guard let group = UsageGrouping(rawValue: name) else {
                throw AdminAPIError.badRequest("group_by: expected a comma list of tenant, key, model, day; got \(name.debugDescription)")
            }
            if !groups.contains(group) { groups.append(group) }
        }
        return groups
    }
}
