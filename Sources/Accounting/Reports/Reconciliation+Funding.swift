import Postgres

/// The invariants of grants, funding holds and daily charges (docs/money.md).
extension Reconciliation {
    static let fundingChecks: [Check] = [
        // remaining + held + used + expired + voided = amount, and each part equals what moved it:
        // the holds on the grant (open and charged) and its grant, grant_expire and grant_void rows.
        Check(name: "grants_add_up", offenders: """
            SELECT format('grant %s: amount %s = remaining %s + held %s + used %s + expired %s + voided %s? holds open %s, charged %s; ledger grant %s, expired %s, voided %s',
                          g.id, g.amount_micros, g.remaining_micros, g.held_micros, g.used_micros, g.expired_micros, g.voided_micros,
                          COALESCE(h.open, 0), COALESCE(h.charged, 0), COALESCE(l.granted, 0), COALESCE(l.expired, 0), COALESCE(l.voided, 0)) AS example
            FROM credit_grants g
            LEFT JOIN (
                SELECT grant_id, sum(held_micros) FILTER (WHERE charged_micros IS NULL) AS open, sum(charged_micros) AS charged
                FROM funding_holds WHERE grant_id IS NOT NULL GROUP BY grant_id
            ) h ON h.grant_id = g.id
            LEFT JOIN (
                SELECT grant_id,
                       sum(amount_micros) FILTER (WHERE kind = 'grant') AS granted,
                       sum(amount_micros) FILTER (WHERE kind = 'grant_expire') AS expired,
                       sum(amount_micros) FILTER (WHERE kind = 'grant_void') AS voided
                FROM ledger_entries WHERE grant_id IS NOT NULL GROUP BY grant_id
            ) l ON l.grant_id = g.id
            WHERE g.remaining_micros + g.held_micros + g.used_micros + g.expired_micros + g.voided_micros <> g.amount_micros
               OR g.held_micros <> COALESCE(h.open, 0) OR g.used_micros <> COALESCE(h.charged, 0)
               OR g.amount_micros <> COALESCE(l.granted, 0) OR g.expired_micros <> COALESCE(l.expired, 0)
               OR g.voided_micros <> COALESCE(l.voided, 0)
               OR (g.voided_at IS NOT NULL AND g.remaining_micros <> 0) OR (g.expired_at IS NOT NULL AND g.remaining_micros <> 0)
            """),
        Check(name: "grants_fund_only_their_models", offenders: """
            SELECT format('task %s (%s) held %s on grant %s, which allows %s', h.task_id, h.model, h.held_micros, g.id, g.models::text) AS example
            FROM funding_holds h
            JOIN credit_grants g ON g.id = h.grant_id
            WHERE g.models IS NOT NULL AND NOT (g.models ? h.model)
            """),
        // each tenant's open holds are its open reservations; each task's holds are its reservation,
        // and once it ended, its charge and release
        Check(name: "holds_match_reservations", offenders: """
            SELECT format('tenant %s: open holds %s, reserved %s', t.id, COALESCE(h.open, 0), t.reserved_micros) AS example
            FROM tenants t
            LEFT JOIN (SELECT tenant_id, sum(held_micros) AS open FROM funding_holds WHERE charged_micros IS NULL GROUP BY tenant_id) h
                ON h.tenant_id = t.id
            WHERE COALESCE(h.open, 0) <> t.reserved_micros
            UNION ALL
            SELECT format('task %s (%s): reserved %s, charged %s, released %s; holds %s, charged %s, released %s, open %s',
                          t.id, t.state, t.reserved_micros, t.charged_micros, t.released_micros, h.held, h.charged, h.released, h.open)
            FROM tasks t
            JOIN (SELECT task_id, sum(held_micros) AS held, COALESCE(sum(charged_micros), 0) AS charged,
                         COALESCE(sum(released_micros), 0) AS released, count(*) FILTER (WHERE charged_micros IS NULL) AS open
                  FROM funding_holds GROUP BY task_id) h ON h.task_id = t.id
            WHERE h.held <> t.reserved_micros
               OR (t.state IN ('reserved', 'submitted', 'processing')) <> (h.open > 0)
               OR (t.ended_at IS NOT NULL AND (h.charged, h.released) <> (t.charged_micros, t.released_micros))
            """),
        Check(name: "tenant_grants_match_ledger", offenders: """
            SELECT format('tenant %s: cached granted %s, ledger %s', t.id, t.granted_micros, COALESCE(l.granted, 0)) AS example
            FROM tenants t
            LEFT JOIN (
                SELECT tenant_id, sum(CASE kind WHEN 'grant' THEN amount_micros ELSE -amount_micros END) AS granted
                FROM ledger_entries WHERE kind IN ('grant', 'grant_expire', 'grant_void') GROUP BY tenant_id
            ) l ON l.tenant_id = t.id
            WHERE t.granted_micros <> COALESCE(l.granted, 0)
            """),
        Check(name: "daily_charges_match_ledger", offenders: """
            WITH ledger AS (
                SELECT subject, sum(e.amount_micros) AS charged
                FROM ledger_entries e, LATERAL (VALUES (e.tenant_id), (e.key_id)) AS s (subject)
                WHERE e.kind IN ('charge', 'late_charge') AND subject IS NOT NULL
                GROUP BY 1
            ), daily AS (
                SELECT subject_id, sum(charged_micros) AS charged FROM daily_charges GROUP BY 1
            )
            SELECT format('subject %s: daily_charges %s, ledger %s', COALESCE(d.subject_id, l.subject), COALESCE(d.charged, 0),
                          COALESCE(l.charged, 0)) AS example
            FROM daily d FULL JOIN ledger l ON l.subject = d.subject_id
            WHERE COALESCE(d.charged, 0) <> COALESCE(l.charged, 0)
            """),
    ]
}
