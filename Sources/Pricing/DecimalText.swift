/// A non-negative decimal number read digit by digit from its text ("7.5",
/// "5.041", "1.5"), so money and durations never pass through a binary float.
struct DecimalText: Sendable, Equatable {
    /// The digits before the point, at least one.
    let integerDigits: [UInt8]
    /// The digits after the point, possibly none.
    let fractionDigits: [UInt8]

    /// Accepts `digits` or `digits.digits`; nothing else (no sign, exponent or spaces).
    init?(_ text: String) {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        guard let integer = Self.digits(parts[0]), !integer.isEmpty else { return nil }
        var fraction: [UInt8] = []
        if parts.count == 2 {
            guard let digits = Self.digits(parts[1]), !digits.isEmpty else { return nil }
            fraction = digits
        }
        integerDigits = integer
        fractionDigits = fraction
    }

    private static func digits(_ bytes: Substring.UTF8View.SubSequence) -> [UInt8]? {
        var result: [UInt8] = []
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            result.append(byte - UInt8(ascii: "0"))
        }
        return result
    }

    /// The whole number the digits spell, or nil when it does not fit in Int64.
    static func value(of digits: [UInt8]) -> Int64? {
        var value: Int64 = 0
        for digit in digits {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Int64(digit))
            if overflowA || overflowB { return nil }
            value = sum
        }
        return value
    }

    /// Rounded half up to a whole number: 7.5 → 8, 7.49 → 7. Nil when too large.
    func roundedHalfUp() -> Int64? {
        guard let whole = Self.value(of: integerDigits) else { return nil }
        guard let firstFraction = fractionDigits.first, firstFraction >= 5 else { return whole }
        let (rounded, overflow) = whole.addingReportingOverflow(1)
        return overflow ? nil : rounded
    }
}
