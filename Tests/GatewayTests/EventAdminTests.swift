import Accounting
import Foundation
import Gateway
import HummingbirdTesting
import Kling
import Testing

/// The admin side of events: operator webhook endpoints, the events listing and its filters, and the
/// tenant's event settings (each on a database of its own: endpoints receive every tenant's events).
@Suite struct EventAdminTests {
    static let adminToken = "omt_eventadmin_" + UUID().uuidString.lowercased()

    @Test func webhookEndpointsAreCreatedWithASecretShownOnceListedReadAndDeleted() async throws {
        let harness = try await Harness.make(environment: ["OMNIMETER_ADMIN_TOKEN": Self.adminToken])
        try await harness.withClient { client in
            let admin = Self.adminToken
            // the sender's refusals are refused at write, like callback_url
            for body in [#"{"url":"http://127.0.0.1:9/hook"}"#, #"{"url":"ftp://example.com/x"}"#,
                         #"{"url":"https://93.184.216.34/h","events":["task.created"]}"#, #"{"url":"https://93.184.216.34/h","events":[]}"#] {
                let refused = try await client.call(.post, "/admin/v1/webhook-endpoints", key: admin, body: body)
                #expect(refused.status == 422 && refused.errorCode == "invalid", "\(body): \(refused.json)")
            }
            #expect(try await client.call(.post, "/admin/v1/webhook-endpoints", key: admin, body: #"{"events":["grant.expired"]}"#).status == 400)
            #expect(try await client.call(.post, "/admin/v1/webhook-endpoints", key: admin, body: #"{"url":"https://93.184.216.34/h","events":"x"}"#).status == 400)
            let made = try await client.call(.post, "/admin/v1/webhook-endpoints", key: admin,
                                             body: #"{"url":"https://93.184.216.34/hook","events":["grant.expired","balance.low","grant.expired"]}"#)
            #expect(made.status == 201)
            let id = try #require(made.json["id"]?.stringValue)
            let secret = try #require(made.json["secret"]?.stringValue)
            #expect(secret.hasPrefix("whsec_") && Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
            #expect(made.json["events"]?.arrayValue?.compactMap(\.stringValue) == ["grant.expired", "balance.low"])
            let all = try await client.call(.post, "/admin/v1/webhook-endpoints", key: admin, body: #"{"url":"https://93.184.216.34/all"}"#)
            #expect(all.status == 201 && all.json["events"] == .null)
            let list = try await client.call(.get, "/admin/v1/webhook-endpoints", key: admin)
            #expect(list.status == 200 && list.json["data"]?.arrayValue?.count == 2)
            let listText = try await client.text("/admin/v1/webhook-endpoints", key: admin)
            #expect(!listText.contains("secret") && !listText.contains(secret))
            let one = try await client.call(.get, "/admin/v1/webhook-endpoints/\(id)", key: admin)
            #expect(one.status == 200 && one.json["url"]?.stringValue == "https://93.184.216.34/hook" && one.json["secret"] == nil)
            // finance reads, never writes
            let finance = try await client.call(.post, "/admin/v1/tokens", key: admin, body: #"{"name":"f","role":"finance"}"#)
            let financeToken = try #require(finance.json["token"]?.stringValue)
            #expect(try await client.call(.get, "/admin/v1/webhook-endpoints", key: financeToken).status == 200)
            #expect(try await client.call(.post, "/admin/v1/webhook-endpoints", key: financeToken, body: #"{"url":"https://93.184.216.34/f"}"#).status == 403)
            #expect(try await client.call(.delete, "/admin/v1/webhook-endpoints/\(id)", key: financeToken).status == 403)
            let deleted = try await client.call(.delete, "/admin/v1/webhook-endpoints/\(id)", key: admin)
            #expect(deleted.status == 200 && deleted.json["deleted_at"]?.stringValue != nil)
            #expect(try await client.call(.get, "/admin/v1/webhook-endpoints/\(id)", key: admin).status == 404)
            #expect(try await client.call(.delete, "/admin/v1/webhook-endpoints/\(id)", key: admin).status == 404)
            #expect(try await client.call(.get, "/admin/v1/webhook-endpoints/not-an-id", key: admin).status == 404)
            #expect(try await client.call(.get, "/admin/v1/webhook-endpoints", key: admin).json["data"]?.arrayValue?.count == 1)
            // audited, without the secret
            let audit = try await client.text("/admin/v1/audit?resource_id=\(id)", key: admin)
            #expect(audit.contains("webhook_endpoint.create") && audit.contains("webhook_endpoint.delete"))
            #expect(!audit.contains(secret))
        }
        await harness.stop()
    }

    @Test func theEventsListingFiltersByTenantTypeAndTimeAndShowsEachEndpointsDelivery() async throws {
        let harness = try await Harness.make(environment: ["OMNIMETER_ADMIN_TOKEN": Self.adminToken])
        let first = try await Database.tenant(harness.pool, credits: 1_000_000)
        let second = try await Database.tenant(harness.pool, credits: 1_000_000)
        let a = first.tenantID.uuidString.lowercased()
        let b = second.tenantID.uuidString.lowercased()
        try await harness.withClient { client in
            let admin = Self.adminToken
            let endpoint = try await client.call(.post, "/admin/v1/webhook-endpoints", key: admin,
                                                 body: #"{"url":"https://93.184.216.34/ops","events":["balance.low"]}"#)
            let endpointID = try #require(endpoint.json["id"]?.stringValue)
            // A: balance.low; B: balance.low, then a top-up: balance.recovered
            #expect(try await client.call(.patch, "/admin/v1/tenants/\(a)", key: admin, body: #"{"low_balance_micros":5000000}"#).status == 200)
            #expect(try await client.call(.patch, "/admin/v1/tenants/\(b)", key: admin, body: #"{"low_balance_micros":1500000}"#).status == 200)
            let credit = try await client.call(.post, "/admin/v1/tenants/\(b)/credits", key: admin, body: #"{"amount_micros":1000000,"reason":"top-up"}"#)
            #expect(credit.status == 201)
            let everything = try await client.call(.get, "/admin/v1/events", key: admin)
            #expect(everything.status == 200)
            #expect(everything.json["data"]?.arrayValue?.compactMap { $0["type"]?.stringValue } == ["balance.recovered", "balance.low", "balance.low"])
            let onlyA = try await client.call(.get, "/admin/v1/events?tenant_id=\(a)", key: admin)
            let eventsOfA = onlyA.json["data"]?.arrayValue ?? []
            #expect(eventsOfA.count == 1 && eventsOfA.first?["tenant_id"]?.stringValue == a)
            #expect(eventsOfA.first?["data"]?["available_micros"]?.int64Value == 1_000_000)
            // the endpoint takes balance.low only: one pending delivery there, none for the recovery
            let deliveries = eventsOfA.first?["deliveries"]?.arrayValue ?? []
            #expect(deliveries.count == 1 && deliveries.first?["target"]?.stringValue == "endpoint")
            #expect(deliveries.first?["endpoint_id"]?.stringValue == endpointID && deliveries.first?["state"]?.stringValue == "pending")
            #expect(deliveries.first?["kind"]?.stringValue == "event")
            let recovered = try await client.call(.get, "/admin/v1/events?type=balance.recovered", key: admin)
            #expect(recovered.json["data"]?.arrayValue?.map { $0["tenant_id"]?.stringValue } == [b])
            #expect(recovered.json["data"]?.arrayValue?.first?["deliveries"]?.arrayValue?.isEmpty == true)
            let future = try await client.call(.get, "/admin/v1/events?from=2999-01-01", key: admin)
            #expect(future.status == 200 && future.json["data"]?.arrayValue?.isEmpty == true)
            let past = try await client.call(.get, "/admin/v1/events?to=2000-01-01", key: admin)
            #expect(past.json["data"]?.arrayValue?.isEmpty == true)
            // pages of one, newest first, by cursor
            let page1 = try await client.call(.get, "/admin/v1/events?limit=1", key: admin)
            let cursor = try #require(page1.json["next_cursor"]?.stringValue)
            let page2 = try await client.call(.get, "/admin/v1/events?limit=1&cursor=\(cursor)", key: admin)
            let page3 = try await client.call(.get, "/admin/v1/events?limit=1&cursor=\(try #require(page2.json["next_cursor"]?.stringValue))", key: admin)
            let ids = [page1, page2, page3].compactMap { $0.json["data"]?.arrayValue?.first?["id"]?.stringValue }
            #expect(ids == everything.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue })
            #expect(page3.json["next_cursor"] == .null)
            // bad input is refused, never ignored
            for query in ["type=balance.sideways", "tenant_id=nope", "from=yesterday", "cursor=\(UUID().uuidString)", "state=pending"] {
                let refused = try await client.call(.get, "/admin/v1/events?\(query)", key: admin)
                #expect(refused.status == 400 && refused.errorCode == "bad_request", "\(query): \(refused.json)")
            }
        }
        await harness.stop()
    }

    @Test func tenantEventSettingsAreValidatedStoredAndCleared() async throws {
        let harness = try await Harness.make(environment: ["OMNIMETER_ADMIN_TOKEN": Self.adminToken])
        try await harness.withClient { client in
            let admin = Self.adminToken
            let made = try await client.call(.post, "/admin/v1/tenants", key: admin, body: #"{"name":"events"}"#)
            #expect(made.json["alert_thresholds"]?.arrayValue?.compactMap(\.int64Value) == [50, 80, 100])
            #expect(made.json["events_url"] == .null && made.json["low_balance_micros"] == .null)
            let id = try #require(made.json["id"]?.stringValue)
            for (body, status) in [(#"{"events_url":"http://10.0.0.1/x"}"#, 422), (#"{"events_url":"http://localhost/x"}"#, 422),
                                   (#"{"events_url":"mailto:a@b"}"#, 422), (#"{"alert_thresholds":[0]}"#, 422),
                                   (#"{"alert_thresholds":[1001]}"#, 422), (#"{"alert_thresholds":["50"]}"#, 400),
                                   (#"{"alert_thresholds":50}"#, 400), (#"{"alert_thresholds":null}"#, 400),
                                   (#"{"low_balance_micros":-1}"#, 422), (#"{"low_balance_micros":"5"}"#, 400)] {
                let refused = try await client.call(.patch, "/admin/v1/tenants/\(id)", key: admin, body: body)
                #expect(refused.status == status, "\(body): \(refused.json)")
                guard !body.contains("null") else { continue }  // on a create, null is "not set"
                let create = try await client.call(.post, "/admin/v1/tenants", key: admin, body: #"{"name":"x","# + body.dropFirst())
                #expect(create.status == status, "create \(body): \(create.json)")
            }
            let patched = try await client.call(.patch, "/admin/v1/tenants/\(id)", key: admin,
                                                body: #"{"events_url":"https://93.184.216.34/events","alert_thresholds":[100,25,25,150],"low_balance_micros":250000}"#)
            #expect(patched.status == 200)
            #expect(patched.json["events_url"]?.stringValue == "https://93.184.216.34/events")
            #expect(patched.json["alert_thresholds"]?.arrayValue?.compactMap(\.int64Value) == [25, 100, 150])
            #expect(patched.json["low_balance_micros"]?.int64Value == 250_000)
            let read = try await client.call(.get, "/admin/v1/tenants/\(id)", key: admin)
            #expect(read.json["alert_thresholds"] == patched.json["alert_thresholds"])
            let cleared = try await client.call(.patch, "/admin/v1/tenants/\(id)", key: admin, body: #"{"events_url":null,"low_balance_micros":null}"#)
            #expect(cleared.json["events_url"] == .null && cleared.json["low_balance_micros"] == .null)
        }
        await harness.stop()
    }
}

extension Reply {
    /// `error.code` of an admin error.
    var errorCode: String? { json["error"]?["code"]?.stringValue }
}

extension TestClientProtocol {
    /// The body of a GET as text, exactly as sent.
    func text(_ path: String, key: String) async throws -> String {
        try await execute(uri: path, method: .get, headers: [.authorization: "Bearer \(key)"]) { String(buffer: $0.body) }
    }
}
