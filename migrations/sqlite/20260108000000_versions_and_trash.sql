-- Versions (lost-update protection) and the trash (undo of a delete).
--
-- `version` counts the changes of a record: 1 on create, +1 on every change (its fields, its
-- cast, a delete, a restore). Existing rows start at 1, as if just created: the journal has
-- no entry for them (see 20260107000000_change_journal.sql) and a version is only compared,
-- never interpreted.
ALTER TABLE actors ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE movies ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);

-- A deleted actor or movie, restorable until purged (TRASH_RETENTION_DAYS). The row itself is
-- gone from its table, so every list, count, lookup and casting treats it as gone without a
-- filter in any query. `record_json` is the record as the API renders it (with the version
-- the delete gave it); `links_json` the cast links the delete removed,
-- `[{"movie_id","actor_id","character"}]`.
CREATE TABLE trash (
    entity      TEXT    NOT NULL CHECK (entity IN ('actor', 'movie')),
    entity_id   INTEGER NOT NULL,
    -- Fixed-width RFC 3339 UTC with nanoseconds: text order is time order.
    deleted_at  TEXT    NOT NULL,
    by_sub      TEXT    NOT NULL,
    by_name     TEXT,
    record_json TEXT    NOT NULL,
    links_json  TEXT    NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
-- The purge and the Trash page (newest first).
CREATE INDEX trash_deleted_at ON trash (deleted_at);

-- The journal gains the `restore` action. SQLite cannot alter a CHECK constraint, so the
-- table is rebuilt (nothing references it; ids and AUTOINCREMENT's high-water mark are kept).
CREATE TABLE changes_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT    NOT NULL,
    by_sub    TEXT    NOT NULL,
    by_name   TEXT,
    entity    TEXT    NOT NULL CHECK (entity IN ('actor', 'movie', 'casting')),
    entity_id INTEGER NOT NULL,
    actor_id  INTEGER,
    action    TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore', 'cast', 'recast', 'uncast')),
    before_json TEXT,
    after_json  TEXT
);
INSERT INTO changes_new SELECT id, at, by_sub, by_name, entity, entity_id, actor_id, action, before_json, after_json FROM changes;
DROP TABLE changes;
ALTER TABLE changes_new RENAME TO changes;
CREATE INDEX changes_entity ON changes (entity, entity_id, id);
CREATE INDEX changes_actor ON changes (actor_id, id);
CREATE INDEX changes_by_sub ON changes (by_sub, id);
CREATE INDEX changes_action ON changes (action, id);

-- The feed of one kind (`GET /changes?entity=movie`, and a caller who may read only one kind),
-- newest first: walked in id order instead of sorting every change of that kind.
CREATE INDEX changes_entity_order ON changes (entity, id);
