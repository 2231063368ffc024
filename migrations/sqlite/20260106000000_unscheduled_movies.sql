-- no-transaction
-- A movie may have no release date yet (not scheduled: shown as "TBA", listed last). The
-- dina seed stored such movies, and its clients post them.
--
-- SQLite cannot drop a NOT NULL in place, so the table is rebuilt as its documentation says
-- (https://www.sqlite.org/lang_altertable.html#otheralter): with foreign keys off, because
-- dropping the old table would otherwise cascade to every casting; in one transaction, so a
-- failure leaves the old table as it was. Ids, the AUTOINCREMENT high-water mark (a deleted
-- movie's id is never handed out again), the indexes and the search index's triggers are kept.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE IF EXISTS movies_rebuilt;
CREATE TABLE movies_rebuilt (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        TEXT NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 200),
    release_date TEXT CHECK (
        release_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]Z'
    )
);
INSERT INTO movies_rebuilt (id, title, release_date) SELECT id, title, release_date FROM movies;
CREATE TEMP TABLE movies_high_water AS
    SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'movies'), 0) AS seq;
DROP TABLE movies;
ALTER TABLE movies_rebuilt RENAME TO movies;
DELETE FROM sqlite_sequence WHERE name = 'movies';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'movies', max((SELECT seq FROM temp.movies_high_water), COALESCE((SELECT max(id) FROM movies), 0));
DROP TABLE temp.movies_high_water;

CREATE INDEX movies_title_id ON movies (title, id);
CREATE INDEX movies_release_date_id ON movies (release_date, id);
CREATE TRIGGER movies_search_insert AFTER INSERT ON movies BEGIN
    INSERT INTO movies_search (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER movies_search_delete AFTER DELETE ON movies BEGIN
    INSERT INTO movies_search (movies_search, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER movies_search_update AFTER UPDATE OF title ON movies BEGIN
    INSERT INTO movies_search (movies_search, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO movies_search (rowid, title) VALUES (new.id, new.title);
END;
COMMIT;
PRAGMA foreign_keys = ON;
