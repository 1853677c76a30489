import Accounting
import Foundation
import Postgres
import Testing

@Suite struct SettlementTests {
    static let o1ProEdit = #"{"prompt":"make it snow","video_list":[{"video_url":"https://x/in.mp4","refer_type":"base"}]}"#

    func reserved(_ pool: PostgresPool, _ body: String = ReservationTests.o1Pro5s, credits: Int64 = 10_000_000) async throws -> (AuthenticatedKey, TaskRecord) {
        let key = try await Fixtures.tenant(pool, credits: credits)
        let task = try await TaskStore(pool: pool).reserve(try Fixtures.videoReservation(key, body)).task
        return (key, task)
    }

    @Test func aSucceededEditChargesItsActualCostAndReleasesTheRest() async throws {
        let pool = try await Fixtures.pool()
        let (key, task) = try await reserved(pool, Self.o1ProEdit)
        let result = try await TaskStore(pool: pool).settle(taskID: task.id, outcome: .succeeded(chargeMicros: 1_344_000, billableSeconds: 8, images: nil))
        guard case .settled(let settled) = result else { Issue.record("not settled: \(result)"); return }
        #expect(settled.state == .succeeded)
        #expect(settled.chargedMicros == 1_344_000)
        #expect(settled.releasedMicros == 336_000)
        #expect(settled.billableSeconds == 8)
        #expect(try await Fixtures.ledgerKinds(pool, taskID: task.id) == ["reserve": 1_680_000, "charge": 1_344_000, "release": 336_000])
        #expect(try await Fixtures.balance(pool, key.tenantID) == .init(credits: 10_000_000, charged: 1_344_000, reserved: 0))
        #expect(try await Fixtures.ledgerBalance(pool, key.tenantID) == Fixtures.balance(pool, key.tenantID))
    }

    @Test func aFailedTaskIsRefundedInFull() async throws {
        let pool = try await Fixtures.pool()
        let (key, task) = try await reserved(pool)
        _ = try await TaskStore(pool: pool).settle(taskID: task.id, outcome: .failed(message: "content policy"))
        #expect(try await Fixtures.ledgerKinds(pool, taskID: task.id) == ["reserve": 560_000, "release": 560_000])
        #expect(try await Fixtures.balance(pool, key.tenantID) == .init(credits: 10_000_000, charged: 0, reserved: 0))
        let stored = try #require(try await TaskStore(pool: pool).task(id: task.id))
        #expect(stored.state == .failed)
        #expect(stored.billingState == "released")
    }

    @Test func concurrentSettlementsOfOneTaskMoveMoneyOnce() async throws {
        let pool = try await Fixtures.pool(max: 16)
        let (key, task) = try await reserved(pool)
        let store = TaskStore(pool: pool)
        // a poller, a callback and an expiry racing on several "instances": exactly one wins
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<20 {
                group.addTask {
                    let outcome: TaskOutcome = switch i % 3 {
                    case 0: .succeeded(chargeMicros: 560_000, billableSeconds: 5, images: nil)
                    case 1: .failed(message: "x")
                    default: .expired
                    }
                    switch try await store.settle(taskID: task.id, outcome: outcome) {
                    case .settled: return "settled"
                    case .alreadyEnded: return "noop"
                    case .lateCharged: return "late"
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(results.filter { $0 == "settled" }.count == 1)
        let kinds = try await Fixtures.ledgerKinds(pool, taskID: task.id)
        let balance = try await Fixtures.balance(pool, key.tenantID)
        #expect(balance.reserved == 0)
        #expect(balance.charged == (kinds["charge"] ?? 0) + (kinds["late_charge"] ?? 0))
        #expect((kinds["charge"] ?? 0) + (kinds["release"] ?? 0) == 560_000)
        #expect(try await Fixtures.ledgerBalance(pool, key.tenantID) == balance)
    }

    @Test func aSuccessReportedAfterExpiryIsAnExplicitLateChargeOnce() async throws {
        let pool = try await Fixtures.pool()
        let (key, task) = try await reserved(pool)
        let store = TaskStore(pool: pool)
        _ = try await store.settle(taskID: task.id, outcome: .expired)
        #expect(try await Fixtures.balance(pool, key.tenantID) == .init(credits: 10_000_000, charged: 0, reserved: 0))
        let late = try await store.settle(taskID: task.id, outcome: .succeeded(chargeMicros: 560_000, billableSeconds: 5, images: nil))
        guard case .lateCharged(let record) = late else { Issue.record("expected a late charge, got \(late)"); return }
        #expect(record.lateChargedMicros == 560_000)
        #expect(record.billingState == "charged")
        let again = try await store.settle(taskID: task.id, outcome: .succeeded(chargeMicros: 560_000, billableSeconds: 5, images: nil))
        guard case .alreadyEnded = again else { Issue.record("a second late charge: \(again)"); return }
        #expect(try await Fixtures.ledgerKinds(pool, taskID: task.id) == ["reserve": 560_000, "release": 560_000, "late_charge": 560_000])
        #expect(try await Fixtures.balance(pool, key.tenantID) == .init(credits: 10_000_000, charged: 560_000, reserved: 0))
        #expect(try await Fixtures.ledgerBalance(pool, key.tenantID) == Fixtures.balance(pool, key.tenantID))
    }

    @Test func chargesCountTowardsTheMonthOfTenantAndKey() async throws {
        let pool = try await Fixtures.pool()
        let (key, task) = try await reserved(pool)
        _ = try await TaskStore(pool: pool).settle(taskID: task.id, outcome: .succeeded(chargeMicros: 560_000, billableSeconds: 5, images: nil))
        for subject in [key.tenantID, key.keyID] {
            let row = try #require(try await pool.queryFirst("""
                SELECT charged_micros FROM monthly_charges
                WHERE subject_id = \(subject) AND month = date_trunc('month', now() AT TIME ZONE 'UTC')::date
                """))
            #expect(try row.decode(Int64.self, "charged_micros") == 560_000)
        }
    }

    @Test func thePollQueueLeasesEachDueTaskToOneOwner() async throws {
        let pool = try await Fixtures.pool(max: 8)
        let (_, task) = try await reserved(pool)
        let store = TaskStore(pool: pool)
        try await store.reschedule(taskID: task.id, owner: "test", after: 0)
        try await Task.sleep(for: .milliseconds(20))
        let leases = try await withThrowingTaskGroup(of: [UUID].self) { group in
            for i in 0..<4 {
                group.addTask { try await store.leaseDueTasks(owner: "instance-\(i)", limit: 1000, leaseSeconds: 60).map(\.id) }
            }
            return try await group.reduce(into: [UUID]()) { $0 += $1 }
        }
        #expect(leases.filter { $0 == task.id }.count == 1)
    }
}
