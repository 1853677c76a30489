import Accounting
import Foundation
import Postgres
import Testing

@Suite struct ReconciliationTests {
    static let checkNames = [
        "tenant_balances_match_ledger", "key_balances_match_ledger", "monthly_charges_match_ledger", "ended_tasks_resolved",
        "open_tasks_hold_their_reservation", "open_tasks_are_in_the_poll_queue", "charges_within_reservation", "task_money_matches_ledger",
        "ledger_task_rows_belong_to_their_task",
        "grants_add_up", "grants_fund_only_their_models", "holds_match_reservations", "tenant_grants_match_ledger",
        "daily_charges_match_ledger", "usage_daily_matches_tasks",
        "ended_tasks_have_cost", "statement_rollup_matches_ledger",
    ]

    /// A tenant with a task of every kind of ending and one still open.
    struct World {
        var key: AuthenticatedKey
        var charged: TaskRecord
        var failed: TaskRecord
        var lateCharged: TaskRecord
        var open: TaskRecord
    }

    func world(_ pool: PostgresPool) async throws -> World {
        let key = try await Fixtures.tenant(pool)
        return World(
            key: key,
            charged: try await Fixtures.endedTask(pool, key, Fixtures.o1StdReference10s, Fixtures.succeeded(1_000_000, seconds: 8), endedAt: Date()),
            failed: try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, .failed(message: "x"), endedAt: Date()),
            lateCharged: try await Fixtures.endedTask(pool, key, Fixtures.o1Pro5s, .expired, Fixtures.succeeded(560_000, seconds: 5), endedAt: Date()),
            open: try await Fixtures.openTask(pool, key))
    }

    @Test func consistentDataPassesEveryCheck() async throws {
        let database = try await Fixtures.privateDatabase()
        defer { Task { await database.drop() } }
        let pool = database.pool
        _ = try await world(pool)
        let report = try await Reconciliation(pool: pool).run()
        #expect(report.checks.map(\.name) == Self.checkNames)
        for check in report.checks {
            #expect(check.ok, "\(check.name): \(check.detail.examples)")
            #expect(check.detail.count == 0 && check.detail.examples.isEmpty)
        }
        #expect(report.ok)

        try await Routes.test(pool) { client in
            let response = try await Routes.get(client, "/admin/v1/reconcile")
            #expect(response.status == .ok)
            let body = try Routes.json(response)
            #expect(body["ok"] as? Bool == true)
            let checks = try #require(body["checks"] as? [[String: Any]])
            #expect(checks.compactMap { $0["name"] as? String } == Self.checkNames)
            #expect(checks.allSatisfy { $0["ok"] as? Bool == true && ($0["detail"] as? [String: Any])?["count"] as? Int == 0 })
        }
    }

    struct Breach: Sendable, CustomTestStringConvertible {
        var check: String
        /// What to break, and the id the check's examples must name.
        var make: @Sendable (World) -> (sql: [PostgresQuery], names: UUID)
        var testDescription: String { check }
    }

    static let breaches: [Breach] = [
        Breach(check: "tenant_balances_match_ledger") { w in
            (["UPDATE tenants SET reserved_micros = reserved_micros + 1 WHERE id = \(w.key.tenantID)"], w.key.tenantID)
        },
        Breach(check: "key_balances_match_ledger") { w in
            (["UPDATE api_keys SET charged_micros = charged_micros + 1 WHERE id = \(w.key.keyID)"], w.key.keyID)
        },
        Breach(check: "monthly_charges_match_ledger") { w in
            (["UPDATE monthly_charges SET charged_micros = charged_micros - 1 WHERE subject_id = \(w.key.tenantID)"], w.key.tenantID)
        },
        Breach(check: "ended_tasks_resolved") { w in
            (["UPDATE tasks SET released_micros = released_micros - 1 WHERE id = \(w.charged.id)"], w.charged.id)
        },
        Breach(check: "open_tasks_hold_their_reservation") { w in
            (["""
              INSERT INTO ledger_entries (tenant_id, key_id, task_id, kind, amount_micros)
              VALUES (\(w.key.tenantID), \(w.key.keyID), \(w.open.id), 'release', 1)
              """], w.open.id)
        },
        Breach(check: "open_tasks_are_in_the_poll_queue") { w in
            (["DELETE FROM task_polls WHERE task_id = \(w.open.id)"], w.open.id)
        },
        Breach(check: "open_tasks_are_in_the_poll_queue") { w in
            (["INSERT INTO task_polls (task_id, next_poll_at) VALUES (\(w.failed.id), now())"], w.failed.id)
        },
        Breach(check: "charges_within_reservation") { w in
            (["""
              INSERT INTO ledger_entries (tenant_id, key_id, task_id, kind, amount_micros)
              VALUES (\(w.key.tenantID), \(w.key.keyID), \(w.failed.id), 'charge', \(w.failed.reservedMicros + 1))
              """], w.failed.id)
        },
        Breach(check: "task_money_matches_ledger") { w in
            (["UPDATE tasks SET late_charged_micros = late_charged_micros + 1 WHERE id = \(w.lateCharged.id)"], w.lateCharged.id)
        },
        Breach(check: "ledger_task_rows_belong_to_their_task") { w in
            let missing = UUID()
            // replica role skips the foreign-key triggers: the only way such a row can exist
            return (["SET LOCAL session_replication_role = replica", """
              INSERT INTO ledger_entries (tenant_id, key_id, task_id, kind, amount_micros)
              VALUES (\(w.key.tenantID), \(w.key.keyID), \(missing), 'reserve', 1)
              """], missing)
        },
        Breach(check: "grants_add_up") { w in
            let grant = UUID()
            // a grant with no grant ledger row
            return (["""
              INSERT INTO credit_grants (id, tenant_id, name, amount_micros, remaining_micros) VALUES (\(grant), \(w.key.tenantID), 'g', 5, 5)
              """], grant)
        },
        Breach(check: "grants_fund_only_their_models") { w in
            let grant = UUID()
            return (["""
              INSERT INTO credit_grants (id, tenant_id, name, amount_micros, remaining_micros, models)
              VALUES (\(grant), \(w.key.tenantID), 'images only', 5, 5, '["kling-image-o1"]')
              """, "UPDATE funding_holds SET grant_id = \(grant) WHERE task_id = \(w.open.id)"], grant)
        },
        Breach(check: "holds_match_reservations") { w in
            (["UPDATE funding_holds SET held_micros = held_micros - 1 WHERE task_id = \(w.open.id)"], w.open.id)
        },
        Breach(check: "tenant_grants_match_ledger") { w in
            (["UPDATE tenants SET granted_micros = granted_micros + 1 WHERE id = \(w.key.tenantID)"], w.key.tenantID)
        },
        Breach(check: "daily_charges_match_ledger") { w in
            (["UPDATE daily_charges SET charged_micros = charged_micros + 1 WHERE subject_id = \(w.key.keyID)"], w.key.keyID)
        },
        Breach(check: "usage_daily_matches_tasks") { w in
            (["UPDATE usage_daily SET charged_micros = charged_micros + 1 WHERE key_id = \(w.key.keyID)"], w.key.keyID)
        },
        Breach(check: "statement_rollup_matches_ledger") { w in
            (["UPDATE statement_rollup SET amount_micros = amount_micros + 1 WHERE tenant_id = \(w.key.tenantID) AND kind = 'charge'"], w.key.tenantID)
        },
        Breach(check: "ended_tasks_have_cost") { w in
            (["UPDATE tasks SET cost_micros = NULL WHERE id = \(w.failed.id)"], w.failed.id)
        },
    ]

    /// The breach is made in a transaction that is rolled back: no other test ever sees it.
    @Test(arguments: breaches) func eachBreachIsReported(_ breach: Breach) async throws {
        let pool = try await Fixtures.pool()
        let world = try await world(pool)
        let (statements, named) = breach.make(world)
        struct RollBack: Error { var report: ReconciliationReport }
        var report: ReconciliationReport?
        do {
            try await pool.transaction(maxAttempts: 1) { connection in
                for statement in statements { try await connection.execute(statement) }
                throw RollBack(report: try await Reconciliation.run(on: connection))
            }
        } catch let rollBack as RollBack {
            report = rollBack.report
        }
        let found = try #require(report)
        #expect(!found.ok)
        let check = try #require(found.checks.first { $0.name == breach.check })
        #expect(!check.ok)
        #expect(check.detail.count >= 1)
        #expect(check.detail.examples.contains { $0.contains(named.uuidString.lowercased()) }, "\(check.detail.examples)")
        #expect(try await Reconciliation(pool: pool).run().checks.first { $0.name == breach.check }?.detail.examples
            .contains { $0.contains(named.uuidString.lowercased()) } == false, "rolled back")
    }

    @Test func examplesStopAtTenButTheCountDoesNot() async throws {
        let pool = try await Fixtures.pool()
        var keys: [AuthenticatedKey] = []
        for _ in 0..<12 { keys.append(try await Fixtures.tenant(pool)) }
        struct RollBack: Error { var report: ReconciliationReport }
        do {
            try await pool.transaction(maxAttempts: 1) { connection in
                for key in keys {
                    try await connection.execute("UPDATE tenants SET credits_micros = credits_micros + 7 WHERE id = \(key.tenantID)")
                }
                throw RollBack(report: try await Reconciliation.run(on: connection))
            }
        } catch let rollBack as RollBack {
            let check = try #require(rollBack.report.checks.first { $0.name == "tenant_balances_match_ledger" })
            #expect(check.detail.count >= 12)
            #expect(check.detail.examples.count == 10)
        }
    }
}
