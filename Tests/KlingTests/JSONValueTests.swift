import Foundation
import Kling
import Testing

@Suite struct JSONValueTests {
    @Test func integersSurviveExactly() throws {
        let text = #"{"a":9223372036854775807,"b":-9223372036854775808,"c":9007199254740993}"#
        let value = try JSONValue.decode(Data(text.utf8))
        #expect(value["a"] == .int(.max))
        #expect(value["b"] == .int(.min))
        #expect(value["c"] == .int(9_007_199_254_740_993))
        #expect(value.encodedString() == text)
    }

    @Test func eachTypeIsKept() throws {
        let value = try JSONValue.decode(Data(#"[null,true,1,1.5,"s",[],{}]"#.utf8))
        #expect(value == [nil, true, 1, 1.5, "s", [], [:]])
    }

    @Test func encodingIsSortedAndDoesNotEscapeSlashes() {
        let value: JSONValue = ["b": "https://x/y", "a": 1]
        #expect(value.encodedString() == #"{"a":1,"b":"https://x/y"}"#)
    }

    @Test func aNonFiniteDoubleEncodesAsNull() {
        #expect(JSONValue.double(.infinity).encodedString() == "null")
        #expect(JSONValue.array([.double(.nan)]).encodedString() == "[null]")
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        // refused as malformed (1200), by the element bound before the decoder sees it
        #expect(throws: KlingError.malformed("body: more than 10000 JSON elements")) { try VideoRequest.parse(Data(deep.utf8)) }
        let deepObject = #"{"prompt":"x","extra":"# + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}"
        #expect(throws: KlingError.self) { try ImageRequest.parse(Data(deepObject.utf8)) }
    }

    @Test func nestingJustUnderTheDecodersLimitPassesThrough() throws {
        let nested = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let request = try ImageRequest.parse(Data(#"{"prompt":"x","extra":\#(nested)}"#.utf8))
        #expect(request.body["extra"]?.arrayValue?.count == 1)
    }

    @Test func invalidUTF8IsMalformed() {
        let bytes = Data([0x7B, 0x22, 0x70, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
        #expect(throws: KlingError.malformed("body: not valid JSON")) { try ImageRequest.parse(bytes) }
    }
}
