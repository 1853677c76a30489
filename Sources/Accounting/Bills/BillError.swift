/// Why a bill was refused; nothing was stored. `malformed`: not a CSV we can read (400); `invalid`: a
/// value breaks a rule (422). The message names the line and column.
public enum BillError: Error, Sendable, Equatable {
    case malformed(String)
    case invalid(String)
}
