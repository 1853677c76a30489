import Foundation

/// Where a tenant's callback may go: tenants must not make omnimeter call loopback, private,
/// link-local or metadata addresses (SSRF) unless the operator allows it (docs/security.md).
/// The name is resolved once per attempt, every address is checked, and the attempt connects to a
/// checked address, so a name that answers public first and private next cannot slip through.
public enum CallbackTarget: Sendable, Equatable {
    /// Connect to `address` for `host` (the Host header and TLS server name stay `host`).
    case connect(host: String, address: IPAddress)
    case refused(String)

    static let refusal = "refused: the URL is not http/https, or its host is loopback, private, link-local or unresolvable (OMNIMETER_ALLOW_PRIVATE_CALLBACKS=1 allows private addresses)"

    /// The check for one attempt.
    public static func check(_ url: String, allowPrivate: Bool, resolver: CallbackResolver) async -> CallbackTarget {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let rawHost = parsed.host, !rawHost.isEmpty else { return .refused(refusal) }
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if let literal = IPAddress(host) {
            return allowPrivate || !literal.isPrivate ? .connect(host: host, address: literal) : .refused(refusal)
        }
        let lowered = host.lowercased()
        if !allowPrivate, lowered == "localhost" || lowered.hasSuffix(".localhost") { return .refused(refusal) }
        let addresses = await resolver.resolve(host)
        guard let first = addresses.first else { return .refused(refusal) }
        if !allowPrivate, addresses.contains(where: \.isPrivate) { return .refused(refusal) }
        return .connect(host: host, address: first)
    }

    /// A cheap check without DNS, for a task's own callback_url at create: a literal private address or localhost.
    static func literalHostIsPrivate(_ url: String) -> Bool {
        guard let host = URL(string: url)?.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else { return true }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        return IPAddress(host)?.isPrivate ?? false
    }

    /// The check an admin's PATCH or POST of a tenant `callback_url` gets: refused when the sender would
    /// refuse it now (a literal private address, localhost, a name resolving to a private address).
    /// A name that does not resolve yet is accepted; its deliveries are given up visibly if it never does.
    static func refusedAtWrite(_ url: String, allowPrivate: Bool, resolver: CallbackResolver = .system) async -> Bool {
        guard !allowPrivate else { return false }
        guard let parsed = URL(string: url), let host = parsed.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else { return true }
        if IPAddress(host) != nil || host.lowercased() == "localhost" || host.lowercased().hasSuffix(".localhost") {
            if case .refused = await check(url, allowPrivate: false, resolver: resolver) { return true }
            return false
        }
        return await resolver.resolve(host).contains(where: \.isPrivate)
    }
}
