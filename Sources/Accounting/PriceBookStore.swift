import Foundation
import Postgres
import Pricing

/// Price-book versions. A version never changes once written, so parsed books are kept by version.
public struct PriceBookStore: Sendable {
    public let pool: PostgresPool
    private let cache = PriceBookCache()

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func current() async throws -> (version: Int, book: PriceBook) {
        guard let row = try await pool.queryFirst("SELECT version FROM price_books ORDER BY version DESC LIMIT 1") else {
            throw PostgresError(.usage, message: "no price book: run the migrations")
        }
        let version = try row.decode(Int.self, "version")
        guard let book = try await book(version: version) else {
            throw PostgresError(.usage, message: "price book \(version) vanished")
        }
        return (version, book)
    }

    public func book(version: Int) async throws -> PriceBook? {
        if let cached = await cache.book(version) { return cached }
        guard let row = try await pool.queryFirst("SELECT book FROM price_books WHERE version = \(version)") else { return nil }
        let book = try row.decode(PostgresJSON.self, "book").decode(PriceBook.self)
        await cache.store(book, version)
        return book
    }
}

actor PriceBookCache {
    private var books: [Int: PriceBook] = [:]
    func book(_ version: Int) -> PriceBook? { books[version] }
    func store(_ book: PriceBook, _ version: Int) { books[version] = book }
}
