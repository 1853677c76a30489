import Foundation
import Testing
import TestSupport
@testable import Kling

/// JSONParser and JSONWriter against Foundation's JSONDecoder and JSONEncoder (through JSONValue's Codable
/// conformance, the way omnimeter read and wrote JSON before them): the same value or the same refusal for
/// every text, the same bytes for every value.
@Suite struct JSONParserTests {
    static func foundation(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    static func foundationBytes(_ value: JSONValue) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try! encoder.encode(value))
    }

    static func agree(_ bytes: [UInt8], _ note: @autoclosure () -> String = "") {
        let ours = try? JSONParser.parse(Data(bytes))
        let theirs = foundation(bytes)
        #expect(ours == theirs, "\(String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription) \(note())")
        // the same types too, all the way down (`==` holds between .int(1) and .double(1) nowhere, but check)
        if let ours, let theirs { #expect(strictlyEqual(ours, theirs), "\(String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription)") }
    }

    static func strictlyEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): return Array(x.utf8) == Array(y.utf8)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { strictlyEqual($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { strictlyEqual(value, $0) } ?? false }
        default: return false
        }
    }

    /// Each rule where the two could part: numbers, escapes, surrogates, control characters, invalid UTF-8,
    /// trailing commas, duplicate keys, the byte order mark, whitespace, nesting at the limit.
    static let edges: [String] = [
        "1.0", "1e2", "-0", "-0.0", "12345678901234567890", "1.5", "0.1e1", "1e400", "-1e400", "01", "+1", ".5", "1.", "-",
        "1e", "NaN", "Infinity", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "9007199254740993", "9007199254740993.0", "1E2", "1e+2", "1e-2", "0", "1e-400", "0e0", "123.456e2", "1e19",
        "1.000000000000000000000", "0.0", "-0.5", "1.25", "0.1", "0.30000000000000004", "12345678901234567", "123456789012345678",
        "1.0000000000000001", "99999999999999999", "-99999999999999999.0", "5e-324",
        "\"\\x\"", "\"\\ud800\"", "\"\\ud83d\\ude00\"", "\"\\udc00\"", "\"a\u{1}b\"", "\"\\uD83D\\u0041\"", "\"\\uD83D\"",
        "\"\\u00\"", "\"\\u00e9\"", "\"\\u00E9\"", "\"\\/\"", "\"\\U0041\"", "\"\\u0000\"", "\"\u{7f}\"", "\"a\\\nb\"",
        "\"\\b\\f\\n\\r\\t\\\"\\\\\"", "\"é😀\"",
        "{\"a\":1,\"a\":2}", "1 2", " 1 ", "\u{feff}1", "\u{feff} 1", "", " ", "[1,]", "{\"a\":1,}", "[01]", "[,]", "[1,,2]",
        "{,}", "[1 2]", "{\"a\" 1}", "{\"a\":}", "[\n]", "/*c*/1", "{\"a\":1,,}", "[\"a\",]", "{1:2}", "[1,\n]", "{\"\":1}",
        "true", "tru", "null", "nul", "false", "falsey", "[]", "{}", "\t\n\r 1", "\u{b}1", "[1]x", "[true,false,null]",
        "{\"a\":[1,{\"b\":null}]}", "[", "{", "\"", "{\"a\"", "{\"a\":1", "[1", "[\"a\"", "{\"a\":[}", "\u{0}",
    ]

    @Test func edgeCasesReadAsFoundationReadsThem() {
        for text in Self.edges { Self.agree(Array(text.utf8)) }
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0xEF, 0xBB, 0xBF, 0x31], [0xEF, 0xBB]] {
            Self.agree(bytes)
        }
        for depth in [511, 512, 513, 600] {
            Self.agree(Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8), "depth \(depth)")
            Self.agree(Array((String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)).utf8), "depth \(depth)")
        }
    }

    /// Random values written in random whitespace, then read back; and each text with one byte changed,
    /// removed or cut off, which both must refuse or read alike.
    @Test(arguments: [UInt64(11), 12, 13, 14])
    func generatedAndMutatedTextsReadAlike(seed: UInt64) {
        var json = ArbitraryJSON(seed: seed)
        var random = SeededGenerator(seed: seed &* 7919)
        let noise: [UInt8] = Array(" \t\n\r,:[]{}\"\\-+.eE0159atfnu/\u{1}".utf8) + [0x80, 0xC3, 0xFF, 0xED]
        for _ in 0..<400 {
            let value = json.any()
            var bytes = Self.spaced(Self.foundationBytes(value), &random)
            Self.agree(bytes)
            for _ in 0..<4 where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[at] = random.pick(noise)
                case 1: bytes.remove(at: at)
                default: bytes = Array(bytes.prefix(at))
                }
                Self.agree(bytes)
            }
        }
    }

    /// Whitespace between tokens (outside strings), as a client might send it.
    static func spaced(_ bytes: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false
        var escaped = false
        for byte in bytes {
            if !inString, random.chance(0.2) { out.append(random.pick(Array(" \t\n\r".utf8))) }
            out.append(byte)
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            }
        }
        return out
    }

    @Test(arguments: [UInt64(21), 22, 23])
    func writtenBytesAreFoundations(seed: UInt64) {
        var json = ArbitraryJSON(seed: seed)
        var random = SeededGenerator(seed: seed &* 104_729)
        for _ in 0..<400 {
            let value = json.any()
            #expect(JSONWriter.bytes(of: value) == Self.foundationBytes(value), "\(value)")
        }
        // doubles of every magnitude, and strings of every control character and some combining marks
        for _ in 0..<2000 {
            let double = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &random))
            guard double.isFinite else { continue }
            let value = JSONValue.array([.double(double), .double(Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 8)])
            #expect(JSONWriter.bytes(of: value) == Self.foundationBytes(value), "\(double)")
        }
        let scalars = (0..<0x80).compactMap(Unicode.Scalar.init) + ["\u{2028}", "\u{2029}", "\u{FEFF}", "\u{301}", "é", "e", "Z", "_", "😀", "\u{FFFD}"]
        for _ in 0..<500 {
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let key = String(String.UnicodeScalarView((0..<Int.random(in: 0...4, using: &random)).map { _ in random.pick(scalars) }))
                members[key] = .string(String(String.UnicodeScalarView((0..<Int.random(in: 0...8, using: &random)).map { _ in random.pick(scalars) })))
            }
            let value = JSONValue.object(members)
            #expect(JSONWriter.bytes(of: value) == Self.foundationBytes(value), "\(value)")
        }
    }
}
