-- The audit trail covers the data (issue 17). audit_row holds, for every row of the tables a
-- user edits (own rows only: rows taken from packages are covered by the import's entry and
-- the package hash), the digest of its content as mediator last wrote it. A write
-- transaction's last audit entry carries rows_digest, the sum of all those digests after the
-- transaction, inside its hash: a row changed, added or deleted behind mediator's back, or
-- audit_row itself edited, no longer adds up. Entries from before this migration keep NULL
-- (their hashes are unchanged); migrate() writes one "audit.baseline" entry for the rows an
-- upgraded database already holds.
ALTER TABLE audit_log ADD COLUMN rows_digest VARCHAR;
CREATE TABLE audit_row (
    table_name VARCHAR NOT NULL,
    row_id VARCHAR NOT NULL,
    digest VARCHAR NOT NULL,
    PRIMARY KEY (table_name, row_id)
) WITHOUT ROWID;
