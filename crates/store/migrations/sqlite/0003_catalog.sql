-- The procedure catalogue (danh mục thủ tục hành chính): one row per version of a procedure.
-- `body` is the whole version as JSON (documents, fees, steps…); the other columns are for
-- listing and choosing the version in force. Dates are local 'YYYY-MM-DD' text.
CREATE TABLE procedure_versions (
    code           TEXT NOT NULL,      -- national code, e.g. 1.001193
    version        BIGINT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT,               -- inclusive; NULL = open-ended
    name           TEXT NOT NULL,
    name_folded    TEXT NOT NULL,      -- accent-folded for search
    field          TEXT NOT NULL,      -- lĩnh vực
    level          TEXT NOT NULL,
    body           TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE INDEX procedure_versions_from ON procedure_versions(effective_from);
