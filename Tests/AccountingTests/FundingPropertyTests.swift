import Accounting
import Foundation
import Postgres
import Testing

/// Random sequences of grant, top-up, reserve, settle (charge or fail), void and expire, from fixed seeds:
/// afterwards every reconcile invariant holds and the ledger equals the cached balances.
@Suite struct FundingPropertyTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let video = #"{"prompt":"x","aspect_ratio":"1:1"}"#
    static let image = #"{"model":"kling-image-o1","prompt":"x","resolution":"1k","n":3}"#

    @Test(arguments: [UInt64(1), 7, 42, 2026])
    func fiveHundredRandomOperationsKeepEveryInvariant(_ seed: UInt64) async throws {
        var random = SplitMix(state: seed)
        let pool = try await Fixtures.pool()
        var limits = Fixtures.Limits()
        limits.creditLimit = Int64.random(in: 0...1_000_000, using: &random)
        let key = try await Fixtures.tenant(pool, credits: 1_000_000, limits: limits)
        let tasks = TaskStore(pool: pool)
        let grants = GrantStore(pool: pool)
        let credits = CreditStore(pool: pool)
        var open: [TaskRecord] = []
        var grantIDs: [UUID] = []
        var counts: [String: Int] = [:]

        for _ in 0..<500 {
            let dice = Int.random(in: 0..<100, using: &random)
            switch dice {
            case 0..<12:
                let models: [String]? = Bool.random(using: &random) && Bool.random(using: &random) ? ["kling-image-o1"] : nil
                let expires: Date? = Bool.random(using: &random) ? Date().addingTimeInterval(86_400) : nil
                let request = GrantRequest(amountMicros: Int64.random(in: 1...2_000_000, using: &random), name: "g",
                                           priority: Int.random(in: 0...3, using: &random), expiresAt: expires, models: models)
                grantIDs.append(try #require(try await grants.create(tenantID: key.tenantID, request, actor: "property")).grant.id)
                counts["grant", default: 0] += 1
            case 12..<20:
                _ = try await credits.add(tenantID: key.tenantID, amountMicros: Int64.random(in: 1...1_500_000, using: &random),
                                          reason: "top-up", idempotencyKey: nil, actor: "property")
                counts["top-up", default: 0] += 1
            case 20..<60:
                let body = Int.random(in: 0..<3, using: &random) == 0 ? Self.image : Self.video
                do {
                    let reservation = body == Self.image ? try imageReservation(key) : try Fixtures.videoReservation(key, body)
                    open.append(try await tasks.reserve(reservation).task)
                    counts["reserve", default: 0] += 1
                } catch ReservationRefusal.quotaExhausted {
                    counts["refused", default: 0] += 1
                }
            case 60..<88:
                guard !open.isEmpty else { continue }
                let task = open.remove(at: Int.random(in: 0..<open.count, using: &random))
                let outcome: TaskOutcome = Bool.random(using: &random)
                    ? .succeeded(chargeMicros: Int64.random(in: 0...task.reservedMicros, using: &random), billableSeconds: 5, images: nil)
                    : .failed(message: "x")
                _ = try await tasks.settle(taskID: task.id, outcome: outcome)
                counts["settle", default: 0] += 1
            case 88..<94:
                guard let id = grantIDs.randomElement(using: &random) else { continue }
                do {
                    _ = try await grants.void(id, actor: "property")
                } catch GrantError.alreadyExpired {}
                counts["void", default: 0] += 1
            default:
                guard let id = grantIDs.randomElement(using: &random) else { continue }
                try await pool.execute("""
                    UPDATE credit_grants SET effective_at = LEAST(effective_at, now() - interval '2 hours'), expires_at = now() - interval '1 second'
                    WHERE id = \(id) AND expired_at IS NULL AND voided_at IS NULL
                    """)
                // half are expired by the job, half are left for the next reservation to notice
                if Bool.random(using: &random) { try await grants.expireDue() }
                counts["expire", default: 0] += 1
            }
        }
        #expect(counts["reserve", default: 0] > 50 && counts["settle", default: 0] > 50, "\(counts)")
        try await GrantTests.reconcileOK(pool, key)
        #expect(try await Fixtures.ledgerBalance(pool, key.tenantID) == Fixtures.balance(pool, key.tenantID))
        let tenant = try #require(try await TenantStore(pool: pool).get(key.tenantID))
        #expect(tenant.balance.availableMicros >= 0, "never beyond the credit limit")
    }

    func imageReservation(_ key: AuthenticatedKey) throws -> ReservationRequest {
        var reservation = try Fixtures.videoReservation(key, Self.video)
        reservation.endpoint = .image
        reservation.model = "kling-image-o1"
        reservation.mode = nil
        reservation.resolution = "1k"
        reservation.reserveMicros = 84_000
        return reservation
    }
}
