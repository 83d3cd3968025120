-- Events 民情: concerns of the villagers from every channel, followed from intake to the
-- reporter's rating. Departments 部门 are org units of kind 'department' under the
-- county or a town; a holiday calendar gives the working days of the deadlines.

-- The kind check gains 'department' (SQLite rebuilds the table, as in 005).
-- @sqlite
CREATE TABLE org_units_rebuilt (
    id         INTEGER PRIMARY KEY,
    parent_id  BIGINT REFERENCES org_units(id),
    kind       TEXT NOT NULL CHECK (kind IN ('county', 'town', 'village', 'group', 'grid', 'department')),
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    path       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO org_units_rebuilt (id, parent_id, kind, code, name, path, created_at)
    SELECT id, parent_id, kind, code, name, path, created_at FROM org_units;
DROP TABLE org_units;
ALTER TABLE org_units_rebuilt RENAME TO org_units;
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX org_units_path ON org_units(path);
-- @end
-- @postgres
ALTER TABLE org_units DROP CONSTRAINT org_units_kind_check;
ALTER TABLE org_units ADD CONSTRAINT org_units_kind_check
    CHECK (kind IN ('county', 'town', 'village', 'group', 'grid', 'department'));
-- @end

-- The holiday calendar: a date is a day off ('holiday'), a weekend day worked
-- ('workday', 调休), or 'normal' (an entry cleared by the county: plain weekday rules).
-- Seeded from the build's table; the county admin's edits are kept (source 'admin').
CREATE TABLE holiday_calendar (
    day        TEXT PRIMARY KEY,         -- 'YYYY-MM-DD', Asia/Shanghai
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday', 'normal')),
    name       TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL CHECK (source IN ('seed', 'admin')),
    updated_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);

-- Channels through which events arrive. The built-in ones have fixed codes.
CREATE TABLE event_channels (
    id         @ID@,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    builtin    INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
INSERT INTO event_channels (code, name, builtin, created_at) VALUES
    ('public_form', '民情码', 1, 0),
    ('app', '村民APP', 1, 0),
    ('grid', '网格员上报', 1, 0),
    ('hotline', '热线电话', 1, 0),
    ('talk', '村民说事', 1, 0),
    ('cadre', '村干部代登记', 1, 0);

-- Categories: county settings.
CREATE TABLE event_categories (
    id             @ID@,
    county_id      BIGINT NOT NULL REFERENCES org_units(id),
    name           TEXT NOT NULL,
    department_id  BIGINT REFERENCES org_units(id),   -- default department; NULL = the village handles it
    accept_hours   INTEGER NOT NULL,                   -- deadline to accept
    finish_days    INTEGER NOT NULL,                   -- working days to finish, from acceptance
    photo_required INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (county_id, name)
);

CREATE TABLE events (
    id              @ID@,
    village_id      BIGINT NOT NULL REFERENCES org_units(id),
    category_id     BIGINT NOT NULL REFERENCES event_categories(id),
    channel_id      BIGINT NOT NULL REFERENCES event_channels(id),
    description     TEXT NOT NULL,
    lat_e6          BIGINT,
    lng_e6          BIGINT,
    household_id    BIGINT REFERENCES households(id),
    address         TEXT NOT NULL DEFAULT '',
    reporter_id     BIGINT REFERENCES users(id),       -- the reporter's account, if any
    reporter_name   TEXT NOT NULL DEFAULT '',          -- sealed (personal data), hex
    reporter_phone  TEXT NOT NULL DEFAULT '',          -- sealed, hex
    phone_hash      TEXT,                              -- keyed hash of the phone, for limits
    anonymous       INTEGER NOT NULL DEFAULT 0,        -- hidden from the village
    created_by      BIGINT REFERENCES users(id),       -- who entered it (NULL: public form)
    state           TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected', 'dispatched',
                                                   'handling', 'returned', 'finished', 'visited')),
    department_id   BIGINT REFERENCES org_units(id),   -- the department it is with, if any
    village_handled INTEGER NOT NULL DEFAULT 0,        -- the village handles it itself
    accept_due      BIGINT NOT NULL,
    finish_due      BIGINT,                            -- set on acceptance
    accepted_at     BIGINT,
    finished_at     BIGINT,                            -- 办结 (the last time)
    visited_at      BIGINT,
    outcome         TEXT CHECK (outcome IN ('resolved', 'explained', 'unresolvable', 'duplicate',
                                            'not_responsible')),
    outcome_note    TEXT NOT NULL DEFAULT '',
    duplicate_of    BIGINT REFERENCES events(id),
    rating          TEXT CHECK (rating IN ('satisfied', 'basic', 'unsatisfied')),
    reopened        INTEGER NOT NULL DEFAULT 0,
    due_at          BIGINT NOT NULL,                   -- the current window's deadline (accept or finish)
    warn_at         BIGINT NOT NULL,                   -- 80 % of the current window
    county_at       BIGINT,                            -- when an overdue event goes to the county
    warned_at       BIGINT,                            -- 80 % of the current window passed
    overdue_at      BIGINT,                            -- the current window passed
    escalation      INTEGER NOT NULL DEFAULT 0,        -- 0, 1 town, 2 county
    follow_hash     TEXT UNIQUE,                       -- keyed hash of the public follow-up code
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX events_village ON events(village_id, created_at);
CREATE INDEX events_department ON events(department_id, state);
CREATE INDEX events_state ON events(state, due_at);
CREATE INDEX events_created ON events(created_at);
CREATE INDEX events_reporter ON events(reporter_id);

CREATE TABLE event_photos (
    event_id  BIGINT NOT NULL REFERENCES events(id),
    ord       INTEGER NOT NULL,
    file_hash TEXT NOT NULL,
    PRIMARY KEY (event_id, ord)
);

-- The timeline: append-only, one row per action.
CREATE TABLE event_steps (
    id            @ID@,
    event_id      BIGINT NOT NULL REFERENCES events(id),
    at            BIGINT NOT NULL,
    actor_id      BIGINT REFERENCES users(id),
    actor_name    TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL,
    from_state    TEXT NOT NULL DEFAULT '',
    to_state      TEXT NOT NULL DEFAULT '',
    department_id BIGINT REFERENCES org_units(id),
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX event_steps_event ON event_steps(event_id, id);
CREATE INDEX event_steps_department ON event_steps(department_id);

-- 督办: a supervision note from the town or county (or the deadline job), which the
-- handling side must answer.
CREATE TABLE event_supervisions (
    id          @ID@,
    event_id    BIGINT NOT NULL REFERENCES events(id),
    unit_id     BIGINT NOT NULL REFERENCES org_units(id),   -- the town or county that supervises
    level       INTEGER NOT NULL,                           -- 1 town, 2 county
    note        TEXT NOT NULL,
    created_by  BIGINT REFERENCES users(id),                -- NULL: the deadline job
    created_at  BIGINT NOT NULL,
    answer      TEXT,
    answered_by BIGINT REFERENCES users(id),
    answered_at BIGINT
);
CREATE INDEX event_supervisions_event ON event_supervisions(event_id);

-- Throttling of the public form: requests per key ('ip:…', 'phone:…') in a window.
CREATE TABLE event_intake_limits (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         INTEGER NOT NULL
);

-- Proof-of-work challenges already used (kept until they expire).
CREATE TABLE event_challenges_used (
    challenge  TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
