-- Changes made together by one action (an import, a bulk delete or restore, casting several
-- actors at once) share a `batch`: an opaque id the server draws at random. The history shows
-- them as one line, and an import or a bulk delete is undone as a whole from it. NULL for a
-- change made on its own, and for every change before this migration.
ALTER TABLE changes ADD COLUMN batch TEXT;
CREATE INDEX changes_batch ON changes (batch, id) WHERE batch IS NOT NULL;
