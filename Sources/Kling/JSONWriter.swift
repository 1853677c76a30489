/// `JSONValue` to JSON text, byte for byte what Foundation's JSONEncoder writes with `.sortedKeys` and
/// `.withoutEscapingSlashes` (Tests/KlingTests/JSONParserTests compares the two), in one pass:
/// keys in the order of their UTF-8 bytes; `"`, `\` and the control characters escaped (`\b \f \n \r \t`, the rest
/// `\u00xx`), everything else as its UTF-8; a double as its shortest form with no trailing `.0`
/// (`1`, `0.5`, `1e-07`), a non-finite one as null.
struct JSONWriter {
    private var out: [UInt8] = []

    static func bytes(of value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.out.reserveCapacity(256)
        writer.write(value)
        return writer.out
    }

    private mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .double(let number) where !number.isFinite: append("null")
        case .double(let number):
            var text = number.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            out.append(contentsOf: text.utf8)
        case .string(let text): write(text)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                write(item)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (position, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                write(member.key)
                out.append(UInt8(ascii: ":"))
                write(member.value)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private mutating func append(_ word: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func write(_ text: String) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case ..<0x20:
                append("\\u00")
                out.append(Self.hex[Int(byte >> 4)])
                out.append(Self.hex[Int(byte & 0x0F)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
