-- 通报 (issue 22): the county's figures per township for a period, with ranks on the measures
-- the county chose. Written by the county (owner_code), one row per township it is sent to
-- (target_code); the township holds the rows it received read-only (downward package).
-- figures_json: every township's figures and ranks (a 通报 is read by all of them alike).
-- Re-issuing the same period to the same township is a new revision of the same row.
CREATE TABLE notice (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    target_code VARCHAR(12) NOT NULL, 
    period_label VARCHAR(40) NOT NULL, 
    period_start DATE NOT NULL, 
    period_end DATE NOT NULL, 
    issued_on DATE NOT NULL, 
    measures VARCHAR(200) NOT NULL, 
    figures_json TEXT NOT NULL, 
    PRIMARY KEY (id)
);
CREATE INDEX ix_notice_target ON notice (target_code, period_start);
