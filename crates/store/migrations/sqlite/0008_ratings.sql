-- Satisfaction (đánh giá sự hài lòng): per-office rating settings, paired counter tablets,
-- ratings (never edited or deleted; a correction is a new row in rating_corrections), the
-- recovery case a low score opens for the head of unit, and the codes of conduct as data.

CREATE TABLE rating_settings (
    office_id  BLOB PRIMARY KEY REFERENCES offices(id),
    body       TEXT NOT NULL,            -- JSON RatingSettings
    updated_at BIGINT NOT NULL
);

-- A tablet at a counter. The head creates a one-time pairing code; the tablet that opens it
-- gets a device secret in a cookie. Only SHA-256 hashes are stored.
CREATE TABLE rating_devices (
    id           BLOB PRIMARY KEY,
    office_id    BLOB NOT NULL REFERENCES offices(id),
    counter_id   BLOB NOT NULL REFERENCES counters(id),
    pair_hash    TEXT UNIQUE,            -- one-time pairing code; NULL once used
    pair_expires BIGINT NOT NULL,
    secret_hash  TEXT UNIQUE,            -- the paired device's secret; NULL until paired
    created_by   BLOB NOT NULL,
    created_at   BIGINT NOT NULL,
    paired_at    BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX rating_devices_counter ON rating_devices(counter_id);

CREATE TABLE ratings (
    id             BLOB PRIMARY KEY,
    office_id      BLOB NOT NULL REFERENCES offices(id),
    subject_id     BLOB NOT NULL,        -- the ticket or dossier rated
    ticket_id      BLOB,                 -- so_thu_tu
    dossier_id     BLOB,                 -- ma_ho_so (from the ticket's link, or rated itself)
    counter_id     BLOB,
    officer_id     BLOB,                 -- the officer rated; never who rated
    procedure_code TEXT,
    group_id       BLOB,                 -- queue service
    criterion      TEXT NOT NULL,        -- overall | timeliness | attitude
    channel        TEXT NOT NULL,        -- nguon: counter-device | qr
    scale          TEXT NOT NULL,        -- thang_do: level3 | level5 | stars5
    value          BIGINT NOT NULL,      -- gia_tri, raw on the scale
    satisfied      BOOLEAN NOT NULL,
    low            BOOLEAN NOT NULL,
    reasons        TEXT NOT NULL,        -- ly_do: JSON array of reason codes
    comment        TEXT,                 -- binh_luan
    trips          BIGINT,               -- trips the dossier needed (3 = three or more)
    device_id      BLOB,
    submission_id  BLOB NOT NULL,        -- rows given together
    at             BIGINT NOT NULL,      -- thoi_diem
    day            TEXT NOT NULL,        -- local (UTC+7) day, 'YYYY-MM-DD'
    UNIQUE (subject_id, criterion, channel)
);
CREATE INDEX ratings_office_day ON ratings(office_id, day);
CREATE INDEX ratings_officer ON ratings(officer_id, day);
CREATE INDEX ratings_dossier ON ratings(dossier_id);

-- A rating set aside (a test press, a device fault): a new audited row; the rating stays.
CREATE TABLE rating_corrections (
    id         BLOB PRIMARY KEY,
    rating_id  BLOB NOT NULL UNIQUE REFERENCES ratings(id),
    reason     TEXT NOT NULL,
    by_user    BLOB NOT NULL,
    at         BIGINT NOT NULL
);

-- A low score opens a case for the head of unit: call the citizen back (if they left a
-- contact) and record what was done, by the deadline in working days.
CREATE TABLE recovery_cases (
    id             BLOB PRIMARY KEY,
    office_id      BLOB NOT NULL REFERENCES offices(id),
    rating_id      BLOB NOT NULL UNIQUE REFERENCES ratings(id),
    officer_id     BLOB,
    opened_at      BIGINT NOT NULL,
    due_date       TEXT NOT NULL,        -- 'YYYY-MM-DD', working days from the calendar
    contact_channel TEXT,                -- phone | email, when the citizen left one
    contact_to     TEXT,
    state          TEXT NOT NULL,        -- open | closed
    called_back    BOOLEAN,
    outcome        TEXT,
    closed_by      BLOB,
    closed_at      BIGINT,
    version        BIGINT NOT NULL
);
CREATE INDEX recovery_cases_office ON recovery_cases(office_id, state);

-- Codes of conduct (quy tắc ứng xử), seeded from the codes the seeds state.
CREATE TABLE conduct_codes (
    code       TEXT PRIMARY KEY,
    body       TEXT NOT NULL,            -- JSON CodeOfConduct
    updated_at BIGINT NOT NULL,
    updated_by BLOB
);
