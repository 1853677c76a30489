import Foundation

extension UUID {
    /// Lowercase, as PostgreSQL prints it: ids read the same in JSON, audit rows, CSV and psql.
    var text: String { uuidString.lowercased() }
}
