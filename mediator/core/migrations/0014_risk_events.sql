-- 激化风险 as an event (issue 24): the signs, the measures, whom it was reported to (人民调解法
-- §25) and the outcome, on a case or on a screening item. 防止民转刑 / 防止群体性上访 / 防止自杀 /
-- 防止械斗 are claimed on such an event (prevented, prevented_persons) and counted from it.
-- New table only: the checkboxes already ticked on existing cases stay as they were.
CREATE TABLE risk_event (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    case_id VARCHAR(32), 
    item_id VARCHAR(32), 
    occurred_on DATE NOT NULL, 
    signs VARCHAR NOT NULL, 
    measures VARCHAR NOT NULL, 
    reported_to VARCHAR NOT NULL, 
    receiver VARCHAR, 
    reported_on DATE, 
    outcome VARCHAR NOT NULL, 
    prevented VARCHAR NOT NULL, 
    prevented_persons INTEGER NOT NULL, 
    operator VARCHAR, 
    PRIMARY KEY (id), 
    FOREIGN KEY(case_id) REFERENCES dispute_case (id), 
    FOREIGN KEY(item_id) REFERENCES screening_item (id)
);
CREATE INDEX ix_risk_event_case ON risk_event (case_id);
CREATE INDEX ix_risk_event_item ON risk_event (item_id);
CREATE INDEX ix_risk_event_on ON risk_event (owner_code, occurred_on);
