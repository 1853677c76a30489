/// An error from the database layer. `sqlState` is the server's five-character code when the server answered.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server refused the statement (constraint, syntax, serialization failure, ...).
        case server
        /// No connection could be made or the connection broke; the database is unavailable.
        case connection
        /// No connection became free in time.
        case poolTimeout
        /// A value could not be decoded into the requested type.
        case decoding
        /// The layer was used wrongly (closed pool, COPY not started, ...).
        case usage
    }

    public var kind: Kind
    public var sqlState: String?
    public var message: String
    /// The server's DETAIL line, if any.
    public var detail: String?
    /// The constraint that was violated, if any.
    public var constraint: String?

    public init(_ kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, constraint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
    }

    public var description: String {
        var text = "postgres \(kind)"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }

    /// Serialization failure or deadlock: the transaction can be run again from the start.
    public var isRetryableTransactionFailure: Bool { sqlState == "40001" || sqlState == "40P01" }
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// The database could not be reached or the session broke (class 08, admin shutdown 57P01..57P03).
    public var isUnavailable: Bool {
        kind == .connection || kind == .poolTimeout
            || (sqlState?.hasPrefix("08") ?? false)
            || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }
}
