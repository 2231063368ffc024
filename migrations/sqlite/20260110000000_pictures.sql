-- Headshots (actors) and posters (movies).
--
-- The record says which picture it has (`*_etag`, the content hash of the upload) and its
-- size, so lists render faces without reading a second table; `pictures` holds the encoded
-- renditions. They live in the database, not on disk, so a backup, a restore and several
-- instances sharing one database need nothing more (the cost: ~100-250 KB per picture in the
-- database; see docs/deployment.md).
--
-- A deleted record keeps its renditions while it is in the trash (a restore brings its
-- picture back); the purge removes them with it.
ALTER TABLE actors ADD COLUMN photo_etag TEXT;
ALTER TABLE actors ADD COLUMN photo_width INTEGER;
ALTER TABLE actors ADD COLUMN photo_height INTEGER;
ALTER TABLE movies ADD COLUMN poster_etag TEXT;
ALTER TABLE movies ADD COLUMN poster_width INTEGER;
ALTER TABLE movies ADD COLUMN poster_height INTEGER;

CREATE TABLE pictures (
    owner        TEXT    NOT NULL CHECK (owner IN ('actor', 'movie')),
    owner_id     INTEGER NOT NULL,
    size         TEXT    NOT NULL CHECK (size IN ('thumb', 'card', 'full')),
    etag         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    data         BLOB    NOT NULL,
    PRIMARY KEY (owner, owner_id, size)
);
