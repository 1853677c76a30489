import Foundation

/// JSON text to `JSONValue` in one pass over the bytes. Foundation's JSONDecoder through JSONValue's
/// `Decodable` conformance gives the same values, but slowly (each value is tried as every type in turn),
/// and every request, upstream answer and stored body goes through here. The rules are that decoder's,
/// one for one (Tests/KlingTests/JSONParserTests compares the two on generated and mutated texts):
/// - UTF-8, with an optional byte order mark; whitespace is space, tab, LF and CR;
/// - one trailing comma after the last element of an array or object is allowed;
/// - of a key given twice, the first value is kept;
/// - nesting deeper than 512 arrays and objects is refused;
/// - a number is `.int` when it is written as an integer or with a zero fraction and fits Int64, or when
///   its nearest double is integral and fits (`1.0`, `1e2` and `1.0000000000000001` are ints), else `.double`. A number with an exponent or more than 17 digits is handed to JSONDecoder itself, so its
///   rounding and range apply to those exactly.
struct JSONParser {
    struct Invalid: Error {}

    static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { raw in
            var parser = JSONParser(raw.bindMemory(to: UInt8.self))
            return try parser.document()
        }
    }

    private mutating func document() throws -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        let value = try self.value()
        skipWhitespace()
        guard index == bytes.count else { throw Invalid() }
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value() throws -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw Invalid() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw Invalid()
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw Invalid() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Invalid() }
        index += count
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw Invalid() }
    }

    private mutating func array() throws -> JSONValue {
        try enter()
        index += 1
        var items: [JSONValue] = []
        if !consume(UInt8(ascii: "]")) {
            repeat { items.append(try value()) } while try !endsAfterElement(UInt8(ascii: "]"))
        }
        depth -= 1
        return .array(items)
    }

    private mutating func object() throws -> JSONValue {
        try enter()
        index += 1
        var members: [String: JSONValue] = [:]
        if !consume(UInt8(ascii: "}")) {
            repeat {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Invalid() }
                let key = try string()
                guard consume(UInt8(ascii: ":")) else { throw Invalid() }
                let member = try value()
                if members[key] == nil { members[key] = member }
            } while try !endsAfterElement(UInt8(ascii: "}"))
        }
        depth -= 1
        return .object(members)
    }

    /// Skips whitespace, then takes `byte` if it is next.
    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// After an element of an array or object: true at its end (`closing`, directly or after one trailing
    /// comma), false after a comma that another element follows.
    private mutating func endsAfterElement(_ closing: UInt8) throws -> Bool {
        if consume(closing) { return true }
        guard consume(UInt8(ascii: ",")) else { throw Invalid() }
        return consume(closing)
    }

    /// At the opening quote.
    private mutating func string() throws -> String {
        index += 1
        let start = index
        // the common case: no escapes, so the bytes between the quotes are the string
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self) else { throw Invalid() }
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw Invalid() }
            index += 1
        }
        var text = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let decoded = String(validating: text, as: UTF8.self) else { throw Invalid() }
                return decoded
            case UInt8(ascii: "\\"):
                try escape(into: &text)
            case ..<0x20:
                throw Invalid()
            default:
                text.append(byte)
            }
        }
        throw Invalid()
    }

    /// After a backslash.
    private mutating func escape(into text: inout [UInt8]) throws {
        guard index < bytes.count else { throw Invalid() }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(byte)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                // a high surrogate must be followed by an escaped low one
                guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw Invalid() }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw Invalid() }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw Invalid()
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw Invalid() }
            text.append(contentsOf: UTF8.encode(unicode)!)
        default:
            throw Invalid()
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard bytes.count - index >= 4 else { throw Invalid() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Invalid()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func number() throws -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        guard index < bytes.count else { throw Invalid() }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            guard (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[index]) else { throw Invalid() }
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        let integerEnd = index
        var fractionEnd = index
        var fractionIsZero = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                if bytes[index] != UInt8(ascii: "0") { fractionIsZero = false }
                index += 1
            }
            guard index > fractionStart else { throw Invalid() }
            fractionEnd = index
        }
        var exponent = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            exponent = true
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let exponentStart = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > exponentStart else { throw Invalid() }
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        let digits = (integerEnd - integerStart) + max(0, fractionEnd - integerEnd - 1)
        guard !exponent, digits <= 17 else {
            // rare: JSONDecoder's own reading decides (its rounding, its range, its integer rule)
            return try JSONDecoder().decode(JSONValue.self, from: Data(text))
        }
        let negative = bytes[start] == UInt8(ascii: "-")
        if fractionEnd == integerEnd || fractionIsZero {
            var value: Int64 = 0
            for position in integerStart..<integerEnd { value = value * 10 + Int64(bytes[position] - UInt8(ascii: "0")) }
            return .int(negative ? -value : value)
        }
        // a fraction that rounds to a whole number reads as that integer, as JSONDecoder reads it
        guard let value = Double(String(decoding: text, as: UTF8.self)) else { throw Invalid() }
        if let integer = Int64(exactly: value) { return .int(integer) }
        return .double(value)
    }
}
