-- 信访 matters (issue 25): a petition record of its own, linked to its case, with the clocks
-- of the 信访工作条例 (core/petition.py). Every petition case of this office gets its record
-- from what the case held: received date and channel, the mediation's acceptance as the
-- petition's (the clock the earlier version ran), 30 days more where it was extended, and
-- closed (close_reason LEGACY) when the case had concluded, as the earlier version's clock
-- stopped there. The record takes the case's id, so it is found again whatever happens.
CREATE TABLE petition (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    case_id VARCHAR(32) NOT NULL, 
    petition_no VARCHAR, 
    from_body VARCHAR, 
    assigned BOOLEAN NOT NULL, 
    channel VARCHAR(16), 
    received_on DATE NOT NULL, 
    first_handler VARCHAR, 
    notice_on DATE, 
    not_accepted BOOLEAN NOT NULL, 
    objection_on DATE, 
    objection_reason VARCHAR, 
    accepted_on DATE, 
    extension_days INTEGER NOT NULL, 
    extended_on DATE, 
    extension_approver VARCHAR, 
    extension_reason VARCHAR, 
    extension_told_on DATE, 
    reply_on DATE, 
    reply_content VARCHAR, 
    feedback_on DATE, 
    feedback_note VARCHAR, 
    evaluation VARCHAR(16), 
    review_requested_on DATE, 
    review_decided_on DATE, 
    review_result VARCHAR, 
    rereview_requested_on DATE, 
    rereview_decided_on DATE, 
    rereview_result VARCHAR, 
    first_visit BOOLEAN NOT NULL, 
    repeat_visit BOOLEAN NOT NULL, 
    over_level VARCHAR(16), 
    collective BOOLEAN NOT NULL, 
    persons INTEGER NOT NULL, 
    representatives INTEGER NOT NULL, 
    closed_on DATE, 
    close_reason VARCHAR(16), 
    PRIMARY KEY (id), 
    FOREIGN KEY(case_id) REFERENCES dispute_case (id)
);
CREATE INDEX ix_petition_case ON petition (case_id);
INSERT INTO petition (id, owner_code, revision, created_at, updated_at, deleted, origin, case_id,
                      channel, received_on, assigned, not_accepted, notice_on, accepted_on,
                      extension_days, first_visit, repeat_visit, collective, persons,
                      representatives, closed_on, close_reason)
SELECT c.id, c.owner_code, 1, datetime('now'), datetime('now'), 0, NULL, c.id,
       c.petition_channel, c.petition_received_on, 0, 0, c.accepted_on, c.accepted_on,
       CASE WHEN c.petition_extended THEN 30 ELSE 0 END, 0, 0, c.group_dispute, 0, 0,
       coalesce(c.concluded_on, c.archived_on),
       CASE WHEN coalesce(c.concluded_on, c.archived_on) IS NULL THEN NULL ELSE 'LEGACY' END
FROM dispute_case c
WHERE c.source = 'PETITION' AND c.petition_received_on IS NOT NULL AND c.deleted = 0
  AND c.owner_code = (SELECT value FROM setting WHERE key = 'office_code');
