/// The event types omnimeter sends (docs/events.md).
public enum EventType: String, Sendable, Codable, CaseIterable {
    case taskUpdated = "task.updated"
    case budgetThresholdCrossed = "budget.threshold_crossed"
    case budgetThresholdResolved = "budget.threshold_resolved"
    case balanceLow = "balance.low"
    case balanceRecovered = "balance.recovered"
    case grantExpired = "grant.expired"
}
