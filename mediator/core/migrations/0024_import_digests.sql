-- Issue 21: the per-table digests of the rows an imported package carried (its signed header's
-- "digests", JSON {table: sha256}). The next package from the same sender skips the tables
-- whose digest is the same (nothing in them changed). Rows logged before have none (NULL):
-- their sender's next package is merged in full, which records its digests.
ALTER TABLE import_log ADD COLUMN digests TEXT;
