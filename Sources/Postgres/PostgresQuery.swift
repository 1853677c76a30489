/// A statement whose values are always bound parameters.
///
/// Written as a string literal: `"SELECT name FROM tenants WHERE id = \(id)"` sends
/// `SELECT name FROM tenants WHERE id = $1` with `id` bound. Interpolating a value can never
/// change the SQL text; only `\(unescaped:)` splices text, and it takes a `StaticString`
/// so that only literals written in the source can be spliced.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation {
    enum Part: Sendable {
        case sql(String)
        case bind(Int)
    }

    var parts: [Part]
    public private(set) var binds: [PostgresBind]

    public init(stringLiteral value: String) {
        parts = [.sql(value)]
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
        binds = stringInterpolation.binds
    }

    /// The SQL text with `$1`, `$2`, ... placeholders.
    public var sql: String {
        render { index, _ in "$\(index + 1)" }
    }

    func render(_ placeholder: (Int, PostgresBind) -> String) -> String {
        var text = ""
        for part in parts {
            switch part {
            case .sql(let sql): text += sql
            case .bind(let index): text += placeholder(index, binds[index])
            }
        }
        return text
    }

    /// Joins queries, keeping every bound value bound: used to build lists like `VALUES (...), (...)`.
    public static func + (lhs: PostgresQuery, rhs: PostgresQuery) -> PostgresQuery {
        var result = lhs
        let offset = lhs.binds.count
        for part in rhs.parts {
            switch part {
            case .sql(let sql): result.parts.append(.sql(sql))
            case .bind(let index): result.parts.append(.bind(index + offset))
            }
        }
        result.binds.append(contentsOf: rhs.binds)
        return result
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []
        var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            parts.append(.sql(literal))
        }

        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            parts.append(.bind(binds.count))
            binds.append(PostgresBind(value))
        }

        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            parts.append(.bind(binds.count))
            binds.append(value.map(PostgresBind.init) ?? PostgresBind(text: nil, oid: Value.postgresOID))
        }

        /// Splices SQL text written in the source (a table or column name chosen by code, never by a user).
        public mutating func appendInterpolation(unescaped literal: StaticString) {
            parts.append(.sql(literal.description))
        }
    }
}

/// One bound parameter in text format with its type, so the server never has to guess.
public struct PostgresBind: Sendable, Equatable {
    public var text: String?
    public var oid: UInt32

    public init(text: String?, oid: UInt32) {
        self.text = text
        self.oid = oid
    }

    public init<Value: PostgresEncodable>(_ value: Value) {
        self.text = value.postgresText
        self.oid = Value.postgresOID
    }

    /// The SQL type name used when a bind must be written as a typed expression (COPY cannot take parameters).
    var typeName: String {
        switch oid {
        case PostgresOID.bool: "boolean"
        case PostgresOID.int8: "bigint"
        case PostgresOID.int4: "integer"
        case PostgresOID.int2: "smallint"
        case PostgresOID.float8: "double precision"
        case PostgresOID.uuid: "uuid"
        case PostgresOID.timestamptz: "timestamptz"
        case PostgresOID.jsonb: "jsonb"
        case PostgresOID.bytea: "bytea"
        case PostgresOID.textArray: "text[]"
        default: "text"
        }
    }
}

public enum PostgresOID {
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let float8: UInt32 = 701
    public static let textArray: UInt32 = 1009
    public static let timestamptz: UInt32 = 1184
    public static let uuid: UInt32 = 2950
    public static let jsonb: UInt32 = 3802
}
