import Foundation
import Postgres

/// `grant.expired`, written in the transaction that expires the grant (docs/events.md).
enum GrantEvents {
    /// The grant as it is after expiry, and the balance alert the expiry may cause.
    static func expired(_ id: UUID, tenantID: UUID, on connection: PostgresConnection) async throws {
        guard let row = try await connection.queryFirst("SELECT \(unescaped: CreditGrant.columns) FROM credit_grants WHERE id = \(id)") else { return }
        try await EventOutbox.emit(.grantExpired, tenantID: tenantID, data: try EventOutbox.fields(try CreditGrant(row: row)), on: connection)
        try await AlertEvents.afterBalanceChange(tenantID: tenantID, on: connection)
    }
}
