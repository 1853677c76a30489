import Foundation

extension JSONValue {
    /// Parses JSON text (any value, including a bare scalar), as Foundation's JSONDecoder would
    /// (JSONParser.swift).
    public static func decode(_ data: Data) throws -> JSONValue {
        try JSONParser.parse(data)
    }

    /// JSON text with sorted keys, so equal values encode to equal bytes, as Foundation's JSONEncoder
    /// writes it with `.sortedKeys` and `.withoutEscapingSlashes` (JSONWriter.swift).
    public func encodedData() -> Data {
        Data(JSONWriter.bytes(of: self))
    }

    /// The same as `encodedData()`, as a string.
    public func encodedString() -> String {
        String(decoding: JSONWriter.bytes(of: self), as: UTF8.self)
    }
}
