import CLibPQ
import Foundation

/// Named prepared statements, shared by one pool's sessions (docs/architecture.md "Prepared statements").
/// A statement with parameters is parsed and planned once per session instead of on every run: about
/// half of what PostgreSQL spent per task on the money path went to parsing and planning.
///
/// The name is a 128-bit hash of the exact SQL text and parameter types, and SQL text is always the
/// code's own (values are bound), so a session that holds a statement of that name holds this very
/// statement, whoever prepared it. A pooler in transaction mode (PgBouncer before 1.21) hands a
/// client another server session between transactions, where the name is missing (26000) or already
/// there (42P05): the first such error turns naming off for the pool, and the work that met it runs
/// again unnamed (nothing of it had run: the error ends its transaction or its implicit one).
public final class PreparedStatements: @unchecked Sendable {
    private let lock = NSLock()
    private var enabled: Bool
    private var names: [Key: String] = [:]
    /// A session keeps at most this many; statements beyond them run unnamed.
    static let perSession = 256

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    public var isEnabled: Bool { lock.withLock { enabled } }

    /// Turns naming off; true if it was on (so the caller logs it once).
    func disable() -> Bool {
        lock.withLock {
            defer { enabled = false }
            return enabled
        }
    }

    /// How one statement goes out on a session that has prepared `prepared`.
    func naming(_ sql: String, _ types: [Oid], prepared: Set<String>) -> Naming {
        guard !types.isEmpty else { return .unnamed }  // BEGIN, COMMIT and the like: nothing to plan
        let name: String? = lock.withLock {
            guard enabled else { return nil }
            let key = Key(sql: sql, types: types)
            if let known = names[key] { return known }
            let made = Self.name(key)
            if names.count >= 4096 { names.removeAll() }  // bounded; a name is recomputed on demand
            names[key] = made
            return made
        }
        guard let name else { return .unnamed }
        if prepared.contains(name) { return .prepared(name) }
        return prepared.count < Self.perSession ? .prepare(name) : .unnamed
    }

    /// A statement's identity: its text and its parameter types (the same text with other types is another).
    struct Key: Hashable {
        var sql: String
        var types: [Oid]
    }

    /// Two FNV-1a 64-bit hashes with different offsets over the text, a NUL and the types in decimal:
    /// `om_` and 32 hex digits (63 bytes is the limit).
    static func name(_ key: Key) -> String {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x6c62_272e_07bb_0142
        for byte in key.sql.utf8 + [0] + key.types.map(String.init).joined(separator: ",").utf8 {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            second = (second ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return "om_" + hex(first) + hex(second)
    }

    enum Naming: Equatable {
        /// Parsed and planned on every run (the unnamed statement).
        case unnamed
        /// Prepared on this session before.
        case prepared(String)
        /// To prepare now, in the same round trip, then run.
        case prepare(String)
    }
}

extension PostgresError {
    /// What a pooler's session switch does to a named statement (see `PreparedStatements`).
    var isPreparedStatementMismatch: Bool { sqlState == "26000" || sqlState == "42P05" }
}
