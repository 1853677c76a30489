import Accounting
import Foundation
import Hummingbird
import Kling
import Testing

/// Inputs that answered 500 or too much: oversized admin bodies, NUL in query values, a date range the
/// database cannot hold, an open /metrics, bodies of countless tiny elements, an unbounded public route.
@Suite struct InputLimitTests {
    @Test func anOversizedAdminBodyIs413InTheAdminErrorShape() async throws {
        try await SafetyGateway.run { client in
            let big = "{\"name\":\"" + String(repeating: "x", count: 5 * 1024 * 1024) + "\"}"
            let reply = try await client.send(.post, "/admin/v1/tenants", token: TestGateway.bootstrapToken, raw: big)
            #expect(reply.status == .contentTooLarge, "\(reply.text.prefix(200))")
            #expect(reply.errorCode == "payload_too_large")
        }
    }

    @Test func aNULInAnyQueryValueIs400NeverA500() async throws {
        try await SafetyGateway.run { client in
            let audit = try await client.admin(.get, "/admin/v1/audit?resource_id=%00")
            #expect(audit.status == .badRequest, "\(audit.text)")
            #expect(audit.errorCode == "bad_request")
            let tasks = try await client.admin(.get, "/admin/v1/tasks?tenant_id=a%00b")
            #expect(tasks.status == .badRequest)
            let tenant = try await client.send(.get, "/kling/v1/videos/omni-video?pageNum=%00", token: "omk_nobody")
            #expect(tenant.status == .badRequest)
            #expect(tenant["code"]?.int64Value == 1200)
        }
    }

    @Test func aDateRangeTheDatabaseCannotHoldIs400BeforeAnyCSV() async throws {
        try await SafetyGateway.run { client in
            let reply = try await client.admin(.get, "/admin/v1/reports/usage.csv?from=0001-01-01&to=9999-12-31")
            #expect(reply.status == .badRequest, "\(reply.text.prefix(200))")
            #expect(reply.errorCode == "bad_request")
            let report = try await client.admin(.get, "/admin/v1/reports/usage?from=0001-01-01&to=2026-01-01")
            #expect(report.status == .badRequest)
            let fine = try await client.admin(.get, "/admin/v1/reports/usage.csv?from=2026-01-01&to=9999-12-31")
            #expect(fine.status == .ok)
        }
    }

    @Test func metricsNeedTheTokenWhenOneIsSet() async throws {
        try await SafetyGateway.run(["OMNIMETER_METRICS_TOKEN": "scrape-secret"]) { client in
            let open = try await client.send(.get, "/metrics", token: nil)
            #expect(open.status == .unauthorized)
            let wrong = try await client.send(.get, "/metrics", token: "scrape-secreT")
            #expect(wrong.status == .unauthorized)
            let right = try await client.send(.get, "/metrics", token: "scrape-secret")
            #expect(right.status == .ok)
            #expect(right.text.contains("omnimeter_"))
        }
        try await SafetyGateway.run { client in
            let open = try await client.send(.get, "/metrics", token: nil)
            #expect(open.status == .ok)  // unset: open as before
        }
    }

    @Test func aCreateBodyOfTooManyElementsIsRefusedBeforeDecoding() async throws {
        try await SafetyGateway.run { client in
            let tenant = try await client.makeTenant()
            let key = try await client.makeKey(tenantID: tenant)
            let body = "{\"prompt\":\"x\",\"image_list\":[" + Array(repeating: "0", count: 20_000).joined(separator: ",") + "]}"
            for path in ["/kling/v1/videos/omni-video", "/v1/estimate/videos/omni-video"] {
                let reply = try await client.send(.post, path, token: key.secret, raw: body)
                #expect(reply.status == .badRequest, "\(path): \(reply.text)")
                #expect(reply["code"]?.int64Value == 1200)
                #expect(reply["message"]?.stringValue?.contains("JSON elements") == true)
            }
        }
        #expect(!JSONElementCount.exceeds(Data(#"{"a":"[,,,:{{"}"#.utf8), budget: 2))
        #expect(JSONElementCount.exceeds(Data("[1,2,3]".utf8), budget: 2))
    }

    @Test func upstreamCallbacksAreRateLimitedPerTask() async throws {
        try await SafetyGateway.run(["OMNIMETER_UPSTREAM_URL": "http://127.0.0.1:9/kling"]) { client in
            let task = UUID().uuidString.lowercased()
            var statuses: [HTTPResponse.Status] = []
            // a burst of 10, then one more every 2 s: 30 quick calls meet the limit whatever the machine's load
            for _ in 0..<30 { statuses.append(try await client.send(.post, "/v1/upstream-callbacks/\(task)", token: nil, raw: "{}").status) }
            #expect(statuses.prefix(10).allSatisfy { $0 == .notFound }, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 10, "\(statuses)")
            #expect(statuses.allSatisfy { $0 == .notFound || $0 == .tooManyRequests }, "\(statuses)")
            // another task is not held back
            #expect(try await client.send(.post, "/v1/upstream-callbacks/\(UUID().uuidString.lowercased())", token: nil, raw: "{}").status == .notFound)
        }
    }
}
