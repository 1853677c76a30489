/// Reads the typed members of one JSON object, and names the member's full
/// path (`image_list[2].type`) in every error. A member that is null reads
/// as absent, as the upstream's own (Jackson-style) binding does.
struct FieldReader {
    let object: [String: JSONValue]
    /// The object's own path: "" for the body, "image_list[2]" for an item.
    let path: String

    init(_ object: [String: JSONValue], path: String = "") {
        self.object = object
        self.path = path
    }

    func fieldPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    func invalid(_ key: String, _ reason: String) -> KlingError {
        .invalid(fieldPath(key), reason)
    }

    /// The member's value; nil when it is absent or null.
    func value(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws(KlingError) -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else { throw wrongType(key, "a string", value) }
        return text
    }

    func nonEmptyString(_ key: String) throws(KlingError) -> String? {
        guard let text = try string(key) else { return nil }
        guard !text.isEmpty else { throw invalid(key, "must not be empty") }
        return text
    }

    func integer(_ key: String) throws(KlingError) -> Int64? {
        guard let value = value(key) else { return nil }
        guard let number = value.int64Value else { throw wrongType(key, "an integer", value) }
        return number
    }

    func bool(_ key: String) throws(KlingError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.boolValue else { throw wrongType(key, "a boolean", value) }
        return flag
    }

    func array(_ key: String) throws(KlingError) -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard let items = value.arrayValue else { throw wrongType(key, "an array", value) }
        return items
    }

    func objectMember(_ key: String) throws(KlingError) -> [String: JSONValue]? {
        guard let value = value(key) else { return nil }
        guard let members = value.objectValue else { throw wrongType(key, "an object", value) }
        return members
    }

    /// An array whose items must all be objects, each read with its own path.
    func objectItems(_ key: String) throws(KlingError) -> [FieldReader]? {
        guard let items = try array(key) else { return nil }
        var readers: [FieldReader] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(fieldPath(key))[\(index)]"
            guard let members = item.objectValue else {
                throw .invalid(itemPath, "must be an object, got \(item.typeName)")
            }
            readers.append(FieldReader(members, path: itemPath))
        }
        return readers
    }

    /// A string that must be one of `allowed`.
    func choice(_ key: String, _ allowed: [String]) throws(KlingError) -> String? {
        guard let text = try string(key) else { return nil }
        guard allowed.contains(text) else {
            throw invalid(key, "must be \(Self.listing(allowed)), got \"\(Self.clipped(text))\"")
        }
        return text
    }

    private func wrongType(_ key: String, _ expected: String, _ value: JSONValue) -> KlingError {
        invalid(key, "must be \(expected), got \(value.typeName)")
    }

    /// "a, b or c"
    static func listing(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + words[words.count - 1]
    }

    /// A value as a message shows it: a string quoted and clipped, else its type.
    static func shown(_ value: JSONValue) -> String {
        if let text = value.stringValue { return "\"\(clipped(text))\"" }
        return value.typeName
    }

    /// Echoes at most 64 characters of a tenant's value back in a message.
    static func clipped(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(64)) + "…"
    }
}
