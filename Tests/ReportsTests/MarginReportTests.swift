import Accounting
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import Postgres
import Pricing
import Testing

/// `GET /admin/v1/reports/margin` and `.csv`: revenue (charges and late charges), cost (`cost_micros`)
/// and margin per group, to the micro.
@Suite struct MarginReportTests {
    static let o1Std5 = #"{"prompt":"x","mode":"std","duration":5,"aspect_ratio":"1:1"}"#
    static let o1Pro5 = #"{"prompt":"x","mode":"pro","duration":5,"aspect_ratio":"1:1"}"#

    static func test<T: Sendable>(_ pool: PostgresPool, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let router = Router(context: GatewayContext.self)
        MarginRoutes(pool: pool, readPool: pool).register(on: router.group("admin/v1").add(middleware: AdminErrorMiddleware()))
        return try await Application(router: router).test(.router) { client in try await body(client) }
    }

    struct World {
        var tenantID: UUID
        var channel: String
        var day: Date
    }

    /// One tenant's day: on a half-price channel a pro video (560,000 / cost 280,000), three images
    /// (84,000 / 42,000), a failed video (0 / 0) and a late success its free card did not charge
    /// (0 / 280,000); on the built-in channel a std video (420,000 / 420,000).
    func world(_ pool: PostgresPool) async throws -> World {
        let key = try await Fixtures.tenant(pool)
        let channel = try await Fixtures.channel(pool, multiplier: "0.5")
        try await pool.execute("UPDATE channels SET name = \("=cmd|" + channel) WHERE id = \(channel)")
        let day = Fixtures.uniqueDay()
        let at = day.addingTimeInterval(3600)
        try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, card: .identity, Fixtures.succeeded(560_000, seconds: 5), endedAt: at)
        try await Fixtures.costedTask(pool, key, Fixtures.image3, channel: channel, Fixtures.succeeded(84_000, images: 3), endedAt: at)
        try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, .failed(message: "x"), endedAt: at)
        let free = PriceAdjustment(video: [VideoPrice(model: "kling-video-o1", mode: "pro", sound: "off", microsPerSecond: 0)])
        try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, card: free, .expired, Fixtures.succeeded(0, seconds: 5), endedAt: at)
        try await Fixtures.costedTask(pool, key, Self.o1Std5, channel: "default", card: .identity, Fixtures.succeeded(420_000, seconds: 5), endedAt: at)
        return World(tenantID: key.tenantID, channel: channel, day: day)
    }

    func query(_ world: World, _ groupBy: String) -> String {
        let to = world.day.addingTimeInterval(86_400)
        return "from=\(Routes.q(world.day))&to=\(Routes.q(to))&tenant_id=\(world.tenantID.uuidString.lowercased())&group_by=\(groupBy)"
    }

    @Test func groupsByChannelAndModelAddUpToTheMicro() async throws {
        let pool = try await Fixtures.pool()
        let world = try await world(pool)
        try await Self.test(pool) { client in
            let response = try await Routes.get(client, "/admin/v1/reports/margin?\(query(world, "channel,model"))")
            #expect(response.status == .ok, "\(Routes.text(response))")
            let body = try Routes.json(response)
            let groups = try #require(body["groups"] as? [[String: Any]])
            #expect((body["rows"] as? [[String: Any]])?.count == groups.count)
            let figures = groups.map { group in
                [group["channel_id"] as? String ?? "-", group["model"] as? String ?? "-"]
                    + ["tasks", "revenue_micros", "cost_micros", "margin_micros"].map { (group[$0] as? Int).map(String.init) ?? "-" }
            }
            #expect(figures == [
                [world.channel, "kling-image-o1", "1", "84000", "42000", "42000"],
                [world.channel, "kling-video-o1", "3", "560000", "560000", "0"],
                ["default", "kling-video-o1", "1", "420000", "420000", "0"],
            ])
            #expect(groups.allSatisfy { $0["tenant_id"] == nil && $0["day"] == nil })
            let totals = try #require(body["totals"] as? [String: Any])
            #expect(totals["tasks"] as? Int == 5)
            #expect(totals["revenue_micros"] as? Int == 1_064_000)
            #expect(totals["cost_micros"] as? Int == 1_022_000)
            #expect(totals["margin_micros"] as? Int == 42_000)
            #expect(totals["margin"] as? String == "0.042000")
        }
    }

    @Test func groupsByTenantAndDayNameThemAndAMarginCanBeNegative() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let day = Fixtures.uniqueDay()
        // the tenant pays 0.8 of list on the built-in channel, which costs the list price
        try await Fixtures.costedTask(pool, key, Self.o1Std5, channel: "default", card: PriceAdjustment(multiplier: "0.8"),
                                      Fixtures.succeeded(336_000, seconds: 5), endedAt: day.addingTimeInterval(60))
        let world = World(tenantID: key.tenantID, channel: "default", day: day)
        try await Self.test(pool) { client in
            let body = try Routes.json(try await Routes.get(client, "/admin/v1/reports/margin?\(query(world, "tenant,day,channel"))"))
            let groups = try #require(body["groups"] as? [[String: Any]])
            #expect(groups.count == 1)
            let group = try #require(groups.first)
            #expect(group["tenant_id"] as? String == key.tenantID.uuidString.lowercased())
            #expect(group["day"] as? String == String(RFC3339.format(day).prefix(10)))
            #expect(group["channel_id"] as? String == "default")
            #expect(group["revenue_micros"] as? Int == 336_000)
            #expect(group["cost_micros"] as? Int == 420_000)
            #expect(group["margin_micros"] as? Int == -84_000)
            #expect(group["margin"] as? String == "-0.084000")
            #expect(body["group_by"] as? [String] == ["tenant", "day", "channel"])
        }
    }

    @Test func theCSVCarriesTheSameGroupsWithFormulaCellsDefused() async throws {
        let pool = try await Fixtures.pool()
        let world = try await world(pool)
        try await Self.test(pool) { client in
            let response = try await Routes.get(client, "/admin/v1/reports/margin.csv?\(query(world, "channel,model"))")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = Routes.text(response).components(separatedBy: "\r\n")
            #expect(lines == [
                MarginCSV.header,
                ",,\(world.channel),'=cmd|\(world.channel),kling-image-o1,,1,84000,42000,42000,0.084000,0.042000,0.042000,USD",
                ",,\(world.channel),'=cmd|\(world.channel),kling-video-o1,,3,560000,560000,0,0.560000,0.560000,0.000000,USD",
                ",,default,default,kling-video-o1,,1,420000,420000,0,0.420000,0.420000,0.000000,USD",
                "",
            ])
        }
    }

    @Test func anUnknownGroupingOrAMissingBoundIsABadRequest() async throws {
        let pool = try await Fixtures.pool()
        try await Self.test(pool) { client in
            for uri in ["/admin/v1/reports/margin?from=2026-01-01&to=2026-02-01&group_by=tenant,key",
                        "/admin/v1/reports/margin.csv?from=2026-01-01&to=2026-02-01&group_by=colour",
                        "/admin/v1/reports/margin?to=2026-02-01",
                        "/admin/v1/reports/margin?from=2026-02-01&to=2026-01-01"] {
                let response = try await Routes.get(client, uri)
                #expect(response.status == .badRequest, "\(uri)")
                let error = try #require(try Routes.json(response)["error"] as? [String: Any])
                #expect(error["code"] as? String == "bad_request")
            }
            let unknown = try await Routes.get(client, "/admin/v1/reports/margin?from=2026-01-01&to=2026-02-01&channel_id=no-such-channel")
            #expect(unknown.status == .notFound)
        }
    }
}
