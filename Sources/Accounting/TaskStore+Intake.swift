import Postgres

extension TaskStore {
    /// `reserve`, with the database's constraint violations mapped to refusals here, in Accounting:
    /// a tenant's `external_task_id` used twice at once (the unique index decides the race) is
    /// `duplicateExternalTaskID`, as the check before the insert would have said.
    public func reserveTask(_ request: ReservationRequest) async throws -> ReservationOutcome {
        do {
            return try await reserve(request)
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "tasks_tenant_external_id" {
            throw ReservationRefusal.duplicateExternalTaskID
        }
    }
}
