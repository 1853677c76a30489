import Accounting
import Foundation
import Hummingbird
import Kling
import Pricing

extension ConsoleRoutes {
    /// A tenant's rate card (docs/money.md): set the multiplier, add or replace an override row, remove
    /// one, reset to the list prices. Each form makes the whole card the admin API's PUT would take, reads
    /// it through the PUT's own rules (`AdminRoutes.priceAdjustment`) and stores it with the same store.
    func registerPricing(on console: RouterGroup<ConsoleContext>) {
        console.post("tenants/{id}/pricing/multiplier") { _, context -> Response in
            try await storeCard(context) { body in
                body["multiplier"] = .string(context.form.value("multiplier") ?? "")
            }
        }

        console.post("tenants/{id}/pricing/rows") { _, context -> Response in
            let form = context.form
            return try await storeCard(context) { body in
                let (list, row) = try Self.overrideRow(form)
                var rows = body[list]?.arrayValue ?? []
                rows.removeAll { Self.sameCombination($0, row) }
                rows.append(row)
                body[list] = .array(rows)
            }
        }

        console.post("tenants/{id}/pricing/rows/remove") { _, context -> Response in
            let form = context.form
            return try await storeCard(context) { body in
                let (list, row) = try Self.overrideRow(form, needsPrice: false)
                body[list] = .array((body[list]?.arrayValue ?? []).filter { !Self.sameCombination($0, row) })
            }
        }

        console.post("tenants/{id}/pricing/reset") { _, context -> Response in
            try await storeCard(context) { body in body = [:] }  // DELETE's card: multiplier "1", no rows
        }
    }

    /// The tenant's current card as a PUT body, changed by `change`, read by the PUT's rules and stored
    /// as the next version (audited by the store); then back to the tenant's page.
    func storeCard(_ context: ConsoleContext, _ change: (inout [String: JSONValue]) throws -> Void) async throws -> Response {
        let caller = try context.principal()
        let tenantID = try Self.id(context)
        let cards = RateCardStore(pool: pool)
        guard let card = try await cards.current(tenantID: tenantID) else { throw ConsoleFailure.notFound("tenant") }
        var body = try Self.cardBody(card)
        try change(&body)
        let adjustment = try AdminRoutes.priceAdjustment(AdminBody(fields: body))
        guard try await cards.put(tenantID: tenantID, adjustment, actor: caller.actor) != nil else { throw ConsoleFailure.notFound("tenant") }
        return ConsolePages.redirect("/console/tenants/\(tenantID.uuidString.lowercased())#pricing")
    }

    /// The card as a PUT body: `{"multiplier","video","image"}`, in the API's own JSON shape.
    static func cardBody(_ card: RateCard) throws -> [String: JSONValue] {
        // the rows' own Codable keys, which the PUT's decoder reads back
        let video = try JSONValue.decode(JSONEncoder().encode(card.adjustment.video))
        let image = try JSONValue.decode(JSONEncoder().encode(card.adjustment.image))
        return ["multiplier": .string(card.adjustment.multiplier), "video": video, "image": image]
    }

    /// One price-book row from the form (`kind` video or image); numbers stay strings when they are not
    /// numbers, so the row rules name the field.
    static func overrideRow(_ form: ConsoleForm, needsPrice: Bool = true) throws -> (list: String, row: JSONValue) {
        func number(_ name: String) -> JSONValue? {
            guard let text = form.value(name) else { return needsPrice ? .string("") : nil }
            return Int64(text).map(JSONValue.int) ?? .string(text)
        }
        var row: [String: JSONValue] = ["model": .string(form.value("model") ?? "")]
        switch form.value("kind") {
        case "video":
            row["mode"] = .string(form.value("mode") ?? "")
            row["sound"] = .string(form.value("sound") ?? "")
            if needsPrice { row["micros_per_second"] = number("micros") }
            return ("video", .object(row))
        case "image":
            row["resolution"] = .string(form.value("resolution") ?? "")
            if needsPrice { row["micros_per_image"] = number("micros") }
            return ("image", .object(row))
        default:
            throw AdminAPIError.badRequest("kind: must be video or image")
        }
    }

    /// Whether two rows price the same combination (model and mode and sound, or model and resolution).
    static func sameCombination(_ a: JSONValue, _ b: JSONValue) -> Bool {
        ["model", "mode", "sound", "resolution"].allSatisfy { a[$0] == b[$0] }
    }

    /// The tenant page's rate card: version, multiplier, override rows, and the unit price the tenant
    /// pays for each book row now (the card applied to the book, as tasks are priced).
    func pricingValues(_ tenantID: UUID) async throws -> [String: Any] {
        let card = try await RateCardStore(pool: pool).current(tenantID: tenantID) ?? .none(tenantID)
        let book = try await prices.current().book
        let effective = (try? card.adjustment.applied(to: book)) ?? book
        func money(_ micros: Int64) -> String { MoneyText.text(micros, book.currency) }
        return [
            "card_version": "\(card.version)", "card_multiplier": card.adjustment.multiplier,
            "card_created_at": Self.time(card.createdAt),
            "card_video": card.adjustment.video.map {
                ["model": $0.model, "mode": $0.mode, "sound": $0.sound, "price": money($0.microsPerSecond)]
            },
            "card_image": card.adjustment.image.map { ["model": $0.model, "resolution": $0.resolution, "price": money($0.microsPerImage)] },
            "effective_video": effective.video.map { own in
                let list = book.video.first { $0.model == own.model && $0.mode == own.mode && $0.sound == own.sound }
                return ["model": own.model, "mode": own.mode, "sound": own.sound, "list": list.map { money($0.microsPerSecond) } ?? "–",
                        "own": money(own.microsPerSecond)]
            },
            "effective_image": effective.image.map { own in
                let list = book.image.first { $0.model == own.model && $0.resolution == own.resolution }
                return ["model": own.model, "resolution": own.resolution, "list": list.map { money($0.microsPerImage) } ?? "–",
                        "own": money(own.microsPerImage)]
            },
        ]
    }
}
