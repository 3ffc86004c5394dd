-- The queue (xếp hàng lấy số): service groups with a ticket letter, the services each counter
-- serves, the officer on duty at each counter, per-office settings, and tickets.

CREATE TABLE service_groups (
    id         BLOB PRIMARY KEY,
    office_id  BLOB NOT NULL REFERENCES offices(id),
    letter     TEXT NOT NULL,            -- ticket letter: A, B, C…
    name       TEXT NOT NULL,            -- "Hộ tịch, chứng thực"
    field      TEXT,                     -- lĩnh vực, for reports
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    UNIQUE (office_id, letter)
);

CREATE TABLE counter_services (
    counter_id BLOB NOT NULL REFERENCES counters(id),
    group_id   BLOB NOT NULL REFERENCES service_groups(id),
    PRIMARY KEY (counter_id, group_id)
);

-- Who is signed in at a counter now (one officer per counter, one counter per officer).
CREATE TABLE counter_duty (
    counter_id BLOB PRIMARY KEY REFERENCES counters(id),
    office_id  BLOB NOT NULL REFERENCES offices(id),
    user_id    BLOB NOT NULL UNIQUE REFERENCES users(id),
    since      BIGINT NOT NULL
);

CREATE TABLE queue_settings (
    office_id  BLOB PRIMARY KEY REFERENCES offices(id),
    body       TEXT NOT NULL,            -- JSON QueueSettings
    updated_at BIGINT NOT NULL
);

CREATE TABLE tickets (
    id               BLOB PRIMARY KEY,
    office_id        BLOB NOT NULL REFERENCES offices(id),
    group_id         BLOB NOT NULL REFERENCES service_groups(id),  -- current service
    first_group_id   BLOB NOT NULL,      -- service the number was taken for
    number           TEXT NOT NULL,      -- so_thu_tu: A001
    serial           BIGINT NOT NULL,
    day              TEXT NOT NULL,      -- local (UTC+7) day, 'YYYY-MM-DD'
    channel          TEXT NOT NULL,      -- kiosk | web | staff
    priority         TEXT,               -- reason code (elderly, disabled…), NULL when ordinary
    priority_by      BLOB,               -- officer who granted it; NULL: declared at kiosk/web
    state            TEXT NOT NULL,      -- waiting | called | serving | done | no-show
    issued_at        BIGINT NOT NULL,
    enqueued_at      BIGINT NOT NULL,    -- queue position key, kept across transfers
    first_called_at  BIGINT,             -- wait time = first_called_at - issued_at
    called_at        BIGINT,
    recalls          BIGINT NOT NULL DEFAULT 0,
    counter_id       BLOB,               -- counter calling / serving it
    officer_id       BLOB,
    target_counter_id BLOB,              -- transferred to one counter
    transfers        BIGINT NOT NULL DEFAULT 0,
    serve_start      BIGINT,
    serve_end        BIGINT,
    closed_at        BIGINT,
    apologized_at    BIGINT,             -- "dân chờ được xin lỗi": when the officer apologised
    apologized_by    BLOB,
    follow_secret    TEXT NOT NULL,      -- lets the holder follow the ticket on a phone
    notify_channel   TEXT,               -- email | sms | zalo, opted in by the holder
    notify_to        TEXT,
    notified_at      BIGINT,
    request_key      TEXT,               -- idempotency key of the issuing device
    version          BIGINT NOT NULL,
    UNIQUE (office_id, request_key),
    UNIQUE (office_id, day, first_group_id, serial)
);
CREATE INDEX tickets_waiting ON tickets(office_id, state, enqueued_at);
CREATE INDEX tickets_day ON tickets(office_id, day);
CREATE INDEX tickets_counter ON tickets(counter_id, state);
CREATE INDEX tickets_closed ON tickets(group_id, closed_at);

-- A ticket served at the desk may lead to dossiers (counter, officer and wait attach to them).
CREATE TABLE ticket_dossiers (
    ticket_id  BLOB NOT NULL REFERENCES tickets(id),
    dossier_id BLOB NOT NULL UNIQUE REFERENCES dossiers(id),
    PRIMARY KEY (ticket_id, dossier_id)
);
