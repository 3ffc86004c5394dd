-- Foundation: offices, staff, roles, sessions, API tokens, first-admin setup, audit chain.
-- Times are UTC instants in microseconds since the Unix epoch (BIGINT), identical on both backends
-- so the audit hash is canonical. Ids are UUIDv7 made in Rust.

CREATE TABLE offices (
    id          BLOB PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,           -- accent-folded for search
    kind        TEXT NOT NULL,
    parent_id   BLOB REFERENCES offices(id),
    path        TEXT NOT NULL UNIQUE,    -- /root/…/self/ (ids, simple hex)
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX offices_parent ON offices(parent_id);

-- Rename and move keep history (lịch sử đổi tên, sáp nhập).
CREATE TABLE office_history (
    id            BLOB PRIMARY KEY,
    office_id     BLOB NOT NULL REFERENCES offices(id),
    at            BIGINT NOT NULL,
    actor_id      BLOB,
    change        TEXT NOT NULL,         -- create | rename | move
    old_name      TEXT,
    new_name      TEXT,
    old_parent_id BLOB,
    new_parent_id BLOB
);
CREATE INDEX office_history_office ON office_history(office_id, at);

-- Service counters (quầy) of an office.
CREATE TABLE counters (
    id         BLOB PRIMARY KEY,
    office_id  BLOB NOT NULL REFERENCES offices(id),
    number     INTEGER NOT NULL,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (office_id, number)
);

CREATE TABLE users (
    id                  BLOB PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    full_name           TEXT NOT NULL,
    full_name_folded    TEXT NOT NULL,
    email               TEXT,
    home_office_id      BLOB NOT NULL REFERENCES offices(id),
    password_hash       TEXT NOT NULL,
    active              BOOLEAN NOT NULL,
    failed_logins       BIGINT NOT NULL DEFAULT 0,
    locked_until        BIGINT,
    password_changed_at BIGINT NOT NULL,
    created_at          BIGINT NOT NULL
);
CREATE INDEX users_home_office ON users(home_office_id);

CREATE TABLE role_assignments (
    id         BLOB PRIMARY KEY,
    user_id    BLOB NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL,
    office_id  BLOB NOT NULL REFERENCES offices(id),
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, role, office_id)
);
CREATE INDEX role_assignments_office ON role_assignments(office_id);

-- Sessions: the cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BLOB NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           BLOB PRIMARY KEY,
    user_id      BLOB NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,          -- first characters, to recognise a token in lists
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- One-time links that create the first administrator.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- The append-only, SHA-256-chained audit log. audit_head is the single row that serialises
-- appends and records the last seq and hash (so a cut-off tail is detected).
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_id    BLOB,
    actor_name  TEXT NOT NULL,
    role        TEXT,
    office_id   BLOB,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT,
    summary     TEXT NOT NULL,
    request_id  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_office ON audit_log(office_id, seq);
CREATE INDEX audit_log_action ON audit_log(action, seq);
