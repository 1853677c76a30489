import Foundation

/// A Swift value that can be bound as a parameter (text format with an explicit type).
public protocol PostgresEncodable: Sendable {
    static var postgresOID: UInt32 { get }
    /// The value in PostgreSQL's text format; nil is NULL.
    var postgresText: String? { get }
}

/// A Swift value that can be read from a column. NULL decodes only into an Optional.
public protocol PostgresDecodable: Sendable {
    static func decode(postgresText text: String?, column: String) throws -> Self
}

/// A type whose non-NULL text form decodes directly; NULL is an error for it.
public protocol PostgresTextDecodable: PostgresDecodable {
    init?(postgresText text: String)
}

extension PostgresTextDecodable {
    public static func decode(postgresText text: String?, column: String) throws -> Self {
        guard let text else {
            throw PostgresError(.decoding, message: "column \(column) is NULL; decode it as an Optional")
        }
        guard let value = Self(postgresText: text) else {
            throw PostgresError(.decoding, message: "column \(column): cannot read \(Self.self) from \(text.prefix(64).debugDescription)")
        }
        return value
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(postgresText text: String?, column: String) throws -> Wrapped? {
        guard let text else { return nil }
        return try Wrapped.decode(postgresText: text, column: column)
    }
}

extension String: PostgresEncodable, PostgresTextDecodable {
    public static var postgresOID: UInt32 { PostgresOID.text }
    public var postgresText: String? { self }
    public init?(postgresText text: String) { self = text }
}

extension Int64: PostgresEncodable, PostgresTextDecodable {
    public static var postgresOID: UInt32 { PostgresOID.int8 }
    public var postgresText: String? { String(self) }
    public init?(postgresText text: String) { self.init(text) }
}

extension Int: PostgresEncodable, PostgresTextDecodable {
    public static var postgresOID: UInt32 { PostgresOID.int8 }
    public var postgresText: String? { String(self) }
    public init?(postgresText text: String) { self.init(text) }
}

extension Int32: PostgresEncodable, PostgresTextDecodable {
    public static var postgresOID: UInt32 { PostgresOID.int4 }
    public var postgresText: String? { String(self) }
    public init?(postgresText text: String) { self.init(text) }
}

extension Double: PostgresEncodable, PostgresTextDecodable {
    public static var postgresOID: UInt32 { PostgresOID.float8 }
    public var postgresText: String? { "\(self)" }
    public init?(postgresText text: String) { self.init(text) }
}

extension Bool: PostgresEncodable, PostgresTextDecodable {
    public static var postgresOID: UInt32 { PostgresOID.bool }
    public var postgresText: String? { self ? "t" : "f" }
    public init?(postgresText text: String) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

extension UUID: PostgresEncodable, PostgresTextDecodable {
    public static var postgresOID: UInt32 { PostgresOID.uuid }
    public var postgresText: String? { uuidString.lowercased() }
    public init?(postgresText text: String) { self.init(uuidString: text) }
}

extension Date: PostgresEncodable, PostgresTextDecodable {
    public static var postgresOID: UInt32 { PostgresOID.timestamptz }
    public var postgresText: String? { PostgresTimestamp.format(self) }
    public init?(postgresText text: String) {
        guard let date = PostgresTimestamp.parse(text) else { return nil }
        self = date
    }
}

/// JSON sent as `jsonb` and read back as its text.
public struct PostgresJSON: PostgresEncodable, PostgresTextDecodable, Equatable {
    public static var postgresOID: UInt32 { PostgresOID.jsonb }
    public var text: String
    public init(text: String) { self.text = text }
    public init(data: Data) { self.text = String(decoding: data, as: UTF8.self) }
    public init<T: Encodable>(encoding value: T) throws {
        self.init(data: try JSONEncoder().encode(value))
    }
    public init?(postgresText text: String) { self.text = text }
    public var postgresText: String? { text }
    public var data: Data { Data(text.utf8) }
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }
}

/// Raw bytes as `bytea` (hex format).
public struct PostgresBytes: PostgresEncodable, PostgresTextDecodable, Equatable {
    public static var postgresOID: UInt32 { PostgresOID.bytea }
    public var bytes: [UInt8]
    public init<S: Sequence>(_ bytes: S) where S.Element == UInt8 { self.bytes = Array(bytes) }

    public var postgresText: String? {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        out.reserveCapacity(2 + bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public init?(postgresText text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2 - 1)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.bytes = bytes
    }
}
