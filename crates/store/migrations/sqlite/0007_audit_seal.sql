-- The audit chain is sealed after commit (docs/ARCHITECTURE.md, "Audit log"). A use case
-- inserts its audit row unsealed, with only an insertion id, in its own transaction; one sealer
-- at a time (holding the audit_head row) later gives each committed row its chain position
-- `seq`, `prev_hash` and `hash`. So writers no longer queue on audit_head until they commit.
-- Existing rows are sealed already: their id is their seq.
CREATE TABLE audit_log_sealed (
    id          BIGINT PRIMARY KEY,      -- insertion order; never changes
    seq         BIGINT UNIQUE,           -- chain position; NULL until sealed
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
    prev_hash   TEXT,                    -- NULL until sealed
    hash        TEXT                     -- NULL until sealed
);
INSERT INTO audit_log_sealed (id, seq, at, actor_id, actor_name, role, office_id, action,
                              target_type, target_id, summary, request_id, prev_hash, hash)
SELECT seq, seq, at, actor_id, actor_name, role, office_id, action, target_type, target_id,
       summary, request_id, prev_hash, hash
FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_sealed RENAME TO audit_log;
CREATE INDEX audit_log_office ON audit_log(office_id, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
-- The sealer's work list.
CREATE INDEX audit_log_unsealed ON audit_log(id) WHERE seq IS NULL;
