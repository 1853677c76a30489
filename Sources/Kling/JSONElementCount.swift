import Foundation

/// A cheap scan before decoding: how many values a JSON text holds (each `[`, `{`, `,` and `:` outside
/// strings starts one). Decoding allocates per value, so a 4 MB body of tiny elements costs seconds of
/// CPU and hundreds of MB; a body over the budget is refused before any of that (docs/security.md).
public enum JSONElementCount {
    /// More than any create body needs (an image list, a multi-shot prompt list) by far.
    public static let createBudget = 10_000

    public static func exceeds(_ data: Data, budget: Int) -> Bool {
        var count = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: ":"):
                count += 1
                if count > budget { return true }
            default: break
            }
        }
        return false
    }
}
