import Foundation
import Kling
import Testing

/// One row of a validation table: a body and what the parser must make of it.
struct BodyCase: Sendable, CustomTestStringConvertible {
    enum Outcome: Sendable {
        /// Valid; these members of the normalized body hold these values, these are absent.
        case valid(has: [String: JSONValue], lacks: [String])
        /// Refused with this code, naming this field (nil for a malformed body).
        case refused(code: Int, field: String?)
    }

    let name: String
    let json: String
    let outcome: Outcome
    var testDescription: String { name }

    static func valid(_ name: String, _ json: String, has: [String: JSONValue] = [:], lacks: [String] = []) -> BodyCase {
        BodyCase(name: name, json: json, outcome: .valid(has: has, lacks: lacks))
    }

    static func invalid(_ name: String, _ json: String, field: String) -> BodyCase {
        BodyCase(name: name, json: json, outcome: .refused(code: 1201, field: field))
    }

    static func malformed(_ name: String, _ json: String) -> BodyCase {
        BodyCase(name: name, json: json, outcome: .refused(code: 1200, field: nil))
    }

    /// Runs `parse` on the body and checks the outcome; returns the parsed value when valid.
    @discardableResult
    func check<R: OmniCreateRequest>(_ parse: (Data) throws(KlingError) -> R) -> R? {
        do {
            let request = try parse(Data(json.utf8))
            guard case .valid(let has, let lacks) = outcome else {
                Issue.record("\(name): accepted, expected \(outcome)")
                return nil
            }
            for (key, value) in has {
                #expect(request.body[key] == value, "\(name): \(key)")
            }
            for key in lacks {
                #expect(request.body[key] == nil, "\(name): \(key) should be absent")
            }
            return request
        } catch {
            guard case .refused(let code, let field) = outcome else {
                Issue.record("\(name): refused with \(error.message), expected valid")
                return nil
            }
            #expect(error.code == code, "\(name): \(error.message)")
            #expect(error.field == field, "\(name): \(error.message)")
            if let field {
                #expect(error.message.hasPrefix("\(field): "), "\(name): \(error.message)")
            }
            return nil
        }
    }
}

/// "x" repeated: long prompts.
func text(_ count: Int, _ character: Character = "x") -> String {
    String(repeating: character, count: count)
}
