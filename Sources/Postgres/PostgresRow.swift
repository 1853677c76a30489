/// One row of a result, values kept in PostgreSQL's text format until decoded.
public struct PostgresRow: Sendable {
    public let columns: [String]
    public let values: [String?]

    public init(columns: [String], values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// Decodes the column named `name`.
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ name: String) throws -> T {
        guard let index = columns.firstIndex(of: name) else {
            throw PostgresError(.decoding, message: "no column \(name) in row (\(columns.joined(separator: ", ")))")
        }
        return try T.decode(postgresText: values[index], column: name)
    }

    /// Decodes the row's columns in order: `let (id, name) = try row.decode((UUID, String?).self)`.
    public func decode<each T: PostgresDecodable>(_ types: (repeat each T).Type) throws -> (repeat each T) {
        var index = 0
        func next<V: PostgresDecodable>(_ type: V.Type) throws -> V {
            guard index < values.count else {
                throw PostgresError(.decoding, message: "row has \(values.count) columns, more were requested")
            }
            defer { index += 1 }
            return try V.decode(postgresText: values[index], column: columns[index])
        }
        let result = (repeat try next((each T).self))
        guard index == values.count else {
            throw PostgresError(.decoding, message: "row has \(values.count) columns, \(index) were decoded")
        }
        return result
    }
}
