import Hummingbird
import Kling

/// The upstream's answers: `{"code":0,"message":"SUCCEED","request_id":…,"data":…}`
/// and `{"code":C,"message":…,"request_id":…}`.
enum KlingAnswer {
    static func success(_ data: JSONValue, requestID: String) -> Response {
        json(["code": 0, "message": "SUCCEED", "request_id": .string(requestID), "data": data], status: .ok)
    }

    static func failure(_ error: SimulatorError, requestID: String) -> Response {
        json(["code": .int(Int64(error.code)), "message": .string(error.message), "request_id": .string(requestID)], status: error.status)
    }

    private static func json(_ value: JSONValue, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.encodedData()))
        )
    }
}
