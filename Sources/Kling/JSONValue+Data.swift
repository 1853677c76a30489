import Foundation

extension JSONValue {
    /// Parses JSON text (any value, including a bare scalar).
    public static func decode(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// JSON text with sorted keys, so equal values encode to equal bytes.
    public func encodedData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Cannot fail: every case encodes (non-finite doubles become null).
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// The same as `encodedData()`, as a string.
    public func encodedString() -> String {
        String(decoding: encodedData(), as: UTF8.self)
    }
}
