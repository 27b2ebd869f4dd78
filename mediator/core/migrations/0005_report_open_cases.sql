-- The cases not concluded yet (在调 and 待受理), with every column the report statistics and
-- the dashboard read from them, so the breakdowns by type, source, village and mediator of
-- "in mediation / overdue / open hard cases" never read the case rows. A partial index: it
-- holds only the open cases (thousands), not the whole table. Queries name it (INDEXED BY)
-- because SQLite's statistics for ix_case_concluded guess far too few rows for IS NULL.
CREATE INDEX ix_case_open ON dispute_case
    (dispute_type, source, village_code, mediator_id, accepted_on, deadline_on, registered_on,
     is_hard, deleted, owner_code, concluded_on)
    WHERE concluded_on IS NULL;
