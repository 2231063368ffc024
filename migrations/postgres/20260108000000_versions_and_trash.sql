-- Versions (lost-update protection) and the trash (undo of a delete); see the SQLite
-- migration of the same name for what each holds and why.
ALTER TABLE actors ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE movies ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);

CREATE TABLE trash (
    entity      TEXT   NOT NULL CHECK (entity IN ('actor', 'movie')),
    entity_id   BIGINT NOT NULL,
    deleted_at  TEXT   NOT NULL,
    by_sub      TEXT   NOT NULL,
    by_name     TEXT,
    record_json TEXT   NOT NULL,
    links_json  TEXT   NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
CREATE INDEX trash_deleted_at ON trash (deleted_at);

ALTER TABLE changes DROP CONSTRAINT changes_action_check;
ALTER TABLE changes ADD CONSTRAINT changes_action_check
    CHECK (action IN ('create', 'update', 'delete', 'restore', 'cast', 'recast', 'uncast'));

-- The feed of one kind (`GET /changes?entity=movie`, and a caller who may read only one kind),
-- newest first: walked in id order instead of sorting every change of that kind.
CREATE INDEX changes_entity_order ON changes (entity, id);
