-- Dossiers (hồ sơ thủ tục hành chính), their timeline, and the notification outbox.
-- `facts` is the JSON of the domain's DossierFacts (the source of truth for the lifecycle rules);
-- the other columns repeat what lists, filters and the public lookup need.

CREATE TABLE dossiers (
    id                BLOB PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,   -- ma_ho_so: OFFICECODE-YYMMDD-NNNN
    secret            TEXT NOT NULL,          -- lookup secret printed on Form 01 (mã tra cứu)
    office_id         BLOB NOT NULL REFERENCES offices(id),  -- receiving office (nơi tiếp nhận)
    office_path       TEXT NOT NULL,
    handler_office_id BLOB NOT NULL REFERENCES offices(id),  -- office holding it now
    handler_path      TEXT NOT NULL,
    procedure_code    TEXT NOT NULL,          -- ma_tthc
    procedure_version BIGINT NOT NULL,        -- the version it was received under, for life
    procedure_name    TEXT NOT NULL,
    channel           TEXT NOT NULL,          -- counter | online | postal (kenh)
    state             TEXT NOT NULL,          -- DossierState::as_str
    step              BIGINT,                 -- internal process step while in process
    applicant_name    TEXT NOT NULL,          -- nguoi_nop
    applicant_id_no   TEXT,                   -- CCCD / MST
    applicant_address TEXT,
    applicant_phone   TEXT,
    applicant_email   TEXT,
    notify            TEXT NOT NULL,          -- channels the citizen chose: 'email,sms,zalo'
    documents         TEXT NOT NULL,          -- JSON checklist at intake
    facts             TEXT NOT NULL,          -- JSON DossierFacts
    submitted_at      BIGINT NOT NULL,
    received_at       BIGINT,                 -- thoi_diem_tiep_nhan (clock starts)
    due_date          TEXT,                   -- ngay_hen_tra_goc, 'YYYY-MM-DD'
    current_due       TEXT,                   -- ngay_hen_tra (last Form 04 date, else original)
    step_due          BIGINT,
    on_time           TEXT,                   -- early | on-time | late, stored at close
    closed_at         BIGINT,
    apologies         BIGINT NOT NULL DEFAULT 0,
    received_by       BLOB,
    assignee_id       BLOB,                   -- officer holding the current step
    version           BIGINT NOT NULL,        -- optimistic concurrency
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX dossiers_office_state ON dossiers(office_path, state);
CREATE INDEX dossiers_handler_state ON dossiers(handler_path, state);
CREATE INDEX dossiers_assignee ON dossiers(assignee_id, state);
CREATE INDEX dossiers_current_due ON dossiers(current_due);

-- One row per accepted action: the timeline, the control sheet (Form 06) and the forms issued.
CREATE TABLE dossier_events (
    dossier_id  BLOB NOT NULL REFERENCES dossiers(id),
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    action      TEXT NOT NULL,     -- Action::as_str, or 'create'
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    actor_id    BLOB,
    actor_name  TEXT NOT NULL,
    actor_role  TEXT,
    office_id   BLOB NOT NULL,     -- office acting
    to_office_id BLOB,             -- transfers between offices
    form        TEXT,              -- form issued: receipt | supplement_request | ...
    form_no     TEXT,              -- document number, e.g. 3/PXL for Form 04
    detail      TEXT NOT NULL,     -- JSON: reason, new date, step, missing documents…
    PRIMARY KEY (dossier_id, seq)
);

-- Transactional outbox: written in the same transaction as the change it announces, delivered
-- later by the dispatcher (email over SMTP, SMS/Zalo webhooks, or the log).
CREATE TABLE outbox (
    id              BLOB PRIMARY KEY,
    created_at      BIGINT NOT NULL,
    topic           TEXT NOT NULL,      -- e.g. dossier.received, dossier.apology
    dossier_id      BLOB,
    channel         TEXT NOT NULL,      -- email | sms | zalo
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,      -- pending | sent | dead
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    sent_at         BIGINT,
    adapter         TEXT               -- which adapter delivered it (smtp, webhook, log)
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_dossier ON outbox(dossier_id);
