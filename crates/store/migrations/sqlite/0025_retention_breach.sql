-- Personal data (issue 18): retention and the breach register.
--
-- Retention: `personal_purged_at` marks a dossier or a feedback case whose personal data the
-- retention job replaced (the record, its dates, states and figures stay: archive records);
-- `failed_login_at` is the time of the last failed sign-in, so a stale counter can be reset;
-- `retention_periods` holds the periods an administrator set in place of the defaults (one
-- row per record kind; the defaults and legal minimums are in congbo_domain::privacy).
--
-- Breach register: one row per incident. `shard_key` is the top-level office of the office
-- the incident is recorded at, first in every key (see shared/reference/scale-citus.md).

ALTER TABLE dossiers ADD COLUMN personal_purged_at BIGINT;
ALTER TABLE feedback_cases ADD COLUMN personal_purged_at BIGINT;
ALTER TABLE users ADD COLUMN failed_login_at BIGINT;

CREATE TABLE retention_periods (
    kind       TEXT PRIMARY KEY,        -- RecordKind::as_str
    amount     BIGINT NOT NULL,         -- in the kind's unit (days, months or years)
    updated_by BLOB NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE breaches (
    shard_key             BLOB NOT NULL,
    id                    BLOB NOT NULL,
    office_id             BLOB NOT NULL REFERENCES offices(id),  -- responsible office
    detected_at           BIGINT NOT NULL,
    description           TEXT NOT NULL,  -- what happened
    offices_affected      TEXT NOT NULL,  -- the offices whose data is concerned, as written
    record_kinds          TEXT NOT NULL,  -- comma-separated BreachKind codes
    people_estimate       BIGINT,         -- approximate number of people concerned
    measures              TEXT NOT NULL,  -- measures taken
    authority_due_at      BIGINT NOT NULL, -- detected_at + 72 h
    authority_notified_at BIGINT,         -- notice to A05 (Ministry of Public Security)
    authority_reference   TEXT,
    subjects_notified_at  BIGINT,
    reminded_at           BIGINT,         -- the "24 hours left" reminder was queued
    created_by            BLOB NOT NULL,
    created_at            BIGINT NOT NULL,
    version               BIGINT NOT NULL,
    PRIMARY KEY (shard_key, id)
);
CREATE INDEX breaches_id ON breaches(id);
CREATE INDEX breaches_office ON breaches(office_id, detected_at);
CREATE INDEX breaches_pending ON breaches(authority_notified_at, authority_due_at);
CREATE INDEX dossiers_personal ON dossiers(personal_purged_at, closed_at);
