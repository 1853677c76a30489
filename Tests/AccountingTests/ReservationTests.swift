import Accounting
import Foundation
import Postgres
import Testing

@Suite struct ReservationTests {
    static let o1Pro5s = #"{"prompt":"a fox","aspect_ratio":"16:9"}"# // 560,000 micros

    @Test func aReservationHoldsTheUpperBoundAndWritesOneReserveRow() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 1_000_000)
        let task = try await TaskStore(pool: pool).reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)).task
        #expect(task.state == .reserved)
        #expect(task.reservedMicros == 560_000)
        #expect(try await Fixtures.ledgerKinds(pool, taskID: task.id) == ["reserve": 560_000])
        #expect(try await Fixtures.balance(pool, key.tenantID) == .init(credits: 1_000_000, charged: 0, reserved: 560_000))
        #expect(try await Fixtures.ledgerBalance(pool, key.tenantID) == Fixtures.balance(pool, key.tenantID))
    }

    @Test func anEditReservesTheLongestInputTheModelAccepts() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 10_000_000)
        let body = #"{"prompt":"make it snow","video_list":[{"video_url":"https://x/in.mp4","refer_type":"base"}]}"#
        let task = try await TaskStore(pool: pool).reserve(try Fixtures.videoReservation(key, body)).task
        #expect(task.reservedMicros == 1_680_000)
    }

    @Test func twoHundredConcurrentReservationsAgainstABalanceForExactly37() async throws {
        let pool = try await Fixtures.pool(max: 16)
        let key = try await Fixtures.tenant(pool, credits: 37 * 560_000 + 559_999)
        let store = TaskStore(pool: pool)
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    do {
                        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
                        return true
                    } catch ReservationRefusal.quotaExhausted(let limit) {
                        #expect(limit == "balance")
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 37)
        let balance = try await Fixtures.balance(pool, key.tenantID)
        #expect(balance.reserved == 37 * 560_000)
        #expect(balance.credits - balance.charged - balance.reserved == 559_999, "never below the limit")
        #expect(try await Fixtures.ledgerBalance(pool, key.tenantID) == balance)
    }

    @Test func theCreditLimitLetsATenantGoThatFarBelowZeroAndNoFurther() async throws {
        let pool = try await Fixtures.pool()
        var limits = Fixtures.Limits()
        limits.creditLimit = 600_000
        let key = try await Fixtures.tenant(pool, credits: 600_000, limits: limits)
        let store = TaskStore(pool: pool)
        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s)) // 1,120,000 of 1,200,000
        await #expect(throws: ReservationRefusal.quotaExhausted("balance")) {
            _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s))
        }
    }

    @Test func keyBudgetMonthlyBudgetConcurrencyAndRateLimitsRefuseWithTheirNames() async throws {
        let pool = try await Fixtures.pool()
        let store = TaskStore(pool: pool)
        var keyBudget = Fixtures.Limits()
        keyBudget.keyBudget = 1_000_000
        let budgeted = try await Fixtures.tenant(pool, credits: 10_000_000, limits: keyBudget)
        _ = try await store.reserve(try Fixtures.videoReservation(budgeted, Self.o1Pro5s))
        await #expect(throws: ReservationRefusal.quotaExhausted("key budget")) {
            _ = try await store.reserve(try Fixtures.videoReservation(budgeted, Self.o1Pro5s))
        }

        var monthly = Fixtures.Limits()
        monthly.monthlyBudget = 700_000
        let capped = try await Fixtures.tenant(pool, credits: 10_000_000, limits: monthly)
        _ = try await store.reserve(try Fixtures.videoReservation(capped, Self.o1Pro5s))
        await #expect(throws: ReservationRefusal.quotaExhausted("tenant month budget (monthly budget)")) {
            _ = try await store.reserve(try Fixtures.videoReservation(capped, Self.o1Pro5s))
        }

        var concurrency = Fixtures.Limits()
        concurrency.keyConcurrency = 2
        let busy = try await Fixtures.tenant(pool, credits: 10_000_000, limits: concurrency)
        _ = try await store.reserve(try Fixtures.videoReservation(busy, Self.o1Pro5s))
        _ = try await store.reserve(try Fixtures.videoReservation(busy, Self.o1Pro5s))
        await #expect(throws: ReservationRefusal.concurrencyLimited("key")) {
            _ = try await store.reserve(try Fixtures.videoReservation(busy, Self.o1Pro5s))
        }

        var rate = Fixtures.Limits()
        rate.tenantRPM = 3
        let hasty = try await Fixtures.tenant(pool, credits: 10_000_000, limits: rate)
        for _ in 0..<3 { _ = try await store.reserve(try Fixtures.videoReservation(hasty, Self.o1Pro5s)) }
        do {
            _ = try await store.reserve(try Fixtures.videoReservation(hasty, Self.o1Pro5s))
            Issue.record("a fourth task within a minute was accepted")
        } catch ReservationRefusal.rateLimited(let retryAfter) {
            #expect((1...60).contains(retryAfter))
        }
        // refusals wrote nothing
        for key in [budgeted, capped, busy, hasty] {
            #expect(try await Fixtures.ledgerBalance(pool, key.tenantID) == Fixtures.balance(pool, key.tenantID))
        }
        #expect(try await Fixtures.balance(pool, hasty.tenantID).reserved == 3 * 560_000)
    }

    @Test func externalTaskIDIsUniquePerTenant() async throws {
        let pool = try await Fixtures.pool()
        let store = TaskStore(pool: pool)
        let key = try await Fixtures.tenant(pool, credits: 10_000_000)
        let other = try await Fixtures.tenant(pool, credits: 10_000_000)
        _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s, externalID: "mine-1"))
        await #expect(throws: ReservationRefusal.duplicateExternalTaskID) {
            _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s, externalID: "mine-1"))
        }
        // another tenant may use the same id
        _ = try await store.reserve(try Fixtures.videoReservation(other, Self.o1Pro5s, externalID: "mine-1"))
        #expect(try await Fixtures.balance(pool, key.tenantID).reserved == 560_000)
    }

    @Test func anIdempotencyKeyReplaysTheFirstTaskAndRefusesAnotherBody() async throws {
        let pool = try await Fixtures.pool()
        let store = TaskStore(pool: pool)
        let key = try await Fixtures.tenant(pool, credits: 10_000_000)
        let first = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s, idempotency: ("retry-1", [1, 2, 3])))
        let again = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s, idempotency: ("retry-1", [1, 2, 3])))
        guard case .replayed(let replayed, _) = again else {
            Issue.record("the retry made a new task")
            return
        }
        #expect(replayed.id == first.task.id)
        await #expect(throws: ReservationRefusal.idempotencyConflict) {
            _ = try await store.reserve(try Fixtures.videoReservation(key, Self.o1Pro5s, idempotency: ("retry-1", [9, 9, 9])))
        }
        #expect(try await Fixtures.balance(pool, key.tenantID).reserved == 560_000)
    }

    @Test func ledgerRowsCannotBeChangedOrDeleted() async throws {
        let pool = try await Fixtures.pool()
        let key = try await Fixtures.tenant(pool, credits: 1_000)
        for statement: PostgresQuery in [
            "UPDATE ledger_entries SET amount_micros = 1 WHERE tenant_id = \(key.tenantID)",
            "DELETE FROM ledger_entries WHERE tenant_id = \(key.tenantID)",
        ] {
            do {
                try await pool.execute(statement)
                Issue.record("a ledger row was changed")
            } catch let error as PostgresError {
                #expect(error.message.contains("immutable"))
            }
        }
        #expect(try await Fixtures.ledgerBalance(pool, key.tenantID).credits == 1_000)
    }
}
