import Foundation

/// A grant as funding sees it when a reservation is priced.
public struct FundingGrant: Sendable, Equatable {
    public var id: UUID
    /// Unheld, unexpired remainder.
    public var remainingMicros: Int64
    public var priority: Int
    public var expiresAt: Date?
    public var createdAt: Date
    /// nil: every model.
    public var models: [String]?

    public init(id: UUID, remainingMicros: Int64, priority: Int, expiresAt: Date?, createdAt: Date, models: [String]?) {
        self.id = id
        self.remainingMicros = remainingMicros
        self.priority = priority
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.models = models
    }

    public func allows(_ model: String) -> Bool { models?.contains(model) ?? true }
}

/// One hold of a reservation: on a grant, or on the plain balance (`grantID` nil).
public struct FundingHold: Sendable, Equatable {
    public var grantID: UUID?
    public var amountMicros: Int64

    public init(grantID: UUID?, amountMicros: Int64) {
        self.grantID = grantID
        self.amountMicros = amountMicros
    }
}

/// Which sources fund a reservation (docs/money.md): active grants that allow the model by priority
/// (lower first), then earliest expiry (none last), then oldest; then the plain balance down to
/// −credit_limit. Pure: the store reads the sources under the row locks and writes the holds.
public enum FundingPlan {
    /// The grants in funding order (the id breaks exact ties, so the order is total).
    public static func order(_ grants: [FundingGrant]) -> [FundingGrant] {
        grants.sorted { a, b in
            if a.priority != b.priority { return a.priority < b.priority }
            switch (a.expiresAt, b.expiresAt) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: break
            }
            if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
            return a.id.uuidString < b.id.uuidString
        }
    }

    /// The holds that cover `amount` for `model`, in order; nil when the sources together cannot
    /// (then nothing is held). `plainAvailableMicros` is credits − charged to it − held on it + credit limit.
    public static func holds(amount: Int64, model: String, grants: [FundingGrant], plainAvailableMicros: Int64) -> [FundingHold]? {
        precondition(amount >= 0, "a reservation is never negative")
        var left = amount
        var holds: [FundingHold] = []
        for grant in order(grants) where left > 0 && grant.allows(model) && grant.remainingMicros > 0 {
            let take = min(left, grant.remainingMicros)
            holds.append(FundingHold(grantID: grant.id, amountMicros: take))
            left -= take
        }
        if left > 0 {
            guard plainAvailableMicros >= left else { return nil }
            holds.append(FundingHold(grantID: nil, amountMicros: left))
        }
        return holds
    }

    /// A settlement's charge spread over the holds in order: (charged, released) per hold.
    public static func settle(charge: Int64, holds: [Int64]) -> [(charged: Int64, released: Int64)] {
        var left = charge
        return holds.map { held in
            let charged = min(left, held)
            left -= charged
            return (charged, held - charged)
        }
    }
}
