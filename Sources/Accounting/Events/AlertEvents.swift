import Foundation
import Kling
import Postgres

/// Budget threshold and balance alerts, decided in the transaction that moves the money, under the row
/// locks it holds (tenant, then key), so concurrent reservations never fire one threshold twice; the
/// `budget_thresholds` key makes a second crossing in one window impossible anyway (docs/events.md).
public enum AlertEvents {
    /// After a reservation or settlement: every budget of the tenant and of the key, and the balance.
    /// `includeTenant` false: the key's budgets alone (a key PATCH holds only the key's lock).
    /// `preread`: the answer of `settingsQuery`, read earlier under the same tenant lock (the settings it
    /// reads change only under that lock), to spare a round trip; nil reads it here.
    static func afterMoneyMove(tenantID: UUID, keyID: UUID?, includeTenant: Bool = true, preread: PostgresRow?? = nil,
                               on connection: PostgresConnection) async throws {
        let settings: PostgresRow?
        if let preread { settings = preread } else { settings = try await connection.queryFirst(settingsQuery(tenantID: tenantID, keyID: keyID)) }
        guard let row = settings else { return }
        let thresholds = try row.decode(PostgresJSON.self, "alert_thresholds").decode([Int].self)
        let lowBalance = try row.decode(Int64?.self, "low_balance_micros")
        let wasLow = try row.decode(Bool.self, "low")
        var tenant: Tenant?
        if includeTenant, try row.decode(Bool.self, "tenant_budgets") {
            let read = try await TenantStore.read(tenantID, on: connection).expected("tenant read")
            tenant = read
            try await evaluate(subject: "tenant", subjectID: tenantID, tenantID: tenantID, read.budgets, thresholds, on: connection)
        }
        if let keyID, try row.decode(Bool.self, "key_budgets"), let key = try await APIKeyStore.read(keyID, on: connection) {
            try await evaluate(subject: "key", subjectID: keyID, tenantID: tenantID, key.budgets, thresholds, on: connection)
        }
        if includeTenant, lowBalance != nil || wasLow {
            let available: Int64
            if let tenant { available = tenant.balance.availableMicros } else {
                available = try await TenantStore.read(tenantID, on: connection).expected("tenant read").balance.availableMicros
            }
            try await balance(tenantID: tenantID, available: available, low: lowBalance, wasLow: wasLow, on: connection)
        }
    }

    /// Which thresholds and budgets a money move of the tenant and key can cross.
    static func settingsQuery(tenantID: UUID, keyID: UUID?) -> PostgresQuery {
        settingsQuery(tenant: "\(tenantID)", key: "\(keyID)")
    }

    /// The same for a task's tenant and key (a task's never change), read in the settlement's first round trip.
    static func settingsQuery(taskID: UUID) -> PostgresQuery {
        settingsQuery(tenant: "(SELECT tenant_id FROM tasks WHERE id = \(taskID))", key: "(SELECT key_id FROM tasks WHERE id = \(taskID))")
    }

    private static func settingsQuery(tenant: PostgresQuery, key: PostgresQuery) -> PostgresQuery {
        let columns: PostgresQuery = """
            SELECT t.alert_thresholds, t.low_balance_micros, t.balance_low_since IS NOT NULL AS low,
                   (t.day_budget_micros IS NOT NULL OR t.week_budget_micros IS NOT NULL OR t.monthly_budget_micros IS NOT NULL) AS tenant_budgets,
                   COALESCE((SELECT (k.budget_micros IS NOT NULL AND k.budget_period <> 'total') OR k.day_budget_micros IS NOT NULL
                                    OR k.week_budget_micros IS NOT NULL OR k.month_budget_micros IS NOT NULL
                             FROM api_keys k WHERE k.id =
            """
        return columns + " " + key + " AND k.tenant_id = t.id), false) AS key_budgets\nFROM tenants t WHERE t.id = " + tenant
    }

    /// After a credit, an adjustment or a grant change: the balance alone.
    static func afterBalanceChange(tenantID: UUID, on connection: PostgresConnection) async throws {
        guard let row = try await connection.queryFirst("""
            SELECT low_balance_micros, balance_low_since IS NOT NULL AS low FROM tenants WHERE id = \(tenantID)
            """) else { return }
        let lowBalance = try row.decode(Int64?.self, "low_balance_micros")
        let wasLow = try row.decode(Bool.self, "low")
        guard lowBalance != nil || wasLow, let tenant = try await TenantStore.read(tenantID, on: connection) else { return }
        try await balance(tenantID: tenantID, available: tenant.balance.availableMicros, low: lowBalance, wasLow: wasLow, on: connection)
    }

    /// `balance.low` when available falls below `low_balance_micros`, `balance.recovered` when it is back
    /// at or above it; the state lives in `tenants.balance_low_since`, so each crossing fires once.
    /// Unsetting `low_balance_micros` clears the state without an event.
    private static func balance(tenantID: UUID, available: Int64, low: Int64?, wasLow: Bool, on connection: PostgresConnection) async throws {
        let isLow = low.map { available < $0 } ?? false
        guard isLow != wasLow else { return }
        try await connection.later("""
            UPDATE tenants SET balance_low_since = CASE WHEN \(isLow) THEN now() END WHERE id = \(tenantID)
            """)
        guard let low else { return }
        try await EventOutbox.emit(isLow ? .balanceLow : .balanceRecovered, tenantID: tenantID,
                                   data: ["available_micros": .int(available), "low_balance_micros": .int(low)], on: connection)
    }

    /// One subject's budgets against the thresholds: a percentage reached (charges in the window + open
    /// reservations ≥ percent × amount, and something spent) is crossed once; a crossed one the value
    /// fell under, or one of an earlier window, is resolved once.
    private static func evaluate(subject: String, subjectID: UUID, tenantID: UUID, _ budgets: [BudgetStatus], _ thresholds: [Int],
                                 on connection: PostgresConnection) async throws {
        for budget in budgets {
            let value = Balance.saturating(budget.spentMicros, budget.reservedMicros)
            let reached = thresholds.filter { value > 0 && Int128(value) * 100 >= Int128($0) * Int128(budget.amountMicros) }.sorted()
            let under = thresholds.filter { !reached.contains($0) }
            func data(_ percent: Int, _ windowStart: Date) -> [String: JSONValue] {
                ["subject": .string(subject), "subject_id": .string(subjectID.text), "period": .string(budget.period.rawValue),
                 "threshold_percent": .int(Int64(percent)), "spent_micros": .int(value), "amount_micros": .int(budget.amountMicros),
                 "window_start": .string(AlertEvents.rfc3339(windowStart))]
            }
            if !reached.isEmpty {
                let crossed = try await connection.query("""
                    INSERT INTO budget_thresholds (subject, subject_id, tenant_id, period, window_start, threshold_percent)
                    SELECT \(subject), \(subjectID), \(tenantID), \(budget.period.rawValue), \(budget.windowStart), p
                    FROM unnest(\(Self.intArray(reached))::int[]) AS p
                    ON CONFLICT DO NOTHING
                    RETURNING threshold_percent
                    """).map { try $0.decode(Int.self, "threshold_percent") }
                for percent in crossed.sorted() {
                    try await EventOutbox.emit(.budgetThresholdCrossed, tenantID: tenantID, data: data(percent, budget.windowStart), on: connection)
                }
            }
            let resolved = try await connection.query("""
                UPDATE budget_thresholds SET resolved_at = now()
                WHERE subject = \(subject) AND subject_id = \(subjectID) AND period = \(budget.period.rawValue) AND resolved_at IS NULL
                  AND (window_start < \(budget.windowStart)
                       OR (window_start = \(budget.windowStart) AND threshold_percent = ANY(\(Self.intArray(under))::int[])))
                RETURNING threshold_percent, window_start
                """).map { (try $0.decode(Int.self, "threshold_percent"), try $0.decode(Date.self, "window_start")) }
            for (percent, windowStart) in resolved.sorted(by: { ($0.1, $1.0) < ($1.1, $0.0) }) {
                try await EventOutbox.emit(.budgetThresholdResolved, tenantID: tenantID, data: data(percent, windowStart), on: connection)
            }
        }
    }

    /// Integers as the PostgreSQL array literal `{1,2}`, bound as one parameter.
    private static func intArray(_ values: [Int]) -> String { "{" + values.map(String.init).joined(separator: ",") + "}" }

    static func rfc3339(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
