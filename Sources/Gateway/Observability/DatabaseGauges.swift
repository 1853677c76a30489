import Accounting
import Postgres
import Prometheus

/// Gauges read from PostgreSQL when `/metrics` is scraped, in one query, so that every instance
/// reports the same shared truth (the work queue, the reservations) rather than its own share of it.
/// Every part of the query reads a partial index (open tasks, recent ends, undelivered callbacks):
/// a scrape stays cheap with millions of ended tasks.
struct DatabaseGauges: Sendable {
    let pool: PostgresPool
    let registry: PrometheusCollectorRegistry

    static let query: PostgresQuery = """
        WITH open AS (
            SELECT count(*) FILTER (WHERE state = 'reserved') AS reserved,
                   count(*) FILTER (WHERE state = 'submitted') AS submitted,
                   count(*) FILTER (WHERE state = 'processing') AS processing,
                   coalesce(sum(reserved_micros), 0)::bigint AS reserved_micros,
                   coalesce(extract(epoch FROM now() - min(next_poll_at) FILTER (WHERE next_poll_at <= now())), 0)::float8 AS poll_lag
            FROM tasks WHERE state IN ('reserved', 'submitted', 'processing')
        ), ended AS (
            SELECT count(*) FILTER (WHERE state = 'succeeded') AS succeeded,
                   count(*) FILTER (WHERE state = 'failed') AS failed,
                   count(*) FILTER (WHERE state = 'rejected') AS rejected,
                   count(*) FILTER (WHERE state = 'expired') AS expired
            FROM tasks WHERE ended_at > now() - interval '1 hour'
        ), outbox AS (
            SELECT count(*) AS backlog,
                   coalesce(extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE next_attempt_at <= now())), 0)::float8 AS lag
            FROM callback_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL
        )
        SELECT open.reserved, open.submitted, open.processing, open.reserved_micros, open.poll_lag,
               ended.succeeded, ended.failed, ended.rejected, ended.expired,
               outbox.backlog AS outbox_backlog, outbox.lag AS outbox_lag
        FROM open, ended, outbox
        """

    /// Reads the database and sets the gauges. When it cannot be read, `omnimeter_database_up` is 0 and
    /// the other gauges keep their last values: a scrape never fails because the database did.
    func refresh() async {
        do {
            guard let row = try await pool.queryFirst(Self.query) else { return }
            for state in ["reserved", "submitted", "processing"] {
                gauge("open_tasks", "Open tasks (their money is reserved), by state.", ["state": state])
                    .set(to: Double(try row.decode(Int64.self, state)))
            }
            for state in ["succeeded", "failed", "rejected", "expired"] {
                gauge("tasks_ended_last_hour", "Tasks that ended in the last hour, by end state.", ["state": state])
                    .set(to: Double(try row.decode(Int64.self, state)))
            }
            let open = try ["reserved", "submitted", "processing"].reduce(Int64(0)) { $0 + (try row.decode(Int64.self, $1)) }
            gauge("open_reservations", "Reservations not yet charged or released (one per open task).").set(to: Double(open))
            gauge("open_reserved_micros", "Money held by open reservations, in micro-units.")
                .set(to: Double(try row.decode(Int64.self, "reserved_micros")))
            let pollLag: Double = try row.decode(Double.self, "poll_lag")
            gauge("poll_lag_seconds", "How long the most overdue open task has waited to be looked at upstream.").set(to: pollLag)
            gauge("callback_outbox_backlog", "Tenant callbacks not yet delivered nor given up.")
                .set(to: Double(try row.decode(Int64.self, "outbox_backlog")))
            let outboxLag: Double = try row.decode(Double.self, "outbox_lag")
            gauge("callback_outbox_lag_seconds", "How long the most overdue tenant callback has waited.").set(to: outboxLag)
            databaseUp.set(to: 1)
        } catch {
            databaseUp.set(to: 0)
        }
        let connections = await pool.statistics()
        gauge("db_pool_connections", "This instance's PostgreSQL connections.", ["state": "open"]).set(to: Double(connections.open))
        gauge("db_pool_connections", "This instance's PostgreSQL connections.", ["state": "idle"]).set(to: Double(connections.idle))
        gauge("db_pool_waiting", "Callers of this instance waiting for a PostgreSQL connection.").set(to: Double(connections.waiting))
    }

    var databaseUp: Gauge {
        gauge("database_up", "1 when the last scrape could read PostgreSQL, else 0.")
    }

    /// A gauge of this registry, `omnimeter_` + name (the registry returns the same gauge for the same name and labels).
    func gauge(_ name: String, _ help: String, _ labels: KeyValuePairs<String, String> = [:]) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "omnimeter", metricName: name, unitName: "", helpText: help),
                           labels: labels.map { ($0.key, $0.value) })
    }
}
