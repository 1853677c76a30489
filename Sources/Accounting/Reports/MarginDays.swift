import Foundation

/// The whole UTC days `[from, to)` inside a report window, which the margin report reads from its
/// rollup; the tasks before `from` and from `to` on are read one by one. A window holding no whole day
/// has `from == to == period.to`, so every task is an edge.
struct MarginDays: Sendable, Equatable {
    let from: Date
    let to: Date

    init(_ period: ReportPeriod) {
        let day = 86_400.0
        let first = (period.from.timeIntervalSince1970 / day).rounded(.up) * day
        let last = (period.to.timeIntervalSince1970 / day).rounded(.down) * day
        let whole = first < last
        from = whole ? Date(timeIntervalSince1970: first) : period.to
        to = whole ? Date(timeIntervalSince1970: last) : period.to
    }

    /// No whole day: the whole window from the tasks.
    init(edgeOnly period: ReportPeriod) {
        from = period.to
        to = period.to
    }
}
