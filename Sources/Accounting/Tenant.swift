import Foundation
import Postgres

public enum TenantStatus: String, Sendable, Codable, CaseIterable {
    case active
    case suspended
}

/// What an admin sets on a tenant. nil limits are absent (no limit, or no callback).
public struct TenantSettings: Sendable, Equatable {
    public var name: String
    public var status: TenantStatus
    public var creditLimitMicros: Int64
    public var monthlyBudgetMicros: Int64?
    public var maxConcurrentTasks: Int?
    public var rpmLimit: Int?
    public var callbackURL: String?
    /// The IANA zone budget windows are calendar-aligned in; and the day and week budgets (the month
    /// budget is `monthlyBudgetMicros`).
    public var timeZone: String = "UTC"
    public var dayBudgetMicros: Int64?
    public var weekBudgetMicros: Int64?
    /// Where the tenant's events go (docs/events.md); the budget percentages that alert; the available
    /// balance under which `balance.low` fires (nil: no balance alerts).
    public var eventsURL: String?
    public var alertThresholds: [Int] = TenantSettings.defaultAlertThresholds
    public var lowBalanceMicros: Int64?
    public static let defaultAlertThresholds = [50, 80, 100]

    /// Day, week and month budgets, in that order.
    public var budgets: [Budget] {
        get { Budget.list(day: dayBudgetMicros, week: weekBudgetMicros, month: monthlyBudgetMicros) }
        set {
            dayBudgetMicros = Budget.amount(newValue, .day)
            weekBudgetMicros = Budget.amount(newValue, .week)
            monthlyBudgetMicros = Budget.amount(newValue, .month)
        }
    }

    public init(name: String, status: TenantStatus = .active, creditLimitMicros: Int64 = 0, monthlyBudgetMicros: Int64? = nil,
                maxConcurrentTasks: Int? = nil, rpmLimit: Int? = nil, callbackURL: String? = nil) {
        self.name = name
        self.status = status
        self.creditLimitMicros = creditLimitMicros
        self.monthlyBudgetMicros = monthlyBudgetMicros
        self.maxConcurrentTasks = maxConcurrentTasks
        self.rpmLimit = rpmLimit
        self.callbackURL = callbackURL
    }
}

/// A PATCH of a tenant: each field kept or set.
public struct TenantChanges: Sendable {
    public var name: Patch<String> = .keep
    public var status: Patch<TenantStatus> = .keep
    public var creditLimitMicros: Patch<Int64> = .keep
    public var monthlyBudgetMicros: Patch<Int64?> = .keep
    public var maxConcurrentTasks: Patch<Int?> = .keep
    public var rpmLimit: Patch<Int?> = .keep
    public var callbackURL: Patch<String?> = .keep
    public var timeZone: Patch<String> = .keep
    /// Replaces the day, week and month budgets (after `monthlyBudgetMicros`, which names the month one).
    public var budgets: Patch<[Budget]> = .keep
    public var eventsURL: Patch<String?> = .keep
    public var alertThresholds: Patch<[Int]> = .keep
    public var lowBalanceMicros: Patch<Int64?> = .keep

    public init() {}

    func applied(to settings: TenantSettings) -> TenantSettings {
        var result = TenantSettings(
            name: name.applied(to: settings.name),
            status: status.applied(to: settings.status),
            creditLimitMicros: creditLimitMicros.applied(to: settings.creditLimitMicros),
            monthlyBudgetMicros: monthlyBudgetMicros.applied(to: settings.monthlyBudgetMicros),
            maxConcurrentTasks: maxConcurrentTasks.applied(to: settings.maxConcurrentTasks),
            rpmLimit: rpmLimit.applied(to: settings.rpmLimit),
            callbackURL: callbackURL.applied(to: settings.callbackURL)
        )
        result.timeZone = timeZone.applied(to: settings.timeZone)
        result.dayBudgetMicros = settings.dayBudgetMicros
        result.weekBudgetMicros = settings.weekBudgetMicros
        if case .set(let list) = budgets { result.budgets = list }
        result.eventsURL = eventsURL.applied(to: settings.eventsURL)
        result.alertThresholds = alertThresholds.applied(to: settings.alertThresholds)
        result.lowBalanceMicros = lowBalanceMicros.applied(to: settings.lowBalanceMicros)
        return result
    }
}

/// A tenant's money, from the cached columns that Ledger.append keeps equal to the ledger sums.
public struct Balance: Sendable, Equatable, Encodable {
    public var creditsMicros: Int64
    public var chargedMicros: Int64
    public var reservedMicros: Int64
    /// What the tenant may still reserve: credits − charged − reserved + credit limit, with its grants
    /// counted (see Balance+Grants).
    public var availableMicros: Int64
    /// Active grants' unheld remainders.
    public var grantsMicros: Int64 = 0

    public init(creditsMicros: Int64, chargedMicros: Int64, reservedMicros: Int64, creditLimitMicros: Int64) {
        self.creditsMicros = creditsMicros
        self.chargedMicros = chargedMicros
        self.reservedMicros = reservedMicros
        self.availableMicros = Balance.available(credits: creditsMicros, charged: chargedMicros, reserved: reservedMicros,
                                                 creditLimit: creditLimitMicros)
    }

    enum CodingKeys: String, CodingKey {
        case creditsMicros = "credits_micros"
        case chargedMicros = "charged_micros"
        case reservedMicros = "reserved_micros"
        case availableMicros = "available_micros"
        case grantsMicros = "grants_micros"
    }
}

/// A tenant as the admin API and `GET /v1/account` show it.
public struct Tenant: Sendable, Encodable {
    public var id: UUID
    public var settings: TenantSettings
    public var balance: Balance
    /// Charges in the current calendar month (UTC), for the monthly budget.
    public var spentThisMonthMicros: Int64
    /// Each budget's current window; filled by the store (it needs the daily charge rows).
    public var budgets: [BudgetStatus] = []
    public var createdAt: Date
    public var updatedAt: Date

    /// The columns `init(row:)` reads, from `tenants t`.
    static let select: PostgresQuery = """
        SELECT t.id, t.name, t.status, t.credit_limit_micros, t.monthly_budget_micros, t.max_concurrent_tasks,
               t.rpm_limit, t.callback_url, t.credits_micros, t.charged_micros, t.reserved_micros, t.created_at, t.updated_at,
               t.time_zone, t.day_budget_micros, t.week_budget_micros, t.events_url, t.alert_thresholds, t.low_balance_micros,
               (SELECT COALESCE(sum(g.remaining_micros), 0) FROM credit_grants g
                WHERE g.tenant_id = t.id AND g.voided_at IS NULL AND g.expired_at IS NULL AND g.effective_at <= now()
                  AND (g.expires_at IS NULL OR g.expires_at > now()))::bigint AS grants_micros,
               (SELECT COALESCE(sum(g.used_micros + g.held_micros), 0) FROM credit_grants g WHERE g.tenant_id = t.id)::bigint
                   AS grant_funded_micros,
               COALESCE((SELECT m.charged_micros FROM monthly_charges m
                         WHERE m.subject_id = t.id AND m.month = date_trunc('month', now() AT TIME ZONE 'UTC')::date), 0)
                   AS spent_this_month_micros
        FROM tenants t

        """

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        let statusText = try row.decode(String.self, "status")
        guard let status = TenantStatus(rawValue: statusText) else {
            throw PostgresError(.decoding, message: "tenants.status: unknown status \(statusText)")
        }
        let creditLimit = try row.decode(Int64.self, "credit_limit_micros")
        settings = TenantSettings(
            name: try row.decode(String.self, "name"),
            status: status,
            creditLimitMicros: creditLimit,
            monthlyBudgetMicros: try row.decode(Int64?.self, "monthly_budget_micros"),
            maxConcurrentTasks: try row.decode(Int?.self, "max_concurrent_tasks"),
            rpmLimit: try row.decode(Int?.self, "rpm_limit"),
            callbackURL: try row.decode(String?.self, "callback_url")
        )
        settings.timeZone = try row.decode(String.self, "time_zone")
        settings.dayBudgetMicros = try row.decode(Int64?.self, "day_budget_micros")
        settings.weekBudgetMicros = try row.decode(Int64?.self, "week_budget_micros")
        settings.eventsURL = try row.decode(String?.self, "events_url")
        settings.alertThresholds = try row.decode(PostgresJSON.self, "alert_thresholds").decode([Int].self)
        settings.lowBalanceMicros = try row.decode(Int64?.self, "low_balance_micros")
        balance = Balance(
            creditsMicros: try row.decode(Int64.self, "credits_micros"),
            chargedMicros: try row.decode(Int64.self, "charged_micros"),
            reservedMicros: try row.decode(Int64.self, "reserved_micros"),
            creditLimitMicros: creditLimit
        )
        balance.addGrants(unheldMicros: try row.decode(Int64.self, "grants_micros"), fundedMicros: try row.decode(Int64.self, "grant_funded_micros"))
        spentThisMonthMicros = try row.decode(Int64.self, "spent_this_month_micros")
        createdAt = try row.decode(Date.self, "created_at")
        updatedAt = try row.decode(Date.self, "updated_at")
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, balance
        case creditLimitMicros = "credit_limit_micros"
        case monthlyBudgetMicros = "monthly_budget_micros"
        case maxConcurrentTasks = "max_concurrent_tasks"
        case rpmLimit = "rpm_limit"
        case callbackURL = "callback_url"
        case spentThisMonthMicros = "spent_this_month_micros"
        case timeZone = "time_zone"
        case budgets
        case eventsURL = "events_url"
        case alertThresholds = "alert_thresholds"
        case lowBalanceMicros = "low_balance_micros"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Every field is present; an absent limit is null.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.text, forKey: .id)
        try container.encode(settings.name, forKey: .name)
        try container.encode(settings.status, forKey: .status)
        try container.encode(settings.creditLimitMicros, forKey: .creditLimitMicros)
        try container.encode(settings.monthlyBudgetMicros, forKey: .monthlyBudgetMicros)
        try container.encode(settings.maxConcurrentTasks, forKey: .maxConcurrentTasks)
        try container.encode(settings.rpmLimit, forKey: .rpmLimit)
        try container.encode(settings.callbackURL, forKey: .callbackURL)
        try container.encode(balance, forKey: .balance)
        try container.encode(spentThisMonthMicros, forKey: .spentThisMonthMicros)
        try container.encode(settings.timeZone, forKey: .timeZone)
        try container.encode(budgets, forKey: .budgets)
        try container.encode(settings.eventsURL, forKey: .eventsURL)
        try container.encode(settings.alertThresholds, forKey: .alertThresholds)
        try container.encode(settings.lowBalanceMicros, forKey: .lowBalanceMicros)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}
