import Accounting
import Postgres
import Prometheus

/// Gauges read from PostgreSQL when `/metrics` is scraped (`QueueGauges`, one query), so that every
/// instance reports the same shared truth (the work queue, the reservations) rather than its own share of it.
struct DatabaseGauges: Sendable {
    let pool: PostgresPool
    let registry: PrometheusCollectorRegistry

    /// Reads the database and sets the gauges. When it cannot be read, `omnimeter_database_up` is 0 and
    /// the other gauges keep their last values: a scrape never fails because the database did.
    func refresh() async {
        do {
            let read = try await QueueGauges.read(pool)
            for state in ["reserved", "submitted", "processing"] {
                gauge("open_tasks", "Open tasks (their money is reserved), by state.", ["state": state])
                    .set(to: Double(read.open[state] ?? 0))
            }
            for state in ["succeeded", "failed", "rejected", "expired"] {
                gauge("tasks_ended_last_hour", "Tasks that ended in the last hour, by end state.", ["state": state])
                    .set(to: Double(read.endedLastHour[state] ?? 0))
            }
            let open = read.open.values.reduce(Int64(0), +)
            gauge("open_reservations", "Reservations not yet charged or released (one per open task).").set(to: Double(open))
            gauge("open_reserved_micros", "Money held by open reservations, in micro-units.").set(to: Double(read.openReservedMicros))
            gauge("poll_lag_seconds", "How long the most overdue open task has waited to be looked at upstream.").set(to: read.pollLagSeconds)
            gauge("callback_outbox_backlog", "Tenant callbacks not yet delivered nor given up.").set(to: Double(read.outboxBacklog))
            gauge("callback_outbox_lag_seconds", "How long the most overdue tenant callback has waited.").set(to: read.outboxLagSeconds)
            gauge("delivery_backlog_age_seconds", "Age of the oldest delivery (callback or event) not yet delivered nor given up.")
                .set(to: read.outboxAgeSeconds)
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
