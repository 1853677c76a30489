import Accounting
import Kling

extension FieldRule where Value == [Int] {
    /// `alert_thresholds`: whole percentages from 1 to 1000 (a budget may be overrun by settlement
    /// never, but by a lowered budget yes); duplicates dropped, sorted. An empty list turns alerts off.
    static var alertThresholds: FieldRule {
        FieldRule { key, json in
            guard case .array(let items) = json else { throw AdminAPIError.badRequest("\(key): must be an array of whole percentages") }
            guard items.count <= 20 else { throw AdminAPIError.invalid("\(key): at most 20 thresholds") }
            var percents: Set<Int> = []
            for (index, item) in items.enumerated() {
                guard case .int(let number) = item else { throw AdminAPIError.badRequest("\(key)[\(index)]: must be a whole number") }
                guard (1...1000).contains(number) else {
                    throw AdminAPIError.invalid("\(key)[\(index)]: must be a percentage from 1 to 1000, got \(number)")
                }
                percents.insert(Int(number))
            }
            return percents.sorted()
        }
    }
}

extension FieldRule where Value == [EventType] {
    /// `events` of a webhook endpoint: known event types, at least one; duplicates dropped.
    static var eventTypes: FieldRule {
        FieldRule { key, json in
            guard case .array(let items) = json else { throw AdminAPIError.badRequest("\(key): must be an array of event types") }
            guard !items.isEmpty else { throw AdminAPIError.invalid("\(key): at least one event type (leave it out for every type)") }
            var types: [EventType] = []
            for (index, item) in items.enumerated() {
                guard case .string(let name) = item else { throw AdminAPIError.badRequest("\(key)[\(index)]: must be a string") }
                guard let type = EventType(rawValue: name) else {
                    let known = EventType.allCases.map(\.rawValue).joined(separator: ", ")
                    throw AdminAPIError.invalid("\(key)[\(index)]: unknown event type \(name.debugDescription); known: \(known)")
                }
                if !types.contains(type) { types.append(type) }
            }
            return types
        }
    }
}
