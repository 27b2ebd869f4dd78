-- Upward sync (mediator.sync, docs/sync-format.md): trusted public keys of other offices,
-- the log of merged packages, and conflicts found while merging. None of these travel.
CREATE TABLE trusted_key (
    fingerprint VARCHAR(32) NOT NULL, 
    office_code VARCHAR(12) NOT NULL, 
    office_name VARCHAR NOT NULL, 
    sign_key VARCHAR NOT NULL, 
    enc_key VARCHAR NOT NULL, 
    added_at DATETIME NOT NULL, 
    added_by VARCHAR NOT NULL, 
    revoked_at DATETIME, 
    PRIMARY KEY (fingerprint)
);
CREATE INDEX ix_trusted_key_office ON trusted_key (office_code);
CREATE TABLE import_log (
    id VARCHAR(32) NOT NULL, 
    package_hash VARCHAR(64) NOT NULL, 
    file_name VARCHAR NOT NULL, 
    sender_code VARCHAR(12) NOT NULL, 
    sender_name VARCHAR NOT NULL, 
    sender_fingerprint VARCHAR(32) NOT NULL, 
    package_created_at VARCHAR NOT NULL, 
    week VARCHAR NOT NULL, 
    imported_at DATETIME NOT NULL, 
    imported_by VARCHAR NOT NULL, 
    format_version INTEGER NOT NULL, 
    schema_version INTEGER NOT NULL, 
    new_rows INTEGER NOT NULL, 
    updated_rows INTEGER NOT NULL, 
    unchanged_rows INTEGER NOT NULL, 
    older_rows INTEGER NOT NULL, 
    conflict_rows INTEGER NOT NULL, 
    rejected_rows INTEGER NOT NULL, 
    details VARCHAR NOT NULL, 
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ux_import_log_hash ON import_log (package_hash);
CREATE INDEX ix_import_log_at ON import_log (imported_at);
CREATE TABLE sync_conflict (
    id VARCHAR(32) NOT NULL, 
    kind VARCHAR(16) NOT NULL, 
    table_name VARCHAR(32) NOT NULL, 
    row_id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    held_json VARCHAR NOT NULL, 
    other_json VARCHAR NOT NULL, 
    other_hash VARCHAR(64) NOT NULL, 
    package_hash VARCHAR(64) NOT NULL, 
    detected_at DATETIME NOT NULL, 
    resolved_at DATETIME, 
    resolved_by VARCHAR, 
    PRIMARY KEY (id)
);
-- the same fork seen in several packages is stored once
CREATE UNIQUE INDEX ux_sync_conflict ON sync_conflict (table_name, row_id, revision, other_hash);
CREATE INDEX ix_sync_conflict_open ON sync_conflict (resolved_at, detected_at);
-- Case numbers are unique among this office's own cases only. A township that restores an old
-- backup can give a number again to a different case; the county must still take both (and
-- list the clash as a conflict) rather than fail every later package of that township.
DROP INDEX ux_case_number;
CREATE UNIQUE INDEX ux_case_number ON dispute_case (owner_code, year, seq) WHERE origin IS NULL;
CREATE INDEX ix_case_number ON dispute_case (owner_code, year, seq);
