/// Matches bill lines to the channel's tasks by upstream id (pure: the store reads the tasks).
public enum BillMatching {
    public static func match(_ lines: [BillLine], tasks: [String: BilledTask]) throws(BillError) -> BillResult {
        var result = BillResult(lines: lines.count, matched: 0, amountMismatch: [], unknown: [], billedButReleased: [],
                                billedMicros: 0, costMicros: 0)
        var seen: Set<String> = []
        for line in lines {
            let (billed, overflow) = result.billedMicros.addingReportingOverflow(line.billedMicros)
            guard !overflow else { throw .invalid("line \(line.line): the bill's total does not fit in 64-bit micros") }
            result.billedMicros = billed
            guard let task = tasks[line.upstreamTaskID] else {
                result.unknown.append(BillLineItem(line: line.line, upstreamTaskID: line.upstreamTaskID, billedMicros: line.billedMicros))
                continue
            }
            result.matched += 1
            var item = BillLineItem(line: line.line, upstreamTaskID: line.upstreamTaskID, billedMicros: line.billedMicros,
                                    taskID: task.id, tenantID: task.tenantID, state: task.state.rawValue,
                                    costMicros: task.costMicros, chargedMicros: task.chargedMicros)
            let first = seen.insert(task.upstreamTaskID).inserted
            if first {
                let (cost, overflow) = result.costMicros.addingReportingOverflow(task.costMicros ?? 0)
                guard !overflow else { throw .invalid("line \(line.line): the recorded costs do not fit in 64-bit micros") }
                result.costMicros = cost
            }
            // each matched line in at most one list: a bill for a released task is that, whatever its amount
            if task.released {
                result.billedButReleased.append(item)
            } else if !first {
                item.reason = "duplicate"
                result.amountMismatch.append(item)
            } else if task.costMicros != line.billedMicros {
                item.reason = "amount"
                result.amountMismatch.append(item)
            }
        }
        return result
    }
}
