-- Sorting and paging lists stay fast at 100,000 rows: each sortable column, with id as the
-- tie-breaker the queries use. (Substring search scans; see the README.)
CREATE INDEX actors_name_id ON actors (name, id);
CREATE INDEX actors_age_id ON actors (age, id);
CREATE INDEX actors_gender_id ON actors (gender, id);
CREATE INDEX movies_title_id ON movies (title, id);
CREATE INDEX movies_release_date_id ON movies (release_date, id);
