/// One field of a PATCH: left as it is, or set (to nil, for a limit that may be absent).
public enum Patch<Value: Sendable>: Sendable {
    case keep
    case set(Value)

    public func applied(to value: Value) -> Value {
        switch self {
        case .keep: value
        case .set(let new): new
        }
    }
}
