-- Actors, movies and the casting table between them (SQLite).
-- AUTOINCREMENT: an id, once deleted, is never handed out again (clients may still hold it).

CREATE TABLE actors (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    name   TEXT    NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
    age    INTEGER NOT NULL CHECK (age BETWEEN 0 AND 150),
    gender TEXT    NOT NULL CHECK (length(trim(gender)) BETWEEN 1 AND 50)
);

-- release_date is the full UTC instant as fixed-width RFC 3339 text with nanoseconds
-- (`2024-12-23T00:00:00.000000000Z`): exact, portable between SQLite and PostgreSQL, and its
-- text order is its time order, so it sorts and range-filters with a plain index.
CREATE TABLE movies (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        TEXT NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 200),
    release_date TEXT NOT NULL CHECK (
        release_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]Z'
    )
);

CREATE TABLE castings (
    movie_id  INTEGER NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    actor_id  INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    character TEXT,
    PRIMARY KEY (movie_id, actor_id)
);

-- The primary key serves "cast of a movie"; this serves "filmography of an actor".
CREATE INDEX castings_actor_id ON castings (actor_id);
