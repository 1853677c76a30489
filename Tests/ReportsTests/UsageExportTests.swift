import Accounting
import Foundation
import Gateway
import Postgres
import Testing

@Suite struct UsageExportTests {
    static let day: TimeInterval = 86_400

    /// What the export must write for a text cell a person chose (OWASP CSV injection), written from the rule.
    func safe(_ text: String) -> String {
        guard let first = text.unicodeScalars.first,
              ["=", "+", "-", "@", "\t", "\r", "\n", " ", "\u{A0}", "\u{3000}", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"].contains(first)
        else { return text }
        return "'" + text
    }

    func decimal(_ micros: Int64) -> String {
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    func csv(_ pool: PostgresPool, _ query: String) async throws -> (status: Int, headers: [String: String], text: String) {
        try await Routes.test(pool) { client in
            let response = try await Routes.get(client, "/admin/v1/reports/usage.csv?\(query)")
            var headers: [String: String] = [:]
            for field in response.headers { headers[field.name.canonicalName] = field.value }
            return (response.status.code, headers, Routes.text(response))
        }
    }

    @Test func cellsRoundTripFieldForFieldThroughAStandardCSVReader() async throws {
        let pool = try await Fixtures.pool()
        let start = Fixtures.uniqueDay()
        let tenantName = "Acme, \"Quoted\" Ltd\nsecond line ✓ 日本語 🎬"
        let keyName = "=cmd|' /C calc'!A0"
        let key = try await Fixtures.tenant(pool, name: tenantName, keyName: keyName)
        let otherKeyName = "@sum(1,2)\r\n-3"
        let other = try await Fixtures.key(pool, tenantID: key.tenantID, tenantName: tenantName, name: otherKeyName)
        let plain = try await Fixtures.key(pool, tenantID: key.tenantID, tenantName: tenantName, name: "plain, \"key\"")
        let upstreamID = "up-\(UUID().uuidString)"
        let first = try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5),
                                                 endedAt: start + 3600, upstreamID: upstreamID, externalID: "+ext, \"1\"\n")
        let second = try await Fixtures.endedTask(pool, other, Fixtures.v3ProSound15s, .failed(message: "x"), endedAt: start + 7200)
        let third = try await Fixtures.endedTask(pool, plain, Fixtures.image3, Fixtures.succeeded(84_000, images: 3), endedAt: start + 7200)

        let from = Routes.q(start), to = Routes.q(start + Self.day)
        let response = try await csv(pool, "from=\(from)&to=\(to)&tenant_id=\(key.tenantID)")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/csv; charset=utf-8")
        let stamp = String(from.prefix(10))
        #expect(response.headers["content-disposition"] == "attachment; filename=\"omnimeter-usage-\(stamp)-\(String(to.prefix(10))).csv\"")

        let (header, rows) = CSV.table(response.text)
        #expect(header.joined(separator: ",") == "task_id,tenant_id,tenant_name,key_id,key_name,endpoint,model,mode,sound,video_reference,billable_seconds,images,status,reserved_micros,charged_micros,released_micros,charged,currency,created_at,ended_at,external_task_id,upstream_task_id")
        try #require(rows.count == 3)
        // ordered by ended_at, then id
        let sameEnd = [second, third].sorted { $0.id.uuidString.lowercased() < $1.id.uuidString.lowercased() }
        #expect(rows.map { $0["task_id"] } == [first, sameEnd[0], sameEnd[1]].map { $0.id.uuidString.lowercased() })

        let expectations: [(TaskRecord, [String: String])] = [
            (first, ["key_id": key.keyID.uuidString.lowercased(), "key_name": "'=cmd|' /C calc'!A0", "endpoint": "omni-video",
                     "model": "kling-video-o1", "mode": "pro", "sound": "false", "video_reference": "false", "billable_seconds": "5",
                     "images": "", "status": "succeeded", "reserved_micros": "560000", "charged_micros": "560000", "released_micros": "0",
                     "charged": "0.560000", "ended_at": String(Routes.q(start + 3600).prefix(19)) + ".000000Z",
                     "external_task_id": "'+ext, \"1\"\n", "upstream_task_id": upstreamID]),
            (second, ["key_id": other.keyID.uuidString.lowercased(), "key_name": "'@sum(1,2)\r\n-3", "endpoint": "omni-video",
                      "model": "kling-v3-omni", "mode": "pro", "sound": "true", "video_reference": "false", "billable_seconds": "",
                      "images": "", "status": "failed", "reserved_micros": "2100000", "charged_micros": "0", "released_micros": "2100000",
                      "charged": "0.000000", "external_task_id": "", "upstream_task_id": ""]),
            (third, ["key_id": plain.keyID.uuidString.lowercased(), "key_name": "plain, \"key\"", "endpoint": "omni-image",
                     "model": "kling-image-o1", "mode": "", "sound": "false", "video_reference": "false", "billable_seconds": "",
                     "images": "3", "status": "succeeded", "reserved_micros": "84000", "charged_micros": "84000", "released_micros": "0",
                     "charged": "0.084000", "external_task_id": "", "upstream_task_id": ""]),
        ]
        for (task, expected) in expectations {
            let row = try #require(rows.first { $0["task_id"] == task.id.uuidString.lowercased() })
            #expect(row["tenant_id"] == key.tenantID.uuidString.lowercased())
            #expect(row["tenant_name"] == safe(tenantName))
            #expect(row["tenant_name"] == tenantName, "a name starting with a letter is left alone")
            #expect(row["currency"] == "USD")
            for (column, value) in expected {
                #expect(row[column] == value, "\(column) of \(task.id)")
            }
            // created_at: RFC 3339 UTC to the microsecond, the task's own time
            let created = try #require(row["created_at"])
            #expect(created.count == 27 && created.hasSuffix("Z") && created.dropFirst(10).first == "T")
            let parsed = try #require(RFC3339.parse(String(created.prefix(23)) + "Z"))
            #expect(abs(parsed.timeIntervalSince(task.createdAt)) < 0.001)
        }
        #expect(safe(keyName) == "'=cmd|' /C calc'!A0")
    }

    @Test func cellsStartingWithBlanksOrFullWidthSignsAreKeptAsText() async throws {
        let pool = try await Fixtures.pool()
        let start = Fixtures.uniqueDay()
        let names = ["\n=1+1", " =1+1", "\u{A0}=1+1", "\u{3000}=1", "\u{FF1D}SUM(A1)", "\u{FF0B}1", "\u{FF0D}1", "\u{FF20}x", "plain"]
        var expected: [String: String] = [:]
        for name in names {
            let key = try await Fixtures.tenant(pool, name: "t " + UUID().uuidString.prefix(6), keyName: name)
            let task = try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, .failed(message: "x"), endedAt: start + 60)
            expected[task.id.uuidString.lowercased()] = name == "plain" ? name : "'" + name
        }
        let (_, rows) = CSV.table(try await csv(pool, "from=\(Routes.q(start))&to=\(Routes.q(start + Self.day))").text)
        #expect(rows.count == names.count)
        for row in rows {
            let id = try #require(row["task_id"])
            #expect(row["key_name"] == expected[id], "\(row["key_name"] ?? "")")
            #expect(row["key_name"] == safe(row["key_name"].map { $0.hasPrefix("'") ? String($0.dropFirst()) : $0 } ?? ""))
        }
    }

    @Test func chargedSumEqualsTheReportTotalAndTheLedger() async throws {
        let pool = try await Fixtures.pool()
        let start = Fixtures.uniqueDay()
        let a = try await Fixtures.tenant(pool)
        let b = try await Fixtures.tenant(pool)
        var tasks: [TaskRecord] = []
        tasks.append(try await Fixtures.endedTask(pool, a, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: start + 10))
        tasks.append(try await Fixtures.endedTask(pool, a, Fixtures.o1StdReference10s, Fixtures.succeeded(1_000_000, seconds: 8), endedAt: start + 20))
        tasks.append(try await Fixtures.endedTask(pool, a, Fixtures.o1Pro5s, .failed(message: "policy"), endedAt: start + 30))
        tasks.append(try await Fixtures.endedTask(pool, b, Fixtures.v3ProSound15s, .expired, Fixtures.succeeded(2_100_000, seconds: 15), endedAt: start + 40))
        tasks.append(try await Fixtures.endedTask(pool, b, Fixtures.image3, Fixtures.succeeded(84_000, images: 3), endedAt: start + 50))
        tasks.append(try await Fixtures.endedTask(pool, b, Fixtures.o1Pro5s, .rejected(message: "no"), endedAt: start + 60))
        tasks.append(try await Fixtures.endedTask(pool, b, Fixtures.o1Pro5s, .expired, endedAt: start + 70))
        _ = try await Fixtures.endedTask(pool, b, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: start + Self.day)  // outside
        #expect(tasks[3].lateChargedMicros == 2_100_000)

        let from = Routes.q(start), to = Routes.q(start + Self.day)
        let (_, rows) = CSV.table(try await csv(pool, "from=\(from)&to=\(to)").text)
        #expect(Set(rows.compactMap { $0["task_id"] }) == Set(tasks.map { $0.id.uuidString.lowercased() }))
        let csvMicros = rows.reduce(Int64(0)) { $0 + Int64($1["charged_micros"]!)! }
        for row in rows {
            #expect(row["charged"] == decimal(Int64(row["charged_micros"]!)!))
        }
        let report = try await UsageReport(pool: pool).run(period: try #require(ReportPeriod(from: start, to: start + Self.day)), groupBy: [])
        let ledger = try await Fixtures.ledgerCharged(pool, tasks: tasks.map(\.id))

        #expect(csvMicros == 3_744_000)
        #expect(report.totals.chargedMicros == csvMicros)
        #expect(ledger == csvMicros)
        #expect(report.totals.tasks == 7)
        #expect(report.totals.succeeded == 4)
        #expect(report.totals.failed == 3)
        #expect(report.totals.billableSeconds == 28)
        #expect(report.totals.images == 3)
    }

    @Test func aDayEndsAtUTCMidnight() async throws {
        let pool = try await Fixtures.pool()
        let start = Fixtures.uniqueDay()
        let key = try await Fixtures.tenant(pool)
        let atMidnight = try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: start)
        let lastMoment = try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: start + Self.day - 0.001)
        let nextDay = try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, Fixtures.succeeded(560_000, seconds: 5), endedAt: start + Self.day)
        let first = String(Routes.q(start).prefix(10)), second = String(Routes.q(start + Self.day).prefix(10))
        let third = String(Routes.q(start + 2 * Self.day).prefix(10))

        let (_, dayOne) = CSV.table(try await csv(pool, "from=\(first)&to=\(second)").text)
        #expect(dayOne.map { $0["task_id"] } == [atMidnight, lastMoment].map { $0.id.uuidString.lowercased() })
        // to the millisecond: a Date far from 2001 holds 23:59:59.999 only to about a microsecond
        #expect(dayOne.map { $0["ended_at"].map { String($0.prefix(23)) } } == ["\(first)T00:00:00.000", "\(first)T23:59:59.999"])
        let (_, dayTwo) = CSV.table(try await csv(pool, "from=\(second)&to=\(third)").text)
        #expect(dayTwo.map { $0["task_id"] } == [nextDay.id.uuidString.lowercased()])

        let report = try await UsageReport(pool: pool).run(period: try #require(ReportPeriod(from: start, to: start + 2 * Self.day)), groupBy: [.day])
        #expect(report.rows.map(\.day) == [first, second])
        #expect(report.rows.map(\.figures.tasks) == [2, 1])
        #expect(report.rows.map(\.figures.chargedMicros) == [1_120_000, 560_000])
    }

    @Test func theExportCommandWritesTheBytesOfTheHTTPExport() async throws {
        let pool = try await Fixtures.pool()
        let start = Fixtures.uniqueDay()
        let key = try await Fixtures.tenant(pool, name: "-Export, \"Co\"\n", keyName: "=key")
        for i in 0..<5 {
            try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, i % 2 == 0 ? Fixtures.succeeded(560_000, seconds: 5) : .failed(message: "x"),
                                         endedAt: start + Double(i) * 60)
        }
        let from = Routes.q(start), to = Routes.q(start + Self.day)
        let http = try await csv(pool, "from=\(from)&to=\(to)&tenant_id=\(key.tenantID)").text
        #expect(http.split(separator: "\n").count >= 6)

        var direct: [UInt8] = []
        try await UsageExport(pool: pool).write(period: try #require(ReportPeriod(from: start, to: start + Self.day)), tenantID: key.tenantID, chunkSize: 256) {
            #expect($0.count <= 256 + 1024, "a chunk holds at most one row past the limit")
            direct += $0
        }
        #expect(String(decoding: direct, as: UTF8.self) == http)

        let binary = Fixtures.repository.appendingPathComponent(".build/debug/omnimeter").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the executable first (swift build --build-tests builds it)")
        let url = try #require(ProcessInfo.processInfo.environment["OMNIMETER_TEST_DATABASE_URL"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("omnimeter-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("usage.csv").path
        let stdout = folder.appendingPathComponent("stdout.csv").path
        let arguments = "export --from '\(from)' --to '\(to)' --tenant-id \(key.tenantID)"
        let environment = "OMNIMETER_DATABASE_URL='\(url)' OMNIMETER_LOG_LEVEL=error"
        #expect(try await Shell.run("\(environment) '\(binary)' \(arguments) --output '\(file)'") == 0)
        #expect(try await Shell.run("\(environment) '\(binary)' \(arguments) > '\(stdout)'") == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == http)
        #expect(try String(contentsOfFile: stdout, encoding: .utf8) == http)
        #expect(!FileManager.default.fileExists(atPath: file + ".partial"))
        // bad input stops before anything is written
        #expect(try await Shell.run("\(environment) '\(binary)' export --from '\(to)' --to '\(from)' --output '\(folder.path)/never.csv' 2>/dev/null") != 0)
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/never.csv"))
    }

    @Test func badParametersAre400BeforeAnyCSV() async throws {
        let pool = try await Fixtures.pool()
        let cases: [(String, Int)] = [
            ("to=2026-01-02", 400),
            ("from=2026-01-01", 400),
            ("from=2026-01-02&to=2026-01-01", 400),
            ("from=2026-01-01&to=2026-01-01", 400),
            ("from=2026-13-01&to=2027-01-01", 400),
            ("from=yesterday&to=2026-01-01", 400),
            ("from=2026-01-01&to=2026-01-02&tenant_id=42", 400),
            ("from=2026-01-01&to=2026-01-02&tenant_id=\(UUID())", 404),
        ]
        for (query, status) in cases {
            let response = try await csv(pool, query)
            #expect(response.status == status, "\(query)")
            #expect(response.headers["content-type"] == "application/json", "\(query)")
            let body = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
            let error = body?["error"] as? [String: Any]
            #expect(error?["code"] as? String == (status == 400 ? "bad_request" : "not_found"), "\(query)")
            #expect((error?["message"] as? String)?.isEmpty == false)
        }
    }
}

/// Runs a shell command with `system()` on a thread of its own (Foundation.Process's waitUntilExit hangs here).
enum Shell {
    static func run(_ command: String) async throws -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: system(command))
            }
        }
    }
}
