import Accounting
import Foundation
import Hummingbird

/// `{YYYY-MM}`, `{YYYY-MM}.csv` or `{YYYY-MM}.html`: the month and the form asked for.
struct StatementPath: Sendable {
    enum Form: String, Sendable { case json, csv, html }

    let month: StatementMonth
    let form: Form

    /// nil: not a month in one of the three forms.
    init?(_ segment: String) {
        var text = segment
        var form = Form.json
        for candidate in [Form.csv, .html] where text.hasSuffix(".\(candidate.rawValue)") {
            text.removeLast(candidate.rawValue.count + 1)
            form = candidate
        }
        guard let month = StatementMonth(text) else { return nil }
        self.month = month
        self.form = form
    }
}

/// The CSV and HTML forms of a statement.
enum StatementFormat {
    static let csvHeader = "key_id,key_name,model,tasks,billable_seconds,images,charged_micros,charged"

    /// RFC 4180: CRLF line ends, every field that holds a comma, quote or line break quoted. A name
    /// that a spreadsheet would run as a formula gets a `'` prefix, as in the usage export.
    static func csv(_ statement: Statement) -> String {
        var lines = [csvHeader]
        for line in statement.lines {
            let fields = [line.keyID.uuidString.lowercased(), field(line.keyName), field(line.model), String(line.tasks),
                          String(line.billableSeconds), String(line.images), String(line.chargedMicros), MicrosText.decimal(line.chargedMicros)]
            lines.append(fields.joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    static func field(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A printable page: every text from data is escaped.
    static func html(_ statement: Statement, tenantName: String, carried: [CarriedEntry]) -> String {
        func money(_ micros: Int64) -> String { escape("\(MicrosText.decimal(micros)) \(statement.currency)") }
        let summary: [(String, Int64)] = [
            ("Opening balance", statement.openingBalanceMicros), ("Credits", statement.creditsMicros),
            ("Grants", statement.grantsMicros), ("Adjustments", statement.adjustmentsMicros),
            ("Grants expired", -statement.expiredMicros), ("Grants voided", -statement.voidedMicros),
            ("Charges", -statement.chargesMicros), ("Late charges", -statement.lateChargesMicros),
        ]
        var rows = summary.map { "<tr><th>\($0.0)</th><td class=\"n\">\(money($0.1))</td></tr>" }
        rows.append("<tr class=\"total\"><th>Closing balance</th><td class=\"n\">\(money(statement.closingBalanceMicros))</td></tr>")
        let lines = statement.lines.map { line in
            "<tr><td>\(escape(line.keyName))</td><td>\(escape(line.model))</td><td class=\"n\">\(line.tasks)</td>"
                + "<td class=\"n\">\(line.billableSeconds)</td><td class=\"n\">\(line.images)</td><td class=\"n\">\(money(line.chargedMicros))</td></tr>"
        }
        let carriedRows = carried.map { entry in
            "<tr><td>\(escape(entry.kind))</td><td><code>\(escape(entry.taskID?.uuidString.lowercased() ?? "–"))</code></td>"
                + "<td>\(escape(entry.naturalMonth))</td><td class=\"n\">\(money(entry.amountMicros))</td></tr>"
        }
        let linesHTML = lines.isEmpty ? "<tr><td colspan=\"6\">No charges this month.</td></tr>" : lines.joined()
        let carriedHTML = carriedRows.isEmpty ? "" : "<h2>Carried in from closed months</h2><table><thead><tr><th>Kind</th><th>Task</th>"
            + "<th>Month</th><th>Amount</th></tr></thead><tbody>" + carriedRows.joined() + "</tbody></table>"
        let state = statement.closed ? "Closed. SHA-256 \(escape(statement.digest ?? ""))" : "Open: the month so far, not final."
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Statement \(escape(statement.month)) – \(escape(tenantName))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2.5rem;color:#111}
            h1{font-size:1.5rem;margin:0 0 .25rem}p.meta{color:#555;margin:0 0 1.5rem}
            table{border-collapse:collapse;margin:0 0 1.75rem;min-width:24rem}
            th,td{border-bottom:1px solid #ddd;padding:.35rem .75rem;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            tr.total th,tr.total td{border-top:2px solid #111;font-weight:700}
            thead th{background:#f3f3f3}
            @media print{body{margin:1cm}}
            </style></head><body>
            <h1>Statement \(escape(statement.month))</h1>
            <p class="meta">\(escape(tenantName)) · tenant <code>\(escape(statement.tenantID.uuidString.lowercased()))</code> · \(escape(statement.currency)) · \(state)</p>
            <h2>Summary</h2>
            <table>\(rows.joined())</table>
            <h2>Charges by key and model</h2>
            <table><thead><tr><th>Key</th><th>Model</th><th>Tasks</th><th>Billable seconds</th><th>Images</th><th>Charged</th></tr></thead>
            <tbody>\(linesHTML)</tbody></table>
            \(carriedHTML)
            </body></html>

            """
    }

    static func response(_ statement: Statement, form: StatementPath.Form, tenantName: String, carried: [CarriedEntry],
                         json: () throws -> Response) throws -> Response {
        switch form {
        case .json:
            return try json()
        case .csv:
            return Response(status: .ok, headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"statement-\(statement.month).csv\"",
            ], body: .init(byteBuffer: ByteBuffer(string: csv(statement))))
        case .html:
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: html(statement, tenantName: tenantName, carried: carried))))
        }
    }
}
