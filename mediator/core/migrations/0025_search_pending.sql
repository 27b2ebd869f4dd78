-- Cases written in bulk (a ledger import) whose search index entries are not built yet
-- (issue 16): the import commits the cases, their audit and one row here per case; the
-- trigram, character-pair and name-term entries are built afterwards (search.index_pending:
-- the TUI's background worker after its first frame). Until then a search finds these cases
-- by a plain scan of their texts (queries._subqueries), so none is ever missing from a
-- result. Local to this file: not synced, not audited (derived from the case rows, like the
-- index itself). Nothing to fill on upgrade: every older file's cases are indexed.
CREATE TABLE search_pending (
    case_rowid INTEGER PRIMARY KEY
);
