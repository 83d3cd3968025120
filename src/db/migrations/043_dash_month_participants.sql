-- The households that took part in a month so far, kept as the ledger is written (issue
-- 16): a dashboard of this month and the series' current month counted them from the
-- ledger on each request (a distinct count over the month's earning entries of the
-- county: 20 ms a week into the month at 10 million entries, growing with the month).
-- One row per month (its first day, as time_cn_days), village and household with an
-- earning entry (claim, award, activity) in it, added by a trigger on each such entry
-- (the ledger is never updated nor deleted from). dash_month_participants_since holds the
-- first month whose rows are complete: the month of the ledger's last entry when this
-- migration ran (its rows filled here), later the scheduler's pruning of old months
-- (dash_participation keeps their counts). Derived: `cunzhi verify` recounts every
-- complete month from the ledger.
CREATE TABLE dash_month_participants (
    month_start  BIGINT NOT NULL,
    village_id   BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    PRIMARY KEY (month_start, village_id, household_id)
);
CREATE TABLE dash_month_participants_since (
    month_start BIGINT NOT NULL
);

-- @sqlite
INSERT INTO dash_month_participants_since (month_start)
SELECT COALESCE(CAST(julianday(date(max(at) + 28800, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER), 0)
  FROM ledger;
INSERT INTO dash_month_participants (month_start, village_id, household_id)
SELECT DISTINCT CAST(julianday(date(at + 28800, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER),
       village_id, household_id
  FROM ledger
 WHERE source IN ('claim', 'award', 'activity')
   AND at >= (SELECT month_start FROM dash_month_participants_since) * 86400 - 28800;
CREATE TRIGGER dash_month_participants_ins AFTER INSERT ON ledger
    WHEN NEW.source IN ('claim', 'award', 'activity') BEGIN
    INSERT INTO dash_month_participants (month_start, village_id, household_id)
    VALUES (CAST(julianday(date(NEW.at + 28800, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER),
            NEW.village_id, NEW.household_id)
    ON CONFLICT DO NOTHING;
END;
-- @end

-- @postgres
INSERT INTO dash_month_participants_since (month_start)
SELECT COALESCE(date_trunc('month', to_timestamp(max(at) + 28800) AT TIME ZONE 'UTC')::date - DATE '1970-01-01', 0)
  FROM ledger;
INSERT INTO dash_month_participants (month_start, village_id, household_id)
SELECT DISTINCT date_trunc('month', to_timestamp(at + 28800) AT TIME ZONE 'UTC')::date - DATE '1970-01-01',
       village_id, household_id
  FROM ledger
 WHERE source IN ('claim', 'award', 'activity')
   AND at >= (SELECT month_start FROM dash_month_participants_since) * 86400 - 28800;
CREATE FUNCTION dash_month_participants_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dash_month_participants (month_start, village_id, household_id)
    VALUES (date_trunc('month', to_timestamp(NEW.at + 28800) AT TIME ZONE 'UTC')::date - DATE '1970-01-01',
            NEW.village_id, NEW.household_id)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_month_participants AFTER INSERT ON ledger FOR EACH ROW
    WHEN (NEW.source IN ('claim', 'award', 'activity')) EXECUTE FUNCTION dash_month_participants_add();
-- @end
