import Foundation
import Postgres
import Testing

@Suite struct CopyTests {
    @Test func copyStreamsAMillionRowsInBoundedChunks() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let rowCount: Int64 = 1_000_000
        var lines = 0
        var bytes = 0
        var largestChunk = 0
        var lastLine = ""
        let chunkSize = 64 * 1024
        let residentBefore = ResidentMemory.currentKiB()
        var residentPeak = residentBefore
        try await pool.copyOut("SELECT g AS n, 'row ' || g AS label FROM generate_series(1, \(rowCount)) AS g", chunkSize: chunkSize) { chunk in
            largestChunk = max(largestChunk, chunk.count)
            bytes += chunk.count
            lines += chunk.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            if let end = chunk.dropLast().lastIndex(of: UInt8(ascii: "\n")) {
                lastLine = String(decoding: chunk[(end + 1)...].dropLast(), as: UTF8.self)
            }
            residentPeak = max(residentPeak, ResidentMemory.currentKiB())
        }
        #expect(lines == Int(rowCount) + 1, "a header line and one line per row")
        #expect(lastLine == "1000000,row 1000000")
        // one chunk holds what was gathered up to the limit plus at most one more row
        #expect(largestChunk <= chunkSize + 256)
        print("copy: \(rowCount) rows, \(bytes) bytes, largest chunk \(largestChunk) B, resident memory \(residentBefore) KiB before, \(residentPeak) KiB peak while streaming")
    }

    @Test func copyKeepsBoundValuesBound() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        let hostile = #"it's "quoted", a;b \ c"#
        let none: String? = nil
        var output: [UInt8] = []
        try await pool.copyOut("SELECT \(hostile)::text AS v, \(Int64(42)) AS n, \(none) AS missing", options: "FORMAT csv") { output += $0 }
        #expect(String(decoding: output, as: UTF8.self) == "\"it's \"\"quoted\"\", a;b \\ c\",42,\n")
    }

    @Test func aFailingCopyReportsTheServerError() async throws {
        let pool = try await TestDatabase.pool(max: 1)
        defer { Task { await pool.close() } }
        do {
            try await pool.copyOut("SELECT 1 / (g - \(Int64(500))) AS v FROM generate_series(1, 1000) AS g") { _ in }
            Issue.record("the COPY did not fail")
        } catch let error as PostgresError {
            #expect(error.sqlState == "22012")
        }
        #expect(try await pool.queryFirst("SELECT \(Int64(1)) AS v")?.decode(Int64.self, "v") == 1)
    }
}

enum ResidentMemory {
    /// VmRSS of this process in KiB (Linux), 0 elsewhere.
    static func currentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}
