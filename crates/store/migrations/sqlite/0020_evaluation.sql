-- Officer evaluation (issue 14): the strengths-and-weaknesses register (sổ theo dõi ưu, khuyết
-- điểm), the register suggestions a head dismissed, and the period evaluation forms (Decree
-- 335 monthly scoring). `shard_key` is the top-level office of the officer's office (first id
-- of offices.path), first in every key (see shared/reference/scale-citus.md).

CREATE TABLE evaluation_register (
    shard_key    BLOB NOT NULL,
    id           BLOB NOT NULL,
    officer_id   BLOB NOT NULL,
    office_id    BLOB NOT NULL REFERENCES offices(id),  -- the officer's office when written
    kind         TEXT NOT NULL,          -- praise | reminder | weakness
    note         TEXT NOT NULL,
    clause       TEXT,                   -- code-of-conduct clause cited, 'code/item'
    evidence     TEXT,                   -- a link to the evidence (a page of congbo)
    suggestion   TEXT,                   -- the accepted suggestion's key, else NULL
    created_by   BLOB NOT NULL,
    created_at   BIGINT NOT NULL,
    answer       TEXT,                   -- the officer's answer
    answered_at  BIGINT,
    PRIMARY KEY (shard_key, id),
    UNIQUE (shard_key, officer_id, suggestion)
);
CREATE INDEX evaluation_register_officer ON evaluation_register(officer_id, created_at);

CREATE TABLE evaluation_dismissed (
    shard_key     BLOB NOT NULL,
    officer_id    BLOB NOT NULL,
    suggestion    TEXT NOT NULL,         -- the suggestion's key: code|period|clause
    dismissed_by  BLOB NOT NULL,
    dismissed_at  BIGINT NOT NULL,
    PRIMARY KEY (shard_key, officer_id, suggestion)
);

CREATE TABLE evaluation_forms (
    shard_key   BLOB NOT NULL,
    officer_id  BLOB NOT NULL,
    period      TEXT NOT NULL,           -- Period::code: '2026-11', '2026-q4'
    office_id   BLOB NOT NULL REFERENCES offices(id),
    state       TEXT NOT NULL,           -- FlowState::as_str
    form        TEXT NOT NULL,           -- JSON EvaluationForm: scores with formula and inputs
    version     BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (shard_key, officer_id, period)
);
CREATE INDEX evaluation_forms_office ON evaluation_forms(office_id, period);
