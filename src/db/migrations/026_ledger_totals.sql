-- Stored totals per household and period (bench/README.md, issue 17): the live ranking
-- read a sum over every ledger entry of the period on each request. ledger_append keeps
-- these rows in the same transaction as each entry; `cunzhi verify` recomputes them from
-- the entries. The ledger stays the source of truth.
--
-- period is the entry's month '2026-11', quarter '2026-Q4' and year '2026' in China time
-- (UTC+8, no daylight saving), the texts the rankings are asked for. honour counts only
-- the sources a ranking counts (claim, award, deduction, activity, correction);
-- spendable and entries count every entry.
CREATE TABLE ledger_totals (
    household_id BIGINT NOT NULL REFERENCES households(id),
    period       TEXT NOT NULL,
    period_kind  TEXT NOT NULL CHECK (period_kind IN ('month', 'quarter', 'year')),
    honour       BIGINT NOT NULL,
    spendable    BIGINT NOT NULL,
    entries      BIGINT NOT NULL,
    PRIMARY KEY (household_id, period)
);

-- @sqlite
INSERT INTO ledger_totals (household_id, period, period_kind, honour, spendable, entries)
SELECT household_id, strftime('%Y-%m', at + 28800, 'unixepoch'), 'month',
       SUM(CASE WHEN source IN ('claim', 'award', 'deduction', 'activity', 'correction') THEN honour ELSE 0 END),
       SUM(spendable), count(*)
FROM ledger GROUP BY household_id, strftime('%Y-%m', at + 28800, 'unixepoch');
INSERT INTO ledger_totals (household_id, period, period_kind, honour, spendable, entries)
SELECT household_id, strftime('%Y', at + 28800, 'unixepoch') || '-Q' ||
       ((CAST(strftime('%m', at + 28800, 'unixepoch') AS INTEGER) + 2) / 3), 'quarter',
       SUM(CASE WHEN source IN ('claim', 'award', 'deduction', 'activity', 'correction') THEN honour ELSE 0 END),
       SUM(spendable), count(*)
FROM ledger GROUP BY household_id, strftime('%Y', at + 28800, 'unixepoch') || '-Q' ||
       ((CAST(strftime('%m', at + 28800, 'unixepoch') AS INTEGER) + 2) / 3);
INSERT INTO ledger_totals (household_id, period, period_kind, honour, spendable, entries)
SELECT household_id, strftime('%Y', at + 28800, 'unixepoch'), 'year',
       SUM(CASE WHEN source IN ('claim', 'award', 'deduction', 'activity', 'correction') THEN honour ELSE 0 END),
       SUM(spendable), count(*)
FROM ledger GROUP BY household_id, strftime('%Y', at + 28800, 'unixepoch');
-- @end
-- @postgres
INSERT INTO ledger_totals (household_id, period, period_kind, honour, spendable, entries)
SELECT household_id, p.period, p.kind,
       SUM(CASE WHEN source IN ('claim', 'award', 'deduction', 'activity', 'correction') THEN honour ELSE 0 END),
       SUM(spendable), count(*)
FROM ledger l
CROSS JOIN LATERAL (VALUES
    (to_char(to_timestamp(l.at + 28800) AT TIME ZONE 'UTC', 'YYYY-MM'), 'month'),
    (to_char(to_timestamp(l.at + 28800) AT TIME ZONE 'UTC', 'YYYY-"Q"Q'), 'quarter'),
    (to_char(to_timestamp(l.at + 28800) AT TIME ZONE 'UTC', 'YYYY'), 'year')) AS p(period, kind)
GROUP BY household_id, p.period, p.kind;
-- @end

-- (household_id, at) is a prefix of ledger_household_earn (004): one index less to write
-- with every entry.
DROP INDEX ledger_household;
