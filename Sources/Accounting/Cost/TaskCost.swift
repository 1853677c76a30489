import Foundation
import Kling
import Postgres
import Pricing
import Synchronization

/// Records what a task cost the operator, inside the settlement transaction that ends it
/// (docs/channels.md, "Cost, margin and bills"). A success costs its settled usage at the channel's cost
/// book, whatever the tenant was charged (a free rate card, a late success that charged nothing);
/// failed, rejected and expired tasks cost 0, because the upstream reported no usage. A task that reached
/// the upstream without a recorded channel was made by the built-in `default` channel.
public enum TaskCost {
    /// Sets `cost_micros` (and a missing `channel_id`) of `taskID` from `outcome`, on the caller's open
    /// transaction, after the task row was updated. Returns the cost recorded.
    @discardableResult
    public static func record(taskID: UUID, outcome: TaskOutcome, on connection: PostgresConnection) async throws -> Int64 {
        var inputs: PostgresRow?
        if case .succeeded = outcome { inputs = try await connection.queryFirst(inputsQuery(taskID: taskID)) }
        return try await record(taskID: taskID, outcome: outcome, inputs: inputs, on: connection)
    }

    /// `record` with the answer of `inputsQuery` read earlier in the transaction, under the task's lock
    /// (settlement changes none of what it reads); the update goes with the transaction's next round trip.
    @discardableResult
    static func record(taskID: UUID, outcome: TaskOutcome, inputs: PostgresRow?, on connection: PostgresConnection) async throws -> Int64 {
        let cost = try cost(taskID: taskID, outcome: outcome, inputs: inputs)
        try await connection.later("""
            UPDATE tasks SET cost_micros = \(cost), \(unescaped: defaultChannelSQL)
            WHERE id = \(taskID)
            """)
        return cost
    }

    /// What `outcome` costs, from the answer of `inputsQuery`, for a caller that writes it in its own
    /// update of the task (an open task's settlement: one new row version instead of two).
    static func cost(taskID: UUID, outcome: TaskOutcome, inputs: PostgresRow?) throws -> Int64 {
        guard case .succeeded(let charge, let seconds, let images) = outcome else { return 0 }
        do {
            guard let inputs else { throw PostgresError(.usage, message: "no task \(taskID) to cost") }
            return try succeededCost(inputs, usage: SettledUsage(billableSeconds: seconds, images: images))
        } catch let error as PostgresError {
            throw error
        } catch {
            // Inputs that can no longer be priced must not stop the money from settling: the task then
            // costs what it charged (margin 0), the one figure settlement computed from its usage.
            return charge
        }
    }

    /// A task that reached the upstream without a recorded channel was made by `default`. Written as a
    /// SET item of an UPDATE of tasks whose `upstream_task_id` is already the task's final one.
    static let defaultChannelSQL: StaticString = "channel_id = COALESCE(channel_id, CASE WHEN upstream_task_id IS NOT NULL THEN 'default' END)"

    /// What a success's cost is computed from: the task's request, its list book and its channel's cost.
    static func inputsQuery(taskID: UUID) -> PostgresQuery {
        """
            SELECT t.endpoint, t.priced_request, t.request_body, b.book, c.cost_multiplier, c.cost
            FROM tasks t
            LEFT JOIN price_books b ON b.version = t.price_version
            LEFT JOIN channels c ON c.id = t.channel_id
            WHERE t.id = \(taskID)
            """
    }

    /// List books as parsed, by their stored text: a version never changes, and every success's settlement
    /// reads its task's. Bounded: emptied past 64 texts, then parsed again on demand.
    private static let listBooks = Mutex<[String: PriceBook]>([:])

    static func listBook(_ json: PostgresJSON) throws -> PriceBook {
        if let known = listBooks.withLock({ $0[json.text] }) { return known }
        let book = try json.decode(PriceBook.self)
        listBooks.withLock { books in
            if books.count >= 64 { books.removeAll() }
            books[json.text] = book
        }
        return book
    }

    static func succeededCost(_ row: PostgresRow, usage: SettledUsage) throws -> Int64 {
        let priced = try row.decode(PostgresJSON?.self, "priced_request").flatMap { try? $0.decode(PricedRequest.self) }
        let request = try priced?.request ?? legacyRequest(row)
        // The channel's book is checked when it is written; one that no longer reads must not stop the
        // money from settling, so it falls back like a missing list row below.
        let channel = try? ChannelCostBook.adjustment(multiplier: try row.decode(String?.self, "cost_multiplier"),
                                                      cost: try row.decode(PostgresJSON?.self, "cost"))
        if let channel, let list = try row.decode(PostgresJSON?.self, "book").map(Self.listBook),
           let cost = try? Pricing.cost(request, list: list, channel: channel, usage: usage) {
            return cost
        }
        // A combination the list book has no row for (priced for the tenant by a rate-card row alone):
        // it costs what its own stored terms price the usage at.
        guard let priced else { throw Unpriceable() }
        return try Pricing.settle(priced, actual: usage.actual).chargeMicros
    }

    struct Unpriceable: Error {}

    /// Tasks reserved before the priced request was kept: their stored upstream body prices them.
    private static func legacyRequest(_ row: PostgresRow) throws -> PriceRequest {
        let body = try JSONValue.decode(try row.decode(PostgresJSON.self, "request_body").data)
        guard case .object(let object) = body else { throw KlingError.malformed("stored body is not an object") }
        return try row.decode(OmniEndpoint.self, "endpoint") == .image
            ? try ImageRequest.parse(object: object).priceRequest
            : try VideoRequest.parse(object: object).priceRequest
    }
}
