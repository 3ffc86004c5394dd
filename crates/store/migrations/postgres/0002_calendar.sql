-- Announced working calendar (lịch nghỉ lễ, nghỉ bù, hoán đổi, làm bù), edited by
-- administrators. Seeded on first start from the schedules shipped in the binary (2020–2027).
-- Dates are local (Asia/Ho_Chi_Minh) civil dates as 'YYYY-MM-DD' text on both backends.
CREATE TABLE calendar_days (
    date       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,            -- holiday | compensatory_off | swapped_off | makeup_workday
    name_vi    TEXT NOT NULL,
    notice     TEXT NOT NULL,            -- the announcing document, e.g. 9441/TB-BNV
    updated_at BIGINT NOT NULL,
    updated_by UUID                     -- NULL for the shipped seed
);
