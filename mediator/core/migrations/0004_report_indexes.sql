-- Indexes for the statistics of mediator.reports.stats (weekly/monthly reports, dashboard).
-- Cases open at a period's end (在调, 逾期, 在办疑难) are counted from ix_case_stock alone,
-- without reading the case rows: the 同比 period a year back spans a year of cases.
CREATE INDEX ix_case_stock ON dispute_case
    (concluded_on, accepted_on, deadline_on, deleted, owner_code, is_hard, registered_on, outcome);
-- The 12-week trend counts registrations per week from the index alone.
CREATE INDEX ix_case_reg_stats ON dispute_case (registered_on, deleted, owner_code);
-- 司法确认 applied / decided in a period, follow-ups due in a period.
CREATE INDEX ix_agreement_judicial_applied ON agreement (judicial_applied_on);
CREATE INDEX ix_agreement_judicial_decided ON agreement (judicial_decided_on);
CREATE INDEX ix_follow_due_on ON follow_up (due_on);
