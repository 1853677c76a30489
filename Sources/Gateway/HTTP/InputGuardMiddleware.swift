import Foundation
import Hummingbird
import NIOCore

/// Checks that apply before any route (docs/security.md):
/// - a NUL in any query name or value is 400 in the family's error body (PostgreSQL cannot store it);
/// - `POST /v1/upstream-callbacks/{id}`, which anyone may call and which causes an upstream query, is
///   limited per task id; the estimate routes, which parse and price a body without reserving, per key.
///   Beyond the limit: 429/1302 with `Retry-After`.
/// Bodies over the limit answer 413 in the family's body (the error middlewares map it).
struct InputGuardMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let upstreamCallbacks = KeyedRateLimiter(burst: 10, perSecond: 0.5)
    let estimates = KeyedRateLimiter(burst: 300, perSecond: 20)

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let admin = path.hasPrefix("/admin/")
        for (name, value) in request.uri.queryParameters where name.contains("\u{0}") || value.contains("\u{0}") {
            let message = "\(String(name).replacingOccurrences(of: "\u{0}", with: "\\u0000")): must not contain the NUL character"
            return admin ? AdminAPIError.badRequest(message).response()
                : KlingAPIError.malformed(message).response(requestID: context.requestID)
        }
        if request.method == .post {
            var wait: Int?
            if path.hasPrefix("/v1/upstream-callbacks/") {
                wait = await upstreamCallbacks.take(String(path.dropFirst("/v1/upstream-callbacks/".count).prefix(64)).lowercased())
            } else if path.hasPrefix("/v1/estimate/"), let key = request.headers[.authorization] {
                wait = await estimates.take(String(key.prefix(200)))
            }
            if let wait { return KlingAPIError.rateLimited(retryAfter: wait).response(requestID: context.requestID) }
        }
        return try await next(request, context)
    }
}
