-- County to township (issue 22): 督办 and 交办 items written by the county (owner_code = the
-- county; the township holds them read-only, received in a downward package), and the 回执
-- the county sends down (which upward packages of the township it has imported).
-- local_case_id: the township's case the item is about (for a 交办, the case the township
-- registered when the item arrived; NULL at the county until the township's reply says it).
CREATE TABLE supervision (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    kind VARCHAR(12) NOT NULL, 
    target_code VARCHAR(12) NOT NULL, 
    case_id VARCHAR(32), 
    county_ref VARCHAR(64), 
    instruction TEXT NOT NULL, 
    due_on DATE NOT NULL, 
    leader VARCHAR(40), 
    issued_on DATE NOT NULL, 
    assign_json TEXT, 
    local_case_id VARCHAR(32), 
    PRIMARY KEY (id)
);
CREATE INDEX ix_supervision_target ON supervision (target_code, deleted);
CREATE INDEX ix_supervision_case ON supervision (local_case_id);
CREATE TABLE sync_receipt (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    target_code VARCHAR(12) NOT NULL, 
    package_hash VARCHAR(64) NOT NULL, 
    week VARCHAR(16) NOT NULL, 
    imported_at DATETIME NOT NULL, 
    PRIMARY KEY (id)
);
-- The township's answers (签收 ACK, 办理情况 PROGRESS, 办结报告 DONE) to a 督办/交办 item
-- (item_id = supervision.id): written by the township, synced upward (payload version 2).
CREATE TABLE supervision_reply (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    item_id VARCHAR(32) NOT NULL, 
    kind VARCHAR(12) NOT NULL, 
    on_date DATE NOT NULL, 
    note TEXT, 
    case_id VARCHAR(32), 
    PRIMARY KEY (id)
);
CREATE INDEX ix_supervision_reply_item ON supervision_reply (item_id, kind);
