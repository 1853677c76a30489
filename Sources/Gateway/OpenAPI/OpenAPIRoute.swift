import Hummingbird

/// `GET /openapi.json`: the whole API (docs/api.md) as an OpenAPI 3.1 document, for people and for
/// tools such as client generators and `scripts/fuzz.sh`.
struct OpenAPIRoute: Sendable {
    func register(on router: Router<GatewayContext>) {
        let body = ByteBuffer(string: OpenAPIDocument.json)
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
    }
}
