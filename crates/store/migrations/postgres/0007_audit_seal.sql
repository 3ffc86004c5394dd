-- The audit chain is sealed after commit (docs/ARCHITECTURE.md, "Audit log"). A use case
-- inserts its audit row unsealed, with only an insertion id, in its own transaction; one sealer
-- at a time (holding the audit_head row) later gives each committed row its chain position
-- `seq`, `prev_hash` and `hash`. So writers no longer queue on audit_head until they commit.
-- Existing rows are sealed already: their id is their seq.
ALTER TABLE audit_log ADD COLUMN id BIGINT;
UPDATE audit_log SET id = seq;
ALTER TABLE audit_log ALTER COLUMN id SET NOT NULL;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);
ALTER TABLE audit_log
    ALTER COLUMN seq DROP NOT NULL,
    ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN hash DROP NOT NULL;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_seq_key UNIQUE (seq);
-- Ids come from a sequence (CACHE 1: handed out in increasing order across sessions; a
-- smaller id may still commit after a larger one, which the sealer copes with).
CREATE SEQUENCE audit_log_id_seq OWNED BY audit_log.id;
SELECT setval('audit_log_id_seq', COALESCE((SELECT max(id) FROM audit_log), 0) + 1, false);
ALTER TABLE audit_log ALTER COLUMN id SET DEFAULT nextval('audit_log_id_seq');
DROP INDEX audit_log_office;
DROP INDEX audit_log_action;
CREATE INDEX audit_log_office ON audit_log(office_id, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
-- The sealer's work list.
CREATE INDEX audit_log_unsealed ON audit_log(id) WHERE seq IS NULL;
