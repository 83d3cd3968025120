-- The daily events aggregates of every town and county (issue 16), as
-- dash_points_units (migration 040) for the points: the rows of dash_events_daily
-- (migration 037) of a stored day summed over the villages below each town and county,
-- stored with them; read only for a day marked in dash_event_days.
CREATE TABLE dash_events_units (
    unit_id   BIGINT NOT NULL,
    day       BIGINT NOT NULL,
    received  BIGINT NOT NULL,
    closed    BIGINT NOT NULL,
    resolved  BIGINT NOT NULL,
    on_time   BIGINT NOT NULL,
    rated     BIGINT NOT NULL,
    satisfied BIGINT NOT NULL,
    PRIMARY KEY (unit_id, day)
);
CREATE INDEX dash_events_units_day ON dash_events_units(day);
-- the days stored before this migration
INSERT INTO dash_events_units (unit_id, day, received, closed, resolved, on_time, rated, satisfied)
SELECT p.id, a.day, SUM(a.received), SUM(a.closed), SUM(a.resolved), SUM(a.on_time), SUM(a.rated), SUM(a.satisfied)
  FROM dash_events_daily a JOIN dash_event_days m ON m.day = a.day
  JOIN org_units v ON v.id = a.village_id
  JOIN org_units p ON p.kind IN ('town', 'county') AND v.path LIKE p.path || '%'
 GROUP BY p.id, a.day;
