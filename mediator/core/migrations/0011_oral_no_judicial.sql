-- 司法确认 confirms written agreements only (人民调解法 §33; issue 18): a case whose agreement
-- in force is oral no longer has a 司法确认 window. The window was its only deadline when it
-- was the case's nearest (it is optional, never chosen over a binding one), so such a case
-- has no deadline left: the list stops showing 余N天 for it.
UPDATE dispute_case SET next_due_on = NULL, next_due_kind = NULL
WHERE next_due_kind = 'JUDICIAL'
  AND coalesce((SELECT a.form FROM agreement a WHERE a.case_id = dispute_case.id AND a.deleted = 0
                ORDER BY a.created_at DESC, a.id DESC LIMIT 1), '') <> 'WRITTEN';
