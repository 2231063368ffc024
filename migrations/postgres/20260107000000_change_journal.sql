-- The change journal: one row per write, appended in the write's own transaction, so a change
-- row never exists without its write and a write that rolls back leaves none. Append-only:
-- nothing updates or deletes a row. `before_json` and `after_json` hold the record as the API
-- renders it (NULL where it does not apply: no before for a create, no after for a delete). Rows written before this migration have no entries (the
-- journal starts here; inventing "created" entries would claim a who and a when nobody knows).
CREATE TABLE changes (
    id        BIGSERIAL PRIMARY KEY,
    -- Fixed-width RFC 3339 UTC with nanoseconds, like release_date: text order is time order.
    at        TEXT    NOT NULL,
    by_sub    TEXT    NOT NULL,
    by_name   TEXT,
    entity    TEXT    NOT NULL CHECK (entity IN ('actor', 'movie', 'casting')),
    -- The actor or movie; for a casting, the movie (and actor_id the actor).
    entity_id BIGINT NOT NULL,
    actor_id  BIGINT,
    action    TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete', 'cast', 'recast', 'uncast')),
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX changes_entity ON changes (entity, entity_id, id);
CREATE INDEX changes_actor ON changes (actor_id, id);
-- The feed filtered by who made the changes (`GET /changes?by=`), without a scan.
CREATE INDEX changes_by_sub ON changes (by_sub, id);
-- The feed filtered by kind of change (`GET /changes?action=`).
CREATE INDEX changes_action ON changes (action, id);
