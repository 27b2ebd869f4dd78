-- Fork detection after a restored backup (issue 17, docs/sync-format.md "Lineage"). Each
-- database has a lineage: a random id, and the ids of the databases it was restored from with
-- the audit sequence number each was restored at, kept in the setting "sync.lineage" as JSON
-- [[root, fork_seq], ..., [own id, null]]. Every database gets its root here, so backups made
-- from now on carry it. A county remembers, per imported package, the sender's lineage, the
-- sender's audit sequence number at the export and its ancestry, to tell whether rows it holds
-- were written on a branch the township has since abandoned.
ALTER TABLE import_log ADD COLUMN lineage VARCHAR(32);
ALTER TABLE import_log ADD COLUMN lineage_seq INTEGER;
ALTER TABLE import_log ADD COLUMN ancestry VARCHAR;
INSERT OR IGNORE INTO setting ("key", value)
    VALUES ('sync.lineage', '[["' || lower(hex(randomblob(16))) || '",null]]');
