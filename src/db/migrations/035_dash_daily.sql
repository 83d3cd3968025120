-- Daily aggregates of the points ledger for the dashboards (issue 16): one row per
-- village, day (Asia/Shanghai days since 1970-01-01, as time_cn_days), category and
-- source, with the sums the points statistics read. A day is stored once it is over:
-- dash_days holds the days whose rows are complete (a day with no entries has a mark
-- and no rows); every other day is read from the ledger itself. The table is derived:
-- the scheduler fills the days that are missing, `cunzhi dash-daily rebuild` clears and
-- refills it, and `cunzhi verify` recomputes every stored day from the ledger.
--
-- A ledger entry written on a day already stored (a late change: a clock set back, an
-- import) removes that day's mark in the same transaction, so the day is read from the
-- ledger until the scheduler stores it again.
CREATE TABLE dash_points_daily (
    village_id BIGINT NOT NULL,
    day        BIGINT NOT NULL,
    category   TEXT NOT NULL,
    source     TEXT NOT NULL,
    n          BIGINT NOT NULL,   -- entries
    pos        BIGINT NOT NULL,   -- sum of the positive honour changes
    neg        BIGINT NOT NULL,   -- sum of the negative honour changes
    net        BIGINT NOT NULL,   -- sum of the honour changes
    spendable  BIGINT NOT NULL,   -- sum of the spendable changes
    PRIMARY KEY (village_id, day, category, source)
);
CREATE INDEX dash_points_daily_day ON dash_points_daily(day);

CREATE TABLE dash_days (
    day BIGINT PRIMARY KEY
);

-- @sqlite
CREATE TRIGGER dash_days_ledger_ins AFTER INSERT ON ledger BEGIN
    DELETE FROM dash_days WHERE day = (NEW.at + 28800) / 86400;
END;
CREATE TRIGGER dash_days_ledger_upd AFTER UPDATE ON ledger BEGIN
    DELETE FROM dash_days WHERE day IN ((OLD.at + 28800) / 86400, (NEW.at + 28800) / 86400);
END;
CREATE TRIGGER dash_days_ledger_del AFTER DELETE ON ledger BEGIN
    DELETE FROM dash_days WHERE day = (OLD.at + 28800) / 86400;
END;
-- @end

-- @postgres
CREATE FUNCTION dash_days_unmark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM dash_days WHERE day = (OLD.at + 28800) / 86400;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        DELETE FROM dash_days WHERE day = (NEW.at + 28800) / 86400;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_days_ledger AFTER INSERT OR UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION dash_days_unmark();
-- @end
