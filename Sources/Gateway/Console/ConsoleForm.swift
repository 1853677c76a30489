import Foundation
import Hummingbird
import Kling

/// An `application/x-www-form-urlencoded` body. Its fields become an `AdminBody`, so every value is
/// checked by the admin API's own field rules: a form and a JSON body are refused for the same reasons.
struct ConsoleForm: Sendable {
    /// Every value of each field, in order (checkboxes repeat a name).
    let fields: [String: [String]]

    static func read(_ request: Request, context: ConsoleContext) async throws -> ConsoleForm {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return parse(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    static func parse(_ text: String) -> ConsoleForm {
        var fields: [String: [String]] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let name = decode(parts[0])
            fields[name, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return ConsoleForm(fields: fields)
    }

    /// The first value, trimmed; nil when absent or empty.
    func value(_ name: String) -> String? {
        guard let text = fields[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// How an empty field is read: left out (keep or default) or null (clear the limit).
    enum Empty { case absent, null }

    /// The admin body these fields make: `text` fields as strings, `numbers` as integers (a value that
    /// is not one stays a string, so the rule names the field), `lists` as arrays.
    func adminBody(text: [String] = [], numbers: [String] = [], lists: [String] = [], empty: Empty = .absent) -> AdminBody {
        var body: [String: JSONValue] = [:]
        func emptyField(_ name: String) {
            if empty == .null, fields[name] != nil { body[name] = .null }
        }
        for name in text {
            if let value = value(name) { body[name] = .string(value) } else { emptyField(name) }
        }
        for name in numbers {
            guard let value = value(name) else { emptyField(name); continue }
            body[name] = Int64(value).map(JSONValue.int) ?? .string(value)
        }
        for name in lists {
            let values = (fields[name] ?? []).filter { !$0.isEmpty }
            if !values.isEmpty { body[name] = .array(values.map(JSONValue.string)) }
        }
        return AdminBody(fields: body)
    }
}
