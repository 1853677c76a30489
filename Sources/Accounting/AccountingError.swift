/// Accounting's own failures that are not the database's: a row the books require is not there.
/// (A database that cannot be reached stays a `PostgresError`, which callers map to "unavailable".)
public enum AccountingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A statement that always answers a row answered none.
    case noRow(statement: String)
    /// A record that must exist does not (a task, the price book a task was priced with).
    case missing(String)

    public var description: String {
        switch self {
        case .noRow(let statement): "\(statement) returned no row"
        case .missing(let what): "\(what) is missing"
        }
    }
}
