-- 劳动争议 have 15 days, not one month (劳动争议调解仲裁法 §14; issue 25, core.rules.TIME_LIMITS):
-- an open labour case that was never extended (its deadline is the one month of its
-- acceptance) gets the 15-day deadline from its acceptance,
-- and the list's nearest deadline follows when the mediation target was it or is now sooner.
UPDATE dispute_case SET deadline_on = date(accepted_on, '+15 days')
WHERE dispute_type IN ('LABOUR', 'WAGE_ARREARS') AND state IN ('ACCEPTED', 'MEDIATING')
  AND accepted_on IS NOT NULL AND extension_count = 0 AND deleted = 0;
UPDATE dispute_case SET next_due_on = deadline_on, next_due_kind = 'MEDIATION'
WHERE dispute_type IN ('LABOUR', 'WAGE_ARREARS') AND state IN ('ACCEPTED', 'MEDIATING')
  AND accepted_on IS NOT NULL AND extension_count = 0 AND deleted = 0
  AND deadline_on = date(accepted_on, '+15 days')
  AND (next_due_on IS NULL OR next_due_kind = 'MEDIATION' OR next_due_on > deadline_on);
