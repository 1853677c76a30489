import Accounting
import Hummingbird
import Kling
import Pricing

extension AdminRoutes {
    /// `POST/GET /admin/v1/channels`, `GET/PATCH/DELETE /admin/v1/channels/{id}` (docs/channels.md).
    /// Secrets (`api_key`, `access_key`, `secret_key`) are write-only: answers and the audit log say
    /// `"auth":"bearer"|"jwt"|"none"` instead. The built-in `default` channel (OMNIMETER_UPSTREAM_URL,
    /// listed while no channel row is enabled) is read-only: PATCH or DELETE of it is 409 `conflict`.
    func registerChannels(on admin: RouterGroup<AdminContext>) {
        let store = ChannelStore(pool: pool)
        let channels = self.channels

        admin.post("channels") { request, context -> Response in
            let caller = try context.caller()
            let body = try await AdminBody.read(request, context: context)
            let settings = try Self.channelSettings(body)
            let channel = try await Self.channelNameErrors { try await store.create(settings, actor: caller.actor) }
            await channels?.invalidate()
            context.logger.info("channel created", metadata: ["channel_id": "\(channel.id)"])
            return try JSONResponse.make(channel, status: .created)
        }

        admin.get("channels") { _, _ -> Response in
            let listed: [UpstreamChannel]
            if let channels { listed = try await channels.listed() } else { listed = try await store.list() }
            return try JSONResponse.make(Page(items: listed, nextCursor: nil))
        }

        admin.get("channels/{id}") { _, context -> Response in
            let id = try Self.channelID(context)
            if id == UpstreamChannel.defaultID, let builtIn = channels?.builtIn { return try JSONResponse.make(builtIn) }
            guard let channel = try await store.get(id) else { throw AdminAPIError.notFound("channel") }
            return try JSONResponse.make(channel)
        }

        admin.patch("channels/{id}") { request, context -> Response in
            let caller = try context.caller()
            let id = try Self.channelID(context)
            try Self.refuseBuiltIn(id)
            let body = try await AdminBody.read(request, context: context)
            let changes = try Self.channelChanges(body)
            guard let channel = try await Self.channelNameErrors({ try await store.update(id, changes, actor: caller.actor) }) else {
                throw AdminAPIError.notFound("channel")
            }
            await channels?.invalidate()
            context.logger.info("channel updated", metadata: ["channel_id": "\(id)"])
            return try JSONResponse.make(channel)
        }

        admin.delete("channels/{id}") { _, context -> Response in
            let caller = try context.caller()
            let id = try Self.channelID(context)
            try Self.refuseBuiltIn(id)
            guard let channel = try await store.delete(id, actor: caller.actor) else { throw AdminAPIError.notFound("channel") }
            await channels?.invalidate()
            context.logger.info("channel deleted", metadata: ["channel_id": "\(id)"])
            return try JSONResponse.make(channel)
        }
    }

    /// A path id; one that no row could have (NUL, too long) names nothing.
    static func channelID(_ context: AdminContext) throws -> String {
        try channelID(context.parameters.get("id"))
    }

    static func channelID(_ text: String?) throws -> String {
        guard let id = text, (1...200).contains(id.unicodeScalars.count),
              !id.unicodeScalars.contains("\u{0}") else { throw AdminAPIError.notFound("channel") }
        return id
    }

    /// A new channel's settings from a POST body (the console's form reads through this too).
    static func channelSettings(_ body: AdminBody) throws -> ChannelSettings {
        ChannelSettings(
            name: try body.field("name", .name).required("name"),
            baseURL: try body.field("base_url", .httpURL).required("base_url"),
            credentials: try Self.channelCredentials(body) ?? .none,
            priority: try body.field("priority", .channelPriority).valueOrNil ?? UpstreamChannel.defaultPriority,
            weight: try body.field("weight", .channelWeight).valueOrNil ?? UpstreamChannel.defaultWeight,
            models: try body.field("models", .models).valueOrNil,
            enabled: try body.field("enabled", .boolean).valueOrNil ?? true,
            cost: try Self.channelCost(body, base: .identity))
    }

    /// A PATCH body's changes: what it leaves out stays (the console's edit form reads through this too).
    static func channelChanges(_ body: AdminBody) throws -> ChannelChanges {
        var changes = ChannelChanges()
        changes.name = try body.field("name", .name).patch("name")
        changes.baseURL = try body.field("base_url", .httpURL).patch("base_url")
        if let credentials = try Self.channelCredentials(body) { changes.credentials = .set(credentials) }
        changes.priority = try body.field("priority", .channelPriority).patch("priority")
        changes.weight = try body.field("weight", .channelWeight).patch("weight")
        changes.models = try body.field("models", .models).clearable
        changes.enabled = try body.field("enabled", .boolean).patch("enabled")
        if body.fields["cost_multiplier"] != nil || body.fields["cost"] != nil {
            // checked whole; the store keeps what the PATCH leaves out
            let cost = try Self.channelCost(body, base: .identity)
            if body.fields["cost_multiplier"] != nil { changes.costMultiplier = .set(cost.multiplier) }
            if body.fields["cost"] != nil { changes.costRows = .set(ChannelCostRows(video: cost.video, image: cost.image)) }
        }
        return changes
    }

    static func refuseBuiltIn(_ id: String) throws {
        if id == UpstreamChannel.defaultID {
            throw AdminAPIError.conflict("the default channel is made from OMNIMETER_UPSTREAM_URL/_KEY and cannot be changed here; create a channel instead")
        }
    }

    /// `api_key`, or `access_key` with `secret_key`; nil when the body names none of them. Both kinds
    /// at once, or half a key pair, is 422.
    static func channelCredentials(_ body: AdminBody) throws -> ChannelCredentials? {
        let apiKey = try body.field("api_key", .credential)
        let accessKey = try body.field("access_key", .credential)
        let secretKey = try body.field("secret_key", .credential)
        switch (apiKey.valueOrNil, accessKey.valueOrNil, secretKey.valueOrNil) {
        case (let key?, nil, nil): return .bearer(apiKey: key)
        case (nil, let access?, let secret?): return .jwt(accessKey: access, secretKey: secret)
        case (nil, nil, nil):
            let named = [apiKey, accessKey, secretKey].contains { if case .absent = $0 { false } else { true } }
            return named ? ChannelCredentials.none : nil
        case (_?, _, _): throw AdminAPIError.invalid("api_key: give either api_key or access_key with secret_key, not both")
        default: throw AdminAPIError.invalid("access_key, secret_key: Kling's AK/SK sign-in needs both")
        }
    }

    /// `cost_multiplier` (a decimal string > 0 with at most 7 decimals) and `cost` (`{"video":[rows],
    /// "image":[rows]}`, the price book's rows), checked by the rate cards' rules.
    static func channelCost(_ body: AdminBody, base: PriceAdjustment) throws -> PriceAdjustment {
        var fields: [String: JSONValue] = ["multiplier": body.fields["cost_multiplier"] ?? .string(base.multiplier)]
        switch body.fields["cost"] {
        case nil, .null?: break
        case .object(let rows)?:
            for (key, value) in rows {
                guard key == "video" || key == "image" else { throw AdminAPIError.invalid("cost.\(key): only video and image rows are kept") }
                fields[key] = value
            }
        case .some: throw AdminAPIError.badRequest("cost: must be an object {\"video\":[rows],\"image\":[rows]}")
        }
        do {
            return try priceAdjustment(AdminBody(fields: fields))
        } catch var error as AdminAPIError {
            if error.message.hasPrefix("multiplier") { error.message = "cost_" + error.message }
            else if !error.message.hasPrefix("cost") { error.message = "cost." + error.message }
            throw error
        }
    }

    static func channelNameErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ChannelStore.NameTaken {
            throw AdminAPIError.conflict("name: another channel is named \(error.name.debugDescription)")
        }
    }
}
