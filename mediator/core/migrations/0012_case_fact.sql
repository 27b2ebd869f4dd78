-- Dated facts (issue 19): what happened to a case and when, so that a past period's figures
-- computed again give the same numbers. The case's own columns say where it stands now
-- (重新调解 clears the conclusion and moves the acceptance, an extension moves the deadline);
-- case_fact keeps the history: one SPELL row per mediation (accepted_on, the one-month
-- deadline_on it started with, concluded_on, outcome; spell 0 = concluded without acceptance),
-- one EXTENSION row per extension (fact_on, the new deadline_on, the spell it extends), one
-- FOLLOW_UP_DROPPED row per 回访 tombstoned with its agreement (fact_on, ref_id = follow_up.id).
-- Synced upward like the case's other rows (payload version 2).
CREATE TABLE case_fact (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    case_id VARCHAR(32) NOT NULL, 
    kind VARCHAR(24) NOT NULL, 
    spell INTEGER NOT NULL DEFAULT 0, 
    accepted_on DATE, 
    deadline_on DATE, 
    concluded_on DATE, 
    outcome VARCHAR(16), 
    fact_on DATE, 
    ref_id VARCHAR(32), 
    PRIMARY KEY (id), 
    FOREIGN KEY(case_id) REFERENCES dispute_case (id)
);
CREATE INDEX ix_fact_case ON case_fact (case_id, kind, spell);
CREATE INDEX ix_fact_accepted ON case_fact (accepted_on) WHERE accepted_on IS NOT NULL;
-- covering for the trend's conclusions per span (read without the case rows)
CREATE INDEX ix_fact_concluded ON case_fact (concluded_on, outcome, deleted, owner_code)
    WHERE concluded_on IS NOT NULL;
-- the spells running now (the stock of a period ending today) and those that ended after a day
CREATE INDEX ix_fact_open ON case_fact (accepted_on) WHERE kind = 'SPELL' AND concluded_on IS NULL;
CREATE INDEX ix_fact_ref ON case_fact (ref_id) WHERE ref_id IS NOT NULL;
-- 在办疑难案件 reads the few hard cases, not every case
CREATE INDEX ix_case_hard ON dispute_case (registered_on) WHERE is_hard = 1;
-- The backfill: the facts of every case held, derived from its timeline (the state entries
-- 受理/重新调解 and the results, the 延期 entries) and, where the timeline says nothing, from
-- its columns (mediator.core.facts.derive_sql: the same statements the ledger import, the demo
-- and the import of a version-1 sync package run).
INSERT INTO case_fact (id, owner_code, revision, created_at, updated_at, deleted, origin, case_id, kind, spell, accepted_on, deadline_on, concluded_on, outcome) WITH steps AS (SELECT e.case_id, e.occurred_on, e.rowid AS rid, CASE WHEN (e.state_to = 'ACCEPTED' OR (e.state_to = 'MEDIATING' AND e.state_from IN ('UNPERFORMED', 'URGED'))) THEN 1 ELSE 0 END AS starts, CASE e.state_to WHEN 'REFUSED' THEN 'REFUSED' WHEN 'TERMINATED' THEN 'FAILED' WHEN 'TRANSFERRED' THEN 'TRANSFERRED' WHEN 'WITHDRAWN' THEN 'WITHDRAWN' WHEN 'AGREED' THEN 'AGREEMENT' END AS outcome FROM case_event e JOIN dispute_case c ON c.id = e.case_id WHERE e.kind = 'STATE' AND e.deleted = 0 AND (1 = 1) AND NOT EXISTS (SELECT 1 FROM case_fact x WHERE x.case_id = c.id)), numbered AS (SELECT *, sum(starts) OVER (PARTITION BY case_id ORDER BY occurred_on, rid ROWS UNBOUNDED PRECEDING) AS spell FROM steps WHERE starts = 1 OR outcome IS NOT NULL), ends AS (SELECT case_id, spell, occurred_on, outcome, row_number() OVER (PARTITION BY case_id, spell ORDER BY occurred_on, rid) AS rn FROM numbered WHERE outcome IS NOT NULL), starts AS (SELECT case_id, spell, occurred_on FROM numbered WHERE starts = 1), spells AS (SELECT case_id, spell FROM starts UNION SELECT case_id, spell FROM ends) SELECT lower(hex(randomblob(16))), c.owner_code, 1, strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', c.deleted, NULL, k.case_id, 'SPELL', k.spell, a.occurred_on, CASE WHEN a.occurred_on IS NOT NULL THEN min(date(a.occurred_on, '+1 month'), date(a.occurred_on, 'start of month', '+2 months', '-1 day')) END, e.occurred_on, e.outcome FROM spells k JOIN dispute_case c ON c.id = k.case_id LEFT JOIN starts a ON a.case_id = k.case_id AND a.spell = k.spell LEFT JOIN ends e ON e.case_id = k.case_id AND e.spell = k.spell AND e.rn = 1 ORDER BY k.case_id, k.spell;
INSERT INTO case_fact (id, owner_code, revision, created_at, updated_at, deleted, origin, case_id, kind, spell, accepted_on, deadline_on, concluded_on, outcome) SELECT lower(hex(randomblob(16))), c.owner_code, 1, strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', c.deleted, NULL, c.id, 'SPELL', CASE WHEN c.accepted_on IS NULL THEN 0 ELSE 1 END, c.accepted_on, CASE WHEN c.accepted_on IS NOT NULL THEN min(date(c.accepted_on, '+1 month'), date(c.accepted_on, 'start of month', '+2 months', '-1 day')) END, CASE WHEN c.outcome IS NOT NULL THEN c.concluded_on END, CASE WHEN c.concluded_on IS NOT NULL THEN c.outcome END FROM dispute_case c WHERE (1 = 1) AND (c.accepted_on IS NOT NULL OR (c.concluded_on IS NOT NULL AND c.outcome IS NOT NULL)) AND NOT EXISTS (SELECT 1 FROM case_fact x WHERE x.case_id = c.id);
INSERT INTO case_fact (id, owner_code, revision, created_at, updated_at, deleted, origin, case_id, kind, spell, deadline_on, fact_on) SELECT lower(hex(randomblob(16))), c.owner_code, 1, strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', c.deleted, NULL, c.id, 'EXTENSION', (SELECT count(*) FROM case_event e2 WHERE e2.case_id = c.id AND e2.kind = 'STATE' AND e2.deleted = 0 AND (e2.state_to = 'ACCEPTED' OR (e2.state_to = 'MEDIATING' AND e2.state_from IN ('UNPERFORMED', 'URGED'))) AND (e2.occurred_on < e.occurred_on OR (e2.occurred_on = e.occurred_on AND e2.rowid < e.rowid))), coalesce(CASE WHEN date(substr(e.summary, -10)) = substr(e.summary, -10) THEN substr(e.summary, -10) END, c.deadline_on), e.occurred_on FROM case_event e JOIN dispute_case c ON c.id = e.case_id WHERE e.kind = 'EXTENSION' AND e.deleted = 0 AND (1 = 1) AND NOT EXISTS (SELECT 1 FROM case_fact x WHERE x.case_id = c.id AND x.kind = 'EXTENSION') ORDER BY c.id, e.occurred_on, e.rowid;
INSERT INTO case_fact (id, owner_code, revision, created_at, updated_at, deleted, origin, case_id, kind, fact_on, ref_id) SELECT lower(hex(randomblob(16))), c.owner_code, 1, strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', c.deleted, NULL, c.id, 'FOLLOW_UP_DROPPED', date(f.updated_at), f.id FROM follow_up f JOIN dispute_case c ON c.id = f.case_id WHERE f.deleted = 1 AND f.done_on IS NULL AND c.deleted = 0 AND (1 = 1) AND NOT EXISTS (SELECT 1 FROM case_fact x WHERE x.ref_id = f.id);
INSERT INTO case_fact (id, owner_code, revision, created_at, updated_at, deleted, origin, case_id, kind, fact_on, ref_id) SELECT lower(hex(randomblob(16))), c.owner_code, 1, strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', c.deleted, NULL, c.id, 'PUT_IN_WRITING', e.occurred_on, (SELECT a.id FROM agreement a WHERE a.case_id = c.id AND a.deleted = 0 AND a.form = 'WRITTEN' ORDER BY a.created_at DESC, a.id DESC LIMIT 1) FROM case_event e JOIN dispute_case c ON c.id = e.case_id WHERE e.kind = 'NOTE' AND e.deleted = 0 AND e.summary IN ('口头协议补签为书面调解协议书', 'Oral agreement put in writing') AND (1 = 1) AND NOT EXISTS (SELECT 1 FROM case_fact x WHERE x.case_id = c.id AND x.kind = 'PUT_IN_WRITING');
