import Postgres

/// What a transaction decided: an answer it has, or one that comes back with its COMMIT (a row a
/// queued statement returns, read once the transaction committed).
enum Queued<Decided: Sendable>: Sendable {
    case done(Decided)
    case pending(PostgresAnswer)
}
