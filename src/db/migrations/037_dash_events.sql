-- Daily aggregates of the 民情 events for the dashboards' series (issue 16): one row per
-- village and day received (Asia/Shanghai days since 1970-01-01, as time_cn_days), with
-- the counts the events statistics give over the events received that day as they stand
-- now: received, closed, resolved, closed on time, rated, satisfied. A day is stored once
-- it is over: dash_event_days holds the days whose rows are complete (a day with no
-- events has a mark and no rows); every other day is read from the events themselves.
-- Derived, as dash_points_daily (migration 035): the scheduler fills the missing days,
-- `cunzhi dash-daily rebuild` refills, `cunzhi verify` recomputes every stored day.
--
-- Any change to an event (a new one, a state moved, a rating) removes the mark of the day
-- it was received in the same transaction, so that day is read from the events until the
-- scheduler stores it again.
CREATE TABLE dash_events_daily (
    village_id BIGINT NOT NULL,
    day        BIGINT NOT NULL,
    received   BIGINT NOT NULL,
    closed     BIGINT NOT NULL,
    resolved   BIGINT NOT NULL,
    on_time    BIGINT NOT NULL,
    rated      BIGINT NOT NULL,
    satisfied  BIGINT NOT NULL,
    PRIMARY KEY (village_id, day)
);
CREATE INDEX dash_events_daily_day ON dash_events_daily(day);

CREATE TABLE dash_event_days (
    day BIGINT PRIMARY KEY
);

-- overdue now, counted live by village: the open events past their deadline
CREATE INDEX events_village_state_due ON events(village_id, state, due_at);

-- @sqlite
CREATE TRIGGER dash_event_days_ins AFTER INSERT ON events BEGIN
    DELETE FROM dash_event_days WHERE day = (NEW.created_at + 28800) / 86400;
END;
CREATE TRIGGER dash_event_days_upd AFTER UPDATE ON events BEGIN
    DELETE FROM dash_event_days WHERE day IN ((OLD.created_at + 28800) / 86400, (NEW.created_at + 28800) / 86400);
END;
CREATE TRIGGER dash_event_days_del AFTER DELETE ON events BEGIN
    DELETE FROM dash_event_days WHERE day = (OLD.created_at + 28800) / 86400;
END;
-- @end

-- @postgres
CREATE FUNCTION dash_event_days_unmark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM dash_event_days WHERE day = (OLD.created_at + 28800) / 86400;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        DELETE FROM dash_event_days WHERE day = (NEW.created_at + 28800) / 86400;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_event_days_events AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION dash_event_days_unmark();
-- @end
