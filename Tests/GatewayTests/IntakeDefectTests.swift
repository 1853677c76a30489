import Accounting
import AsyncHTTPClient
import Foundation
import Gateway
import Glibc
import Hummingbird
import HummingbirdTesting
import Kling
import Postgres
import Pricing
import Testing

/// The create and follow path's defects of issue 10, each shown against a real PostgreSQL.
@Suite struct IntakeDefectTests {
    static let edit = #"{"prompt":"make it snow","video_list":[{"video_url":"https://example.com/in.mp4?duration=7.5","refer_type":"base"}]}"#

    /// A port on loopback that nothing listens on: bound, read, and closed again.
    static func closedLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func aTaskWhoseStoredBodyNoLongerValidatesStillSettlesToTheMicro() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.edit)
            #expect(created.billing("reserved_micros") == 1_680_000)
            let taskText = try #require(created.taskID)
            let taskID = try #require(UUID(uuidString: taskText))
            // as if a later release tightened validation: today's rules refuse the stored body outright
            try await harness.pool.execute("UPDATE tasks SET request_body = '{\"model_name\":\"no-such-model\"}' WHERE id = \(taskID)")
            let stored = try #require(try await TaskStore(pool: harness.pool).task(id: taskID))
            #expect(stored.priced?.terms == PriceTerms(unitMicros: 112_000, referenceMultiplier: "1.5"))

            try await harness.settleAll(tenantID: tenant.tenantID)

            let done = try await client.call(.get, "/kling/v1/videos/omni-video/\(taskID.uuidString.lowercased())", key: tenant.secret)
            #expect(done.data?["task_status"]?.stringValue == "succeed")
            #expect(done.billing("charged_micros") == 1_344_000)
            #expect(done.billing("released_micros") == 336_000)
            #expect(try await Database.ledgerKinds(harness.pool, taskID: taskID.uuidString) == ["reserve": 1_680_000, "charge": 1_344_000, "release": 336_000])
        }
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 10_000_000, charged: 1_344_000, reserved: 0))
        await harness.stop()
    }

    @Test func aTaskReservedBeforePricedRequestsWereStoredSettlesTheOldWay() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: Self.edit)
            let taskText = try #require(created.taskID)
            let taskID = try #require(UUID(uuidString: taskText))
            try await harness.pool.execute("UPDATE tasks SET priced_request = NULL WHERE id = \(taskID)")
            try await harness.settleAll(tenantID: tenant.tenantID)
            let done = try await client.call(.get, "/kling/v1/videos/omni-video/\(taskID.uuidString.lowercased())", key: tenant.secret)
            #expect(done.billing("charged_micros") == 1_344_000)
            #expect(done.billing("released_micros") == 336_000)
        }
        await harness.stop()
    }

    @Test func anUpstreamThatRefusesTheConnectionAnswers502AndReleasesAtOnce() async throws {
        let port = try Self.closedLoopbackPort()
        let harness = try await Harness.make(environment: ["OMNIMETER_UPSTREAM_URL": "http://127.0.0.1:\(port)/kling"])
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let refused = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: TaskLifecycleTests.o1Pro5s)
            // answered from the refused connect itself (an unknown outcome would answer 200 and keep the hold)
            #expect(refused.status == 502)
            #expect(refused.code == 5000)
            #expect(refused.json["message"]?.stringValue?.contains("nothing was sent") == true)
        }
        let row = try #require(try await harness.pool.queryFirst("SELECT id, state FROM tasks WHERE tenant_id = \(tenant.tenantID)"))
        let (taskID, state) = try row.decode((UUID, String).self)
        #expect(state == "failed")
        #expect(try await Database.ledgerKinds(harness.pool, taskID: taskID.uuidString) == ["reserve": 560_000, "release": 560_000])
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 10_000_000, charged: 0, reserved: 0))
        await harness.stop()
    }

    @Test func theUpstreamConnectTimeoutIsAtMostFiveSecondsAndAFailedConnectIsNotRetried() {
        #expect(UpstreamClient.connectTimeout <= .seconds(5))
        #expect(UpstreamClient.httpConfiguration.timeout.connect == UpstreamClient.connectTimeout)
        #expect(UpstreamClient.httpConfiguration.connectionPool.retryConnectionEstablishment == false)
    }

    @Test func aSuspendedTenantCanStillReadItsTasksAndAccount() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: TaskLifecycleTests.o1Pro5s)
            let taskID = try #require(created.taskID)
            try await harness.pool.execute("UPDATE tenants SET status = 'suspended' WHERE id = \(tenant.tenantID)")

            let one = try await client.call(.get, "/kling/v1/videos/omni-video/\(taskID)", key: tenant.secret)
            #expect(one.status == 200)
            #expect(one.taskID == taskID)
            let list = try await client.call(.get, "/kling/v1/videos/omni-video?pageNum=1&pageSize=10", key: tenant.secret)
            #expect(list.status == 200)
            #expect(list.data?.arrayValue?.count == 1)
            let account = try await client.call(.get, "/v1/account", key: tenant.secret)
            #expect(account.status == 200)
            #expect(account.code == 0)

            let create = try await client.call(.post, "/kling/v1/videos/omni-video", key: tenant.secret, body: TaskLifecycleTests.o1Pro5s)
            #expect(create.status == 429)
            #expect(create.code == 1100)
        }
        let count = try await harness.pool.queryFirst("SELECT count(*) AS n FROM tasks WHERE tenant_id = \(tenant.tenantID)")?.decode(Int64.self, "n")
        #expect(count == 1)
        #expect(try await Database.balance(harness.pool, tenant.tenantID).reserved == 560_000)
        await harness.stop()
    }

    @Test func anEditEstimateShowsTheChargeForItsStatedInputLength() async throws {
        let harness = try await Harness.make()
        let tenant = try await Database.tenant(harness.pool, credits: 0)
        @Sendable func editBody(_ duration: String?) -> String {
            let stated = duration.map { #","duration":\#($0)"# } ?? ""
            return #"{"prompt":"make it snow","mode":"pro","video_list":[{"video_url":"https://example.com/in.mp4","refer_type":"base"}]\#(stated)}"#
        }
        try await harness.withClient { client in
            let path = "/v1/estimate/videos/omni-video"
            let half = try await client.call(.post, path, key: tenant.secret, body: editBody(#""7.5""#))
            #expect(half.status == 200)
            #expect(half.data?["reserve_micros"]?.int64Value == 1_680_000)
            #expect(half.data?["expected_charge_micros"]?.int64Value == 1_344_000)
            let below = try await client.call(.post, path, key: tenant.secret, body: editBody(#""7.49""#))
            #expect(below.data?["expected_charge_micros"]?.int64Value == 1_176_000)
            let number = try await client.call(.post, path, key: tenant.secret, body: editBody("4"))
            #expect(number.data?["expected_charge_micros"]?.int64Value == 672_000)
            let longer = try await client.call(.post, path, key: tenant.secret, body: editBody(#""14""#))
            #expect(longer.data?["expected_charge_micros"]?.int64Value == 1_680_000)
            let unstated = try await client.call(.post, path, key: tenant.secret, body: editBody(nil))
            #expect(unstated.data?["reserve_micros"]?.int64Value == 1_680_000)
            #expect(unstated.data?["expected_charge_micros"] == nil)
            let bad = try await client.call(.post, path, key: tenant.secret, body: editBody(#""soon""#))
            #expect(bad.status == 400)
            #expect(bad.code == 1201)
        }
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 0, charged: 0, reserved: 0))
        await harness.stop()
    }
}
