import Accounting
import Foundation
import Hummingbird
import NIOCore

extension AdminRoutes {
    /// Upstream bills (docs/channels.md, "Cost, margin and bills"): `POST /admin/v1/channels/{id}/bills`
    /// (a CSV body; admin only, audited) answers 201 with the import; `GET /admin/v1/channels/{id}/bills`
    /// lists a channel's imports; `GET /admin/v1/bills/{id}` is one with its lines. The channel is
    /// `default` or a channel row's id (404 otherwise).
    func registerBills(on admin: RouterGroup<AdminContext>) {
        let bills = BillStore(pool: pool)

        admin.post("channels/{id}/bills") { request, context -> Response in
            let caller = try context.caller()
            let channelID = context.parameters.get("id") ?? ""
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: context.maxUploadSize)
            } catch is NIOTooManyBytesError {
                throw AdminAPIError.tooLarge(context.maxUploadSize)
            }
            let imported: BillImport?
            do {
                imported = try await bills.importBill(channelID: channelID, body: Array(buffer.readableBytesView), actor: caller.actor)
            } catch let error as BillError {
                switch error {
                case .malformed(let message): throw AdminAPIError.badRequest(message)
                case .invalid(let message): throw AdminAPIError.invalid(message)
                }
            }
            guard let imported else { throw AdminAPIError.notFound("channel \(channelID)") }
            return try JSONResponse.make(imported, status: .created)
        }

        admin.get("channels/{id}/bills") { _, context -> Response in
            let channelID = context.parameters.get("id") ?? ""
            guard let list = try await bills.list(channelID: channelID) else {
                throw AdminAPIError.notFound("channel \(channelID)")
            }
            return try JSONResponse.make(Page(items: list, nextCursor: nil))
        }

        admin.get("bills/{id}") { _, context -> Response in
            guard let bill = try await bills.get(try AdminRequest.id(context, "bill")) else { throw AdminAPIError.notFound("bill") }
            return try JSONResponse.make(bill)
        }
    }
}
