-- Referral regimes (issue 25 point 3): which regime a handed-over case came under
-- (诉前委派, 诉中委托, 公安 110 移交, 交警, 信访部门, 12345 热线, 综治中心分流, 检调; the
-- enum ReferralKind) and its record: the referring body, its number, the referral date and the
-- result fed back to it (date, words). Nothing to backfill: a case registered before this
-- upgrade with source 法院委托 cannot tell a 诉前委派 from a 诉中委托, so its regime stays
-- unset (one month, as it was) until the officer marks it in 修改信息.
ALTER TABLE dispute_case ADD COLUMN referral_kind VARCHAR(24);
ALTER TABLE dispute_case ADD COLUMN referral_body VARCHAR;
ALTER TABLE dispute_case ADD COLUMN referral_no VARCHAR;
ALTER TABLE dispute_case ADD COLUMN referral_on DATE;
ALTER TABLE dispute_case ADD COLUMN referral_feedback_on DATE;
ALTER TABLE dispute_case ADD COLUMN referral_result VARCHAR;
