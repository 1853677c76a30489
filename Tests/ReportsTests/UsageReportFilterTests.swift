import Accounting
import Foundation
import Postgres
import Testing

/// issue 10 defect 3: the JSON report ignored `tenant_id` (and has no `key_id`), answering every tenant.
@Suite struct UsageReportFilterTests {
    @Test func theUsageReportFilteredByTenantOrKeyHasOnlyItsSumsToTheMicro() async throws {
        let pool = try await Fixtures.pool()
        let start = Fixtures.uniqueDay()
        let made = try await UsageReportTests().makeTasks(pool, start: start)
        let alpha = made[0].tenant, beta = made[4].tenant
        let alphaSecondKey = made[2].key
        let from = Routes.q(start), to = Routes.q(start + 2 * UsageReportTests.day)
        try await Routes.test(pool) { client in
            func totals(_ filter: String) async throws -> [String: Any] {
                let response = try await Routes.get(client, "/admin/v1/reports/usage?from=\(from)&to=\(to)&\(filter)")
                #expect(response.status == .ok, "\(filter): \(Routes.text(response))")
                return try #require(try Routes.json(response)["totals"] as? [String: Any])
            }
            let a = try await totals("tenant_id=\(alpha.uuidString.lowercased())")
            #expect(a["tasks"] as? Int == 4)
            #expect(a["succeeded"] as? Int == 3)
            #expect(a["charged_micros"] as? Int == 2_616_001)  // 560,000 + 2,000,001 + 56,000
            #expect(a["charged"] as? String == "2.616001")
            let b = try await totals("tenant_id=\(beta.uuidString.lowercased())&group_by=tenant")
            #expect(b["tasks"] as? Int == 3)
            #expect(b["charged_micros"] as? Int == 2_100_000)
            let key = try await totals("key_id=\(alphaSecondKey.uuidString.lowercased())")
            #expect(key["tasks"] as? Int == 2)
            #expect(key["billable_seconds"] as? Int == 15)
            #expect(key["images"] as? Int == 2)
            #expect(key["charged_micros"] as? Int == 2_056_001)
            // a key of another tenant than the one asked for: nothing
            let neither = try await totals("tenant_id=\(beta.uuidString.lowercased())&key_id=\(alphaSecondKey.uuidString.lowercased())")
            #expect(neither["tasks"] as? Int == 0)
            #expect(neither["charged_micros"] as? Int == 0)

            // grouped by tenant, a tenant filter leaves one row: that tenant's
            let grouped = try await Routes.get(client, "/admin/v1/reports/usage?from=\(from)&to=\(to)&group_by=tenant&tenant_id=\(alpha.uuidString.lowercased())")
            let rows = try #require(try Routes.json(grouped)["rows"] as? [[String: Any]])
            #expect(rows.count == 1)
            #expect(rows.first?["tenant_id"] as? String == alpha.uuidString.lowercased())
            #expect(rows.first?["charged_micros"] as? Int == 2_616_001)

            for (filter, code, status) in [("tenant_id=\(UUID().uuidString)", "not_found", 404), ("key_id=\(UUID().uuidString)", "not_found", 404),
                                           ("tenant_id=nope", "bad_request", 400), ("key_id=nope", "bad_request", 400)] {
                let response = try await Routes.get(client, "/admin/v1/reports/usage?from=\(from)&to=\(to)&\(filter)")
                #expect(Int(response.status.code) == status, "\(filter)")
                #expect((try Routes.json(response)["error"] as? [String: Any])?["code"] as? String == code, "\(filter)")
            }
        }
        let direct = try await UsageReport(pool: pool).run(period: try #require(ReportPeriod(from: start, to: start + 2 * UsageReportTests.day)),
                                                          groupBy: [], tenantID: beta)
        #expect(direct.totals.chargedMicros == 2_100_000)
    }

    /// `GET /admin/v1/tasks/{id}`: the task exactly as the listing shows it; 404 when there is none.
    @Test func oneTaskAnswersAsTheListingShowsIt() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let task = try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: Date())
        try await Routes.test(pool) { client in
            let list = try await Routes.get(client, "/admin/v1/tasks?tenant_id=\(key.tenantID.uuidString.lowercased())")
            let items = try #require(try Routes.json(list)["data"] as? [[String: Any]])
            let listed = try #require(items.first)
            let one = try await Routes.get(client, "/admin/v1/tasks/\(task.id.uuidString.lowercased())")
            #expect(one.status == .ok)
            let shown = try Routes.json(one)
            #expect(NSDictionary(dictionary: shown) == NSDictionary(dictionary: listed))
            #expect(shown["price_version"] as? Int == 1)
            let billing = try #require(shown["billing"] as? [String: Any])
            #expect(billing["state"] as? String == "charged")
            #expect(billing["reserved_micros"] as? Int == 560_000)
            #expect(billing["charged_micros"] as? Int == 560_000)
            #expect(billing["released_micros"] as? Int == 0)
            #expect(billing["currency"] as? String == "USD")

            for missing in [UUID().uuidString.lowercased(), "not-an-id"] {
                let response = try await Routes.get(client, "/admin/v1/tasks/\(missing)")
                #expect(response.status == .notFound, "\(missing)")
                #expect((try Routes.json(response)["error"] as? [String: Any])?["code"] as? String == "not_found")
            }
        }
    }
}
