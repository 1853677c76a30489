import Accounting
import Foundation
import Hummingbird
import Kling
import Pricing

extension AdminRoutes {
    /// `GET/PUT /admin/v1/prices` (the current version; a PUT adds the next) and `GET /admin/v1/prices/{version}`.
    func registerPrices(on admin: RouterGroup<AdminContext>) {
        let prices = PriceBookStore(pool: pool)

        admin.get("prices") { _, _ -> Response in
            try JSONResponse.make(try await prices.currentVersion())
        }

        admin.get("prices/{version}") { _, context -> Response in
            guard let version = context.parameters.get("version", as: Int.self),
                  let stored = try await prices.version(version)
            else { throw AdminAPIError.notFound("price book version") }
            return try JSONResponse.make(stored)
        }

        admin.put("prices") { request, context -> Response in
            let caller = try context.caller()
            let body = try await AdminBody.read(request, context: context)
            let book: PriceBook
            do {
                book = try JSONDecoder().decode(PriceBook.self, from: JSONValue.object(body.fields).encodedData())
            } catch let error as DecodingError {
                throw AdminAPIError.badRequest("price book: \(DecodingErrorText.describe(error))")
            }
            let valid: PriceBook
            do {
                valid = try book.validated()
            } catch let error as PricingError {
                throw AdminAPIError.invalid(error.message)
            }
            if let field = Self.firstTextWithNUL(in: valid) {
                throw AdminAPIError.invalid("\(field): must not contain NUL")
            }
            let stored = try await prices.put(valid, actor: caller.actor)
            context.logger.info("price book stored", metadata: ["price_version": "\(stored.version)"])
            return try JSONResponse.make(stored, status: .created)
        }
    }

    /// PostgreSQL's jsonb cannot hold NUL: such a book is refused before it is stored.
    static func firstTextWithNUL(in book: PriceBook) -> String? {
        func hasNUL(_ text: String) -> Bool { text.unicodeScalars.contains("\u{0}") }
        if hasNUL(book.currency) { return "currency" }
        for (index, row) in book.video.enumerated() where hasNUL(row.model) || hasNUL(row.mode) || hasNUL(row.sound) {
            return "video[\(index)]"
        }
        for (index, row) in book.image.enumerated() where hasNUL(row.model) || hasNUL(row.resolution) {
            return "image[\(index)]"
        }
        return nil
    }
}
