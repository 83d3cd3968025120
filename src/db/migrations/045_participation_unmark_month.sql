-- A ledger entry unmarks exactly its own month (migration 039 unmarked every month whose
-- first day was among the 31 days up to the entry's day, so on the first days of a month
-- after a short one each new entry unmarked the month just stored, and the scheduler
-- counted that whole month again after every entry). Its week as before.
-- @sqlite
DROP TRIGGER dash_participation_ledger_ins;
DROP TRIGGER dash_participation_ledger_upd;
DROP TRIGGER dash_participation_ledger_del;
CREATE TRIGGER dash_participation_ledger_ins AFTER INSERT ON ledger BEGIN
    DELETE FROM dash_participation_periods
     WHERE (kind = 'week' AND start_day = (NEW.at + 28800) / 86400 - (((NEW.at + 28800) / 86400 + 3) % 7))
        OR (kind = 'month' AND start_day = CAST(julianday(date(NEW.at + 28800, 'unixepoch', 'start of month'))
                                                - 2440587.5 AS INTEGER));
END;
CREATE TRIGGER dash_participation_ledger_upd AFTER UPDATE ON ledger BEGIN
    DELETE FROM dash_participation_periods
     WHERE (kind = 'week' AND start_day IN ((OLD.at + 28800) / 86400 - (((OLD.at + 28800) / 86400 + 3) % 7),
                                            (NEW.at + 28800) / 86400 - (((NEW.at + 28800) / 86400 + 3) % 7)))
        OR (kind = 'month' AND start_day IN (
               CAST(julianday(date(OLD.at + 28800, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER),
               CAST(julianday(date(NEW.at + 28800, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER)));
END;
CREATE TRIGGER dash_participation_ledger_del AFTER DELETE ON ledger BEGIN
    DELETE FROM dash_participation_periods
     WHERE (kind = 'week' AND start_day = (OLD.at + 28800) / 86400 - (((OLD.at + 28800) / 86400 + 3) % 7))
        OR (kind = 'month' AND start_day = CAST(julianday(date(OLD.at + 28800, 'unixepoch', 'start of month'))
                                                - 2440587.5 AS INTEGER));
END;
-- @end
-- @postgres
CREATE OR REPLACE FUNCTION dash_participation_unmark_day(d BIGINT) RETURNS void LANGUAGE sql AS $$
    DELETE FROM dash_participation_periods
     WHERE (kind = 'week' AND start_day = d - ((d + 3) % 7))
        OR (kind = 'month' AND start_day = date_trunc('month', DATE '1970-01-01' + d::int)::date - DATE '1970-01-01');
$$;
-- @end
