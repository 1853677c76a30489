import Accounting
import Foundation
import Postgres
import HummingbirdTesting
import Testing

@Suite struct ListingTests {
    /// Follows next_cursor from the first page to the last; returns every page's ids in order.
    func walk(_ client: any TestClientProtocol, _ path: String, limit: Int) async throws -> [[String]] {
        var pages: [[String]] = []
        var cursor: String?
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let response = try await Routes.get(client, "\(path)\(separator)limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(response.status == .ok)
            let body = try Routes.json(response)
            #expect(body.keys.contains("next_cursor"), "next_cursor is always present")
            let data = try #require(body["data"] as? [[String: Any]])
            #expect(data.count <= limit)
            pages.append(data.map { "\($0["id"]!)" })
            cursor = body["next_cursor"] as? String
            try #require(pages.count < 100)
        } while cursor != nil
        return pages
    }

    @Test func taskPagesWalkEveryRowOnceNewestFirst() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        var ids: [UUID] = []
        for i in 0..<4 { ids.append(try await Fixtures.openTask(pool, key).id); _ = i }
        for outcome: TaskOutcome in [Fixtures.succeeded(560_000, seconds: 5), .failed(message: "x"), .expired] {
            ids.append(try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, outcome, endedAt: Date()).id)
        }
        // three tasks created at the same instant: only the id orders them
        let tie = Date(timeIntervalSince1970: 1_800_000_000.123456)
        for id in ids.prefix(3) { try await pool.execute("UPDATE tasks SET created_at = \(tie) WHERE id = \(id)") }
        let expected = try await pool.query("SELECT id FROM tasks WHERE tenant_id = \(key.tenantID)").map { try $0.decode(UUID.self, "id") }
        let created = try await pool.query("SELECT id, created_at FROM tasks WHERE tenant_id = \(key.tenantID)")
            .map { (try $0.decode(UUID.self, "id").uuidString.lowercased(), try $0.decode(Date.self, "created_at")) }
        let order = created.sorted { ($0.1, $0.0) > ($1.1, $1.0) }.map(\.0)

        try await Routes.test(pool) { client in
            for limit in [1, 2, 3, 7, 50] {
                let pages = try await walk(client, "/admin/v1/tasks?tenant_id=\(key.tenantID)", limit: limit)
                let walked = pages.flatMap { $0 }
                #expect(walked == order, "limit \(limit): each row once, newest first")
                #expect(pages.count == max(1, (7 + limit - 1) / limit), "limit \(limit)")
            }
            #expect(Set(order) == Set(expected.map { $0.uuidString.lowercased() }))

            // a task carries its billing
            let response = try await Routes.get(client, "/admin/v1/tasks?tenant_id=\(key.tenantID)&status=succeeded")
            let data = try #require(try Routes.json(response)["data"] as? [[String: Any]])
            try #require(data.count == 1)
            let task = data[0]
            #expect(task["state"] as? String == "succeeded")
            #expect(task["billing_state"] as? String == "charged")
            #expect(task["reserved_micros"] as? Int == 560_000)
            #expect(task["charged_micros"] as? Int == 560_000)
            #expect(task["released_micros"] as? Int == 0)
            #expect(task["late_charged_micros"] as? Int == 0)
            #expect(task["tenant_id"] as? String == key.tenantID.uuidString.lowercased())
            #expect(task["key_id"] as? String == key.keyID.uuidString.lowercased())
            #expect(task["model"] as? String == "kling-video-o1")
            #expect(task["mode"] as? String == "pro")
            #expect(task["endpoint"] as? String == "omni-video")
            #expect(task["ended_at"] is String)
            #expect(task.keys.contains("external_task_id") && task.keys.contains("upstream_task_id"))

            let open = try #require(try Routes.json(try await Routes.get(client, "/admin/v1/tasks?tenant_id=\(key.tenantID)&status=reserved"))["data"] as? [[String: Any]])
            #expect(open.count == 4)
            #expect(open.allSatisfy { $0["ended_at"] is NSNull && $0["billing_state"] as? String == "reserved" })
        }
    }

    @Test func taskFiltersNarrowTheListing() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let second = try await Fixtures.key(pool, tenantID: key.tenantID, tenantName: key.tenantName, name: "second")
        let old = try await Fixtures.openTask(pool, key)
        try await pool.execute("UPDATE tasks SET created_at = '2030-01-01T12:00:00Z' WHERE id = \(old.id)")
        let recent = try await Fixtures.openTask(pool, key)
        let other = try await Fixtures.openTask(pool, second)
        @Sendable func ids(_ client: any TestClientProtocol, _ query: String) async throws -> [String] {
            let response = try await Routes.get(client, "/admin/v1/tasks?\(query)")
            #expect(response.status == .ok, "\(query)")
            return try #require(try Routes.json(response)["data"] as? [[String: Any]]).map { "\($0["id"]!)" }
        }
        try await Routes.test(pool) { client in
            let byKey = try await ids(client, "key_id=\(second.keyID)")
            let byTenantAndKey = try await ids(client, "tenant_id=\(key.tenantID)&key_id=\(key.keyID)")
            let inWindow = try await ids(client, "tenant_id=\(key.tenantID)&from=2030-01-01&to=2030-01-02")
            let afterIt = try await ids(client, "tenant_id=\(key.tenantID)&from=2030-01-01T12:00:00.001Z&to=2031-01-01")
            let failed = try await ids(client, "tenant_id=\(key.tenantID)&status=failed")
            #expect(byKey == [other.id.uuidString.lowercased()])
            #expect(Set(byTenantAndKey) == Set([old, recent].map { $0.id.uuidString.lowercased() }))
            #expect(inWindow == [old.id.uuidString.lowercased()])
            #expect(afterIt.isEmpty)
            #expect(failed.isEmpty)
        }
    }

    @Test func ledgerPagesWalkEveryEntryOnceNewestFirst() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 50_000_000)
        try await Fixtures.endedTask(pool, key, Fixtures.o1StdReference10s, Fixtures.succeeded(1_000_000, seconds: 8), endedAt: Date())
        try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, .failed(message: "x"), endedAt: Date())
        _ = try await Fixtures.openTask(pool, key)
        // credit, reserve + charge + release, reserve + release, reserve: charge and release share one instant
        let order = try await pool.query("SELECT id FROM ledger_entries WHERE tenant_id = \(key.tenantID) ORDER BY created_at DESC, id DESC")
            .map { String(try $0.decode(Int64.self, "id")) }
        #expect(order.count == 7)
        try await Routes.test(pool) { client in
            for limit in [1, 2, 3, 7, 500] {
                let walked = try await walk(client, "/admin/v1/tenants/\(key.tenantID)/ledger", limit: limit).flatMap { $0 }
                #expect(walked == order, "limit \(limit)")
            }
            let reserves = try await walk(client, "/admin/v1/tenants/\(key.tenantID)/ledger?kind=reserve", limit: 2).flatMap { $0 }
            #expect(reserves.count == 3)
            let response = try await Routes.get(client, "/admin/v1/tenants/\(key.tenantID)/ledger?kind=charge")
            let charge = try #require((try Routes.json(response)["data"] as? [[String: Any]])?.first)
            #expect(charge["amount_micros"] as? Int == 1_000_000)
            #expect(charge["kind"] as? String == "charge")
            #expect(charge["key_id"] as? String == key.keyID.uuidString.lowercased())
            #expect(charge["task_id"] is String)
            let credit = try #require((try Routes.json(try await Routes.get(client, "/admin/v1/tenants/\(key.tenantID)/ledger?kind=credit"))["data"] as? [[String: Any]])?.first)
            #expect(credit["task_id"] is NSNull && credit["key_id"] is NSNull)
            #expect(credit["amount_micros"] as? Int == 50_000_000)
        }
    }

    @Test func badCursorsLimitsAndUnknownTenantsAreRefused() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        for _ in 0..<3 { _ = try await Fixtures.openTask(pool, key) }
        try await Routes.test(pool) { client in
            let tasksPage = try Routes.json(try await Routes.get(client, "/admin/v1/tasks?tenant_id=\(key.tenantID)&limit=1"))
            let taskCursor = try #require(tasksPage["next_cursor"] as? String)
            let ledgerPage = try Routes.json(try await Routes.get(client, "/admin/v1/tenants/\(key.tenantID)/ledger?limit=1"))
            let ledgerCursor = try #require(ledgerPage["next_cursor"] as? String)
            let forged = Data("12:not-an-id".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            let badRequests = [
                "/admin/v1/tasks?cursor=!!!", "/admin/v1/tasks?cursor=\(forged)", "/admin/v1/tasks?cursor=\(ledgerCursor)",
                "/admin/v1/tasks?cursor=\(taskCursor.dropLast(3))", "/admin/v1/tasks?limit=0", "/admin/v1/tasks?limit=501",
                "/admin/v1/tasks?limit=ten", "/admin/v1/tasks?status=done", "/admin/v1/tasks?tenant_id=nope",
                "/admin/v1/tasks?from=2026-02-01&to=2026-01-01",
                "/admin/v1/tenants/\(key.tenantID)/ledger?cursor=\(taskCursor)", "/admin/v1/tenants/\(key.tenantID)/ledger?cursor=x",
                "/admin/v1/tenants/\(key.tenantID)/ledger?kind=refund", "/admin/v1/tenants/\(key.tenantID)/ledger?limit=1000",
            ]
            for uri in badRequests {
                let response = try await Routes.get(client, uri)
                #expect(response.status == .badRequest, "\(uri)")
                #expect((try Routes.json(response)["error"] as? [String: Any])?["code"] as? String == "bad_request", "\(uri)")
            }
            for uri in ["/admin/v1/tenants/\(UUID())/ledger", "/admin/v1/tenants/not-an-id/ledger"] {
                let response = try await Routes.get(client, uri)
                #expect(response.status == .notFound, "\(uri)")
                #expect((try Routes.json(response)["error"] as? [String: Any])?["code"] as? String == "not_found")
            }
            #expect(try await Routes.get(client, "/admin/v1/tasks?cursor=\(taskCursor)&limit=500").status == .ok)
        }
    }

    @Test func aCursorRoundTripsExactly() throws {
        let cursor = ListingCursor(createdAtMicros: 1_800_000_000_123_456, id: "0f8fad5b-d9cb-469f-a165-70867728950e")
        #expect(try TaskListing.cursor(cursor.encoded) == cursor)
        #expect(!cursor.encoded.contains("=") && !cursor.encoded.contains("+") && !cursor.encoded.contains("/"))
        #expect(throws: InvalidCursor.self) { try LedgerListing.cursor(cursor.encoded) }
        #expect(try LedgerListing.cursor(ListingCursor(createdAtMicros: -5, id: "42").encoded).id == "42")
    }
}
