import Accounting
import Foundation
import Postgres
import Pricing
import Testing

/// The margin_daily rollup (sql/016, kept by a trigger on the task row): the margin report reads it
/// for whole UTC days and the tasks for partial edges, with the figures of a scan of the tasks alone.
@Suite struct MarginRollupTests {
    static let o1Std5 = #"{"prompt":"x","mode":"std","duration":5,"aspect_ratio":"1:1"}"#
    static let o1Pro5 = #"{"prompt":"x","mode":"pro","duration":5,"aspect_ratio":"1:1"}"#

    struct World {
        var key: AuthenticatedKey
        var channel: String
        var day: Date
    }

    /// Three days of one tenant on a half-price channel and the built-in one: tasks at the first and last
    /// microsecond of a day, at mid-day, a failure, a late charge moved from day 0 to day 1, and a late
    /// success the tenant's free card did not charge (cost set after the end).
    func world(_ pool: PostgresPool) async throws -> World {
        let key = try await Fixtures.tenant(pool)
        let channel = try await Fixtures.channel(pool, multiplier: "0.5")
        let day = Fixtures.uniqueDay()
        try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, card: .identity, Fixtures.succeeded(560_000, seconds: 5), endedAt: day)
        try await Fixtures.costedTask(pool, key, Fixtures.image3, channel: channel, Fixtures.succeeded(84_000, images: 3), endedAt: day + 43_200)
        try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, .failed(message: "x"), endedAt: day + 86_399.999999)
        try await Fixtures.costedTask(pool, key, Self.o1Std5, channel: "default", card: .identity, Fixtures.succeeded(420_000, seconds: 5), endedAt: day + 86_400 + 7_200)
        let free = PriceAdjustment(video: [VideoPrice(model: "kling-video-o1", mode: "pro", sound: "off", microsPerSecond: 0)])
        try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, card: free, .expired, Fixtures.succeeded(0, seconds: 5),
                                      endedAt: day + 2 * 86_400 + 50_000)
        // expired on day 0, late-charged later: the rollup takes it out of day 0 and puts it in day 2
        let late = try await Fixtures.costedTask(pool, key, Self.o1Std5, channel: "default", card: .identity, .expired, endedAt: day + 3_600)
        _ = try await TaskStore(pool: pool).settle(taskID: late.id, outcome: Fixtures.succeeded(420_000, seconds: 5))
        try await Fixtures.moveEnd(pool, late.id, to: day + 2 * 86_400 + 60_000)
        return World(key: key, channel: channel, day: day)
    }

    static let groupings: [[MarginGrouping]] = (0..<16).map { bits in
        MarginGrouping.allCases.enumerated().filter { bits & (1 << $0.offset) != 0 }.map(\.element)
    }

    @Test func theRollupPathEqualsATaskScanForEveryGroupingFilterAndEdge() async throws {
        let pool = try await Fixtures.pool()
        let world = try await world(pool)
        let day = world.day
        let report = MarginReport(pool: pool)
        let windows = [(day, day + 3 * 86_400), (day + 1_800, day + 2 * 86_400 + 55_000), (day + 0.000001, day + 86_400),
                       (day + 3_599, day + 43_201), (day - 43_200, day + 4 * 86_400), (day + 86_400, day + 2 * 86_400 + 59_999)]
        let filters: [(UUID?, String?)] = [(world.key.tenantID, nil), (world.key.tenantID, world.channel), (nil, world.channel),
                                            (world.key.tenantID, "default")]
        for (from, to) in windows {
            let period = try #require(ReportPeriod(from: from, to: to))
            for groups in Self.groupings {
                for (tenant, channel) in filters {
                    let rollup = try await report.run(period: period, groupBy: groups, tenantID: tenant, channelID: channel)
                    let scan = try await report.run(period: period, groupBy: groups, tenantID: tenant, channelID: channel, fromTasks: true)
                    #expect(rollup.rows == scan.rows, "\(from)…\(to) \(groups) \(String(describing: tenant)) \(String(describing: channel))")
                    #expect(rollup.totals == scan.totals)
                }
            }
        }
        // the figures themselves, to the micro: revenue 560,000 + 84,000 + 420,000 + 420,000 (late);
        // cost 280,000 + 42,000 + 0 + 420,000 + 280,000 (uncharged late success) + 420,000
        let whole = try #require(ReportPeriod(from: day, to: day + 3 * 86_400))
        let totals = try await report.run(period: whole, groupBy: [], tenantID: world.key.tenantID).totals
        #expect(totals == MarginFigures(tasks: 6, revenueMicros: 1_484_000, costMicros: 1_442_000))
        let days = try await report.run(period: whole, groupBy: [.day], tenantID: world.key.tenantID).rows
        #expect(days.map(\.figures) == [MarginFigures(tasks: 3, revenueMicros: 644_000, costMicros: 322_000),
                                        MarginFigures(tasks: 1, revenueMicros: 420_000, costMicros: 420_000),
                                        MarginFigures(tasks: 2, revenueMicros: 420_000, costMicros: 700_000)])
        // the late charge left a zero row on day 0 for the built-in channel: no group is made of it
        let zero = try await pool.queryFirst("""
            SELECT tasks, revenue_micros, cost_micros FROM margin_daily
            WHERE tenant_id = \(world.key.tenantID) AND day = \(String(day.formatted(.iso8601.year().month().day())))::date AND channel_id = 'default'
            """)
        #expect(try zero?.decode(Int64.self, "tasks") == 0 && zero?.decode(Int64.self, "revenue_micros") == 0)
    }

    @Test func theRollupFollowsEveryChangeOfATasksCostChannelAndEnd() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool)
        let channel = try await Fixtures.channel(pool, multiplier: "0.5")
        let day = Fixtures.uniqueDay()
        let task = try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, card: .identity,
                                                 Fixtures.succeeded(560_000, seconds: 5), endedAt: day + 10)
        let rows = { () async throws -> [String] in
            try await pool.query("""
                SELECT day::text || ' ' || COALESCE(channel_id, '-') || ' ' || tasks || ' ' || revenue_micros || ' ' || cost_micros AS r
                FROM margin_daily WHERE tenant_id = \(key.tenantID) AND tasks <> 0 ORDER BY 1
                """).map { try $0.decode(String.self, "r") }
        }
        let date = String(day.formatted(.iso8601.year().month().day()))
        #expect(try await rows() == ["\(date) \(channel) 1 560000 280000"])
        try await pool.execute("UPDATE tasks SET cost_micros = 300000, channel_id = 'default' WHERE id = \(task.id)")
        #expect(try await rows() == ["\(date) default 1 560000 300000"])
        try await pool.execute("UPDATE tasks SET upstream_status_msg = 'polled' WHERE id = \(task.id)")
        #expect(try await rows() == ["\(date) default 1 560000 300000"])
        // moved to the next day, then the report's two paths still agree
        try await Fixtures.moveEnd(pool, task.id, to: day + 86_400 + 5)
        let next = String((day + 86_400).formatted(.iso8601.year().month().day()))
        #expect(try await rows() == ["\(next) default 1 560000 300000"])
        let period = try #require(ReportPeriod(from: day - 1, to: day + 2 * 86_400 + 1))
        let report = MarginReport(pool: pool)
        for groups in Self.groupings {
            let rollup = try await report.run(period: period, groupBy: groups, tenantID: key.tenantID)
            let scan = try await report.run(period: period, groupBy: groups, tenantID: key.tenantID, fromTasks: true)
            #expect(rollup.rows == scan.rows && rollup.totals == MarginFigures(tasks: 1, revenueMicros: 560_000, costMicros: 300_000))
        }
    }

    @Test func reconcileNamesAMarginRowBrokenByHand() async throws {
        let database = try await Fixtures.privateDatabase()
        defer { Task { await database.drop() } }
        let pool = database.pool
        let key = try await Fixtures.tenant(pool)
        let channel = try await Fixtures.channel(pool, multiplier: "0.5")
        try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, card: .identity, Fixtures.succeeded(560_000, seconds: 5), endedAt: Date())
        let reconciliation = Reconciliation(pool: pool)
        let clean = try await reconciliation.run(full: false)
        #expect(clean.ok, "\(clean.checks.filter { !$0.ok })")
        try await Task.sleep(for: .milliseconds(20))

        try await Fixtures.costedTask(pool, key, Fixtures.image3, channel: channel, Fixtures.succeeded(84_000, images: 3), endedAt: Date())
        try await pool.execute("UPDATE margin_daily SET cost_micros = cost_micros + 1 WHERE tenant_id = \(key.tenantID) AND model = 'kling-image-o1'")
        for full in [false, true] {
            let broken = try await reconciliation.run(full: full)
            #expect(!broken.ok && broken.full == full)
            let check = try #require(broken.checks.first { $0.name == "usage_daily_matches_tasks" })
            #expect(!check.ok && check.detail.count == 1, "\(check.detail.examples)")
            let example = try #require(check.detail.examples.first)
            #expect(example.contains("margin_daily") && example.contains(key.tenantID.uuidString.lowercased()) && example.contains(channel))
            #expect(example.contains("tasks 1, revenue 84000, cost 42001; tasks 1, 84000, 42000"), "\(example)")
        }
        try await pool.execute("UPDATE margin_daily SET cost_micros = cost_micros - 1 WHERE tenant_id = \(key.tenantID) AND model = 'kling-image-o1'")
        #expect(try await reconciliation.run(full: true).ok)
    }
}
