import Accounting
import Foundation
import Testing

/// The funding order, pure: priority, then earliest expiry (none last), then oldest; then the plain balance.
@Suite struct FundingPlanTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static func grant(_ n: UInt8, _ remaining: Int64, priority: Int = 10, expires: Double? = nil, created: Double = 0,
                      models: [String]? = nil) -> FundingGrant {
        FundingGrant(id: UUID(uuid: (n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), remainingMicros: remaining, priority: priority,
                     expiresAt: expires.map { t0.addingTimeInterval($0) }, createdAt: t0.addingTimeInterval(created), models: models)
    }

    @Test func priorityThenEarliestExpiryThenOldest() {
        let grants = [
            Self.grant(1, 100, priority: 2),
            Self.grant(2, 100, priority: 1, expires: nil, created: 0),
            Self.grant(3, 100, priority: 1, expires: 500),
            Self.grant(4, 100, priority: 1, expires: 100),
            Self.grant(5, 100, priority: 1, expires: nil, created: -10),
        ]
        #expect(FundingPlan.order(grants).map(\.id) == [4, 3, 5, 2, 1].map { Self.grant($0, 0).id })
    }

    @Test func holdsFillEachSourceInOrderThenThePlainBalance() {
        let grants = [Self.grant(1, 1_000_000, priority: 1), Self.grant(2, 500_000, priority: 2)]
        #expect(FundingPlan.holds(amount: 560_000, model: "m", grants: grants, plainAvailableMicros: 0)
            == [FundingHold(grantID: grants[0].id, amountMicros: 560_000)])
        #expect(FundingPlan.holds(amount: 1_600_000, model: "m", grants: grants, plainAvailableMicros: 100_000)
            == [FundingHold(grantID: grants[0].id, amountMicros: 1_000_000), FundingHold(grantID: grants[1].id, amountMicros: 500_000),
                FundingHold(grantID: nil, amountMicros: 100_000)])
        #expect(FundingPlan.holds(amount: 1_600_001, model: "m", grants: grants, plainAvailableMicros: 100_000) == nil)
        #expect(FundingPlan.holds(amount: 0, model: "m", grants: grants, plainAvailableMicros: -5) == [])
        #expect(FundingPlan.holds(amount: 1, model: "m", grants: [], plainAvailableMicros: -5) == nil)
    }

    @Test func aGrantForOtherModelsIsSkipped() {
        let grants = [Self.grant(1, 1_000_000, priority: 1, models: ["kling-image-o1"]), Self.grant(2, 500_000, priority: 2)]
        #expect(FundingPlan.holds(amount: 600_000, model: "kling-video-o1", grants: grants, plainAvailableMicros: 100_000)
            == [FundingHold(grantID: grants[1].id, amountMicros: 500_000), FundingHold(grantID: nil, amountMicros: 100_000)])
    }

    @Test func aChargeTakesTheHoldsInOrder() {
        #expect(FundingPlan.settle(charge: 500_000, holds: [440_000, 120_000]).map { [$0.charged, $0.released] } == [[440_000, 0], [60_000, 60_000]])
        #expect(FundingPlan.settle(charge: 0, holds: [1, 2]).map { [$0.charged, $0.released] } == [[0, 1], [0, 2]])
    }
}
