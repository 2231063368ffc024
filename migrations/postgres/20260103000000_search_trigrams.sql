-- Substring search (`?q=`) is `lower(name) LIKE '%...%'`, which no B-tree can serve. Trigram
-- GIN indexes can, for needles of three characters or more (pg_trgm ships with PostgreSQL and
-- is a trusted extension: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX actors_name_trgm ON actors USING gin (lower(name) gin_trgm_ops);
CREATE INDEX movies_title_trgm ON movies USING gin (lower(title) gin_trgm_ops);
