import Accounting
import Hummingbird

extension AdminRoutes {
    /// `POST /admin/v1/tenants/{id}/credits`: a top-up (positive) or an adjustment (negative).
    /// 201 when written; a retry with the same idempotency key answers 200 with the first entry.
    func registerCredits(on admin: RouterGroup<AdminContext>) {
        let credits = CreditStore(pool: pool)

        admin.post("tenants/{id}/credits") { request, context -> Response in
            let caller = try context.caller()
            let tenantID = try AdminRequest.id(context, "tenant")
            let body = try await AdminBody.read(request, context: context)
            let amount = try body.field("amount_micros", .integer(-AdminLimits.maxMicros...AdminLimits.maxMicros)).required("amount_micros")
            guard amount != 0 else { throw AdminAPIError.invalid("amount_micros: must not be 0") }
            let reason = try body.field("reason", .text(1...500)).required("reason")
            let idempotencyKey = try body.field("idempotency_key", .text(1...200)).valueOrNil
            let outcome: (receipt: CreditReceipt, created: Bool)?
            do {
                outcome = try await credits.add(tenantID: tenantID, amountMicros: amount, reason: reason,
                                                idempotencyKey: idempotencyKey, actor: caller.actor)
            } catch CreditError.idempotencyKeyReused(let existing) {
                throw AdminAPIError.conflict("idempotency_key was already used for this tenant with amount_micros \(existing)")
            }
            guard let outcome else { throw AdminAPIError.notFound("tenant") }
            if outcome.created {
                context.logger.info("credit added", metadata: ["tenant_id": "\(tenantID.uuidString.lowercased())", "ledger_entry_id": "\(outcome.receipt.id)"])
            }
            return try JSONResponse.make(outcome.receipt, status: outcome.created ? .created : .ok)
        }
    }
}
