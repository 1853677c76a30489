import Foundation

/// Where a newest-first listing stopped: the last row's `(created_at, id)`. Sent to clients as opaque
/// base64url text; the next page is `WHERE (created_at, id) < (cursor)`, which an index on
/// `(…, created_at, id)` answers without counting or skipping rows (keyset pagination), and which
/// neither skips nor repeats a row when rows are added meanwhile.
///
/// The time is kept as whole microseconds since 1970 (PostgreSQL's own precision), read and written
/// by SQL as integers, so the position is exact: a Date (Double) would round it.
public struct ListingCursor: Sendable, Equatable {
    public var createdAtMicros: Int64
    /// A task's uuid or a ledger entry's number, as text.
    public var id: String

    public init(createdAtMicros: Int64, id: String) {
        self.createdAtMicros = createdAtMicros
        self.id = id
    }

    /// base64url (no padding) of "micros:id".
    public var encoded: String {
        Data("\(createdAtMicros):\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a cursor this code wrote; anything else is `InvalidCursor`. `id` must pass `validID`.
    public init(encoded text: String, validID: (String) -> Bool) throws(InvalidCursor) {
        guard text.count <= 200, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw InvalidCursor()
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8),
              let colon = plain.firstIndex(of: ":"),
              let micros = Int64(plain[..<colon]) else { throw InvalidCursor() }
        let id = String(plain[plain.index(after: colon)...])
        guard validID(id) else { throw InvalidCursor() }
        self.init(createdAtMicros: micros, id: id)
    }
}

/// A cursor that this server did not write (or that was altered).
public struct InvalidCursor: Error, Sendable {}

/// One page of a newest-first listing and where the next one starts (nil on the last page).
public struct ListingPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: ListingCursor?
}

enum Listing {
    /// Limits accepted by the listing routes.
    static let limits = 1...500

    /// Rows are fetched one beyond the limit: that extra row only says whether a next page exists.
    static func page<Item>(_ rows: [PositionedItem<Item>], limit: Int) -> ListingPage<Item> {
        let items = rows.prefix(limit)
        let next = rows.count > limit ? items.last.map { ListingCursor(createdAtMicros: $0.createdAtMicros, id: $0.id) } : nil
        return ListingPage(items: items.map(\.item), nextCursor: next)
    }
}

/// A decoded row with the keyset position it sits at.
struct PositionedItem<Item> {
    var item: Item
    var createdAtMicros: Int64
    var id: String
}
