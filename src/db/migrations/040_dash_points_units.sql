-- The daily points aggregates of every town and county (issue 16): the rows of
-- dash_points_daily (migration 035) of a stored day summed over the villages below each
-- town and county, stored with them in the same transaction. A county's series of two
-- years read the village rows of every village and day (2.3 million rows at 150,000
-- households: 1.9 s a request); they read about 7,000 of these. Only a day marked in
-- dash_days is read from here (a late entry's unmark covers these rows too); `cunzhi
-- verify` compares them with the village rows they sum, `cunzhi dash-daily rebuild`
-- refills them with the rest.
CREATE TABLE dash_points_units (
    unit_id    BIGINT NOT NULL,
    day        BIGINT NOT NULL,
    category   TEXT NOT NULL,
    source     TEXT NOT NULL,
    n          BIGINT NOT NULL,
    pos        BIGINT NOT NULL,
    neg        BIGINT NOT NULL,
    net        BIGINT NOT NULL,
    spendable  BIGINT NOT NULL,
    PRIMARY KEY (unit_id, day, category, source)
);
CREATE INDEX dash_points_units_day ON dash_points_units(day);
-- the days stored before this migration
INSERT INTO dash_points_units (unit_id, day, category, source, n, pos, neg, net, spendable)
SELECT p.id, a.day, a.category, a.source, SUM(a.n), SUM(a.pos), SUM(a.neg), SUM(a.net), SUM(a.spendable)
  FROM dash_points_daily a JOIN dash_days m ON m.day = a.day
  JOIN org_units v ON v.id = a.village_id
  JOIN org_units p ON p.kind IN ('town', 'county') AND v.path LIKE p.path || '%'
 GROUP BY p.id, a.day, a.category, a.source;

-- the register's counts by village and group (stats_register) from the index alone
CREATE INDEX households_village_group ON households(village_id, group_id);
