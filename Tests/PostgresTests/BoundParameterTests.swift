import Foundation
import Postgres
import Testing

@Suite struct BoundParameterTests {
    @Test(arguments: [
        "it's",
        "'; DROP TABLE bound_parameter_canary; --",
        #"back\slash \\ and \x00 text"#,
        "semi;colon; $1 $2 ::text",
        "unicode: 日本語 🎬 ñ café \u{202E}",
        "\"quoted\" and 'single' and `ticks`",
        "line\nbreak\r\ttab",
        String(repeating: "x'\\;", count: 20),
        "",
    ])
    func textComesBackByteIdenticalAndRunsNoSQL(value: String) async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let row = try #require(try await pool.queryFirst("SELECT \(value) AS v, length(\(value)) AS n"))
        let echoed = try row.decode(String.self, "v")
        #expect(Array(echoed.utf8) == Array(value.utf8))
        #expect(try row.decode(Int.self, "n") == value.count)
        let canary = try await pool.query("SELECT to_regclass('bound_parameter_canary') IS NOT NULL AS present")
        #expect(try canary[0].decode(Bool.self, "present"))
    }

    @Test func tenThousandCharacterStringsRoundTrip() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let value = String((0..<10_000).map { i in Array("ab'c\\d;é🎬z")[i % 10] })
        #expect(value.count == 10_000)
        let row = try #require(try await pool.queryFirst("SELECT \(value)::text AS v"))
        #expect(try row.decode(String.self, "v") == value)
    }

    @Test func aNulByteIsRefusedRatherThanCut() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        await #expect(throws: PostgresError.self) {
            try await pool.query("SELECT \("before\u{0}after") AS v")
        }
    }

    @Test func nullDecodesOnlyAsOptional() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let none: String? = nil
        let row = try #require(try await pool.queryFirst("SELECT \(none) AS v, NULL::bigint AS n"))
        #expect(try row.decode(String?.self, "v") == nil)
        #expect(try row.decode(Int64?.self, "n") == nil)
        #expect(throws: PostgresError.self) { try row.decode(Int64.self, "n") }
    }

    @Test(arguments: [Int64.max, Int64.min, 9_007_199_254_740_993, -9_007_199_254_740_993, 0])
    func int64BeyondDoublePrecisionIsExact(value: Int64) async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let row = try #require(try await pool.queryFirst("SELECT \(value) AS v, (\(value) / 2)::bigint AS half"))
        #expect(try row.decode(Int64.self, "v") == value)
        #expect(try row.decode(Int64.self, "half") == value / 2)
    }

    @Test func typedValuesRoundTrip() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let id = UUID()
        let when = Date(timeIntervalSince1970: 1_795_000_000.123456)
        let json = PostgresJSON(text: #"{"a": [1, "x'y"], "b": null}"#)
        let bytes = PostgresBytes([0, 1, 2, 254, 255])
        let row = try #require(try await pool.queryFirst(
            "SELECT \(id) AS id, \(when) AS at, \(true) AS yes, \(json) AS doc, \(bytes) AS raw, \(Int32(-7)) AS small"))
        let (readID, readAt, yes, doc, raw, small) = try row.decode((UUID, Date, Bool, PostgresJSON, PostgresBytes, Int32).self)
        #expect(readID == id)
        #expect(abs(readAt.timeIntervalSince1970 - when.timeIntervalSince1970) < 0.000_001)
        #expect(yes)
        #expect(try JSONSerialization.jsonObject(with: doc.data) as? NSDictionary == ["a": [1, "x'y"], "b": NSNull()] as NSDictionary)
        #expect(raw == bytes)
        #expect(small == -7)
    }

    @Test func serverErrorsCarrySQLStateAndMessage() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        do {
            try await pool.query("SELECT 1 / \(0) AS v")
            Issue.record("division by zero did not fail")
        } catch let error as PostgresError {
            #expect(error.kind == .server)
            #expect(error.sqlState == "22012")
            #expect(error.message.contains("division by zero"))
        }
    }

    @Test func joinedQueriesKeepEveryValueBound() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let query: PostgresQuery = "SELECT \("a'") AS x, " + "\("b;") AS y"
        #expect(query.sql == "SELECT $1 AS x, $2 AS y")
        let row = try #require(try await pool.queryFirst(query))
        #expect(try row.decode((String, String).self) == ("a'", "b;"))
    }
}
