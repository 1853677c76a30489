import Accounting
import Foundation

/// The upstream channels as the submit and poll paths see them (docs/channels.md): the enabled
/// channel rows, or, when none is enabled, the built-in `default` channel made from
/// OMNIMETER_UPSTREAM_URL/_KEY. New tasks are routed by `ChannelRouter`; a task's polls and
/// lookups go to the channel that created it, deleted or disabled since, or `default` when it names none.
public final class UpstreamRouting: Sendable {
    let store: ChannelStore
    let directory: ChannelDirectory
    public let router: ChannelRouter
    /// The configured upstream as a channel; nil when OMNIMETER_UPSTREAM_URL is unset.
    public let builtIn: UpstreamChannel?
    let builtInClient: UpstreamClient?

    public struct Route: Sendable {
        public let id: String
        public let client: UpstreamClient
    }

    public init(store: ChannelStore, config: GatewayConfig, router: ChannelRouter = ChannelRouter()) {
        self.store = store
        self.router = router
        directory = ChannelDirectory(store: store)
        if let url = config.upstreamURL {
            builtIn = .builtIn(baseURL: url.absoluteString, apiKey: config.upstreamKey)
            builtInClient = UpstreamClient(baseURL: url, apiKey: config.upstreamKey)
        } else {
            builtIn = nil
            builtInClient = nil
        }
    }

    /// The channels new tasks may go to, before the model filter and the circuits.
    public func routable() async throws -> [UpstreamChannel] {
        let enabled = try await directory.enabled()
        if !enabled.isEmpty { return enabled }
        return builtIn.map { [$0] } ?? []
    }

    /// Whether some channel takes `model` (before anything is reserved).
    public func hasRoute(model: String) async throws -> Bool {
        try await routable().contains { $0.allows(model: model) }
    }

    /// The channel for the next send of a task of `model`, other than those in `excluding`.
    public func pick(model: String, excluding: Set<String>) async throws -> Route? {
        let candidates = try await routable().filter { $0.allows(model: model) && !excluding.contains($0.id) }
        guard let id = await router.choose(candidates.map { ($0.id, $0.priority, $0.weight) }),
              let channel = candidates.first(where: { $0.id == id }),
              let client = await client(for: channel) else { return nil }
        return Route(id: id, client: client)
    }

    /// The client of the channel a task names: nil or "default" is the built-in one. nil when that
    /// channel cannot be called (unset, or an unknown id).
    public func client(forTask channelID: String?) async throws -> UpstreamClient? {
        guard let channelID, channelID != UpstreamChannel.defaultID else { return builtInClient }
        if let channel = try await directory.enabled().first(where: { $0.id == channelID }) { return await client(for: channel) }
        guard let channel = try await store.find(channelID) else { return nil }
        return await client(for: channel)
    }

    /// What `GET /admin/v1/channels` lists: every live row, and the built-in channel while it is the one in use.
    public func listed() async throws -> [UpstreamChannel] {
        let rows = try await store.list()
        guard let builtIn, !rows.contains(where: \.enabled) else { return rows }
        return [builtIn] + rows
    }

    /// After an admin change: the next submission reads the channels anew.
    public func invalidate() async {
        await directory.invalidate()
    }

    private func client(for channel: UpstreamChannel) async -> UpstreamClient? {
        if channel.id == UpstreamChannel.defaultID { return builtInClient }
        return await directory.client(for: channel)
    }
}
