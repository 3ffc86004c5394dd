-- Rollups: per-office counters that dashboards, the 766 index and periodic reports read
-- (domain/src/report/rollup.rs has the metric catalogue). Maintained in the transaction of
-- every change to a dossier, ticket, rating or feedback case (contributions after − before),
-- and recomputed from the raw rows by `congbo rollup rebuild [--from DATE]`.
-- `shard_key` is the office's top-level office (first id of offices.path); issue 17 adds
-- offices.shard_key. `dim` is '' for the totals row, else 'key:value' (p:, o:, g:, ch:, …).
-- A counter that returns to zero stays as a zero row until a rebuild.

CREATE TABLE rollup_day (
    shard_key  BLOB NOT NULL,
    office_id  BLOB NOT NULL,
    day        TEXT NOT NULL,            -- local (UTC+7) day, 'YYYY-MM-DD'
    metric     TEXT NOT NULL,
    dim        TEXT NOT NULL,
    n          BIGINT NOT NULL,
    total      BIGINT NOT NULL,          -- a sum that goes with n (seconds, satisfied ratings)
    PRIMARY KEY (shard_key, office_id, day, metric, dim)
);
CREATE INDEX rollup_day_office ON rollup_day(office_id, metric, day);

CREATE TABLE rollup_month (
    shard_key  BLOB NOT NULL,
    office_id  BLOB NOT NULL,
    month      TEXT NOT NULL,            -- 'YYYY-MM'
    metric     TEXT NOT NULL,
    dim        TEXT NOT NULL,
    n          BIGINT NOT NULL,
    total      BIGINT NOT NULL,
    PRIMARY KEY (shard_key, office_id, month, metric, dim)
);
CREATE INDEX rollup_month_office ON rollup_month(office_id, metric, month);
