import Hummingbird

/// Counts every request by route, method and status, and times it until its body is written (a
/// streamed CSV export counts its whole download). The route is the matched pattern, such as
/// `/kling/v1/videos/omni-video/{id}`, or `NotFound`: never the raw URL, whose ids would make a
/// new series per task.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Clients may send any method token; others are counted as `other` so they add no series.
    static var knownMethods: Set<HTTPRequest.Method> { [.get, .head, .post, .put, .patch, .delete, .options] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let method = Self.knownMethods.contains(request.method) ? request.method.rawValue : "other"
        do {
            var response = try await next(request, context)
            let status = Int(response.status.code)
            let body = response.body
            let record: @Sendable () -> Void = {
                GatewayMetrics.request(route: context.endpointPath ?? "NotFound", method: method, status: status,
                                       nanoseconds: (ContinuousClock.now - started).nanoseconds)
            }
            // the same as Hummingbird's own (package-only) post-write closure: record once the body is written
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                do {
                    try await body.write(writer)
                    record()
                } catch {
                    record()
                    throw error
                }
            }
            return response
        } catch {
            // an error no middleware turned into a response: Hummingbird answers it with its status, or 500
            let status = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
            GatewayMetrics.request(route: context.endpointPath ?? "NotFound", method: method, status: status,
                                   nanoseconds: (ContinuousClock.now - started).nanoseconds)
            throw error
        }
    }
}
