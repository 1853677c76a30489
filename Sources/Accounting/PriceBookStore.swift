import Foundation
import Postgres
import Pricing

/// One stored version of the price book. Encoded as the book's own fields plus `version`,
/// `created_at` and `created_by`.
public struct PriceBookVersion: Sendable, Encodable {
    public var version: Int
    public var book: PriceBook
    public var createdBy: String?
    public var createdAt: Date

    init(row: PostgresRow) throws {
        version = try row.decode(Int.self, "version")
        book = try row.decode(PostgresJSON.self, "book").decode(PriceBook.self)
        createdBy = try row.decode(String?.self, "created_by")
        createdAt = try row.decode(Date.self, "created_at")
    }

    enum CodingKeys: String, CodingKey {
        case version
        case createdBy = "created_by"
        case createdAt = "created_at"
    }

    public func encode(to encoder: Encoder) throws {
        try book.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

public enum PriceBookStoreError: Error, Sendable, Equatable {
    /// No version is stored: the migrations have not run.
    case noPriceBook
}

/// The price-book versions. A PUT adds version N+1; a task keeps the version it was priced with,
/// so old versions are never changed or removed.
public struct PriceBookStore: Sendable {
    public let pool: PostgresPool
    /// Versions never change once written, so a parsed version is kept for the life of the process:
    /// every create and every settlement reads one.
    private static let cache = PriceBookCache()

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The book in force now: the highest version.
    /// The book in force; `known` is its version when the caller read it already (`AuthenticatedKey`).
    public func current(known: Int? = nil) async throws -> (version: Int, book: PriceBook) {
        if let known, let book = try await version(known) { return (book.version, book.book) }
        let current = try await currentVersion()
        return (current.version, current.book)
    }

    /// The book a task was priced with; nil: no such version.
    public func book(version: Int) async throws -> PriceBook? {
        try await self.version(version)?.book
    }

    public func currentVersion() async throws -> PriceBookVersion {
        let row = try await pool.queryFirst("SELECT max(version) AS version FROM price_books")
        guard let latest = try row?.decode(Int?.self, "version"), let current = try await version(latest) else {
            throw PriceBookStoreError.noPriceBook
        }
        return current
    }

    public func version(_ version: Int) async throws -> PriceBookVersion? {
        if let cached = await Self.cache.version(version, database: pool.url) { return cached }
        guard let stored = try await pool.queryFirst("SELECT version, book, created_by, created_at FROM price_books WHERE version = \(version)")
            .map(PriceBookVersion.init(row:)) else { return nil }
        await Self.cache.store(stored, database: pool.url)
        return stored
    }

    /// Stores `book` (already validated by the caller) as the next version.
    public func put(_ book: PriceBook, actor: String) async throws -> PriceBookVersion {
        let json = try PostgresJSON(encoding: book)
        return try await pool.transaction { connection in
            // Two PUTs at once must get distinct versions: this lock queues writers of price_books while
            // readers (and the foreign-key checks of new tasks) go on.
            try await connection.execute("LOCK TABLE price_books IN SHARE ROW EXCLUSIVE MODE")
            let previous = try await connection.queryFirst(
                "SELECT version, book, created_by, created_at FROM price_books ORDER BY version DESC LIMIT 1"
            ).map(PriceBookVersion.init(row:))
            let row = try await connection.queryFirst("""
                INSERT INTO price_books (version, book, created_by)
                VALUES (\((previous?.version ?? 0) + 1), \(json), \(actor))
                RETURNING version, book, created_by, created_at
                """).expected("price book insert")
            let stored = try PriceBookVersion(row: row)
            try await AuditLog.record(actor: actor, action: "price_book.create", resourceType: "price_book",
                                      resourceID: String(stored.version), before: previous, after: stored, on: connection)
            return stored
        }
    }
}

/// Parsed price-book versions by database and number (they are immutable, so entries never go stale).
actor PriceBookCache {
    private var versions: [String: PriceBookVersion] = [:]
    func version(_ number: Int, database: String) -> PriceBookVersion? { versions["\(database)#\(number)"] }
    func store(_ version: PriceBookVersion, database: String) {
        if versions.count > 1000 { versions.removeAll() } // bounded; re-read on demand
        versions["\(database)#\(version.version)"] = version
    }
}
