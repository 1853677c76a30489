import Foundation
import Postgres
import Testing

@Suite struct MigratorTests {
    @Test func migrationsRunConcurrentlyAndTwiceApplyOnce() async throws {
        let scratch = try await TestDatabase.createScratchDatabase()
        let migrator = try Migrator(directory: TestDatabase.migrationsDirectory)
        #expect(!migrator.migrations.isEmpty)
        do {
            // four instances starting together
            let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let pool = PostgresPool(url: scratch.url, maxConnections: 1)
                        defer { Task { await pool.close() } }
                        return try await migrator.migrate(pool)
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(applied.sorted() == migrator.migrations.map(\.name).sorted())
            // and once more later: nothing left to do
            let pool = PostgresPool(url: scratch.url, maxConnections: 1)
            #expect(try await migrator.migrate(pool).isEmpty)
            let rows = try await pool.query("SELECT count(*)::bigint AS n FROM schema_migrations")
            #expect(try rows[0].decode(Int64.self, "n") == Int64(migrator.migrations.count))
            await pool.close()
        } catch {
            await scratch.drop()
            throw error
        }
        await scratch.drop()
    }

    @Test func aFailingMigrationLeavesNothingHalfApplied() async throws {
        let scratch = try await TestDatabase.createScratchDatabase()
        let migrator = Migrator(migrations: [
            .init(version: 1, name: "001_ok.sql", sql: "CREATE TABLE first_table (id int)"),
            .init(version: 2, name: "002_bad.sql", sql: "CREATE TABLE second_table (id int); SELECT no_such_function();"),
        ])
        let pool = PostgresPool(url: scratch.url, maxConnections: 1)
        await #expect(throws: PostgresError.self) { try await migrator.migrate(pool) }
        let rows = try await pool.query("SELECT to_regclass('first_table') IS NOT NULL AS first, to_regclass('second_table') IS NOT NULL AS second")
        #expect(try rows[0].decode((Bool, Bool).self) == (true, false))
        let versions = try await pool.query("SELECT version FROM schema_migrations").map { try $0.decode(Int.self, "version") }
        #expect(versions == [1])
        await pool.close()
        await scratch.drop()
    }
}
