import Accounting
import Foundation
import Hummingbird
import Kling
import NIOCore

/// A field of a request body: absent, JSON null, or a value that passed its rule.
enum BodyField<Value: Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    /// On a create, absent and null both mean "not set".
    var valueOrNil: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    func required(_ key: String) throws -> Value {
        guard case .value(let value) = self else { throw AdminAPIError.badRequest("\(key): required") }
        return value
    }

    /// On a PATCH of a field that null clears.
    var clearable: Patch<Value?> {
        switch self {
        case .absent: .keep
        case .null: .set(nil)
        case .value(let value): .set(value)
        }
    }

    /// On a PATCH of a field that always has a value.
    func patch(_ key: String) throws -> Patch<Value> {
        switch self {
        case .absent: return .keep
        case .null: throw AdminAPIError.badRequest("\(key): must not be null")
        case .value(let value): return .set(value)
        }
    }
}

/// An admin request body: a JSON object whose fields are read one by one through `FieldRule`s.
/// Malformed JSON, a body that is not an object, or a field of the wrong JSON type is 400 `bad_request`;
/// a value of the right type that breaks a rule is 422 `invalid`. Unknown fields are ignored.
struct AdminBody: Sendable {
    let fields: [String: JSONValue]

    static func read(_ request: Request, context: AdminContext) async throws -> AdminBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw AdminAPIError.tooLarge(context.maxUploadSize)
        }
        let value: JSONValue
        do {
            value = try JSONValue.decode(Data(buffer.readableBytesView))
        } catch {
            throw AdminAPIError.badRequest("body: not valid JSON")
        }
        guard case .object(let fields) = value else {
            throw AdminAPIError.badRequest("body: must be a JSON object")
        }
        return AdminBody(fields: fields)
    }

    func field<Value>(_ key: String, _ rule: FieldRule<Value>) throws -> BodyField<Value> {
        switch fields[key] {
        case nil: return .absent
        case .null?: return .null
        case let json?: return .value(try rule.read(key, json))
        }
    }
}

/// How one field is read: its JSON type (else 400) and its rule (else 422), with a message naming the field.
struct FieldRule<Value: Sendable>: Sendable {
    let read: @Sendable (_ key: String, _ json: JSONValue) throws -> Value
}

/// Bounds on amounts an admin may set: 10^15 micros (a billion currency units) keeps every
/// sum of them far from Int64 overflow.
enum AdminLimits {
    static let maxMicros: Int64 = 1_000_000_000_000_000
    /// Video and image models a key may be limited to (Kling's VideoModel and ImageModel).
    static let knownModels = ["kling-video-o1", "kling-v3-omni", "kling-image-o1"]
}

extension FieldRule where Value == String {
    /// Text of `length` characters, not only spaces. PostgreSQL cannot store NUL, so it is refused here.
    static func text(_ length: ClosedRange<Int>) -> FieldRule {
        FieldRule { key, json in
            guard case .string(let text) = json else { throw AdminAPIError.badRequest("\(key): must be a string") }
            guard length.contains(text.unicodeScalars.count), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw AdminAPIError.invalid("\(key): must be \(length.lowerBound) to \(length.upperBound) characters and not blank")
            }
            guard !text.unicodeScalars.contains("\u{0}") else { throw AdminAPIError.invalid("\(key): must not contain NUL") }
            return text
        }
    }

    static var name: FieldRule { text(1...200) }

    /// An absolute http or https URL with a host.
    static var httpURL: FieldRule {
        FieldRule { key, json in
            let text = try text(1...2000).read(key, json)
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = url.host, !host.isEmpty
            else { throw AdminAPIError.invalid("\(key): must be an http:// or https:// URL") }
            return text
        }
    }
}

extension FieldRule where Value == Int64 {
    static func integer(_ range: ClosedRange<Int64>) -> FieldRule {
        FieldRule { key, json in
            guard case .int(let number) = json else { throw AdminAPIError.badRequest("\(key): must be a whole number") }
            guard range.contains(number) else {
                throw AdminAPIError.invalid("\(key): must be from \(range.lowerBound) to \(range.upperBound), got \(number)")
            }
            return number
        }
    }

    /// An amount that cannot be negative.
    static var micros: FieldRule { integer(0...AdminLimits.maxMicros) }
}

extension FieldRule where Value == Int {
    /// A count limit such as max_concurrent_tasks or rpm_limit: at least 1, fits a PostgreSQL integer.
    static var positiveCount: FieldRule {
        FieldRule { key, json in Int(try FieldRule<Int64>.integer(1...Int64(Int32.max)).read(key, json)) }
    }
}

extension FieldRule where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    /// One of an enum's names.
    static var choice: FieldRule {
        FieldRule { key, json in
            guard case .string(let text) = json else { throw AdminAPIError.badRequest("\(key): must be a string") }
            guard let value = Value(rawValue: text) else {
                let names = Value.allCases.map(\.rawValue).joined(separator: ", ")
                throw AdminAPIError.invalid("\(key): must be one of \(names), got \(text.debugDescription)")
            }
            return value
        }
    }
}

extension FieldRule where Value == Date {
    /// An RFC 3339 time after now.
    static var futureTime: FieldRule {
        FieldRule { key, json in
            guard case .string(let text) = json else { throw AdminAPIError.badRequest("\(key): must be an RFC 3339 time string") }
            guard text.count > 10, let date = RFC3339.parse(text) else {
                throw AdminAPIError.invalid("\(key): must be an RFC 3339 time such as 2030-01-31T00:00:00Z")
            }
            guard date > Date() else { throw AdminAPIError.invalid("\(key): must be in the future") }
            return date
        }
    }
}

extension FieldRule where Value == [String] {
    /// A non-empty list of known model names; duplicates are dropped.
    static var models: FieldRule {
        FieldRule { key, json in
            guard case .array(let items) = json else { throw AdminAPIError.badRequest("\(key): must be an array of model names") }
            var models: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let model) = item else { throw AdminAPIError.badRequest("\(key)[\(index)]: must be a string") }
                guard AdminLimits.knownModels.contains(model) else {
                    throw AdminAPIError.invalid("\(key)[\(index)]: unknown model \(model.debugDescription); known: \(AdminLimits.knownModels.joined(separator: ", "))")
                }
                if !models.contains(model) { models.append(model) }
            }
            guard !models.isEmpty else {
                throw AdminAPIError.invalid("\(key): must name at least one model (null or absent allows every model)")
            }
            return models
        }
    }
}
