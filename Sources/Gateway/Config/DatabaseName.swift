import Foundation

/// How a database is named in messages: the connection string with its password taken out, so that an
/// error can say which database it could not use without printing a secret.
public enum DatabaseName {
    /// `postgresql://user:secret@host/db` → `postgresql://user@host/db`; `password=…` of a key/value
    /// string and of a URI's query are dropped too.
    public static func redacted(_ url: String) -> String {
        let text = url.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            return redactedURI(text)
        }
        return redactedKeywords(text)
    }

    static func redactedURI(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let scheme = text[..<schemeEnd.upperBound]
        var rest = String(text[schemeEnd.upperBound...])
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = String(rest[..<mark])
        }
        // the user info ends at the last @ before the path
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") {
            let userInfo = rest[..<at]
            let user = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            rest = String(user) + String(rest[at...])
        }
        let kept = query.split(separator: "&").filter { !$0.lowercased().hasPrefix("password=") }
        return String(scheme) + rest + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    }

    /// `host=… password=… dbname=…`, the value possibly quoted with backslash escapes.
    static func redactedKeywords(_ text: String) -> String {
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let remainder = text[index...]
            let atWordStart = index == text.startIndex || text[text.index(before: index)].isWhitespace
            if atWordStart, let match = remainder.range(of: #"password\s*=\s*"#, options: [.regularExpression, .anchored, .caseInsensitive]) {
                index = skipValue(text, from: match.upperBound)
                while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
                continue
            }
            output.append(text[index])
            index = text.index(after: index)
        }
        return output.trimmingCharacters(in: .whitespaces)
    }

    private static func skipValue(_ text: String, from start: String.Index) -> String.Index {
        var index = start
        guard index < text.endIndex else { return index }
        if text[index] == "'" {
            index = text.index(after: index)
            while index < text.endIndex, text[index] != "'" {
                if text[index] == "\\" { index = text.index(after: index); if index == text.endIndex { break } }
                index = text.index(after: index)
            }
            return index < text.endIndex ? text.index(after: index) : index
        }
        while index < text.endIndex, !text[index].isWhitespace { index = text.index(after: index) }
        return index
    }
}
