-- Fork detection after a restored backup (issue 17, docs/sync-format.md "Lineage"). Each
-- database has a lineage: an id, and the ids of the databases it was restored from with
-- the audit sequence number each was restored at, kept in the setting "sync.lineage" as JSON
-- [[root, fork_seq], ..., [own id, null]]. Every database gets its root here, so backups made
-- from now on carry it. A county remembers, per imported package, the sender's lineage, the
-- sender's audit sequence number at the export and its ancestry, to tell whether rows it holds
-- were written on a branch the township has since abandoned.
ALTER TABLE import_log ADD COLUMN lineage VARCHAR(32);
ALTER TABLE import_log ADD COLUMN lineage_seq INTEGER;
ALTER TABLE import_log ADD COLUMN ancestry VARCHAR;
-- The root is the start of the audit chain's first hash: a database and every copy of it
-- (a backup from before this migration, upgraded when it is restored) get the same root, so
-- a restored old backup is still seen as a branch of the database it came from. A database
-- with no audit entry yet (a new one) gets a random root.
INSERT OR IGNORE INTO setting ("key", value)
    VALUES ('sync.lineage', '[["' || coalesce(
        (SELECT lower(substr(hash, 1, 32)) FROM audit_log ORDER BY seq LIMIT 1),
        lower(hex(randomblob(16)))) || '",null]]');
