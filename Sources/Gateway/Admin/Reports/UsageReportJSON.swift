import Accounting
import Foundation
import NIOCore

/// The usage report's JSON written straight into bytes: a month by tenant, key, model and day is tens of
/// thousands of rows, and JSONEncoder (key conversion and sorting per row) took most of the request's
/// time. The output is byte for byte what `JSONResponse.encoder` makes of `UsageReportBody` (sorted keys,
/// unescaped slashes, absent columns left out); `UsageReportJSONTests` compares the two.
enum UsageReportJSON {
    static func encode(_ result: UsageReportResult) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(256 + result.rows.count * 320)
        out.writeStaticString(#"{"currency":"#)
        string(result.currency, &out)
        out.writeStaticString(#","from":"#)
        string(RFC3339.format(result.period.from), &out)
        out.writeStaticString(#","group_by":["#)
        for (index, group) in result.groupBy.enumerated() {
            if index > 0 { out.writeStaticString(",") }
            string(group.rawValue, &out)
        }
        out.writeStaticString(#"],"rows":["#)
        for (index, row) in result.rows.enumerated() {
            if index > 0 { out.writeStaticString(",") }
            figures(row.figures, row: row, &out)
        }
        out.writeStaticString(#"],"to":"#)
        string(RFC3339.format(result.period.to), &out)
        out.writeStaticString(#","totals":"#)
        figures(result.totals, row: nil, &out)
        out.writeStaticString("}")
        return out
    }

    /// `{"billable_seconds":…,"charged":…,"charged_micros":…,[day],"failed":…,"images":…,[key_id, key_name,
    /// model],"succeeded":…,"tasks":…,[tenant_id, tenant_name]}`: a row's columns sort among the figures.
    private static func figures(_ figures: UsageFigures, row: UsageRow?, _ out: inout ByteBuffer) {
        out.writeStaticString(#"{"billable_seconds":"#)
        out.writeString(String(figures.billableSeconds))
        out.writeStaticString(#","charged":"#)
        string(MicrosText.decimal(figures.chargedMicros), &out)
        out.writeStaticString(#","charged_micros":"#)
        out.writeString(String(figures.chargedMicros))
        if let day = row?.day { out.writeStaticString(#","day":"#); string(day, &out) }
        out.writeStaticString(#","failed":"#)
        out.writeString(String(figures.failed))
        out.writeStaticString(#","images":"#)
        out.writeString(String(figures.images))
        if let keyID = row?.keyID { out.writeStaticString(#","key_id":"#); string(keyID.uuidString.lowercased(), &out) }
        if let keyName = row?.keyName { out.writeStaticString(#","key_name":"#); string(keyName, &out) }
        if let model = row?.model { out.writeStaticString(#","model":"#); string(model, &out) }
        out.writeStaticString(#","succeeded":"#)
        out.writeString(String(figures.succeeded))
        out.writeStaticString(#","tasks":"#)
        out.writeString(String(figures.tasks))
        if let tenantID = row?.tenantID { out.writeStaticString(#","tenant_id":"#); string(tenantID.uuidString.lowercased(), &out) }
        if let tenantName = row?.tenantName { out.writeStaticString(#","tenant_name":"#); string(tenantName, &out) }
        out.writeStaticString("}")
    }

    /// A JSON string as JSONEncoder writes it: `"` and `\` escaped, control characters as \b \f \n \r \t
    /// or \u00XX, everything else (slashes and non-ASCII included) as it is.
    static func string(_ text: String, _ out: inout ByteBuffer) {
        out.writeStaticString("\"")
        let utf8 = text.utf8
        let plain: (UInt8) -> Bool = { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }
        if utf8.withContiguousStorageIfAvailable({ $0.allSatisfy(plain) }) ?? utf8.allSatisfy(plain) {
            out.writeString(text)
        } else {
            for byte in utf8 {
                switch byte {
                case 0x22: out.writeStaticString(#"\""#)
                case 0x5C: out.writeStaticString(#"\\"#)
                case 0x08: out.writeStaticString(#"\b"#)
                case 0x0C: out.writeStaticString(#"\f"#)
                case 0x0A: out.writeStaticString(#"\n"#)
                case 0x0D: out.writeStaticString(#"\r"#)
                case 0x09: out.writeStaticString(#"\t"#)
                case 0..<0x20:
                    out.writeStaticString(#"\u00"#)
                    out.writeInteger(hexDigit(byte >> 4))
                    out.writeInteger(hexDigit(byte & 0x0F))
                default: out.writeInteger(byte)
                }
            }
        }
        out.writeStaticString("\"")
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x61 + value - 10 }
}
