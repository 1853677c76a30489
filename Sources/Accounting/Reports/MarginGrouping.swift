/// A column the margin report can be grouped by (docs/channels.md, "Cost, margin and bills").
public enum MarginGrouping: String, Sendable, CaseIterable, Encodable {
    case tenant, channel, model, day
}
