-- Grid work 网格: household attribute tags with their history, the county's grid
-- settings (the daily patrol target 一日三巡, visit frequencies, position retention),
-- patrols with their track points and findings, workers' live positions, and visits
-- 走访 to tagged households.

-- Attribute tags. Rows with county_id NULL are the shipped set every county uses; a
-- county adds its own. A sensitive tag is shown only to the roles in roles (a comma
-- list of role names), never to villagers or on public pages.
CREATE TABLE tags (
    id         @ID@,
    county_id  BIGINT REFERENCES org_units(id),
    name       TEXT NOT NULL,
    icon       TEXT NOT NULL,            -- one or two characters drawn on the map
    color      TEXT NOT NULL,            -- '#RRGGBB'
    sensitive  INTEGER NOT NULL DEFAULT 0,
    roles      TEXT NOT NULL DEFAULT '',
    ord        INTEGER NOT NULL DEFAULT 0,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX tags_name ON tags(COALESCE(county_id, 0), name);

INSERT INTO tags (name, icon, color, sensitive, roles, ord, created_at, updated_at) VALUES
    ('党员户', '党', '#D4380D', 0, '', 1, 0, 0),
    ('脱贫户', '脱', '#FA8C16', 0, '', 2, 0, 0),
    ('监测户', '监', '#FAAD14', 1, 'grid_worker,grid_leader,cadre,town_official,county_admin,inspector', 3, 0, 0),
    ('低保户', '保', '#13C2C2', 1, 'grid_worker,grid_leader,cadre,town_official,county_admin,inspector', 4, 0, 0),
    ('特困户', '困', '#EB2F96', 1, 'grid_worker,grid_leader,cadre,town_official,county_admin,inspector', 5, 0, 0),
    ('残疾人户', '残', '#722ED1', 1, 'grid_worker,grid_leader,cadre,town_official,county_admin,inspector', 6, 0, 0),
    ('独居老人', '独', '#F5222D', 0, '', 7, 0, 0),
    ('空巢老人', '空', '#FA541C', 0, '', 8, 0, 0),
    ('留守儿童', '童', '#1890FF', 0, '', 9, 0, 0),
    ('退役军人', '军', '#389E0D', 0, '', 10, 0, 0),
    ('重点关注人员', '重', '#820014', 1, 'grid_leader,cadre,town_official,county_admin', 11, 0, 0),
    ('美丽庭院户', '美', '#52C41A', 0, '', 12, 0, 0),
    ('文明家庭', '文', '#2F54EB', 0, '', 13, 0, 0),
    ('外出务工', '外', '#597EF7', 0, '', 14, 0, 0),
    ('出租房', '租', '#8C8C8C', 0, '', 15, 0, 0),
    ('危房', '危', '#CF1322', 0, '', 16, 0, 0),
    ('五保户', '五', '#C41D7F', 1, 'grid_worker,grid_leader,cadre,town_official,county_admin,inspector', 17, 0, 0),
    ('军属', '属', '#237804', 0, '', 18, 0, 0),
    ('志愿者', '志', '#08979C', 0, '', 19, 0, 0);

-- The tags a household carries now, and every setting and removal.
CREATE TABLE household_tags (
    household_id BIGINT NOT NULL REFERENCES households(id),
    tag_id       BIGINT NOT NULL REFERENCES tags(id),
    set_by       BIGINT REFERENCES users(id),
    set_at       BIGINT NOT NULL,
    PRIMARY KEY (household_id, tag_id)
);
CREATE INDEX household_tags_tag ON household_tags(tag_id);
CREATE TABLE household_tag_history (
    id           @ID@,
    household_id BIGINT NOT NULL REFERENCES households(id),
    tag_id       BIGINT NOT NULL REFERENCES tags(id),
    action       TEXT NOT NULL CHECK (action IN ('set', 'remove')),
    actor_id     BIGINT REFERENCES users(id),
    at           BIGINT NOT NULL
);
CREATE INDEX household_tag_history_hh ON household_tag_history(household_id, at);

-- The county's settings; a county without a row uses the defaults in code.
CREATE TABLE grid_settings (
    county_id       BIGINT PRIMARY KEY REFERENCES org_units(id),
    patrols_per_day INTEGER NOT NULL,
    min_minutes     INTEGER NOT NULL,
    min_metres      INTEGER NOT NULL,
    min_inside_pct  INTEGER NOT NULL,
    retention_days  INTEGER NOT NULL,
    updated_by      BIGINT REFERENCES users(id),
    updated_at      BIGINT NOT NULL
);
-- How often households with a tag must be visited (days), per county.
CREATE TABLE visit_rules (
    county_id BIGINT NOT NULL REFERENCES org_units(id),
    tag_id    BIGINT NOT NULL REFERENCES tags(id),
    days      INTEGER NOT NULL,
    PRIMARY KEY (county_id, tag_id)
);

-- Patrols 巡查: one worker in one grid; the figures are recomputed from the track
-- whenever points arrive or the patrol ends.
CREATE TABLE patrols (
    id            @ID@,
    grid_id       BIGINT NOT NULL REFERENCES org_units(id),
    village_id    BIGINT NOT NULL REFERENCES org_units(id),
    user_id       BIGINT NOT NULL REFERENCES users(id),
    day           TEXT NOT NULL,            -- 'YYYY-MM-DD' of the start, Asia/Shanghai
    started_at    BIGINT NOT NULL,
    ended_at      BIGINT,
    points        INTEGER NOT NULL DEFAULT 0,
    inside_points INTEGER NOT NULL DEFAULT 0,
    length_m      INTEGER NOT NULL DEFAULT 0,
    duration_s    INTEGER NOT NULL DEFAULT 0,
    qualified     INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);
CREATE INDEX patrols_user_day ON patrols(user_id, day);
CREATE INDEX patrols_grid_day ON patrols(grid_id, day);
CREATE INDEX patrols_village_day ON patrols(village_id, day);

-- Track points, keyed by the client's sequence number so a resent batch adds nothing.
CREATE TABLE patrol_points (
    patrol_id  BIGINT NOT NULL REFERENCES patrols(id),
    seq        INTEGER NOT NULL,
    at         BIGINT NOT NULL,
    lat_e6     BIGINT NOT NULL,
    lng_e6     BIGINT NOT NULL,
    accuracy_m INTEGER NOT NULL DEFAULT 0,
    inside     INTEGER NOT NULL,
    PRIMARY KEY (patrol_id, seq)
);

CREATE TABLE patrol_findings (
    id         @ID@,
    patrol_id  BIGINT NOT NULL REFERENCES patrols(id),
    category   TEXT NOT NULL,
    note       TEXT NOT NULL,
    lat_e6     BIGINT,
    lng_e6     BIGINT,
    event_id   BIGINT REFERENCES events(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX patrol_findings_patrol ON patrol_findings(patrol_id);
CREATE TABLE patrol_finding_photos (
    finding_id BIGINT NOT NULL REFERENCES patrol_findings(id),
    ord        INTEGER NOT NULL,
    file_hash  TEXT NOT NULL,
    PRIMARY KEY (finding_id, ord)
);

-- Workers' reported positions, under the unit of their grid-work grant.
CREATE TABLE positions (
    id         @ID@,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    unit_id    BIGINT NOT NULL REFERENCES org_units(id),
    at         BIGINT NOT NULL,
    lat_e6     BIGINT NOT NULL,
    lng_e6     BIGINT NOT NULL,
    accuracy_m INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX positions_user_at ON positions(user_id, at);
CREATE INDEX positions_at ON positions(at);

-- Visits 走访: who visited which household, when, where (and how far from the
-- household's location), what they found.
CREATE TABLE visits (
    id           @ID@,
    household_id BIGINT NOT NULL REFERENCES households(id),
    village_id   BIGINT NOT NULL REFERENCES org_units(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    visited_at   BIGINT NOT NULL,
    lat_e6       BIGINT,
    lng_e6       BIGINT,
    distance_m   INTEGER,                 -- NULL when either position is unknown
    notes        TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX visits_household ON visits(household_id, visited_at);
CREATE INDEX visits_village ON visits(village_id, visited_at);
CREATE TABLE visit_photos (
    visit_id  BIGINT NOT NULL REFERENCES visits(id),
    ord       INTEGER NOT NULL,
    file_hash TEXT NOT NULL,
    PRIMARY KEY (visit_id, ord)
);
