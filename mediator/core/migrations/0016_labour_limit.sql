-- 劳动争议 have 15 days, not one month (劳动争议调解仲裁法 §14; issue 25, core.rules.TIME_LIMITS):
-- an open labour case that was never extended (its deadline is the one month of its
-- acceptance) gets the 15-day deadline from its acceptance,
-- and the list's nearest deadline follows when the mediation target was it or is now sooner.
-- The dated facts (0012) keep the one month for the days before this upgrade, so a period
-- already reported is counted as it was; from today the 15 days stand (a dated deadline
-- change, read like an extension's by core.overdue.DEADLINE_AT).
INSERT INTO case_fact (id, owner_code, revision, created_at, updated_at, deleted, origin, case_id, kind, spell, deadline_on, fact_on)
SELECT lower(hex(randomblob(16))), c.owner_code, 1, strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000', 0, NULL, c.id, 'EXTENSION', p.spell, date(c.accepted_on, '+15 days'), date('now')
FROM dispute_case c JOIN case_fact p ON p.case_id = c.id AND p.kind = 'SPELL' AND p.deleted = 0 AND p.concluded_on IS NULL
 AND p.spell = (SELECT max(q.spell) FROM case_fact q WHERE q.case_id = c.id AND q.kind = 'SPELL' AND q.deleted = 0)
WHERE c.dispute_type IN ('LABOUR', 'WAGE_ARREARS') AND c.state IN ('ACCEPTED', 'MEDIATING')
  AND c.accepted_on IS NOT NULL AND c.extension_count = 0 AND c.deleted = 0
  AND c.deadline_on IS NOT date(c.accepted_on, '+15 days');
UPDATE dispute_case SET deadline_on = date(accepted_on, '+15 days')
WHERE dispute_type IN ('LABOUR', 'WAGE_ARREARS') AND state IN ('ACCEPTED', 'MEDIATING')
  AND accepted_on IS NOT NULL AND extension_count = 0 AND deleted = 0;
UPDATE dispute_case SET next_due_on = deadline_on, next_due_kind = 'MEDIATION'
WHERE dispute_type IN ('LABOUR', 'WAGE_ARREARS') AND state IN ('ACCEPTED', 'MEDIATING')
  AND accepted_on IS NOT NULL AND extension_count = 0 AND deleted = 0
  AND deadline_on = date(accepted_on, '+15 days')
  AND (next_due_on IS NULL OR next_due_kind = 'MEDIATION' OR next_due_on > deadline_on);
