import Foundation

/// The first step of every create: the body must be a JSON object (else 1200).
enum BodyDecoding {
    static func object(_ body: Data) throws(KlingError) -> [String: JSONValue] {
        if JSONElementCount.exceeds(body, budget: JSONElementCount.createBudget) {
            throw .malformed("body: more than \(JSONElementCount.createBudget) JSON elements")
        }
        let value: JSONValue
        do {
            value = try JSONValue.decode(body)
        } catch {
            throw .malformed("body: not valid JSON")
        }
        guard let object = value.objectValue else {
            throw .malformed("body: must be a JSON object, got \(value.typeName)")
        }
        // Bodies are stored as jsonb, which cannot hold U+0000: refuse it here (1201) rather than fail later (500).
        if let path = firstNUL(in: value, path: "body") {
            throw .invalid(path, "must not contain the NUL character (\\u0000)")
        }
        return object
    }

    /// The path of the first key or string holding U+0000, if any.
    static func firstNUL(in value: JSONValue, path: String) -> String? {
        switch value {
        case .string(let text):
            return text.unicodeScalars.contains("\u{0}") ? path : nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = firstNUL(in: item, path: "\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let members):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                let memberPath = path == "body" ? key : "\(path).\(key)"
                if key.unicodeScalars.contains("\u{0}") { return path == "body" ? "body" : path }
                if let found = firstNUL(in: member, path: memberPath) { return found }
            }
            return nil
        case .null, .bool, .int, .double:
            return nil
        }
    }
}
