-- A party's consent to mediation, or its refusal, recorded before 受理 (人民调解法 §17; issue
-- 25): a case with a party that refused cannot be accepted. Nothing to backfill: earlier
-- versions did not ask.
ALTER TABLE party ADD COLUMN consent_form VARCHAR(16);
ALTER TABLE party ADD COLUMN consent_on DATE;
