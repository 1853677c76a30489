import Accounting
import Foundation
import Postgres
import Testing

@Suite struct UsageReportTests {
    static let day: TimeInterval = 86_400

    struct Made {
        var tenant: UUID
        var key: UUID
        var model: String
        var day: String
        var charged: Int64
    }

    /// Two tenants, three keys, three models, two days, in a window of this test's own.
    func makeTasks(_ pool: PostgresPool, start: Date) async throws -> [Made] {
        let a = try await Fixtures.tenant(pool, name: "Alpha")
        let a2 = try await Fixtures.key(pool, tenantID: a.tenantID, tenantName: "Alpha", name: "second")
        let b = try await Fixtures.tenant(pool, name: "Beta")
        let plan: [(AuthenticatedKey, String, TaskOutcome, TimeInterval, String, Int64)] = [
            (a, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), 100, "kling-video-o1", 560_000),
            (a, Fixtures.o1Pro5s, .failed(message: "x"), 200, "kling-video-o1", 0),
            (a2, Fixtures.v3ProSound15s, Fixtures.succeeded(2_000_001, seconds: 15), Self.day + 100, "kling-v3-omni", 2_000_001),
            (a2, Fixtures.image3, Fixtures.succeeded(56_000, images: 2), 300, "kling-image-o1", 56_000),
            (b, Fixtures.o1Pro5s, .rejected(message: "x"), Self.day + 200, "kling-video-o1", 0),
            (b, Fixtures.v3ProSound15s, Fixtures.succeeded(2_100_000, seconds: 15), Self.day + 300, "kling-v3-omni", 2_100_000),
            (b, Fixtures.image3, .expired, 400, "kling-image-o1", 0),
        ]
        var made: [Made] = []
        for (key, body, outcome, offset, model, charged) in plan {
            try await Fixtures.endedTask(pool, key, body, outcome, endedAt: start + offset)
            let day = String(Routes.q(start + offset).prefix(10))
            made.append(Made(tenant: key.tenantID, key: key.keyID, model: model, day: day, charged: charged))
        }
        return made
    }

    @Test func everyGroupingGivesTheSameTotalsAndItsOwnGroups() async throws {
        let pool = try await Fixtures.pool()
        let start = Fixtures.uniqueDay()
        let made = try await makeTasks(pool, start: start)
        let from = Routes.q(start), to = Routes.q(start + 2 * Self.day)
        let all = UsageGrouping.allCases
        let subsets = (0..<(1 << all.count)).map { mask in all.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element) }
        try await Routes.test(pool) { client in
            for groups in subsets {
                // reversed order too: the order asked for is echoed, the groups are the same
                for order in [groups, groups.reversed()] {
                    let names = order.map(\.rawValue).joined(separator: ",")
                    let response = try await Routes.get(client, "/admin/v1/reports/usage?from=\(from)&to=\(to)&group_by=\(names)")
                    #expect(response.status == .ok)
                    let body = try Routes.json(response)
                    #expect(body["group_by"] as? [String] == order.map(\.rawValue))
                    #expect(body["currency"] as? String == "USD")
                    let totals = try #require(body["totals"] as? [String: Any])
                    #expect(totals["tasks"] as? Int == 7, "\(names)")
                    #expect(totals["succeeded"] as? Int == 4)
                    #expect(totals["failed"] as? Int == 3)
                    #expect(totals["billable_seconds"] as? Int == 35)
                    #expect(totals["images"] as? Int == 2)
                    #expect(totals["charged_micros"] as? Int == 4_716_001)
                    #expect(totals["charged"] as? String == "4.716001")

                    let rows = try #require(body["rows"] as? [[String: Any]])
                    // the rows add up to the totals
                    for figure in ["tasks", "succeeded", "failed", "billable_seconds", "images", "charged_micros"] {
                        #expect(rows.reduce(0) { $0 + ($1[figure] as? Int ?? -1_000_000) } == totals[figure] as? Int, "\(names): \(figure)")
                    }
                    // one row per distinct combination of the grouped columns, each with its own sums
                    func groupKey(tenant: String?, key: String?, model: String?, day: String?) -> String {
                        [groups.contains(.tenant) ? tenant : nil, groups.contains(.key) ? key : nil,
                         groups.contains(.model) ? model : nil, groups.contains(.day) ? day : nil]
                            .map { $0 ?? "-" }.joined(separator: "|")
                    }
                    var expected: [String: (tasks: Int, charged: Int64)] = [:]
                    for task in made {
                        let k = groupKey(tenant: task.tenant.uuidString.lowercased(), key: task.key.uuidString.lowercased(), model: task.model, day: task.day)
                        expected[k, default: (0, 0)].tasks += 1
                        expected[k, default: (0, 0)].charged += task.charged
                    }
                    #expect(rows.count == expected.count, "\(names)")
                    for row in rows {
                        let k = groupKey(tenant: (row["tenant_id"] as? String)?.lowercased(), key: (row["key_id"] as? String)?.lowercased(),
                                         model: row["model"] as? String, day: row["day"] as? String)
                        #expect(expected[k]?.tasks == row["tasks"] as? Int, "\(names): \(k)")
                        #expect(expected[k]?.charged == (row["charged_micros"] as? Int).map(Int64.init), "\(names): \(k)")
                        // only the grouped columns are present
                        #expect((row["tenant_id"] != nil) == groups.contains(.tenant) && (row["tenant_name"] != nil) == groups.contains(.tenant))
                        #expect((row["key_id"] != nil) == groups.contains(.key) && (row["key_name"] != nil) == groups.contains(.key))
                        #expect((row["model"] != nil) == groups.contains(.model))
                        #expect((row["day"] != nil) == groups.contains(.day))
                    }
                }
            }
        }
    }

    @Test func namesAndDecimalsOfAGroupedRow() async throws {
        let pool = try await Fixtures.pool()
        let start = Fixtures.uniqueDay()
        _ = try await makeTasks(pool, start: start)
        let report = try await UsageReport(pool: pool).run(period: try #require(ReportPeriod(from: start, to: start + Self.day)), groupBy: [.tenant, .key])
        #expect(report.rows.map { "\($0.tenantName ?? "?")/\($0.keyName ?? "?")" } == ["Alpha/second", "Alpha/test key", "Beta/test key"])
        #expect(report.rows.map(\.figures.chargedMicros) == [56_000, 560_000, 0])
        #expect(MicrosText.decimal(2_000_001) == "2.000001")
        #expect(MicrosText.decimal(0) == "0.000000")
        #expect(MicrosText.decimal(-1_500_000) == "-1.500000")
        #expect(MicrosText.decimal(Int64.max) == "9223372036854.775807")
    }

    @Test func badParametersAre400() async throws {
        let pool = try await Fixtures.pool()
        try await Routes.test(pool) { client in
            for query in ["from=2026-01-01&to=2026-02-01&group_by=tenant,region", "from=2026-01-01&to=2026-02-01&group_by=tenant,,day",
                          "to=2026-02-01", "from=2026-01-01", "from=2026-02-01&to=2026-01-01"] {
                let response = try await Routes.get(client, "/admin/v1/reports/usage?\(query)")
                #expect(response.status == .badRequest, "\(query)")
                let error = try Routes.json(response)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "bad_request", "\(query)")
            }
            let ok = try await Routes.get(client, "/admin/v1/reports/usage?from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00.001Z")
            #expect(ok.status == .ok)
        }
    }
}
