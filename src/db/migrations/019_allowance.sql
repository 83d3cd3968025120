-- Grid work, continued: the grid workers' monthly allowance 网格员津贴 (the county's
-- rule and each worker's computed month with every component, reviewed and approved
-- by the town), and places on the map besides households (danger spots and the
-- county camera network's monitoring points 雪亮工程).

-- The county's rule; amounts in 分. A county without a row has no rule yet.
CREATE TABLE allowance_rules (
    county_id        BIGINT PRIMARY KEY REFERENCES org_units(id),
    base_fen         INTEGER NOT NULL,     -- the month's base
    patrol_day_fen   INTEGER NOT NULL,     -- added per day the daily patrol target was met
    missed_day_fen   INTEGER NOT NULL,     -- deducted per working day it was not
    visit_fen        INTEGER NOT NULL,     -- added per visit done on time
    late_visit_fen   INTEGER NOT NULL,     -- deducted per visit done after it was due
    event_fen        INTEGER NOT NULL,     -- added per event reported and accepted
    max_fen          INTEGER NOT NULL,     -- the month's ceiling, 0 = none
    updated_by       BIGINT REFERENCES users(id),
    updated_at       BIGINT NOT NULL
);

-- A worker's computed month in a town, with the counts, the rule's amounts used and
-- the resulting amounts, so the worker sees how it was counted. Approved months are
-- frozen.
CREATE TABLE allowances (
    id               @ID@,
    town_id          BIGINT NOT NULL REFERENCES org_units(id),
    user_id          BIGINT NOT NULL REFERENCES users(id),
    month            TEXT NOT NULL,        -- 'YYYY-MM'
    unit_name        TEXT NOT NULL,        -- the worker's grid or village
    days_counted     INTEGER NOT NULL,     -- days of the month up to the computation
    compliant_days   INTEGER NOT NULL,
    missed_days      INTEGER NOT NULL,     -- working days without the target met
    visits_on_time   INTEGER NOT NULL,
    visits_late      INTEGER NOT NULL,
    events           INTEGER NOT NULL,
    base_fen         INTEGER NOT NULL,
    patrol_day_fen   INTEGER NOT NULL,
    missed_day_fen   INTEGER NOT NULL,
    visit_fen        INTEGER NOT NULL,
    late_visit_fen   INTEGER NOT NULL,
    event_fen        INTEGER NOT NULL,
    max_fen          INTEGER NOT NULL,
    total_fen        INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('computed', 'approved')),
    computed_by      BIGINT REFERENCES users(id),
    computed_at      BIGINT NOT NULL,
    approved_by      BIGINT REFERENCES users(id),
    approved_at      BIGINT
);
CREATE UNIQUE INDEX allowances_month ON allowances(town_id, month, user_id);
CREATE INDEX allowances_user ON allowances(user_id, month);

-- Places on a village's map besides households: danger spots (山洪灾害点, 森林防火点,
-- 危房) and monitoring points of the county's camera network with the address of the
-- point on the external video platform (shown only to the roles allowed).
CREATE TABLE map_places (
    id          @ID@,
    village_id  BIGINT NOT NULL REFERENCES org_units(id),
    kind        TEXT NOT NULL CHECK (kind IN ('flood', 'fire', 'house', 'camera')),
    name        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    lat_e6      BIGINT NOT NULL,
    lng_e6      BIGINT NOT NULL,
    video_url   TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX map_places_village ON map_places(village_id, active);
