-- Human-facing serial numbers (dossier codes OFFICE-YYMMDD-NNNN, ticket numbers A001…): one row
-- per scope, e.g. 'dossier:DB-TL:2026-11-23'. Incremented inside the use case's transaction, so
-- a number is never handed out twice and never reused.
CREATE TABLE sequences (
    scope TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
