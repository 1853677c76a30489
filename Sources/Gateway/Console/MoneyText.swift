import Accounting

/// Micros for people: the exact decimal with at least two places ("12.50", "0.084", "-3.00"),
/// made from the integer alone, never through floating point.
enum MoneyText {
    static func text(_ micros: Int64) -> String {
        var text = MicrosText.decimal(micros)  // six places
        while text.hasSuffix("0"), let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 3 {
            text.removeLast()
        }
        return text
    }

    static func text(_ micros: Int64, _ currency: String) -> String {
        "\(text(micros)) \(currency)"
    }
}
