import Foundation
import Hummingbird
import Kling

/// JSON bodies for both APIs: snake_case keys, RFC 3339 UTC dates, sorted keys so that answers are stable.
public enum JSONResponse {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    public static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: value.encodedData())))
    }

    /// The upstream envelope: `{"code":0,"message":"SUCCEED","request_id":"…","data":…}`.
    public static func kling(_ data: JSONValue, requestID: String) -> Response {
        json(.object(["code": 0, "message": "SUCCEED", "request_id": .string(requestID), "data": data]))
    }

    /// The same envelope around `data`, bytes of JSON already written (a report's direct writer), in the
    /// sorted key order of `kling(_:requestID:)`, so the answer is byte for byte the same without decoding
    /// the data and encoding it again.
    public static func kling(json data: ByteBuffer, requestID: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: klingEnvelope(json: data, requestID: requestID)))
    }

    static func klingEnvelope(json data: ByteBuffer, requestID: String) -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(data.readableBytes + requestID.utf8.count + 64)
        body.writeString(#"{"code":0,"data":"#)
        body.writeImmutableBuffer(data)
        body.writeString(#","message":"SUCCEED","request_id":"#)
        body.writeBytes(JSONValue.string(requestID).encodedData())
        body.writeString("}")
        return body
    }
}

/// RFC 3339 timestamps in UTC with milliseconds, e.g. 2026-11-23T01:27:00.123Z.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    /// Accepts RFC 3339 (with or without fractional seconds) and, for report bounds, a plain `YYYY-MM-DD` (UTC midnight).
    public static func parse(_ text: String) -> Date? {
        if text.count == 10, let day = try? Date("\(text)T00:00:00Z", strategy: Date.ISO8601FormatStyle(timeZone: .gmt)) {
            return day
        }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)) {
            return date
        }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(timeZone: .gmt))
    }
}
