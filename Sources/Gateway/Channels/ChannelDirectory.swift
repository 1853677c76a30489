import Accounting
import Foundation

/// The channels this process routes to, read from PostgreSQL at most once a second (and at once
/// after this process's own admin changes), and one upstream client per channel version, kept so
/// that a Kling JWT is reused until it is refreshed.
actor ChannelDirectory {
    let store: ChannelStore
    static let maxAge: Duration = .seconds(1)
    private var cached: (at: ContinuousClock.Instant, channels: [UpstreamChannel])?
    private var clients: [String: (updatedAt: Date?, baseURL: String, client: UpstreamClient)] = [:]

    init(store: ChannelStore) {
        self.store = store
    }

    /// The live, enabled channels.
    func enabled() async throws -> [UpstreamChannel] {
        if let cached, ContinuousClock.now - cached.at < Self.maxAge { return cached.channels }
        let channels = try await store.list().filter(\.enabled)
        cached = (.now, channels)
        return channels
    }

    func invalidate() {
        cached = nil
    }

    /// A channel's client; nil when its base URL is not a URL (the API refuses those, so only an edited row).
    func client(for channel: UpstreamChannel) -> UpstreamClient? {
        if let kept = clients[channel.id], kept.updatedAt == channel.updatedAt, kept.baseURL == channel.baseURL { return kept.client }
        guard let url = URL(string: channel.baseURL) else { return nil }
        let auth: UpstreamAuth = if let key = channel.apiKey {
            .bearer(key)
        } else if let access = channel.accessKey, let secret = channel.secretKey {
            .kling(KlingJWTSigner(accessKey: access, secretKey: secret))
        } else {
            .none
        }
        let client = UpstreamClient(baseURL: url, auth: auth, channelID: channel.id)
        clients[channel.id] = (channel.updatedAt, channel.baseURL, client)
        return client
    }
}
