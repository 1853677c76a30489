import AsyncHTTPClient
import Foundation
import Gateway
import Postgres
import Testing

/// Stalled CSV downloads cannot take the service down: at most OMNIMETER_MAX_EXPORTS run, the rest are
/// 429 `busy`; the money path keeps its reserve of connections; a download nobody reads is aborted.
@Suite struct ExportLimitsTests {
    static let adminToken = "omt_export_" + UUID().uuidString.lowercased()

    @Test func sixteenStalledExportsLeaveTheAccountAnswering() async throws {
        let harness = try await Harness.make(environment: LiveGateway.environment.merging(["OMNIMETER_ADMIN_TOKEN": Self.adminToken, "OMNIMETER_EXPORT_STALL_S": "3"]) { $1 })
        let tenant = try await Database.tenant(harness.pool, credits: 5_000_000)
        // 40,000 ended tasks: megabytes of CSV, far more than socket buffers hold
        try await harness.pool.execute("""
            INSERT INTO tasks (id, tenant_id, key_id, endpoint, model, mode, price_version, price_request, request_body, state,
                               reserved_micros, released_micros, external_task_id, ended_at, created_at)
            SELECT gen_random_uuid(), \(tenant.tenantID), \(tenant.keyID), 'omni-video', 'kling-video-o1', 'pro',
                   (SELECT max(version) FROM price_books), '{}'::jsonb, '{}'::jsonb, 'failed', 0, 0,
                   'export-' || g || repeat('x', 100), '2031-03-04T00:00:00Z'::timestamptz + g * interval '1 ms', now()
            FROM generate_series(1, 40000) AS g
            """)
        let live = try await LiveGateway.start(harness)
        let request = "GET /admin/v1/reports/usage.csv?from=2031-03-04&to=2031-03-05 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.adminToken)\r\n\r\n"
        var sockets: [RawSocket] = []
        var statuses: [String] = []
        for _ in 0..<16 {
            let socket = try RawSocket(port: live.port)
            socket.send(request)
            let head = await socket.read(12, within: 10) ?? []
            statuses.append(String(decoding: head, as: UTF8.self))
            sockets.append(socket)  // and never read again
        }
        #expect(statuses.filter { $0.hasSuffix(" 200") }.count == 2, "\(statuses)")
        #expect(statuses.filter { $0.hasSuffix(" 429") }.count == 14, "\(statuses)")
        let busy = try RawSocket(port: live.port)
        busy.send(request.replacingOccurrences(of: "Host: x\r\n", with: "Host: x\r\nConnection: close\r\n"))
        let busyReply = String(decoding: await busy.readToEnd(within: 10), as: UTF8.self)
        #expect(busyReply.contains("Retry-After") || busyReply.contains("retry-after"))
        #expect(busyReply.contains(#""code":"busy""#))
        // the margin CSV is an export too: it waits for a slot like the usage CSV
        let margin = try RawSocket(port: live.port)
        margin.send(request.replacingOccurrences(of: "usage.csv", with: "margin.csv").replacingOccurrences(of: "Host: x\r\n", with: "Host: x\r\nConnection: close\r\n"))
        let marginReply = String(decoding: await margin.readToEnd(within: 10), as: UTF8.self)
        #expect(marginReply.hasPrefix("HTTP/1.1 429"), "\(marginReply.prefix(200))")
        #expect(marginReply.contains(#""code":"busy""#))
        // the money path still answers while both exports hold their connections
        let started = ContinuousClock.now
        var account = HTTPClientRequest(url: "http://127.0.0.1:\(live.port)/v1/account")
        account.headers.add(name: "Authorization", value: "Bearer \(tenant.secret)")
        let response = try await HTTPClient.shared.execute(account, timeout: .seconds(10))
        #expect(response.status.code == 200)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(await harness.pool.statistics().waiting == 0)
        // nobody reads: the two exports are aborted after the stall timeout and a new one may start
        var accepted = false
        for _ in 0..<40 where !accepted {
            try await Task.sleep(for: .milliseconds(500))
            accepted = try await live.status(request) == 200
        }
        #expect(accepted, "the stalled exports were never aborted")
        // a liveness wait, generous for a loaded machine: the abort itself is asserted above (a new export started)
        #expect(await sockets[statuses.firstIndex { $0.hasSuffix(" 200") } ?? 0].closed(within: 60))
        await live.stop()
        await harness.stop()
    }
}
