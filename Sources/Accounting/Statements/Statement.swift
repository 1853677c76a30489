import Crypto
import Foundation

/// One line of a statement: what one key spent on one model in the month.
public struct StatementLine: Sendable, Codable, Equatable {
    public var keyID: UUID
    public var keyName: String
    public var model: String
    public var tasks: Int64
    public var billableSeconds: Int64
    public var images: Int64
    public var chargedMicros: Int64

    enum CodingKeys: String, CodingKey {
        case model, tasks, images
        case keyID = "key_id"
        case keyName = "key_name"
        case billableSeconds = "billable_seconds"
        case chargedMicros = "charged_micros"
    }

    // decoding is the synthesized one; only the encoding differs (ids as lowercase text)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(keyID.text, forKey: .keyID)
        try c.encode(keyName, forKey: .keyName)
        try c.encode(model, forKey: .model)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(billableSeconds, forKey: .billableSeconds)
        try c.encode(images, forKey: .images)
        try c.encode(chargedMicros, forKey: .chargedMicros)
    }
}

/// A tenant's month: the ledger's sums by kind, opening and closing balance, and the charges by key
/// and model. `closing = opening + credits + grants + adjustments − expired − voided − charges − late_charges`.
public struct Statement: Sendable, Codable, Equatable {
    public var tenantID: UUID
    public var month: String
    public var currency: String
    public var openingBalanceMicros: Int64
    public var creditsMicros: Int64
    public var grantsMicros: Int64
    public var expiredMicros: Int64
    public var voidedMicros: Int64
    public var chargesMicros: Int64
    public var lateChargesMicros: Int64
    public var adjustmentsMicros: Int64
    public var closingBalanceMicros: Int64
    public var lines: [StatementLine]
    public var closed: Bool
    /// Lowercase hex SHA-256 of the stored document; nil while the month is open.
    public var digest: String?

    enum CodingKeys: String, CodingKey {
        case month, currency, lines, closed, digest
        case tenantID = "tenant_id"
        case openingBalanceMicros = "opening_balance_micros"
        case creditsMicros = "credits_micros"
        case grantsMicros = "grants_micros"
        case expiredMicros = "expired_micros"
        case voidedMicros = "voided_micros"
        case chargesMicros = "charges_micros"
        case lateChargesMicros = "late_charges_micros"
        case adjustmentsMicros = "adjustments_micros"
        case closingBalanceMicros = "closing_balance_micros"
    }

    // decoding is the synthesized one; only the encoding differs (ids as lowercase text)

    init(tenantID: UUID, month: StatementMonth, currency: String, sums: [String: Int64], lines: [StatementLine]) throws {
        self.tenantID = tenantID
        self.month = month.description
        self.currency = currency
        openingBalanceMicros = sums["opening", default: 0]
        creditsMicros = sums["credit", default: 0]
        grantsMicros = sums["grant", default: 0]
        expiredMicros = sums["grant_expire", default: 0]
        voidedMicros = sums["grant_void", default: 0]
        chargesMicros = sums["charge", default: 0]
        lateChargesMicros = sums["late_charge", default: 0]
        adjustmentsMicros = sums["adjustment", default: 0]
        closingBalanceMicros = try Self.closing(opening: openingBalanceMicros,
                                                plus: [creditsMicros, grantsMicros, adjustmentsMicros],
                                                minus: [expiredMicros, voidedMicros, chargesMicros, lateChargesMicros])
        self.lines = lines
        closed = false
        digest = nil
    }

    /// Checked arithmetic: a sum that does not fit is an error, never a wrapped number.
    static func closing(opening: Int64, plus: [Int64], minus: [Int64]) throws -> Int64 {
        var total = opening
        for value in plus {
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { throw StatementError.overflow }
            total = sum
        }
        for value in minus {
            let (difference, overflow) = total.subtractingReportingOverflow(value)
            guard !overflow else { throw StatementError.overflow }
            total = difference
        }
        return total
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tenantID.text, forKey: .tenantID)
        try c.encode(month, forKey: .month)
        try c.encode(currency, forKey: .currency)
        try c.encode(openingBalanceMicros, forKey: .openingBalanceMicros)
        try c.encode(creditsMicros, forKey: .creditsMicros)
        try c.encode(grantsMicros, forKey: .grantsMicros)
        try c.encode(expiredMicros, forKey: .expiredMicros)
        try c.encode(voidedMicros, forKey: .voidedMicros)
        try c.encode(chargesMicros, forKey: .chargesMicros)
        try c.encode(lateChargesMicros, forKey: .lateChargesMicros)
        try c.encode(adjustmentsMicros, forKey: .adjustmentsMicros)
        try c.encode(closingBalanceMicros, forKey: .closingBalanceMicros)
        try c.encode(lines, forKey: .lines)
        try c.encode(closed, forKey: .closed)
        try c.encode(digest, forKey: .digest)
    }

    /// The text stored at close: this statement with `closed: true` and `digest: null`, keys sorted,
    /// no spaces. The digest is the SHA-256 of exactly these bytes.
    func closedDocument() throws -> (document: String, digest: String) {
        var stored = self
        stored.closed = true
        stored.digest = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(stored)
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return (String(decoding: data, as: UTF8.self), digest)
    }
}

public enum StatementError: Error, Sendable, Equatable {
    case overflow
}
