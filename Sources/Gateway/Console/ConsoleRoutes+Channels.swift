import Accounting
import Foundation
import Hummingbird
import Kling

extension ConsoleRoutes {
    /// `GET /console/channels`: the upstream channels as `GET /admin/v1/channels` lists them (the built-in
    /// `default` one read-only), with this instance's circuit of each; and for an admin the forms that
    /// create, edit and delete one. Each form becomes the admin API's body and is read by its own rules
    /// (`AdminRoutes.channelSettings`, `.channelChanges`), stored by `ChannelStore` (which audits), and the
    /// routing cache is refreshed as after an API change (docs/channels.md). Secrets are write-only fields.
    func registerChannels(on console: RouterGroup<ConsoleContext>) {
        let store = ChannelStore(pool: pool)

        console.get("channels") { _, context -> Response in
            let listed: [UpstreamChannel]
            if let channels { listed = try await channels.listed() } else { listed = try await store.list() }
            var values = try page(context, title: "Channels", current: "/console/channels")
            var rows: [[String: Any]] = []
            for channel in listed {
                let circuit = await channels?.router.state(channel.id).rawValue
                rows.append([
                    "id": channel.id, "name": channel.name, "base_url": channel.baseURL, "auth": channel.auth,
                    "priority": "\(channel.priority)", "weight": "\(channel.weight)",
                    "models": channel.models?.joined(separator: ", ") ?? "every model",
                    "enabled": channel.enabled, "multiplier": channel.cost.multiplier,
                    "cost_rows": "\(channel.cost.video.count + channel.cost.image.count)",
                    "circuit": circuit ?? "", "read_only": channel.readOnly,
                    "model_choices": AdminLimits.knownModels.map { model in
                        ["model": model, "checked": channel.models?.contains(model) ?? false] as [String: Any]
                    },
                ])
            }
            values["channels"] = rows
            values["models"] = AdminLimits.knownModels
            return pages.response("channels", values)
        }

        console.post("channels") { _, context -> Response in
            let caller = try context.principal()
            let body = Self.channelBody(context.form, editing: false)
            let settings = try AdminRoutes.channelSettings(body)
            let channel = try await AdminRoutes.channelNameErrors { try await store.create(settings, actor: caller.actor) }
            await channels?.invalidate()
            context.logger.info("channel created from the console", metadata: ["channel_id": "\(channel.id)"])
            return ConsolePages.redirect("/console/channels")
        }

        console.post("channels/{id}") { _, context -> Response in
            let caller = try context.principal()
            let id = try AdminRoutes.channelID(context.parameters.get("id"))
            try AdminRoutes.refuseBuiltIn(id)
            let changes = try AdminRoutes.channelChanges(Self.channelBody(context.form, editing: true))
            guard try await AdminRoutes.channelNameErrors({ try await store.update(id, changes, actor: caller.actor) }) != nil else {
                throw ConsoleFailure.notFound("channel")
            }
            await channels?.invalidate()
            context.logger.info("channel updated from the console", metadata: ["channel_id": "\(id)"])
            return ConsolePages.redirect("/console/channels")
        }

        console.post("channels/{id}/delete") { _, context -> Response in
            let caller = try context.principal()
            let id = try AdminRoutes.channelID(context.parameters.get("id"))
            try AdminRoutes.refuseBuiltIn(id)
            guard try await store.delete(id, actor: caller.actor) != nil else { throw ConsoleFailure.notFound("channel") }
            await channels?.invalidate()
            context.logger.info("channel deleted from the console", metadata: ["channel_id": "\(id)"])
            return ConsolePages.redirect("/console/channels")
        }
    }

    /// The admin API's body for a channel form: text fields as strings (an empty one left out, so a
    /// secret left empty is kept), numbers as numbers, the ticked models, and the enabled box. The edit
    /// form sends every field it shows, so there no model ticked means every model (null).
    static func channelBody(_ form: ConsoleForm, editing: Bool) -> AdminBody {
        var fields = form.adminBody(text: ["name", "base_url", "api_key", "access_key", "secret_key", "cost_multiplier"],
                                    numbers: ["priority", "weight"], lists: ["models"]).fields
        fields["enabled"] = .bool(form.value("enabled") != nil)
        if editing, fields["models"] == nil { fields["models"] = .null }
        return AdminBody(fields: fields)
    }
}
