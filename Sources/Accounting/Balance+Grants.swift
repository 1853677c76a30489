/// A tenant's grants in its balance (docs/money.md): the plain balance is credits − what was charged to
/// it − what is held on it, so charges and holds funded by grants are added back, and the active
/// grants' unheld remainders join what may be reserved.
extension Balance {
    mutating func addGrants(unheldMicros: Int64, fundedMicros: Int64) {
        grantsMicros = unheldMicros
        availableMicros = Self.saturating(Self.saturating(availableMicros, fundedMicros), unheldMicros)
    }

    /// A stored balance never crashes a read: sums past Int64 stop at its bounds.
    static func saturating(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}
