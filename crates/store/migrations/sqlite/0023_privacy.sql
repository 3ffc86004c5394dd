-- Personal data (issue 18; Law 91/2025/QH15, Decree 356/2025/NĐ-CP).
-- `shard_key` is the top-level office of the record's office, first in every key
-- (shared/reference/scale-citus.md). Notices are a small reference table.

-- Every view of a citizen's personal data (nhật ký truy cập dữ liệu cá nhân): who, when, which
-- record, through what, and why where the law asks (an identity reveal). Append-only.
CREATE TABLE access_log (
    shard_key    BLOB NOT NULL,
    id           BLOB NOT NULL,
    at           BIGINT NOT NULL,
    actor_id     BLOB,                  -- NULL: the data subject themself (their export)
    actor_name   TEXT NOT NULL,
    actor_role   TEXT,
    office_id    BLOB NOT NULL,         -- the record's office
    record_kind  TEXT NOT NULL,         -- dossier | feedback | recovery
    record_id    BLOB NOT NULL,
    record_code  TEXT NOT NULL,
    via          TEXT NOT NULL,         -- page | api | form-01 … | book | reveal | contact | export
    fields       TEXT NOT NULL,         -- the personal fields shown: 'name,id_no,phone,email,address'
    purpose      TEXT,                  -- the reason given, where one is required
    PRIMARY KEY (shard_key, id)
);
CREATE INDEX access_log_record ON access_log(record_id, at);
CREATE INDEX access_log_office ON access_log(office_id, at);

-- Data subject requests (yêu cầu của chủ thể dữ liệu): access (the export), rectify, erase.
-- A request is first verified by a one-time code sent to a contact on file.
CREATE TABLE privacy_requests (
    shard_key     BLOB NOT NULL,
    id            BLOB NOT NULL,
    office_id     BLOB NOT NULL REFERENCES offices(id),  -- where it is handled
    parent_id     BLOB,                 -- the verified access request it was filed from
    kind          TEXT NOT NULL,        -- access | rectify | erase
    state         TEXT NOT NULL,        -- unverified | open | done | refused | expired
    subject_id_no TEXT NOT NULL,        -- the data subject's identity number
    contact       TEXT NOT NULL,        -- the verified email or phone (normalised)
    detail        TEXT,                 -- what to correct or erase, in the citizen's words
    code_hash     TEXT,                 -- SHA-256 of the one-time code
    code_expires  BIGINT,
    attempts      BIGINT NOT NULL DEFAULT 0,
    access_hash   TEXT,                 -- SHA-256 of the export's secret (a cookie)
    access_expires BIGINT,
    received_at   BIGINT NOT NULL,
    ack_due       TEXT,                 -- 'YYYY-MM-DD': 2 working days (Decree 356)
    due           TEXT,                 -- 'YYYY-MM-DD': 15 days, once extended by 15
    extended      BIGINT NOT NULL DEFAULT 0,
    answer        TEXT,
    answered_by   BLOB,
    answered_at   BIGINT,
    PRIMARY KEY (shard_key, id)
);
CREATE INDEX privacy_requests_office ON privacy_requests(office_id, state);

-- Consent (sự đồng ý) to a use beyond the procedure itself, with the notice version shown.
CREATE TABLE consents (
    shard_key      BLOB NOT NULL,
    id             BLOB NOT NULL,
    office_id      BLOB NOT NULL REFERENCES offices(id),
    record_kind    TEXT NOT NULL,       -- dossier
    record_id      BLOB NOT NULL,
    purpose        TEXT NOT NULL,       -- Purpose::as_str: notify
    notice_version BIGINT NOT NULL,
    detail         TEXT NOT NULL,       -- what was agreed: the channels, e.g. 'email,sms'
    given_at       BIGINT NOT NULL,
    recorded_by    BLOB,                -- the officer who recorded it at the counter
    withdrawn_at   BIGINT,
    withdrawn_via  TEXT,                -- citizen | officer
    PRIMARY KEY (shard_key, id),
    UNIQUE (shard_key, record_id, purpose)
);

-- The notice texts, versioned (thông báo xử lý dữ liệu cá nhân). Reference table.
CREATE TABLE privacy_notices (
    purpose        TEXT NOT NULL,
    version        BIGINT NOT NULL,
    effective_from TEXT NOT NULL,       -- 'YYYY-MM-DD'
    text_vi        TEXT NOT NULL,
    text_en        TEXT NOT NULL,
    PRIMARY KEY (purpose, version)
);
INSERT INTO privacy_notices (purpose, version, effective_from, text_vi, text_en) VALUES
('notify', 1, '2026-01-01',
 'Tôi đồng ý để cơ quan dùng số điện thoại, email hoặc Zalo đã khai để báo tình trạng và kết quả hồ sơ này. Việc đồng ý là tự nguyện, không ảnh hưởng đến việc giải quyết hồ sơ, và có thể rút lại bất cứ lúc nào tại trang "Dữ liệu của tôi" hoặc tại quầy (Luật Bảo vệ dữ liệu cá nhân 2025).',
 'I agree that the office may use the phone number, email or Zalo I gave to tell me about this dossier''s progress and result. Consent is voluntary, does not affect how the dossier is handled, and can be withdrawn at any time on the "My data" page or at the counter (Personal Data Protection Law 2025).');

-- The data subject's own records, found by their identity number.
CREATE INDEX dossiers_applicant_id_no ON dossiers(applicant_id_no);
