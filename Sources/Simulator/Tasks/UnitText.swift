/// Micro-amounts in the upstream's own units, as it reports them
/// (`final_unit_deduction`): 1 video unit is 140,000 micros ($0.14),
/// 1 image unit 3,500 micros ($0.0035).
enum UnitText {
    static let videoUnitMicros: Int64 = 140_000
    static let imageUnitMicros: Int64 = 3_500
    static let maxFractionDigits = 6

    /// `micros / unitMicros` as decimal text: "4", "9.6"; rounded half up
    /// at the sixth fractional digit, trailing zeros dropped.
    static func units(micros: Int64, unitMicros: Int64) -> String {
        precondition(micros >= 0 && unitMicros > 0)
        var scale: Int64 = 1
        for _ in 0..<maxFractionDigits { scale *= 10 }
        // micros stay far below Int64.max / 10^6 (prices are capped by the book).
        let scaled = (micros * scale * 2 + unitMicros) / (unitMicros * 2)
        let whole = scaled / scale
        var fraction = String(scaled % scale)
        fraction = String(repeating: "0", count: maxFractionDigits - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
    }
}
