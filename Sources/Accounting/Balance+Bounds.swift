import Foundation

/// Every sum of a tenant's money stays within ±2^62 micros (docs/security.md, "Money"): writes that
/// would leave the bound are refused, and reads never trap, whatever is stored.
extension Balance {
    public static let boundMicros: Int64 = 1 << 62

    /// credits − charged − reserved + limit, saturated at the Int64 ends instead of trapping (only data
    /// written around the checks, by hand in SQL, can get there).
    static func available(credits: Int64, charged: Int64, reserved: Int64, creditLimit: Int64) -> Int64 {
        exactAvailable(credits: credits, charged: charged, reserved: reserved, creditLimit: creditLimit)
            ?? (credits >= 0 ? Int64.max : Int64.min)
    }

    /// nil when an intermediate sum leaves Int64.
    static func exactAvailable(credits: Int64, charged: Int64, reserved: Int64, creditLimit: Int64) -> Int64? {
        let a = credits.subtractingReportingOverflow(charged)
        guard !a.overflow else { return nil }
        let b = a.partialValue.subtractingReportingOverflow(reserved)
        guard !b.overflow else { return nil }
        let c = b.partialValue.addingReportingOverflow(creditLimit)
        return c.overflow ? nil : c.partialValue
    }

    /// Whether these sums, and what is available from them, all stay within ±2^62.
    public static func withinBounds(credits: Int64, charged: Int64, reserved: Int64, creditLimit: Int64) -> Bool {
        let bound = boundMicros
        guard let available = exactAvailable(credits: credits, charged: charged, reserved: reserved, creditLimit: creditLimit) else { return false }
        return [credits, charged, reserved, creditLimit, available].allSatisfy { (-bound...bound).contains($0) }
    }
}

/// A credit, adjustment or limit that would take a tenant's sums beyond ±2^62 micros; nothing was written.
public struct BalanceOutOfBounds: Error, Sendable, CustomStringConvertible {
    public var field: String
    public var description: String {
        "\(field): would take the tenant's balance beyond ±\(Balance.boundMicros) micros"
    }
}

extension Balance {
    /// Throws unless the balance after adding `credits` and using `creditLimit` stays within bounds.
    func check(addingCredits credits: Int64 = 0, creditLimit: Int64, field: String) throws {
        let sum = creditsMicros.addingReportingOverflow(credits)
        guard !sum.overflow, Balance.withinBounds(credits: sum.partialValue, charged: chargedMicros, reserved: reservedMicros,
                                                  creditLimit: creditLimit) else { throw BalanceOutOfBounds(field: field) }
    }
}
