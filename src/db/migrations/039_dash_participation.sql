-- The households that took part in a month or a week, per village (issue 16): those
-- with an earning ledger entry (source claim, award or activity) in the period. A
-- distinct count cannot be added up from days (a household active on two days of a week
-- is one household of that week), so the dashboards' series, which count by month and
-- by week over two years, read it from here for the periods that are over: one row per
-- village, kind ('month' or 'week', Monday to Sunday), and first day of the period
-- (Asia/Shanghai days since 1970-01-01, as time_cn_days); dash_participation_periods
-- holds the periods whose rows are complete (a period with no such entries has a mark
-- and no rows). Every other period (this month, this week, one a late entry unmarked) is
-- counted from the ledger. Derived, as dash_points_daily (migration 035): the scheduler
-- stores the periods that are over and missing, `cunzhi dash-daily rebuild` refills,
-- `cunzhi verify` recomputes every stored period.
CREATE TABLE dash_participation (
    kind       TEXT NOT NULL CHECK (kind IN ('month', 'week')),
    start_day  BIGINT NOT NULL,
    village_id BIGINT NOT NULL,
    households BIGINT NOT NULL,
    PRIMARY KEY (kind, start_day, village_id)
);

CREATE TABLE dash_participation_periods (
    kind      TEXT NOT NULL CHECK (kind IN ('month', 'week')),
    start_day BIGINT NOT NULL,
    PRIMARY KEY (kind, start_day)
);

-- A ledger entry written, changed or removed in a stored period (a late change: a clock
-- set back, an import) removes that period's marks in the same transaction: its week
-- (weeks begin on Mondays; day 0 was a Thursday) and its month (the month's first day is
-- among the 31 days up to the entry's day: the month before may be unmarked with it,
-- which only means it is counted from the ledger until stored again).
-- @sqlite
CREATE TRIGGER dash_participation_ledger_ins AFTER INSERT ON ledger BEGIN
    DELETE FROM dash_participation_periods
     WHERE (kind = 'week' AND start_day = (NEW.at + 28800) / 86400 - (((NEW.at + 28800) / 86400 + 3) % 7))
        OR (kind = 'month' AND start_day > (NEW.at + 28800) / 86400 - 31 AND start_day <= (NEW.at + 28800) / 86400);
END;
CREATE TRIGGER dash_participation_ledger_upd AFTER UPDATE ON ledger BEGIN
    DELETE FROM dash_participation_periods
     WHERE (kind = 'week' AND start_day IN ((OLD.at + 28800) / 86400 - (((OLD.at + 28800) / 86400 + 3) % 7),
                                            (NEW.at + 28800) / 86400 - (((NEW.at + 28800) / 86400 + 3) % 7)))
        OR (kind = 'month' AND start_day > (OLD.at + 28800) / 86400 - 31 AND start_day <= (OLD.at + 28800) / 86400)
        OR (kind = 'month' AND start_day > (NEW.at + 28800) / 86400 - 31 AND start_day <= (NEW.at + 28800) / 86400);
END;
CREATE TRIGGER dash_participation_ledger_del AFTER DELETE ON ledger BEGIN
    DELETE FROM dash_participation_periods
     WHERE (kind = 'week' AND start_day = (OLD.at + 28800) / 86400 - (((OLD.at + 28800) / 86400 + 3) % 7))
        OR (kind = 'month' AND start_day > (OLD.at + 28800) / 86400 - 31 AND start_day <= (OLD.at + 28800) / 86400);
END;
-- @end

-- @postgres
CREATE FUNCTION dash_participation_unmark_day(d BIGINT) RETURNS void LANGUAGE sql AS $$
    DELETE FROM dash_participation_periods
     WHERE (kind = 'week' AND start_day = d - ((d + 3) % 7))
        OR (kind = 'month' AND start_day > d - 31 AND start_day <= d);
$$;
CREATE FUNCTION dash_participation_unmark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM dash_participation_unmark_day((OLD.at + 28800) / 86400);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM dash_participation_unmark_day((NEW.at + 28800) / 86400);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_participation_ledger AFTER INSERT OR UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION dash_participation_unmark();
-- @end
