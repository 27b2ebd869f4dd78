CREATE TABLE audit_log (
    seq INTEGER NOT NULL, 
    at DATETIME NOT NULL, 
    operator VARCHAR NOT NULL, 
    action VARCHAR NOT NULL, 
    entity VARCHAR NOT NULL, 
    entity_id VARCHAR, 
    "before" VARCHAR, 
    "after" VARCHAR, 
    prev_hash VARCHAR NOT NULL, 
    hash VARCHAR NOT NULL, 
    PRIMARY KEY (seq)
);
CREATE TABLE dispute_case (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    year INTEGER NOT NULL, 
    seq INTEGER NOT NULL, 
    case_no VARCHAR NOT NULL, 
    state VARCHAR(16) NOT NULL, 
    outcome VARCHAR(16), 
    dispute_type VARCHAR(24) NOT NULL, 
    type_note VARCHAR, 
    source VARCHAR(24) NOT NULL, 
    registered_on DATE NOT NULL, 
    accepted_on DATE, 
    notice_on DATE, 
    deadline_on DATE, 
    extension_count INTEGER NOT NULL, 
    concluded_on DATE, 
    archived_on DATE, 
    next_due_on DATE, 
    next_due_kind VARCHAR(24), 
    village_code VARCHAR(12), 
    mediator_id VARCHAR(32), 
    facts VARCHAR NOT NULL, 
    requests VARCHAR NOT NULL, 
    persons_involved INTEGER NOT NULL, 
    amount_fen INTEGER NOT NULL, 
    group_dispute BOOLEAN NOT NULL, 
    risk_grade VARCHAR(16) NOT NULL, 
    is_hard BOOLEAN NOT NULL, 
    lead_official VARCHAR, 
    responsible_person VARCHAR, 
    resolve_by DATE, 
    stabilising_measures VARCHAR, 
    prevented_criminal BOOLEAN NOT NULL, 
    prevented_petition BOOLEAN NOT NULL, 
    petition_channel VARCHAR(16), 
    petition_received_on DATE, 
    petition_extended BOOLEAN NOT NULL, 
    refusal_reason VARCHAR, 
    routes_told VARCHAR, 
    transfer_to VARCHAR, 
    linked_case_id VARCHAR(32), 
    linked_case_no VARCHAR, 
    withdraw_reason VARCHAR, 
    import_key VARCHAR, 
    import_flags VARCHAR, 
    parties_text VARCHAR NOT NULL, 
    PRIMARY KEY (id)
);
CREATE TABLE mediator (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    name VARCHAR NOT NULL, 
    phone VARCHAR, 
    title VARCHAR, 
    active BOOLEAN NOT NULL, 
    PRIMARY KEY (id)
);
CREATE TABLE office (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    code VARCHAR(12) NOT NULL, 
    name VARCHAR NOT NULL, 
    short_name VARCHAR NOT NULL, 
    parent_code VARCHAR(12), 
    PRIMARY KEY (id)
);
CREATE TABLE setting (
    "key" VARCHAR NOT NULL, 
    value VARCHAR NOT NULL, 
    PRIMARY KEY ("key")
);
CREATE TABLE village (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    code VARCHAR(12) NOT NULL, 
    name VARCHAR NOT NULL, 
    PRIMARY KEY (id)
);
CREATE TABLE agreement (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    case_id VARCHAR(32) NOT NULL, 
    form VARCHAR(8) NOT NULL, 
    effective_on DATE NOT NULL, 
    terms VARCHAR NOT NULL, 
    responsibilities VARCHAR NOT NULL, 
    amount_fen INTEGER NOT NULL, 
    perform_place VARCHAR, 
    perform_method VARCHAR, 
    perform_by DATE, 
    judicial_status VARCHAR(16), 
    judicial_applied_on DATE, 
    judicial_decided_on DATE, 
    judicial_court VARCHAR, 
    judicial_ref VARCHAR, 
    PRIMARY KEY (id), 
    FOREIGN KEY(case_id) REFERENCES dispute_case (id)
);
CREATE TABLE case_event (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    case_id VARCHAR(32) NOT NULL, 
    kind VARCHAR(16) NOT NULL, 
    occurred_on DATE NOT NULL, 
    summary VARCHAR NOT NULL, 
    body VARCHAR NOT NULL, 
    place VARCHAR, 
    participants VARCHAR, 
    state_from VARCHAR(16), 
    state_to VARCHAR(16), 
    operator VARCHAR, 
    PRIMARY KEY (id), 
    FOREIGN KEY(case_id) REFERENCES dispute_case (id)
);
CREATE TABLE follow_up (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    case_id VARCHAR(32) NOT NULL, 
    obligation_id VARCHAR(32), 
    kind VARCHAR(16) NOT NULL, 
    method VARCHAR(16), 
    due_on DATE NOT NULL, 
    done_on DATE, 
    result VARCHAR(16), 
    note VARCHAR NOT NULL, 
    operator VARCHAR, 
    PRIMARY KEY (id), 
    FOREIGN KEY(case_id) REFERENCES dispute_case (id)
);
CREATE TABLE party (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    case_id VARCHAR(32) NOT NULL, 
    position INTEGER NOT NULL, 
    role VARCHAR(16) NOT NULL, 
    kind VARCHAR(16) NOT NULL, 
    name VARCHAR NOT NULL, 
    id_number VARCHAR, 
    gender VARCHAR(8), 
    birth_date DATE, 
    ethnicity VARCHAR, 
    phone VARCHAR, 
    address VARCHAR, 
    org_code VARCHAR, 
    representative VARCHAR, 
    PRIMARY KEY (id), 
    FOREIGN KEY(case_id) REFERENCES dispute_case (id)
);
CREATE TABLE obligation (
    id VARCHAR(32) NOT NULL, 
    owner_code VARCHAR(12) NOT NULL, 
    revision INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME NOT NULL, 
    deleted BOOLEAN NOT NULL, 
    origin VARCHAR, 
    agreement_id VARCHAR(32) NOT NULL, 
    case_id VARCHAR(32) NOT NULL, 
    seq INTEGER NOT NULL, 
    obligor VARCHAR, 
    description VARCHAR NOT NULL, 
    due_on DATE NOT NULL, 
    amount_fen INTEGER NOT NULL, 
    performed_on DATE, 
    proof VARCHAR, 
    PRIMARY KEY (id), 
    FOREIGN KEY(agreement_id) REFERENCES agreement (id), 
    FOREIGN KEY(case_id) REFERENCES dispute_case (id)
);

-- Indexes for the case list (newest first, keyset paging) and its filters; each filter index
-- ends with the sort key so SQLite can filter and page from one index.
CREATE INDEX ix_case_list ON dispute_case (registered_on, seq, id);
CREATE INDEX ix_case_state ON dispute_case (state, registered_on, seq, id);
CREATE INDEX ix_case_type ON dispute_case (dispute_type, registered_on, seq, id);
CREATE INDEX ix_case_village ON dispute_case (village_code, registered_on, seq, id);
CREATE INDEX ix_case_mediator ON dispute_case (mediator_id, registered_on, seq, id);
CREATE INDEX ix_case_risk ON dispute_case (risk_grade, registered_on, seq, id);
CREATE INDEX ix_case_owner ON dispute_case (owner_code, registered_on, seq, id);
CREATE INDEX ix_case_due ON dispute_case (next_due_on);
CREATE INDEX ix_case_accepted ON dispute_case (accepted_on);
CREATE INDEX ix_case_concluded ON dispute_case (concluded_on);
CREATE UNIQUE INDEX ux_case_number ON dispute_case (owner_code, year, seq);
CREATE INDEX ix_case_import_key ON dispute_case (owner_code, import_key);
CREATE INDEX ix_case_linked ON dispute_case (linked_case_id);
CREATE INDEX ix_party_case ON party (case_id, position);
CREATE INDEX ix_party_idno ON party (id_number);
CREATE INDEX ix_party_name_phone ON party (name, phone);
CREATE INDEX ix_event_case ON case_event (case_id, occurred_on);
CREATE INDEX ix_follow_case ON follow_up (case_id);
CREATE INDEX ix_follow_due ON follow_up (done_on, due_on);
CREATE INDEX ix_agreement_case ON agreement (case_id);
CREATE INDEX ix_agreement_effective ON agreement (effective_on);
CREATE INDEX ix_obligation_case ON obligation (case_id, due_on);
CREATE INDEX ix_obligation_agreement ON obligation (agreement_id);
CREATE INDEX ix_office_code ON office (code);
CREATE INDEX ix_village_code ON village (code);
