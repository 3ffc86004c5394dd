-- Officer evaluation, the year (issue 14 items 4–6): the annual ranking of a unit (decided,
-- then published), discipline cases under Decree 172/2025 and commendation records. Keys are
-- led by `shard_key` (the top-level office of the unit or officer), like 0020_evaluation.

CREATE TABLE evaluation_rankings (
    shard_key     BLOB NOT NULL,
    office_id     BLOB NOT NULL REFERENCES offices(id),  -- the unit (where the officers are judged)
    year          BIGINT NOT NULL,
    state         TEXT NOT NULL,           -- decided | published
    result        TEXT NOT NULL,           -- JSON: the settings, every officer's AnnualRanking, quota
    decided_by    BLOB NOT NULL,
    decided_at    BIGINT NOT NULL,
    published_by  BLOB,
    published_at  BIGINT,
    version       BIGINT NOT NULL,
    PRIMARY KEY (shard_key, office_id, year)
);

CREATE TABLE evaluation_discipline (
    shard_key   BLOB NOT NULL,
    id          BLOB NOT NULL,
    officer_id  BLOB NOT NULL,
    office_id   BLOB NOT NULL REFERENCES offices(id),  -- the officer's office when opened
    state       TEXT NOT NULL,             -- CaseState::as_str
    summary     TEXT NOT NULL,             -- the violation, as the head describes it
    source      TEXT,                      -- a link to its detection (an upheld complaint, a finding)
    record      TEXT NOT NULL,             -- JSON DisciplineCase
    created_by  BLOB NOT NULL,
    created_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (shard_key, id)
);
CREATE INDEX evaluation_discipline_officer ON evaluation_discipline(officer_id, created_at);

CREATE TABLE evaluation_commendations (
    shard_key    BLOB NOT NULL,
    id           BLOB NOT NULL,
    officer_id   BLOB NOT NULL,
    office_id    BLOB NOT NULL REFERENCES offices(id),
    year         BIGINT NOT NULL,
    title        TEXT NOT NULL,            -- advanced_worker | grassroots_emulation_fighter | certificate_of_merit
    decision_no  TEXT NOT NULL,
    decided_on   TEXT NOT NULL,            -- YYYY-MM-DD
    issuer       TEXT NOT NULL,            -- who signed (e.g. Chủ tịch UBND xã)
    created_by   BLOB NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (shard_key, id),
    UNIQUE (shard_key, officer_id, year, title)
);
CREATE INDEX evaluation_commendations_office ON evaluation_commendations(office_id, year);
