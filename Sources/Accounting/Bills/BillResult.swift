/// What matching a bill found: what the upstream billed against what omnimeter recorded.
/// `matched` counts lines whose upstream id is a task of the channel (agreeing or not);
/// `amount_mismatch` and `billed_but_released` list matched lines (a line is in one of them at most:
/// a released task's line is in `billed_but_released` whatever its amount);
/// `unknown` lists the others; `billed_micros` sums every line; `cost_micros` sums the recorded cost of
/// the matched tasks (each task once).
public struct BillResult: Sendable, Codable, Equatable {
    public var lines: Int
    public var matched: Int
    public var amountMismatch: [BillLineItem]
    public var unknown: [BillLineItem]
    public var billedButReleased: [BillLineItem]
    public var billedMicros: Int64
    public var costMicros: Int64

    enum CodingKeys: String, CodingKey {
        case lines, matched, unknown
        case amountMismatch = "amount_mismatch"
        case billedButReleased = "billed_but_released"
        case billedMicros = "billed_micros"
        case costMicros = "cost_micros"
    }
}
