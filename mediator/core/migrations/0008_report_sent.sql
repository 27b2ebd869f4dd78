-- What was sent stays known (issue 19). Each report of figures written out (a file, the TUI's
-- export, standard output) records its period, its figures and each case's share of them, and
-- when. Running the same report again can then tell whether the figures have changed since
-- they were sent and which cases changed them, and the report sent again is marked 更正.
-- Local to this database: never part of a sync package.
CREATE TABLE report_sent (
    id INTEGER NOT NULL PRIMARY KEY,
    kind VARCHAR NOT NULL,
    period_label VARCHAR NOT NULL,
    offices VARCHAR NOT NULL,
    digest VARCHAR NOT NULL,
    figures VARCHAR NOT NULL,
    cases VARCHAR NOT NULL,
    sent_at VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    path VARCHAR,
    operator VARCHAR,
    correction INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_report_sent_period ON report_sent (kind, period_label, offices, id);
