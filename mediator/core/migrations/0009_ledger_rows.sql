-- Ledger import identity (issue 16). A ledger row is known again by what does not change as a
-- case goes on: registration date, the set of party names and the dispute type; never by its
-- running number (renumbered, restarted on every sheet). ledger_row keeps, per imported case,
-- that identity, the ledger's own case number (shown in the case file, found by search), the
-- import that brought it, where it was (sheet, row) and a digest of each field as the ledger
-- said it then, so a later version of the ledger is reported field by field. Local to this
-- database, never synced (the county needs the cases, not how they were brought in).
CREATE TABLE ledger_import (
    id VARCHAR(32) NOT NULL,
    owner_code VARCHAR(12) NOT NULL,
    source VARCHAR NOT NULL,
    imported_at DATETIME NOT NULL,
    imported_by VARCHAR NOT NULL,
    cases INTEGER NOT NULL,
    undone_at DATETIME,
    undone_by VARCHAR,
    PRIMARY KEY (id)
);
CREATE TABLE ledger_row (
    case_id VARCHAR(32) NOT NULL,
    owner_code VARCHAR(12) NOT NULL,
    identity VARCHAR NOT NULL,
    ledger_no VARCHAR,
    import_id VARCHAR(32),
    sheet VARCHAR,
    row_no INTEGER,
    fields VARCHAR,
    PRIMARY KEY (case_id)
);
CREATE INDEX ix_ledger_row_identity ON ledger_row (owner_code, identity);
CREATE INDEX ix_ledger_row_ledger_no ON ledger_row (ledger_no);
-- Cases imported before: their identity from the case as stored (names without spaces, in
-- code point order, the type's code name), the ledger number from the old import key
-- (ledger:2025:7 -> 7, ledger:XS-2025-007 -> XS-2025-007). Field digests are unknown (NULL):
-- such a case matching a row again is "already imported", never "changed".
INSERT INTO ledger_row (case_id, owner_code, identity, ledger_no)
SELECT c.id, c.owner_code,
       c.registered_on || '|' || coalesce((
           SELECT group_concat(n, '、') FROM (
               SELECT DISTINCT replace(replace(p.name, ' ', ''), char(12288), '') AS n
               FROM party p WHERE p.case_id = c.id AND p.deleted = 0 ORDER BY n)), '')
       || '|' || c.dispute_type,
       CASE
           WHEN c.import_key GLOB 'ledger:[0-9][0-9][0-9][0-9]:*' THEN substr(c.import_key, 13)
           WHEN c.import_key LIKE 'ledger:%' THEN substr(c.import_key, 8)
       END
FROM dispute_case c
WHERE c.import_key IS NOT NULL AND c.import_key NOT LIKE 'demo:%' AND c.deleted = 0;
