-- The margin report's rollup (docs/money.md, "Reports"): revenue and cost per UTC day of ended_at,
-- tenant, channel and model, exactly the groups the margin report makes. A task's cost and channel are
-- written by several statements of its settlement (the end, then the cost; a late charge moves the end,
-- a late success no one is charged for still sets the cost), so a trigger on the task row keeps it: each
-- change of a figure it sums takes the old row out and puts the new one in, in the same transaction, and
-- no path can forget it. Money decisions never read it; reconcile compares it with the tasks.
CREATE TABLE margin_daily (
    day            date NOT NULL,
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    channel_id     text,              -- NULL: tasks that never reached an upstream
    model          text NOT NULL,
    tasks          bigint NOT NULL DEFAULT 0,
    revenue_micros bigint NOT NULL DEFAULT 0,   -- charged_micros + late_charged_micros
    cost_micros    bigint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX margin_daily_group ON margin_daily (day, tenant_id, channel_id, model) NULLS NOT DISTINCT;
CREATE INDEX margin_daily_tenant ON margin_daily (tenant_id, day);

-- The backfill: one grouped pass over the ended tasks (about 30 s at 10 M).
INSERT INTO margin_daily (day, tenant_id, channel_id, model, tasks, revenue_micros, cost_micros)
SELECT (ended_at AT TIME ZONE 'UTC')::date, tenant_id, channel_id, model, count(*),
       sum(charged_micros + late_charged_micros), COALESCE(sum(cost_micros), 0)
FROM tasks WHERE ended_at IS NOT NULL
GROUP BY 1, 2, 3, 4;

CREATE FUNCTION margin_daily_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO margin_daily AS m (day, tenant_id, channel_id, model, tasks, revenue_micros, cost_micros)
    SELECT (v.ended_at AT TIME ZONE 'UTC')::date, v.tenant_id, v.channel_id, v.model, sum(v.tasks), sum(v.revenue), sum(v.cost)
    FROM (SELECT OLD.ended_at, OLD.tenant_id, OLD.channel_id, OLD.model, -1::bigint,
                 -(OLD.charged_micros + OLD.late_charged_micros), -COALESCE(OLD.cost_micros, 0)
          WHERE TG_OP IN ('UPDATE', 'DELETE') AND OLD.ended_at IS NOT NULL
          UNION ALL
          SELECT NEW.ended_at, NEW.tenant_id, NEW.channel_id, NEW.model, 1::bigint,
                 NEW.charged_micros + NEW.late_charged_micros, COALESCE(NEW.cost_micros, 0)
          WHERE TG_OP IN ('UPDATE', 'INSERT') AND NEW.ended_at IS NOT NULL
         ) AS v (ended_at, tenant_id, channel_id, model, tasks, revenue, cost)
    GROUP BY 1, 2, 3, 4
    ON CONFLICT (day, tenant_id, channel_id, model) DO UPDATE SET
        tasks = m.tasks + EXCLUDED.tasks, revenue_micros = m.revenue_micros + EXCLUDED.revenue_micros,
        cost_micros = m.cost_micros + EXCLUDED.cost_micros;
    RETURN NULL;
END $$;

-- Only changes of what it sums fire it: a poll, a lease or a status message never does.
CREATE TRIGGER tasks_margin_daily AFTER UPDATE OF ended_at, tenant_id, channel_id, model, charged_micros,
                                                   late_charged_micros, cost_micros ON tasks
    FOR EACH ROW
    WHEN ((OLD.ended_at, OLD.tenant_id, OLD.channel_id, OLD.model, OLD.charged_micros, OLD.late_charged_micros, OLD.cost_micros)
          IS DISTINCT FROM (NEW.ended_at, NEW.tenant_id, NEW.channel_id, NEW.model, NEW.charged_micros, NEW.late_charged_micros, NEW.cost_micros))
    EXECUTE FUNCTION margin_daily_follow();
CREATE TRIGGER tasks_margin_daily_insert AFTER INSERT ON tasks
    FOR EACH ROW WHEN (NEW.ended_at IS NOT NULL) EXECUTE FUNCTION margin_daily_follow();
CREATE TRIGGER tasks_margin_daily_delete AFTER DELETE ON tasks
    FOR EACH ROW WHEN (OLD.ended_at IS NOT NULL) EXECUTE FUNCTION margin_daily_follow();
