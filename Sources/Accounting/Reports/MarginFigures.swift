/// What a group of tasks earned and cost. Revenue is what tenants were charged (charges and late
/// charges); cost is the tasks' recorded `cost_micros`; margin = revenue − cost, and may be negative.
public struct MarginFigures: Sendable, Equatable {
    public var tasks: Int64 = 0
    public var revenueMicros: Int64 = 0
    public var costMicros: Int64 = 0

    public init(tasks: Int64 = 0, revenueMicros: Int64 = 0, costMicros: Int64 = 0) {
        self.tasks = tasks
        self.revenueMicros = revenueMicros
        self.costMicros = costMicros
    }

    /// Both parts are sums of non-negative 64-bit amounts, so the difference always fits.
    public var marginMicros: Int64 { revenueMicros - costMicros }

    /// Checked: a sum past Int64 is an error, never a wrap.
    public func adding(_ other: MarginFigures) throws -> MarginFigures {
        func add(_ a: Int64, _ b: Int64) throws -> Int64 {
            let (sum, overflow) = a.addingReportingOverflow(b)
            if overflow { throw MarginOverflow() }
            return sum
        }
        return MarginFigures(tasks: try add(tasks, other.tasks), revenueMicros: try add(revenueMicros, other.revenueMicros),
                             costMicros: try add(costMicros, other.costMicros))
    }
}

/// A report total that does not fit in 64-bit micros.
public struct MarginOverflow: Error, Sendable {}
