import Accounting
import Foundation
import Hummingbird
import Kling
import Pricing

extension AdminRoutes {
    /// `GET/PUT/DELETE /admin/v1/tenants/{id}/pricing`: the tenant's rate card (docs/money.md).
    /// PUT and DELETE add a version; DELETE is the list prices again (multiplier "1", no rows).
    func registerPricing(on admin: RouterGroup<AdminContext>) {
        let cards = RateCardStore(pool: pool)

        admin.get("tenants/{id}/pricing") { _, context -> Response in
            guard let card = try await cards.current(tenantID: try AdminRequest.id(context, "tenant")) else {
                throw AdminAPIError.notFound("tenant")
            }
            return try JSONResponse.make(card)
        }

        admin.put("tenants/{id}/pricing") { request, context -> Response in
            let caller = try context.caller()
            let tenantID = try AdminRequest.id(context, "tenant")
            let body = try await AdminBody.read(request, context: context)
            let adjustment = try Self.priceAdjustment(body)
            guard let card = try await cards.put(tenantID: tenantID, adjustment, actor: caller.actor) else {
                throw AdminAPIError.notFound("tenant")
            }
            context.logger.info("rate card stored", metadata: ["tenant_id": "\(tenantID.uuidString.lowercased())", "pricing_version": "\(card.version)"])
            return try JSONResponse.make(card)
        }

        admin.delete("tenants/{id}/pricing") { _, context -> Response in
            let caller = try context.caller()
            let tenantID = try AdminRequest.id(context, "tenant")
            guard let card = try await cards.put(tenantID: tenantID, .identity, actor: caller.actor) else {
                throw AdminAPIError.notFound("tenant")
            }
            return try JSONResponse.make(card)
        }
    }

    /// `{"multiplier"?, "video"?, "image"?}`: a multiplier that is not a decimal string > 0 with at most
    /// 7 decimals is 422, as is a row that breaks the price book's row rules.
    static func priceAdjustment(_ body: AdminBody) throws -> PriceAdjustment {
        var adjustment = PriceAdjustment()
        switch body.fields["multiplier"] {
        case nil, .null?: break
        case .string(let text)?: adjustment.multiplier = text
        case let other?: throw AdminAPIError.invalid("multiplier: must be a decimal string such as \"0.8\", got \(other.encodedString())")
        }
        do {
            if let rows = body.fields["video"], rows != .null {
                adjustment.video = try JSONDecoder().decode([VideoPrice].self, from: rows.encodedData())
            }
            if let rows = body.fields["image"], rows != .null {
                adjustment.image = try JSONDecoder().decode([ImagePrice].self, from: rows.encodedData())
            }
        } catch let error as DecodingError {
            throw AdminAPIError.badRequest("pricing: \(DecodingErrorText.describe(error))")
        }
        do {
            adjustment = try adjustment.validated()
        } catch {
            throw AdminAPIError.invalid(error.message)
        }
        let probe = PriceBook(currency: "USD", videoReferenceMultiplier: "1", video: adjustment.video, image: adjustment.image)
        if let field = firstTextWithNUL(in: probe) { throw AdminAPIError.invalid("\(field): must not contain NUL") }
        return adjustment
    }
}
