-- Feedback and complaints (phản ánh, kiến nghị): cases with their timeline, attachments (kept
-- with their SHA-256), every view of a sender's identity with its reason, and the officer's
-- record of upheld conduct complaints (for evaluations).

CREATE TABLE feedback_cases (
    id                UUID PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,   -- OFFICE-PA-YYMMDD-NNNN
    secret            TEXT NOT NULL,          -- lets an anonymous sender follow the case
    office_id         UUID NOT NULL REFERENCES offices(id),  -- where it was received
    office_path       TEXT NOT NULL,
    handler_office_id UUID NOT NULL REFERENCES offices(id),  -- whose head handles it
    handler_path      TEXT NOT NULL,
    category          TEXT NOT NULL,          -- loai: procedure | conduct
    channel           TEXT NOT NULL,          -- kenh: web | kiosk | letter | mailbox | phone | meeting | open311
    privacy           TEXT NOT NULL,          -- named | withheld | anonymous
    sender_name       TEXT,                   -- nguoi_gui; NULL when anonymous
    sender_contact    TEXT,
    sender_address    TEXT,
    title             TEXT NOT NULL,
    content           TEXT NOT NULL,          -- noi_dung, as sent (shown as text, never HTML)
    officer_id        UUID,                   -- lien_quan_can_bo: the officer complained about
    clause            TEXT,                   -- the code-of-conduct clause cited (code/item)
    reference         TEXT,                   -- a ticket number or dossier code, as given
    state             TEXT NOT NULL,          -- trang_thai
    reopened          BIGINT NOT NULL,
    helpful           BOOLEAN,                -- danh_gia_tra_loi
    received_at       BIGINT NOT NULL,
    day               TEXT NOT NULL,          -- local day of receipt
    classify_due      TEXT NOT NULL,          -- han phân loại
    answer_due        TEXT NOT NULL,          -- han_tra_loi
    publish_due       TEXT,
    info_question     TEXT,
    info_reply        TEXT,
    refusal           TEXT,
    forwarded_to      TEXT,
    answer            TEXT,
    answered_at       BIGINT,
    answered_on_time  BOOLEAN,
    public_text       TEXT,                   -- the question with personal data removed
    public_answer     TEXT,
    published_at      BIGINT,
    upheld            BOOLEAN,                -- a conduct complaint found to be right
    disclosed         BOOLEAN NOT NULL,       -- the head let the officer concerned see the case
    entered_by        UUID,                   -- the officer who typed in a letter or call
    version           BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX feedback_cases_office ON feedback_cases(office_path, day);
CREATE INDEX feedback_cases_handler ON feedback_cases(handler_path, state);
CREATE INDEX feedback_cases_published ON feedback_cases(state, published_at);

CREATE TABLE feedback_events (
    case_id    UUID NOT NULL REFERENCES feedback_cases(id),
    seq        BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    actor_id   UUID,
    actor_name TEXT NOT NULL,
    note       TEXT,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE feedback_attachments (
    id         UUID PRIMARY KEY,
    case_id    UUID NOT NULL REFERENCES feedback_cases(id),
    filename   TEXT NOT NULL,
    mime       TEXT NOT NULL,
    size       BIGINT NOT NULL,
    sha256     TEXT NOT NULL,
    body       TEXT NOT NULL,                 -- base64 (portable across both backends)
    created_at BIGINT NOT NULL
);
CREATE INDEX feedback_attachments_case ON feedback_attachments(case_id);

-- Every time someone saw a sender's name or contact, and why.
CREATE TABLE identity_views (
    id        UUID PRIMARY KEY,
    case_id   UUID NOT NULL REFERENCES feedback_cases(id),
    user_id   UUID NOT NULL,
    at        BIGINT NOT NULL,
    reason    TEXT NOT NULL
);
CREATE INDEX identity_views_case ON identity_views(case_id);

-- Evidence on an officer's record (sổ theo dõi): an upheld conduct complaint, with the clause.
CREATE TABLE officer_records (
    id          UUID PRIMARY KEY,
    officer_id  UUID NOT NULL,
    office_id   UUID NOT NULL REFERENCES offices(id),
    kind        TEXT NOT NULL,               -- conduct-upheld
    clause      TEXT,
    source_type TEXT NOT NULL,               -- feedback
    source_id   UUID NOT NULL,
    note        TEXT,
    at          BIGINT NOT NULL
);
CREATE INDEX officer_records_officer ON officer_records(officer_id);
