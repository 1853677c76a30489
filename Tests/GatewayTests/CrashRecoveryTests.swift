import Accounting
import Foundation
import Kling
import Postgres
import Pricing
import Simulator
import Testing

/// A process can die at any instant. These tests leave the database exactly as a crash at the worst
/// moments would, then let another instance's poller finish the work: every task ends once.
@Suite struct CrashRecoveryTests {
    /// What the create route commits before it calls the upstream, with a lease that has already lapsed.
    func reserveAsIfTheProcessDied(_ harness: Harness, key: AuthenticatedKey) async throws -> UUID {
        let request = try VideoRequest.parse(Data(TaskLifecycleTests.o1Pro5s.utf8))
        let estimate = try Pricing.estimate(request.priceRequest, book: .default2026)
        let taskID = UUID()
        let body = JSONValue.object(request.upstreamBody(externalTaskID: taskID.uuidString.lowercased(), callbackURL: nil))
        _ = try await TaskStore(pool: harness.pool).reserve(ReservationRequest(
            taskID: taskID, key: key, endpoint: .video, model: request.model, mode: request.mode, resolution: nil,
            sound: false, videoReference: false, priceVersion: 1, requestBody: PostgresJSON(data: body.encodedData()),
            reserveMicros: estimate.reserveMicros, currency: "USD", estimate: try PostgresJSON(encoding: estimate),
            externalTaskID: nil, callbackURL: nil, idempotency: nil, leaseOwner: "crashed-instance", leaseSeconds: 0))
        return taskID
    }

    @Test func aCrashBetweenReserveAndSubmitReleasesTheHoldOnceAndSendsNothing() async throws {
        let harness = try await Harness.make(instanceID: "survivor")
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        let key = AuthenticatedKey(keyID: tenant.keyID, keyName: "key", tenantID: tenant.tenantID, tenantName: "t", tenantSuspended: false, allowedModels: nil)
        let taskID = try await reserveAsIfTheProcessDied(harness, key: key)
        #expect(try await Database.balance(harness.pool, tenant.tenantID).reserved == 560_000)
        try await harness.settleAll(tenantID: tenant.tenantID)
        // the tenant never got an answer for it: released in full, never sent behind its back
        #expect(try await Database.ledgerKinds(harness.pool, taskID: taskID.uuidString) == ["reserve": 560_000, "release": 560_000])
        #expect(try await TaskStore(pool: harness.pool).task(id: taskID)?.state == .failed)
        #expect(await harness.simulator.counts().createCalls == 0)
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 10_000_000, charged: 0, reserved: 0))
        await harness.stop()
    }

    @Test func aCrashAfterTheUpstreamMadeTheTaskButBeforeWeRecordedItIsAdoptedNotResent() async throws {
        var config = SimulatorConfig(processingAfter: .milliseconds(50), taskDuration: .milliseconds(150))
        config.faults.lostAnswerRate = 1
        let harness = try await Harness.make(simulator: config, instanceID: "survivor")
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        let key = AuthenticatedKey(keyID: tenant.keyID, keyName: "key", tenantID: tenant.tenantID, tenantName: "t", tenantSuspended: false, allowedModels: nil)
        let taskID = try await reserveAsIfTheProcessDied(harness, key: key)
        // the dead process had sent it: the upstream has the task under our id, we never heard back
        let follower = try #require(harness.gateway.follower)
        let reserved = try #require(try await TaskStore(pool: harness.pool).task(id: taskID))
        _ = try? await follower.submitter.submit(reserved, attemptsLeft: 1)
        await harness.simulator.setFaults(SimulatorFaults())
        try await harness.settleAll(tenantID: tenant.tenantID)
        #expect(try await Database.ledgerKinds(harness.pool, taskID: taskID.uuidString) == ["reserve": 560_000, "charge": 560_000])
        #expect(await harness.simulator.counts().createCalls == 1, "found by external_task_id, never sent again")
        await harness.stop()
    }
}
