import Accounting
import Foundation
import Hummingbird
import Kling
import Postgres
import Testing

/// `POST /admin/v1/channels/{id}/bills`: each line matched to the channel's tasks by upstream id, into
/// the contract's lists; the import kept with its digest, listed and readable later, audited.
@Suite struct BillImportTests {
    static let o1Pro5 = #"{"prompt":"x","mode":"pro","duration":5,"aspect_ratio":"1:1"}"#
    /// Its SHA-256 (sha256sum of these exact bytes): e75784a0…aceb.
    static let bill = "upstream_task_id,amount,note\r\nup-1,0.28,ok\r\nup-2,0.05,\"wrong, amount\"\r\nup-3,0.1,released\r\nup-4,1.5,unknown\r\n"
    static let billDigest = "e75784a08a357b7096de2433a9c52d92397b6d2f224bf519fdc6a32cea85aceb"

    func items(_ reply: Reply, _ list: String) -> [String] {
        (reply[list]?.arrayValue ?? []).map { item in
            "\(item["upstream_task_id"]?.stringValue ?? "?") \(item["billed_micros"]?.int64Value ?? -1) \(item["cost_micros"]?.int64Value.map(String.init) ?? "null")"
        }
    }

    @Test func aBillSortsItsLinesIntoTheFourListsAndIsKeptWithItsDigest() async throws {
        let gateway = try await TestGateway()
        let pool = gateway.pool
        let key = try await Fixtures.tenant(pool)
        let channel = try await Fixtures.channel(pool, multiplier: "0.5")
        let agreeing = try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, upstreamID: "up-1", card: .identity,
                                                     Fixtures.succeeded(560_000, seconds: 5))  // cost 280,000
        let wrong = try await Fixtures.costedTask(pool, key, Fixtures.image3, channel: channel, upstreamID: "up-2",
                                                  Fixtures.succeeded(84_000, images: 3))       // cost 42,000
        let released = try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: channel, upstreamID: "up-3", .failed(message: "x"))
        // the same upstream id on another channel is not this channel's task
        let other = try await Fixtures.channel(pool)
        try await Fixtures.costedTask(pool, key, Self.o1Pro5, channel: other, upstreamID: "up-4", Fixtures.succeeded(560_000, seconds: 5))

        try await gateway.run { client in
            let reply = try await client.send(.post, "/admin/v1/channels/\(channel)/bills", token: TestGateway.bootstrapToken, raw: Self.bill)
            #expect(reply.status == .created, "\(reply.text)")
            #expect(reply["lines"] == 4)
            #expect(reply["matched"] == 3)
            #expect(items(reply, "amount_mismatch") == ["up-2 50000 42000"])  // the released task only in its own list
            #expect(items(reply, "unknown") == ["up-4 1500000 null"])
            #expect(items(reply, "billed_but_released") == ["up-3 100000 0"])
            #expect(reply["billed_micros"] == 1_930_000)
            #expect(reply["cost_micros"] == 322_000)
            #expect(reply["digest"]?.stringValue == Self.billDigest)
            #expect(reply["channel_id"]?.stringValue == channel)
            #expect(reply["imported_by"]?.stringValue?.isEmpty == false)
            let mismatch = try #require(reply["amount_mismatch"]?.arrayValue?.first)
            #expect(mismatch["task_id"]?.stringValue == wrong.id.uuidString.lowercased())
            #expect(mismatch["tenant_id"]?.stringValue == key.tenantID.uuidString.lowercased())
            #expect(mismatch["state"]?.stringValue == "succeeded")
            #expect(mismatch["charged_micros"] == 84_000)
            #expect(mismatch["reason"]?.stringValue == "amount")
            #expect(mismatch["line"] == 3)
            #expect(reply["billed_but_released"]?.arrayValue?.first?["task_id"]?.stringValue == released.id.uuidString.lowercased())
            _ = agreeing
            let id = try #require(reply["id"]?.stringValue)

            let kept = try await client.admin(.get, "/admin/v1/bills/\(id)")
            #expect(kept.status == .ok)
            #expect(kept.json == reply.json)
            let listed = try await client.admin(.get, "/admin/v1/channels/\(channel)/bills")
            #expect(listed.status == .ok)
            let summaries = try #require(listed["data"]?.arrayValue)
            #expect(summaries.count == 1)
            #expect(summaries.first?["id"]?.stringValue == id)
            #expect(summaries.first?["digest"]?.stringValue == Self.billDigest)
            #expect(summaries.first?["amount_mismatch"] == 1)
            #expect(summaries.first?["cost_micros"] == 322_000)
            let audited = try await pool.queryFirst("""
                SELECT count(*) AS n FROM audit_log WHERE action = 'channel.bill_import' AND resource_id = \(id)
                """)?.decode(Int64.self, "n")
            #expect(audited == 1)
        }
    }

    @Test func aBadBillIsRefusedAndNothingIsKept() async throws {
        let gateway = try await TestGateway()
        let channel = try await Fixtures.channel(gateway.pool)
        try await gateway.run { client in
            let refused: [(String, HTTPResponse.Status)] = [
                ("upstream_task_id,amount\nup-1,abc\n", .unprocessableContent),
                ("upstream_task_id,amount\nup-1,0.0000001\n", .unprocessableContent),
                ("upstream_task_id,amount\nup-1,1e3\n", .unprocessableContent),
                ("upstream_task_id,amount\n,0.5\n", .unprocessableContent),
                ("task,amount\nup-1,0.5\n", .unprocessableContent),
                ("", .unprocessableContent),
                ("upstream_task_id,amount\n\"up-1,0.5\n", .badRequest),
                ("upstream_task_id,amount\nup\"1,0.5\n", .badRequest),
            ]
            for (body, status) in refused {
                let reply = try await client.send(.post, "/admin/v1/channels/\(channel)/bills", token: TestGateway.bootstrapToken, raw: body)
                #expect(reply.status == status, "\(body.debugDescription): \(reply.text)")
                #expect(reply.errorCode == (status == .badRequest ? "bad_request" : "invalid"))
            }
            let listed = try await client.admin(.get, "/admin/v1/channels/\(channel)/bills")
            #expect(listed["data"]?.arrayValue?.isEmpty == true)
        }
        let kept = try await gateway.pool.queryFirst("SELECT count(*) AS n FROM channel_bills WHERE channel_id = \(channel)")?.decode(Int64.self, "n")
        #expect(kept == 0)
    }

    @Test func theBuiltInChannelMatchesTasksWithNoRecordedChannelAndAnUnknownChannelIsNotFound() async throws {
        let gateway = try await TestGateway()
        let key = try await Fixtures.tenant(gateway.pool)
        let upstream = "up-default-\(UUID().uuidString.lowercased())"
        let task = try await Fixtures.costedTask(gateway.pool, key, Self.o1Pro5, channel: nil, upstreamID: upstream, Fixtures.succeeded(560_000, seconds: 5))
        try await gateway.run { client in
            let reply = try await client.send(.post, "/admin/v1/channels/default/bills", token: TestGateway.bootstrapToken,
                                              raw: "amount,upstream_task_id\n0.56,\(upstream)\n")
            #expect(reply.status == .created, "\(reply.text)")
            #expect(reply["matched"] == 1)
            #expect(reply["amount_mismatch"]?.arrayValue?.isEmpty == true)
            #expect(reply["cost_micros"] == 560_000)
            #expect(try await Fixtures.cost(gateway.pool, task.id) == RecordedCost("default", 560_000))

            let missing = try await client.send(.post, "/admin/v1/channels/no-such-channel/bills", token: TestGateway.bootstrapToken,
                                                raw: "upstream_task_id,amount\nx,1\n")
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "not_found")
            #expect(try await client.admin(.get, "/admin/v1/channels/no-such-channel/bills").status == .notFound)
            #expect(try await client.admin(.get, "/admin/v1/bills/\(UUID().uuidString)").status == .notFound)
            #expect(try await client.admin(.get, "/admin/v1/bills/not-an-id").status == .notFound)

            let finance = try await client.makeToken("finance")
            let forbidden = try await client.send(.post, "/admin/v1/channels/default/bills", token: finance.secret, raw: "upstream_task_id,amount\nx,1\n")
            #expect(forbidden.status == .forbidden)
            #expect(try await client.send(.get, "/admin/v1/channels/default/bills", token: finance.secret).status == .ok)
        }
    }
}
