-- 排查 as its own record (issue 24). A round (排查) is kept whether or not it found anything:
-- a 零报告 (nil_return = 1) means "screened, nothing found", which the township reports as
-- 排查次数 and 零报告 villages. Items are what a round found and what became of each one
-- (当场化解 / 预防 / 转立案 / 移交 / 持续关注); an item turned into a case names it (case_id)
-- and the case's timeline names the round. New tables only: nothing to backfill, every
-- existing database simply has no rounds yet.
CREATE TABLE screening_round (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    held_on DATE NOT NULL, 
    level VARCHAR(16) NOT NULL, 
    village_code VARCHAR(12), 
    unit VARCHAR, 
    screened_by VARCHAR NOT NULL, 
    focus VARCHAR NOT NULL, 
    sensitive BOOLEAN NOT NULL, 
    nil_return BOOLEAN NOT NULL, 
    note VARCHAR NOT NULL, 
    PRIMARY KEY (id)
);
CREATE INDEX ix_screening_round_held ON screening_round (owner_code, held_on);
CREATE INDEX ix_screening_round_village ON screening_round (village_code, held_on);
CREATE TABLE screening_item (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    round_id VARCHAR(32) NOT NULL, 
    found_on DATE NOT NULL, 
    dispute_type VARCHAR(24) NOT NULL, 
    village_code VARCHAR(12), 
    risk_grade VARCHAR(16) NOT NULL, 
    summary VARCHAR NOT NULL, 
    people VARCHAR NOT NULL, 
    persons_involved INTEGER NOT NULL, 
    responsible_person VARCHAR, 
    stabilising_measures VARCHAR, 
    resolve_by DATE, 
    disposition VARCHAR(16), 
    disposed_on DATE, 
    disposition_note VARCHAR NOT NULL, 
    case_id VARCHAR(32), 
    PRIMARY KEY (id), 
    FOREIGN KEY(round_id) REFERENCES screening_round (id)
);
CREATE INDEX ix_screening_item_round ON screening_item (round_id);
CREATE INDEX ix_screening_item_case ON screening_item (case_id);
CREATE INDEX ix_screening_item_found ON screening_item (owner_code, found_on);
