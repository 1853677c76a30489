import Foundation
import Postgres

public enum BudgetPeriod: String, Sendable, Codable, CaseIterable {
    /// The budget caps everything the key ever spends.
    case total
    /// The budget caps each calendar month (in the tenant's time_zone).
    case month
    /// The budget caps each calendar week (from Monday) or day, in the tenant's time_zone.
    case week
    case day

    var window: WindowPeriod? { WindowPeriod(rawValue: rawValue) }
}

public enum APIKeyStatus: String, Sendable, Codable {
    case active
    case revoked
    case expired
}

/// What an admin sets on a tenant API key. nil limits are absent.
public struct APIKeySettings: Sendable, Equatable {
    public var name: String
    public var budgetMicros: Int64?
    public var budgetPeriod: BudgetPeriod
    /// nil: every model.
    public var allowedModels: [String]?
    public var expiresAt: Date?
    public var maxConcurrentTasks: Int?
    public var rpmLimit: Int?
    /// What the key may do; every scope unless set.
    public var scopes: [KeyScope]
    /// The key's other day, week and month budgets. The one of `budgetPeriod` is always nil here: that
    /// budget is `budgetMicros` (the older fields name one of the key's budgets).
    public var dayBudgetMicros: Int64?
    public var weekBudgetMicros: Int64?
    public var monthBudgetMicros: Int64?

    /// Day, week and month budgets in that order, the older pair's included.
    public var budgets: [Budget] {
        Budget.list(day: amount(.day), week: amount(.week), month: amount(.month))
    }

    /// The lifetime budget, when the older pair is `total`.
    public var totalBudgetMicros: Int64? { budgetPeriod == .total ? budgetMicros : nil }

    private func amount(_ period: WindowPeriod) -> Int64? {
        if budgetPeriod.window == period { return budgetMicros }
        switch period {
        case .day: return dayBudgetMicros
        case .week: return weekBudgetMicros
        case .month: return monthBudgetMicros
        }
    }

    /// Replaces the day, week and month budgets; the one of `budgetPeriod` goes to `budgetMicros`.
    public mutating func setBudgets(_ list: [Budget]) {
        func take(_ period: WindowPeriod) -> Int64? {
            let value = Budget.amount(list, period)
            if budgetPeriod.window == period { budgetMicros = value; return nil }
            return value
        }
        dayBudgetMicros = take(.day)
        weekBudgetMicros = take(.week)
        monthBudgetMicros = take(.month)
    }

    /// `setBudgets` when the older pair was given beside the list: the pair's budget is kept (it must
    /// agree with a list entry of its period).
    public mutating func setBudgets(_ list: [Budget], keepingPair: Bool) throws(BudgetError) {
        var list = list
        if keepingPair, let pair = budgetMicros, let period = budgetPeriod.window {
            if let listed = Budget.amount(list, period) {
                if listed != pair { throw .twoForOnePeriod(period) }
            } else {
                list.append(Budget(period: period, amountMicros: pair))
            }
        }
        setBudgets(list)
    }

    /// Keeps one budget per period after the older pair changed period: a budget already set for the new
    /// period becomes the pair's when the pair has none, and agrees with it or is refused.
    func normalized() throws(BudgetError) -> APIKeySettings {
        guard let period = budgetPeriod.window else { return self }
        var copy = self
        let existing: Int64?
        switch period {
        case .day: existing = dayBudgetMicros; copy.dayBudgetMicros = nil
        case .week: existing = weekBudgetMicros; copy.weekBudgetMicros = nil
        case .month: existing = monthBudgetMicros; copy.monthBudgetMicros = nil
        }
        guard let existing else { return copy }
        if let pair = budgetMicros, pair != existing { throw .twoForOnePeriod(period) }
        copy.budgetMicros = existing
        return copy
    }

    public init(name: String, budgetMicros: Int64? = nil, budgetPeriod: BudgetPeriod = .total, allowedModels: [String]? = nil,
                expiresAt: Date? = nil, maxConcurrentTasks: Int? = nil, rpmLimit: Int? = nil, scopes: [KeyScope] = KeyScope.all) {
        self.name = name
        self.budgetMicros = budgetMicros
        self.budgetPeriod = budgetPeriod
        self.allowedModels = allowedModels
        self.expiresAt = expiresAt
        self.maxConcurrentTasks = maxConcurrentTasks
        self.rpmLimit = rpmLimit
        self.scopes = KeyScope.normalized(scopes)
    }
}

/// A PATCH of a key: each field kept or set.
public struct APIKeyChanges: Sendable {
    public var name: Patch<String> = .keep
    public var budgetMicros: Patch<Int64?> = .keep
    public var budgetPeriod: Patch<BudgetPeriod> = .keep
    public var allowedModels: Patch<[String]?> = .keep
    public var expiresAt: Patch<Date?> = .keep
    public var maxConcurrentTasks: Patch<Int?> = .keep
    public var rpmLimit: Patch<Int?> = .keep
    public var scopes: Patch<[KeyScope]> = .keep
    /// Replaces the day, week and month budgets (applied after the older pair).
    public var budgets: Patch<[Budget]> = .keep

    public init() {}

    func applied(to settings: APIKeySettings) throws(BudgetError) -> APIKeySettings {
        var result = APIKeySettings(
            name: name.applied(to: settings.name),
            budgetMicros: budgetMicros.applied(to: settings.budgetMicros),
            budgetPeriod: budgetPeriod.applied(to: settings.budgetPeriod),
            allowedModels: allowedModels.applied(to: settings.allowedModels),
            expiresAt: expiresAt.applied(to: settings.expiresAt),
            maxConcurrentTasks: maxConcurrentTasks.applied(to: settings.maxConcurrentTasks),
            rpmLimit: rpmLimit.applied(to: settings.rpmLimit),
            scopes: scopes.applied(to: settings.scopes)
        )
        result.dayBudgetMicros = settings.dayBudgetMicros
        result.weekBudgetMicros = settings.weekBudgetMicros
        result.monthBudgetMicros = settings.monthBudgetMicros
        if case .set(let list) = budgets {
            var pairGiven = false
            if case .set(let pair) = budgetMicros, pair != nil { pairGiven = true }
            try result.setBudgets(list, keepingPair: pairGiven)
        }
        return try result.normalized()
    }
}

/// A tenant API key as admins and its own tenant see it: never the secret nor its hash.
public struct APIKey: Sendable, Encodable {
    public var id: UUID
    public var tenantID: UUID
    /// The first characters of the secret, so people can tell keys apart.
    public var prefix: String
    public var settings: APIKeySettings
    public var revokedAt: Date?
    public var chargedMicros: Int64
    public var reservedMicros: Int64
    /// Charges in the current calendar month (UTC).
    public var spentThisMonthMicros: Int64
    /// Each day, week or month budget's current window (the tenant's time_zone); filled by the store.
    public var budgets: [BudgetStatus] = []
    /// The tenant's time_zone, which the key's windows follow.
    public var timeZone: String
    public var lastUsedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var status: APIKeyStatus

    /// The columns `init(row:)` reads, from `api_keys k`. The status is decided by the database clock.
    static let select: PostgresQuery = """
        SELECT k.id, k.tenant_id, k.name, k.prefix, k.budget_micros, k.budget_period, k.allowed_models, k.expires_at,
               k.revoked_at, k.max_concurrent_tasks, k.rpm_limit, k.scopes, k.charged_micros, k.reserved_micros, k.last_used_at,
               k.created_at, k.updated_at, k.day_budget_micros, k.week_budget_micros, k.month_budget_micros,
               (SELECT tz.time_zone FROM tenants tz WHERE tz.id = k.tenant_id) AS time_zone,
               CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked'
                    WHEN k.expires_at IS NOT NULL AND k.expires_at <= now() THEN 'expired'
                    ELSE 'active' END AS status,
               COALESCE((SELECT m.charged_micros FROM monthly_charges m
                         WHERE m.subject_id = k.id AND m.month = date_trunc('month', now() AT TIME ZONE 'UTC')::date), 0)
                   AS spent_this_month_micros
        FROM api_keys k

        """

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        tenantID = try row.decode(UUID.self, "tenant_id")
        prefix = try row.decode(String.self, "prefix")
        let periodText = try row.decode(String.self, "budget_period")
        guard let period = BudgetPeriod(rawValue: periodText) else {
            throw PostgresError(.decoding, message: "api_keys.budget_period: unknown period \(periodText)")
        }
        settings = APIKeySettings(
            name: try row.decode(String.self, "name"),
            budgetMicros: try row.decode(Int64?.self, "budget_micros"),
            budgetPeriod: period,
            allowedModels: try row.decode(PostgresJSON?.self, "allowed_models").map { try $0.decode([String].self) },
            expiresAt: try row.decode(Date?.self, "expires_at"),
            maxConcurrentTasks: try row.decode(Int?.self, "max_concurrent_tasks"),
            rpmLimit: try row.decode(Int?.self, "rpm_limit"),
            scopes: try row.decode(PostgresJSON.self, "scopes").decode([KeyScope].self)
        )
        settings.dayBudgetMicros = try row.decode(Int64?.self, "day_budget_micros")
        settings.weekBudgetMicros = try row.decode(Int64?.self, "week_budget_micros")
        settings.monthBudgetMicros = try row.decode(Int64?.self, "month_budget_micros")
        timeZone = try row.decode(String.self, "time_zone")
        revokedAt = try row.decode(Date?.self, "revoked_at")
        chargedMicros = try row.decode(Int64.self, "charged_micros")
        reservedMicros = try row.decode(Int64.self, "reserved_micros")
        spentThisMonthMicros = try row.decode(Int64.self, "spent_this_month_micros")
        lastUsedAt = try row.decode(Date?.self, "last_used_at")
        createdAt = try row.decode(Date.self, "created_at")
        updatedAt = try row.decode(Date.self, "updated_at")
        status = APIKeyStatus(rawValue: try row.decode(String.self, "status")) ?? .active
    }

    enum CodingKeys: String, CodingKey {
        case id, name, prefix, status, scopes
        case tenantID = "tenant_id"
        case budgetMicros = "budget_micros"
        case budgetPeriod = "budget_period"
        case allowedModels = "allowed_models"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case maxConcurrentTasks = "max_concurrent_tasks"
        case rpmLimit = "rpm_limit"
        case chargedMicros = "charged_micros"
        case reservedMicros = "reserved_micros"
        case spentThisMonthMicros = "spent_this_month_micros"
        case budgets
        case lastUsedAt = "last_used_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Every field is present; an absent limit or time is null.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.text, forKey: .id)
        try container.encode(tenantID.text, forKey: .tenantID)
        try container.encode(settings.name, forKey: .name)
        try container.encode(prefix, forKey: .prefix)
        try container.encode(settings.budgetMicros, forKey: .budgetMicros)
        try container.encode(settings.budgetPeriod, forKey: .budgetPeriod)
        try container.encode(settings.allowedModels, forKey: .allowedModels)
        try container.encode(settings.expiresAt, forKey: .expiresAt)
        try container.encode(revokedAt, forKey: .revokedAt)
        try container.encode(settings.maxConcurrentTasks, forKey: .maxConcurrentTasks)
        try container.encode(settings.rpmLimit, forKey: .rpmLimit)
        try container.encode(settings.scopes, forKey: .scopes)
        try container.encode(chargedMicros, forKey: .chargedMicros)
        try container.encode(reservedMicros, forKey: .reservedMicros)
        try container.encode(spentThisMonthMicros, forKey: .spentThisMonthMicros)
        try container.encode(budgets, forKey: .budgets)
        try container.encode(lastUsedAt, forKey: .lastUsedAt)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(status, forKey: .status)
    }
}
