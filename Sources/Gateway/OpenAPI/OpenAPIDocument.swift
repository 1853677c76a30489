/// The OpenAPI 3.1 document of the whole API (docs/api.md), served at `GET /openapi.json`.
/// It lives in `openapi.json` beside this file, embedded in the binary at build time, so that what is
/// served is exactly what is in the repository; a test checks that it lists every route the router
/// registers and no other. Change it together with the routes it describes.
enum OpenAPIDocument {
    static var json: String { String(decoding: PackageResources.openapi_json, as: UTF8.self) }
}
