import Foundation
import Kling
import Testing

/// PostgreSQL's jsonb cannot hold U+0000, and create bodies are stored as jsonb: such a body is refused
/// with 1201 at parsing, naming the field, instead of failing at the insert (found by scripts/fuzz.sh).
@Suite struct NULCharacterTests {
    @Test func aNULInAKnownFieldIsRefusedNamingIt() throws {
        let body = Data(#"{"prompt":"a fox\u0000","aspect_ratio":"16:9"}"#.utf8)
        #expect(throws: KlingError.invalid("prompt", "must not contain the NUL character (\\u0000)")) { try VideoRequest.parse(body) }
    }

    @Test func aNULInAnUnknownNestedFieldIsRefusedToo() throws {
        let body = Data(#"{"prompt":"a lighthouse","extra":{"list":["ok","bad\u0000"]}}"#.utf8)
        #expect(throws: KlingError.invalid("extra.list[1]", "must not contain the NUL character (\\u0000)")) { try ImageRequest.parse(body) }
    }

    @Test func aNULInAKeyIsRefused() throws {
        let body = Data(#"{"prompt":"x","aspect_ratio":"1:1","k\u0000":1}"#.utf8)
        #expect(throws: KlingError.self) { try VideoRequest.parse(body) }
    }
}
