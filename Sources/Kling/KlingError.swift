/// A request the upstream would refuse, with the upstream's own code
/// (HTTP 400): 1200 for a body that is not a JSON object, 1201 for a value
/// that breaks a rule. A 1201 message starts with the field's path.
public struct KlingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    /// The offending field's path (`image_list[2].type`), when one is to blame.
    public var field: String?
    public var message: String

    public init(code: Int, field: String?, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var httpStatus: Int { 400 }
    public var description: String { "\(code): \(message)" }

    public static let malformedCode = 1200
    public static let invalidCode = 1201

    /// The body cannot be read as a JSON object.
    public static func malformed(_ reason: String) -> KlingError {
        KlingError(code: malformedCode, field: nil, message: reason)
    }

    /// A field's value breaks a rule: the message reads "field: reason".
    public static func invalid(_ field: String, _ reason: String) -> KlingError {
        KlingError(code: invalidCode, field: field, message: "\(field): \(reason)")
    }
}
