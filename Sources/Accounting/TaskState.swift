/// A task's life: reserved -> submitted -> processing -> succeeded | failed | rejected | expired.
public enum TaskState: String, Sendable, Codable, CaseIterable {
    case reserved, submitted, processing, succeeded, failed, rejected, expired

    /// States whose reservation is still open.
    public static let open: [TaskState] = [.reserved, .submitted, .processing]

    public var isOpen: Bool { Self.open.contains(self) }

    /// The upstream's word for this state, as tenants see it.
    public var klingStatus: String {
        switch self {
        case .reserved, .submitted: "submitted"
        case .processing: "processing"
        case .succeeded: "succeed"
        case .failed, .rejected, .expired: "failed"
        }
    }

    /// `billing.state`: reserved while open, charged when something was charged, else released.
    public func billingState(chargedMicros: Int64) -> String {
        if isOpen { return "reserved" }
        return chargedMicros > 0 ? "charged" : "released"
    }
}

/// How a task ended, as decided from the upstream's answer or the clock.
public enum TaskOutcome: Sendable {
    /// The upstream made it: charge `chargeMicros` (never above the reservation), release the rest.
    case succeeded(chargeMicros: Int64, billableSeconds: Int?, images: Int?)
    /// The upstream could not make it: release everything.
    case failed(message: String)
    /// The upstream refused it at submission: release everything.
    case rejected(message: String)
    /// Unfinished past the timeout: release everything.
    case expired

    var state: TaskState {
        switch self {
        case .succeeded: .succeeded
        case .failed: .failed
        case .rejected: .rejected
        case .expired: .expired
        }
    }
}
