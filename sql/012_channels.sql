-- Upstream channels and the cost side (docs/channels.md).
-- A channel is one of the operator's upstream accounts. Its id is text so that the built-in channel
-- made from OMNIMETER_UPSTREAM_URL/_KEY (used when no row here is enabled) can be named 'default'
-- on tasks and in bills; that channel is never a row.
CREATE TABLE channels (
    id              text PRIMARY KEY DEFAULT gen_random_uuid()::text CHECK (id <> 'default'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    base_url        text NOT NULL,
    -- secrets are write-only: never answered, never logged
    api_key         text,
    access_key      text,
    secret_key      text,
    priority        integer NOT NULL DEFAULT 10,
    weight          integer NOT NULL DEFAULT 1 CHECK (weight >= 0),
    models          jsonb,                          -- null: every model
    enabled         boolean NOT NULL DEFAULT true,
    -- the cost book: override rows ({"video":[rows],"image":[rows]}) over the list price times the multiplier
    cost_multiplier text NOT NULL DEFAULT '1',
    cost            jsonb,
    deleted_at      timestamptz,                    -- a deleted channel stays for the tasks that name it
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((access_key IS NULL) = (secret_key IS NULL)),
    CHECK (api_key IS NULL OR access_key IS NULL)
);
CREATE UNIQUE INDEX channels_name ON channels (name) WHERE deleted_at IS NULL;

-- The channel that created the task (set with upstream_task_id) and what the operator pays for it
-- (set at settlement; null until then).
ALTER TABLE tasks ADD COLUMN channel_id text;
ALTER TABLE tasks ADD COLUMN cost_micros bigint CHECK (cost_micros >= 0);
CREATE INDEX tasks_channel_upstream ON tasks (channel_id, upstream_task_id) WHERE upstream_task_id IS NOT NULL;
