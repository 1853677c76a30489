import Foundation

/// Reads an upstream bill (docs/channels.md, "Cost, margin and bills"): RFC 4180 CSV in UTF-8 (a BOM is
/// skipped; CRLF or LF line ends; quoted fields may hold commas, quotes and line breaks), a header line
/// naming at least `upstream_task_id` and `amount` (any order, any case; other columns ignored), then one
/// line per billed task. Blank lines are skipped. Amounts are decimal strings in the currency's units,
/// turned into micros exactly ("0.56" → 560000; a minus sign for a credit; at most six decimal places
/// unless the rest are zeros), never through a binary float.
public enum BillCSV {
    public static func parse(_ bytes: [UInt8]) throws(BillError) -> [BillLine] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard let text = String(validating: body, as: UTF8.self) else { throw .malformed("body: not UTF-8 text") }
        let records = try Self.records(text)
        guard let header = records.first(where: { !$0.fields.allSatisfy(\.isEmpty) }) else {
            throw .invalid("header: the bill is empty; the first line must name the columns upstream_task_id and amount")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let idColumn = names.firstIndex(of: "upstream_task_id"), let amountColumn = names.firstIndex(of: "amount") else {
            throw .invalid("header: line \(header.line) must name the columns upstream_task_id and amount, got \(names.joined(separator: ","))")
        }
        var lines: [BillLine] = []
        for record in records where record.line > header.line && !record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            guard idColumn < record.fields.count, amountColumn < record.fields.count else {
                throw .invalid("line \(record.line): has \(record.fields.count) fields, fewer than the header's upstream_task_id and amount columns")
            }
            let id = record.fields[idColumn].trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty, id.count <= 200, !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw .invalid("line \(record.line): upstream_task_id must be 1 to 200 characters, none of them a control character")
            }
            let amountText = record.fields[amountColumn].trimmingCharacters(in: .whitespaces)
            guard let micros = micros(amountText) else {
                throw .invalid("line \(record.line): amount must be a decimal number such as 0.56 with at most 6 decimal places, got \(amountText.debugDescription)")
            }
            lines.append(BillLine(line: record.line, upstreamTaskID: id, billedMicros: micros))
        }
        return lines
    }

    /// "0.56" → 560000, "-1" → -1000000, "12.3400000" → 12340000; nil for anything else or past Int64.
    public static func micros(_ text: String) -> Int64? {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" { negative = true; digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let whole = parts[0]
        var fraction = parts.count == 2 ? parts[1] : ""
        // "5", "0.56", ".5"; not "", ".", "1." or anything with another character
        guard parts.count == 1 ? !whole.isEmpty : !fraction.isEmpty else { return nil }
        guard whole.allSatisfy({ $0.isASCII && $0.isNumber }), fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        while fraction.count > 6, fraction.last == "0" { fraction = fraction.dropLast() }
        guard fraction.count <= 6 else { return nil }
        let padded = String(whole.isEmpty ? "0" : whole) + fraction + String(repeating: "0", count: 6 - fraction.count)
        var value: Int64 = 0
        for character in padded {
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = shifted.addingReportingOverflow(Int64(character.asciiValue! - 48))
            if o1 || o2 { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    struct Record {
        var line: Int
        var fields: [String]
    }

    /// The records of RFC 4180 text, each with the line it starts on.
    static func records(_ text: String) throws(BillError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var quoted = false
        var afterQuote = false   // a closing quote was read: only a separator or a line end may follow
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return iterator.next()
        }
        while let scalar = next() {
            if quoted {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" { field.unicodeScalars.append("\""); continue }
                        pending = following
                    }
                    quoted = false
                    afterQuote = true
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                fields.append(field); field = ""; afterQuote = false
            case "\r", "\n":
                if scalar == "\r" {
                    if let following = next(), following != "\n" { pending = following }
                }
                fields.append(field); field = ""; afterQuote = false
                records.append(Record(line: recordLine, fields: fields))
                fields = []
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !afterQuote else { throw .malformed("line \(line): a quote inside an unquoted field") }
                quoted = true
            default:
                guard !afterQuote else { throw .malformed("line \(line): text after a closing quote") }
                field.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw .malformed("line \(recordLine): a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty || afterQuote {
            fields.append(field)
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
