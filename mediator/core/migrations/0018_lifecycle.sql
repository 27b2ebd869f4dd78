-- The lifecycle per the law (issue 25): 重新调解 keeps the first 受理日期 and stores its own
-- date and coded reason; 调解终止 has a coded reason. Cases ended as 调解不成 before get the
-- code their outcome says; a remediation done before this version overwrote its 受理日期,
-- which cannot be told apart now, so nothing is guessed for it.
ALTER TABLE dispute_case ADD COLUMN remediated_on DATE;
ALTER TABLE dispute_case ADD COLUMN remediate_reason VARCHAR(24);
ALTER TABLE dispute_case ADD COLUMN terminate_reason VARCHAR(24);
UPDATE dispute_case SET terminate_reason = 'FAILED' WHERE outcome = 'FAILED' AND deleted = 0;
