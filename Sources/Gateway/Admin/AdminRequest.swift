import Foundation
import Hummingbird

/// Path ids and list parameters of admin requests.
enum AdminRequest {
    /// A path id that is not a UUID names nothing: 404, like an unknown id.
    static func id(_ context: AdminContext, _ what: String) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw AdminAPIError.notFound(what)
        }
        return id
    }

    static let defaultLimit = 50
    static let maxLimit = 200

    /// `limit` (1…200, default 50) and the raw `cursor` of a list.
    static func page(_ request: Request) throws -> (limit: Int, cursor: String?) {
        let query = request.uri.queryParameters
        var limit = defaultLimit
        if let text = query.get("limit") {
            guard let number = Int(text), (1...maxLimit).contains(number) else {
                throw AdminAPIError.badRequest("limit: must be a whole number from 1 to \(maxLimit)")
            }
            limit = number
        }
        let cursor = query.get("cursor").flatMap { $0.isEmpty ? nil : $0 }
        return (limit, cursor)
    }

    /// A list cursor that is an id; anything else was not made by us.
    static func uuidCursor(_ cursor: String?) throws -> UUID? {
        guard let cursor else { return nil }
        guard let id = UUID(uuidString: cursor) else { throw AdminAPIError.badRequest("cursor: not a cursor this list returned") }
        return id
    }
}
