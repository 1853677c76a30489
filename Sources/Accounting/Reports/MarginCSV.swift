import Foundation

/// `GET /admin/v1/reports/margin.csv`: the margin report's groups as RFC 4180 CSV (CRLF line ends, fields
/// with a comma, quote or line break quoted, quotes doubled), under a fixed header; a column not grouped
/// by is empty. No totals line, so that a column's sum is the total. Text an operator or tenant chose
/// (tenant and channel names, channel ids) that a spreadsheet would run as a formula gets the usage CSV's
/// `'` prefix (docs/api.md, "Finance CSV").
public enum MarginCSV {
    public static let header = "tenant_id,tenant_name,channel_id,channel_name,model,day,tasks,revenue_micros,cost_micros,margin_micros,"
        + "revenue,cost,margin,currency"

    public static func render(_ result: MarginReportResult) -> String {
        var out = header + "\r\n"
        for row in result.rows {
            let figures = row.figures
            let cells: [String] = [
                row.tenantID?.uuidString.lowercased() ?? "", safe(row.tenantName), safe(row.channelID), safe(row.channelName),
                row.model ?? "", row.day ?? "", String(figures.tasks), String(figures.revenueMicros), String(figures.costMicros),
                String(figures.marginMicros), MicrosText.decimal(figures.revenueMicros), MicrosText.decimal(figures.costMicros),
                MicrosText.decimal(figures.marginMicros), result.currency,
            ]
            out += cells.map(quoted).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// The first characters that make a spreadsheet read a cell as a formula (the usage CSV's list).
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\n", " ", "\u{00A0}", "\u{3000}", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]

    static func safe(_ text: String?) -> String {
        guard let text, let first = text.unicodeScalars.first else { return text ?? "" }
        return formulaStarts.contains(Character(first)) ? "'" + text : text
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
