-- Downward payload schema, version 1 (county -> township, issue 22; docs/sync-format.md).
-- Frozen once released. Application id "MDSD" (an upward payload is "MDSP").
CREATE TABLE supervision (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    kind VARCHAR(12) NOT NULL, 
    target_code VARCHAR(12) NOT NULL, 
    case_id VARCHAR(32), 
    county_ref VARCHAR(64), 
    instruction TEXT NOT NULL, 
    due_on DATE NOT NULL, 
    leader VARCHAR(40), 
    issued_on DATE NOT NULL, 
    assign_json TEXT, 
    PRIMARY KEY (id)
);
CREATE TABLE sync_receipt (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    target_code VARCHAR(12) NOT NULL, 
    package_hash VARCHAR(64) NOT NULL, 
    week VARCHAR(16) NOT NULL, 
    imported_at DATETIME NOT NULL, 
    PRIMARY KEY (id)
);
CREATE TABLE notice (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    target_code VARCHAR(12) NOT NULL, 
    period_label VARCHAR(40) NOT NULL, 
    period_start DATE NOT NULL, 
    period_end DATE NOT NULL, 
    issued_on DATE NOT NULL, 
    measures VARCHAR(200) NOT NULL, 
    figures_json TEXT NOT NULL, 
    PRIMARY KEY (id)
);
