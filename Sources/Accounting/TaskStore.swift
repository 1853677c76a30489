import Foundation
import Kling
import Postgres

/// Tasks and the money they hold: every function here is one transaction, and every money movement
/// goes through `Ledger.append` in the transaction that changes the task's state.
public struct TaskStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    // MARK: reading

    /// A tenant's task on one endpoint, by omnimeter's id or the tenant's own external_task_id.
    public func find(tenantID: UUID, endpoint: OmniEndpoint, idOrExternalID: String) async throws -> TaskRecord? {
        let asUUID = UUID(uuidString: idOrExternalID)
        let row = try await pool.queryFirst("""
            SELECT \(unescaped: TaskRecord.columns) FROM tasks
            WHERE tenant_id = \(tenantID) AND endpoint = \(endpoint)
              AND (id = \(asUUID) OR external_task_id = \(idOrExternalID))
            ORDER BY (id = \(asUUID)) DESC NULLS LAST
            LIMIT 1
            """)
        return try row.map(TaskRecord.init(row:))
    }

    public func task(id: UUID) async throws -> TaskRecord? {
        try await pool.queryFirst("SELECT \(unescaped: TaskRecord.columns) FROM tasks WHERE id = \(id)").map(TaskRecord.init(row:))
    }

    /// A page of a tenant's tasks on one endpoint, newest first.
    public func list(tenantID: UUID, endpoint: OmniEndpoint, pageNumber: Int, pageSize: Int) async throws -> [TaskRecord] {
        let offset = (pageNumber - 1) * pageSize
        return try await pool.query("""
            SELECT \(unescaped: TaskRecord.columns) FROM tasks
            WHERE tenant_id = \(tenantID) AND endpoint = \(endpoint)
            ORDER BY created_at DESC, id DESC
            LIMIT \(pageSize) OFFSET \(offset)
            """).map(TaskRecord.init(row:))
    }

    // MARK: reserving

    /// Reserves the task's upper-bound price against the tenant and the key and records the task,
    /// in one transaction, before anything goes upstream. Rows are locked tenant first, then key, so
    /// concurrent reservations on any number of instances serialize per tenant and never overdraw.
    /// Two round trips when no limit needs counting: BEGIN with the locks and every read the decisions
    /// need, then the writes with COMMIT.
    public func reserve(_ request: ReservationRequest) async throws -> ReservationOutcome {
        switch try await reserveTransaction(request) {
        case .done(let outcome):
            return outcome
        case .pending(let inserted):
            // the task's row as inserted, answered with the COMMIT
            guard let row = inserted.rows?.first else { throw PostgresError(.usage, message: "task insert returned nothing") }
            return .reserved(try TaskRecord(row: row))
        }
    }

    private func reserveTransaction(_ request: ReservationRequest) async throws -> Queued<ReservationOutcome> {
        let tenantID = request.key.tenantID
        let keyID = request.key.keyID
        let amount = request.reserveMicros
        precondition(amount >= 0, "a reservation is never negative")
        return try await pool.transaction { connection in
            // one round trip: BEGIN, the locks in the one order (tenant, key, then its grants), and the reads
            let reads = try await connection.pipeline(["""
                SELECT status, credit_limit_micros, monthly_budget_micros, max_concurrent_tasks, rpm_limit,
                       credits_micros, charged_micros, reserved_micros, time_zone, day_budget_micros, week_budget_micros,
                       now() AS db_now
                FROM tenants WHERE id = \(tenantID) FOR UPDATE
                """, """
                SELECT budget_micros, budget_period, max_concurrent_tasks, rpm_limit, charged_micros, reserved_micros,
                       day_budget_micros, week_budget_micros, month_budget_micros,
                       revoked_at IS NOT NULL OR (expires_at IS NOT NULL AND expires_at <= now()) AS unusable
                FROM api_keys WHERE id = \(keyID) AND tenant_id = \(tenantID) FOR UPDATE
                """, AlertEvents.settingsQuery(tenantID: tenantID, keyID: keyID)] + FundingStore.holdReads(tenantID: tenantID))
            guard let tenant = reads[0].first, let key = reads[1].first else { throw ReservationRefusal.keyNotUsable }

            if let idempotency = request.idempotency,
               let earlier = try await connection.queryFirst("""
                   SELECT request_hash, task_id, response_body FROM idempotency_records
                   WHERE tenant_id = \(tenantID) AND key = \(idempotency.key)
                   """) {
                guard try earlier.decode(PostgresBytes.self, "request_hash").bytes == idempotency.requestHash,
                      let taskID = try earlier.decode(UUID?.self, "task_id"),
                      let task = try await connection.queryFirst("SELECT \(unescaped: TaskRecord.columns) FROM tasks WHERE id = \(taskID)")
                else { throw ReservationRefusal.idempotencyConflict }
                return .done(.replayed(try TaskRecord(row: task), response: try earlier.decode(PostgresJSON?.self, "response_body")))
            }

            if try tenant.decode(String.self, "status") != "active" { throw ReservationRefusal.tenantSuspended }
            if try key.decode(Bool.self, "unusable") { throw ReservationRefusal.keyNotUsable }

            try await Self.checkRatesAndConcurrency(request, tenant: tenant, key: key, on: connection)
            try await BudgetCheck.check(amount, tenant: tenant, key: key, tenantID: tenantID, keyID: keyID, on: connection)

            // the task and its place in the poll queue, leased to this submitter until it has been sent
            let inserted = try await connection.later("""
                WITH task AS (
                    INSERT INTO tasks (id, tenant_id, key_id, endpoint, model, mode, resolution, sound, video_reference,
                                       price_version, price_request, priced_request, request_body, external_task_id, callback_url, state,
                                       currency, reserved_micros, pricing_version)
                    VALUES (\(request.taskID), \(tenantID), \(keyID), \(request.endpoint), \(request.model), \(request.mode),
                            \(request.resolution), \(request.sound), \(request.videoReference), \(request.priceVersion),
                            \(request.estimate), \(request.pricedRequest), \(request.requestBody), \(request.externalTaskID), \(request.callbackURL),
                            'reserved', \(request.currency), \(amount), \(request.pricingVersion))
                    RETURNING \(unescaped: TaskRecord.columns)
                ), poll AS (
                    INSERT INTO task_polls (task_id, next_poll_at, lease_owner, lease_until)
                    SELECT id, now() + make_interval(secs => \(request.leaseSeconds)), \(request.leaseOwner),
                           now() + make_interval(secs => \(request.leaseSeconds))
                    FROM task
                )
                SELECT * FROM task
                """)
            // queued after the insert: the holds reference the task. A refusal rolls the insert back with them.
            guard try await FundingStore.hold(taskID: request.taskID, tenantID: tenantID, model: request.model, amount: amount,
                                              plainBase: try Self.plainBase(tenant), reads: Array(reads[3...]), on: connection) != nil else {
                throw ReservationRefusal.quotaExhausted("balance")
            }
            try await Ledger.appendLater(
                LedgerEntry(tenantID: tenantID, keyID: keyID, taskID: request.taskID, kind: .reserve, amountMicros: amount),
                on: connection)
            if let idempotency = request.idempotency {
                try await connection.later("""
                    INSERT INTO idempotency_records (tenant_id, key, request_hash, task_id)
                    VALUES (\(tenantID), \(idempotency.key), \(PostgresBytes(idempotency.requestHash)), \(request.taskID))
                    """)
            }
            try await AlertEvents.afterMoneyMove(tenantID: tenantID, keyID: keyID, preread: .some(reads[2].first), on: connection)
            return .pending(inserted)
        }
    }

    /// credits − charges − open reservations + credit limit, read under the tenant lock: what the plain
    /// balance may still fund before grants are counted (FundingStore adds back what grants fund).
    private static func plainBase(_ tenant: PostgresRow) throws -> Int64 {
        let credits = try tenant.decode(Int64.self, "credits_micros")
        let charged = try tenant.decode(Int64.self, "charged_micros")
        let reserved = try tenant.decode(Int64.self, "reserved_micros")
        let creditLimit = try tenant.decode(Int64.self, "credit_limit_micros")
        let (a, o1) = credits.subtractingReportingOverflow(charged)
        let (b, o2) = a.subtractingReportingOverflow(reserved)
        let (c, o3) = b.addingReportingOverflow(creditLimit)
        guard !(o1 || o2 || o3) else { throw ReservationRefusal.quotaExhausted("balance") }
        return c
    }

    /// Stores the first answer given for an Idempotency-Key, so a retry gets the same answer.
    public func recordIdempotentResponse(tenantID: UUID, key: String, response: PostgresJSON) async throws {
        try await pool.execute("""
            UPDATE idempotency_records SET response_body = \(response)
            WHERE tenant_id = \(tenantID) AND key = \(key) AND response_body IS NULL
            """)
    }
}
