@testable import Accounting
import Foundation
import Kling
@testable import Gateway
import NIOCore
import Testing

/// The usage report's direct JSON writer makes exactly the bytes JSONEncoder makes of `UsageReportBody`.
@Suite struct UsageReportJSONTests {
    static let tenant = UUID(uuidString: "6F1B2C3D-0000-4000-8000-00000000000A")!
    static let key = UUID(uuidString: "7A1B2C3D-0000-4000-8000-00000000000B")!

    static func figures(_ tasks: Int64, charged: Int64) -> UsageFigures {
        var figures = UsageFigures()
        figures.tasks = tasks
        figures.succeeded = tasks - 1
        figures.failed = 1
        figures.billableSeconds = 5 * tasks
        figures.images = 2
        figures.chargedMicros = charged
        return figures
    }

    static func result(_ groupBy: [UsageGrouping], _ rows: [UsageRow]) -> UsageReportResult {
        let period = ReportPeriod(from: Date(timeIntervalSince1970: 1_769_904_000), to: Date(timeIntervalSince1970: 1_772_323_200.5))!
        return UsageReportResult(period: period, groupBy: groupBy, tenantID: nil, keyID: nil, currency: "USD", rows: rows,
                                 totals: rows.map(\.figures).reduce(UsageFigures(), +))
    }

    static let names = ["plain", "quote \" and \\ backslash", "a/b slash", "tab\tnew\nline\r", "bell \u{07} nul \u{00} esc \u{1B}",
                        "émoji 🦊 中文", "<img src=x onerror=alert(1)>", ""]

    static let cases: [UsageReportResult] = [
        result([], []),
        result([.tenant, .key, .model, .day], names.enumerated().map { index, name in
            UsageRow(tenantID: tenant, tenantName: name, keyID: key, keyName: name + "k", model: "kling-video-o1",
                     day: "2026-02-0\(index + 1)", figures: figures(Int64(index + 2), charged: Int64(index) * 1_234_567 + 7))
        }),
        result([.model], [UsageRow(tenantID: nil, tenantName: nil, keyID: nil, keyName: nil, model: "kling-image-o1", day: nil,
                                   figures: figures(3, charged: -28_000))]),
        result([.day, .tenant], [UsageRow(tenantID: tenant, tenantName: "t", keyID: nil, keyName: nil, model: nil, day: "2026-02-28",
                                          figures: figures(9_000_000_000, charged: Int64.max / 4))]),
        result([.key], [UsageRow(tenantID: nil, tenantName: nil, keyID: key, keyName: nil, model: nil, day: nil, figures: figures(1, charged: 0))]),
    ]

    @Test(arguments: 0..<cases.count)
    func theWriterMakesTheEncodersBytes(_ index: Int) throws {
        let result = Self.cases[index]
        let expected = try JSONResponse.encoder.encode(UsageReportBody(result))
        let written = Data(UsageReportJSON.encode(result).readableBytesView)
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    /// `/v1/usage` puts the written bytes in the Kling envelope as they are: the same bytes as decoding
    /// them and encoding the envelope, for every case and a request id that needs escaping.
    @Test(arguments: 0..<cases.count)
    func theEnvelopeAroundWrittenBytesIsTheEnvelopeOfTheValue(_ index: Int) throws {
        let written = UsageReportJSON.encode(Self.cases[index])
        for requestID in ["4b6f0c1e-2d3a-4c5b-8e9f-0a1b2c3d4e5f", "quote \" slash / é"] {
            let value = try JSONValue.decode(Data(written.readableBytesView))
            let expected = JSONValue.object(["code": 0, "message": "SUCCEED", "request_id": .string(requestID), "data": value]).encodedString()
            let spliced = JSONResponse.klingEnvelope(json: written, requestID: requestID)
            #expect(String(decoding: spliced.readableBytesView, as: UTF8.self) == expected)
        }
    }
}
