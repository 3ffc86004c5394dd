-- Subtree rollups (issue 13, performance): the counters of every office *under* `office_id`
-- (its strict descendants, not its own: those stay in rollup_day / rollup_month), so a
-- province's figure reads its own rows plus its `rollup_under_*` rows instead of summing
-- every commune's. Written with the own rows, in the same transaction, for each ancestor of
-- the office that changed (repo::rollup::apply); `rollup rebuild` clears and recomputes them;
-- an office move takes its subtree's counters off the old ancestors and adds them to the new
-- (repo::rollup::move_subtree). Same columns, keys and shard key as the own tables.
--
-- Back-filled here from the own rows: each own row is added to every ancestor of its office.

CREATE TABLE rollup_under_day (
    shard_key  UUID NOT NULL,
    office_id  UUID NOT NULL,            -- the ancestor
    day        TEXT NOT NULL,
    metric     TEXT NOT NULL,
    dim        TEXT NOT NULL,
    n          BIGINT NOT NULL,
    total      BIGINT NOT NULL,
    PRIMARY KEY (shard_key, office_id, day, metric, dim)
);
CREATE INDEX rollup_under_day_office ON rollup_under_day(office_id, metric, day);

CREATE TABLE rollup_under_month (
    shard_key  UUID NOT NULL,
    office_id  UUID NOT NULL,
    month      TEXT NOT NULL,
    metric     TEXT NOT NULL,
    dim        TEXT NOT NULL,
    n          BIGINT NOT NULL,
    total      BIGINT NOT NULL,
    PRIMARY KEY (shard_key, office_id, month, metric, dim)
);
CREATE INDEX rollup_under_month_office ON rollup_under_month(office_id, metric, month);

-- The whole-office read of a month range (every dim but the procedure `p:` and service group
-- `g:` breakdowns, about a fifth of the rows): a partial index that holds only those rows.
CREATE INDEX rollup_month_whole ON rollup_month(office_id, month, metric, dim) INCLUDE (n, total)
    WHERE dim NOT LIKE 'p:%' AND dim NOT LIKE 'g:%';
CREATE INDEX rollup_under_month_whole ON rollup_under_month(office_id, month, metric, dim) INCLUDE (n, total)
    WHERE dim NOT LIKE 'p:%' AND dim NOT LIKE 'g:%';

INSERT INTO rollup_under_day (shard_key, office_id, day, metric, dim, n, total)
SELECT r.shard_key, a.id, r.day, r.metric, r.dim,
       CAST(SUM(r.n) AS BIGINT), CAST(SUM(r.total) AS BIGINT)
FROM rollup_day r
JOIN offices o ON o.id = r.office_id
JOIN offices a ON a.id <> o.id AND o.path LIKE a.path || '%'
GROUP BY r.shard_key, a.id, r.day, r.metric, r.dim
HAVING SUM(r.n) <> 0 OR SUM(r.total) <> 0;

INSERT INTO rollup_under_month (shard_key, office_id, month, metric, dim, n, total)
SELECT r.shard_key, a.id, r.month, r.metric, r.dim,
       CAST(SUM(r.n) AS BIGINT), CAST(SUM(r.total) AS BIGINT)
FROM rollup_month r
JOIN offices o ON o.id = r.office_id
JOIN offices a ON a.id <> o.id AND o.path LIKE a.path || '%'
GROUP BY r.shard_key, a.id, r.month, r.metric, r.dim
HAVING SUM(r.n) <> 0 OR SUM(r.total) <> 0;
