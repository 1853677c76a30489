import Foundation
import Postgres

/// The pooler's and the replica's URLs that `scripts/test.sh` exports, and empty databases to use them on.
enum ScaleOutDatabases {
    static func url(_ variable: String) -> String? {
        guard let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty else { return nil }
        return url
    }

    /// An empty database (no migrations); the name is made here, never from input.
    static func createEmpty() async throws -> String {
        let name = "omnimeter_scale_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
        let admin = PostgresPool(url: try Database.adminURL(), maxConnections: 1)
        do {
            try await admin.withConnection { try await $0.executeScript("CREATE DATABASE \(name)") }
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        return name
    }

    static var migrationsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("sql")
    }
}
