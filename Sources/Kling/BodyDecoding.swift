import Foundation

/// The first step of every create: the body must be a JSON object (else 1200).
enum BodyDecoding {
    static func object(_ body: Data) throws(KlingError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONValue.decode(body)
        } catch {
            throw .malformed("body: not valid JSON")
        }
        guard let object = value.objectValue else {
            throw .malformed("body: must be a JSON object, got \(value.typeName)")
        }
        return object
    }
}
