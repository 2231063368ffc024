-- How many journal entries there are per kind, action and author, kept by a trigger in the
-- transaction that appends the entry: the feed's `total` (`GET /changes`) reads a few of these
-- rows instead of counting a journal of millions (an exact COUNT(*) over 1,000,000 changes took
-- ~95 ms here). The journal is append-only, so the counts only go up.
-- `stripe` spreads one (entity, action, by_sub) over several rows: concurrent writers would
-- otherwise queue on one row lock until each other's commit. The backend's pid picks it, so
-- one connection always uses the same row and two pooled connections rarely share one.
CREATE TABLE change_counts (
    entity  TEXT     NOT NULL,
    action  TEXT     NOT NULL,
    by_sub  TEXT     NOT NULL,
    stripe  SMALLINT NOT NULL,
    n       BIGINT   NOT NULL CHECK (n >= 0),
    PRIMARY KEY (entity, action, by_sub, stripe)
);

INSERT INTO change_counts (entity, action, by_sub, stripe, n)
SELECT entity, action, by_sub, 0, COUNT(*) FROM changes GROUP BY entity, action, by_sub;

CREATE FUNCTION count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO change_counts (entity, action, by_sub, stripe, n)
    VALUES (NEW.entity, NEW.action, NEW.by_sub, pg_backend_pid() % 16, 1)
    ON CONFLICT (entity, action, by_sub, stripe) DO UPDATE SET n = change_counts.n + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER changes_counted AFTER INSERT ON changes
    FOR EACH ROW EXECUTE FUNCTION count_change();
