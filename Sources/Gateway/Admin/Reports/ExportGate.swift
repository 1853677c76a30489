import Foundation

/// At most `limit` CSV exports at once (`OMNIMETER_MAX_EXPORTS`); one more is refused at once
/// (429 `busy` with `Retry-After`) rather than queued behind a slow download.
actor ExportGate {
    let limit: Int
    private var running = 0

    init(limit: Int) {
        self.limit = limit
    }

    func tryEnter() -> Bool {
        guard running < limit else { return false }
        running += 1
        return true
    }

    func leave() {
        running = max(0, running - 1)
    }
}

/// When the last chunk of an export was taken by the client; a watchdog aborts an export whose client
/// stopped reading (docs/security.md, "Exports").
final class ExportProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var last = ContinuousClock.now

    func touch() { lock.withLock { last = .now } }
    var idle: Duration { lock.withLock { .now - last } }
}

/// The export's stall timeout passed without the client taking a chunk.
struct ExportStalled: Error, CustomStringConvertible {
    let after: Duration
    var description: String { "the client read nothing for \(after); export aborted" }
}

/// Lets the response writer, which is used by one task at a time, be handed to the task that streams.
struct UncheckedSendableBox<Value>: @unchecked Sendable {
    var value: Value
}
