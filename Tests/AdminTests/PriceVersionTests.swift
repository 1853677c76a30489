import Accounting
import Foundation
import Kling
import Pricing
import Testing

/// `GET/PUT /admin/v1/prices`: a PUT adds a version, earlier versions stay readable.
/// Books put here keep every real price and add a row for a made-up model, so tests that price tasks
/// at the same time are not disturbed.
@Suite struct PriceVersionTests {
    func bookWithMarker(_ current: JSONValue, _ marker: String) throws -> JSONValue {
        var book = try #require(current.objectValue)
        var video = try #require(book["video"]?.arrayValue)
        video.append(["model": .string(marker), "mode": "std", "sound": "off", "micros_per_second": 1])
        book["video"] = .array(video)
        return .object(book)
    }

    @Test func aPutAddsAVersionAndTheEarlierOneStaysReadable() async throws {
        try await TestGateway().run { client in
            let before = try await client.admin(.get, "/admin/v1/prices")
            #expect(before.status == .ok)
            let oldVersion = try #require(before["version"]?.int64Value)
            #expect(before["currency"] == "USD")
            #expect(before["created_at"]?.stringValue != nil)

            let marker = "test-model-\(UUID().uuidString.prefix(8))"
            let put = try await client.admin(.put, "/admin/v1/prices", json: try bookWithMarker(before.json, marker))
            #expect(put.status == .created, "\(put.text)")
            let newVersion = try #require(put["version"]?.int64Value)
            #expect(newVersion > oldVersion)
            #expect(put["video"]?.arrayValue?.contains { $0["model"]?.stringValue == marker } == true)

            let old = try await client.admin(.get, "/admin/v1/prices/\(oldVersion)")
            #expect(old.status == .ok)
            #expect(old["version"]?.int64Value == oldVersion)
            #expect(old["video"]?.arrayValue?.contains { $0["model"]?.stringValue == marker } == false)
            let new = try await client.admin(.get, "/admin/v1/prices/\(newVersion)")
            #expect(new["video"] == put["video"])
            #expect(try await client.admin(.get, "/admin/v1/prices/999999").status == .notFound)
        }
    }

    @Test func concurrentPutsGetDistinctVersions() async throws {
        try await TestGateway().run { client in
            let current = try await client.admin(.get, "/admin/v1/prices").json
            let versions = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for index in 0..<6 {
                    let book = try bookWithMarker(current, "race-\(index)-\(UUID().uuidString.prefix(8))")
                    group.addTask { try await client.admin(.put, "/admin/v1/prices", json: book)["version"]?.int64Value }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(versions.compactMap { $0 }.count == 6)
            #expect(Set(versions).count == 6)
        }
    }

    @Test func theStoreGivesTheGatewayTheCurrentBookAndAnyVersion() async throws {
        let pool = try await TestDatabase.pool()
        let store = PriceBookStore(pool: pool)
        let first = try #require(try await store.book(version: 1))
        #expect(first == PriceBook.default2026, "migration 001 seeds the official list price")
        let (version, book) = try await store.current()
        #expect(version >= 1)
        #expect(try book.validated() == book)
        #expect(try await store.book(version: 0) == nil)
    }

    @Test func anInvalidBookIsRefusedWith422AndStoresNothing() async throws {
        try await TestGateway().run { client in
            let admin = try await client.makeToken("admin")
            let current = try await client.admin(.get, "/admin/v1/prices").json
            var negative = try #require(try bookWithMarker(current, "negative").objectValue)
            negative["video"] = [["model": "kling-video-o1", "mode": "std", "sound": "off", "micros_per_second": -1]]
            var badCurrency = try #require(current.objectValue)
            badCurrency["currency"] = "usd"
            var badMultiplier = try #require(current.objectValue)
            badMultiplier["video_reference_multiplier"] = "0.5"
            for book in [JSONValue.object(negative), .object(badCurrency), .object(badMultiplier)] {
                let reply = try await client.send(.put, "/admin/v1/prices", token: admin.secret, json: book)
                #expect(reply.status == .unprocessableContent, "\(reply.text)")
                #expect(reply.errorCode == "invalid")
            }
            let missingField = try await client.send(.put, "/admin/v1/prices", token: admin.secret, json: ["currency": "USD"])
            #expect(missingField.status == .badRequest)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM price_books WHERE created_by = \(admin.id)") == 0)
        }
    }

    @Test func financeMayReadPricesButNotPutThem() async throws {
        try await TestGateway().run { client in
            let finance = try await client.makeToken("finance")
            let current = try await client.send(.get, "/admin/v1/prices", token: finance.secret)
            #expect(current.status == .ok)
            let put = try await client.send(.put, "/admin/v1/prices", token: finance.secret, json: current.json)
            #expect(put.status == .forbidden)
            #expect(try await TestDatabase.number("SELECT count(*) AS n FROM price_books WHERE created_by = \(finance.id)") == 0)
        }
    }
}
