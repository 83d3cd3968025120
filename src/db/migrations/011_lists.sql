-- Lists 清单制: the county's templates of the three lists (小微权力, 村级事务,
-- 公共服务), the versions a village adopts at a meeting with the items copied into them,
-- and the execution records 执行记录 of those items with a frozen copy of the steps,
-- the step log, attachments, votes and the disclosed outcome. Lists of short texts
-- (materials, risk points, a step's required attachments) are stored one per line.

CREATE TABLE list_templates (
    id                @ID@,
    county_id         BIGINT NOT NULL REFERENCES org_units(id),
    kind              TEXT NOT NULL CHECK (kind IN ('power', 'affair', 'service')),
    section           TEXT CHECK (section IN ('duty', 'assist', 'negative')),   -- affairs only
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    basis             TEXT NOT NULL DEFAULT '',
    role              TEXT NOT NULL,
    time_limit_days   INTEGER NOT NULL,
    materials         TEXT NOT NULL DEFAULT '',
    risk_points       TEXT NOT NULL DEFAULT '',
    supervise_contact TEXT NOT NULL DEFAULT '',
    created_by        BIGINT REFERENCES users(id),
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (county_id, code)
);

CREATE TABLE list_template_steps (
    template_id BIGINT NOT NULL REFERENCES list_templates(id),
    n           INTEGER NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    limit_days  INTEGER NOT NULL,
    disclose    INTEGER NOT NULL DEFAULT 0,
    attachments TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (template_id, n)
);

-- A version of a village's lists: exactly the items copied into it, adopted by a meeting.
CREATE TABLE list_versions (
    id               @ID@,
    village_id       BIGINT NOT NULL REFERENCES org_units(id),
    n                INTEGER NOT NULL,
    meeting_date     TEXT NOT NULL,            -- YYYY-MM-DD
    meeting_title    TEXT NOT NULL,
    attendance       INTEGER NOT NULL,
    meeting_note     TEXT NOT NULL DEFAULT '',
    adopted_by       BIGINT REFERENCES users(id),
    adopted_by_name  TEXT NOT NULL DEFAULT '',
    adopted_at       BIGINT NOT NULL,
    UNIQUE (village_id, n)
);

-- An item as adopted: a copy, never rewritten by a later template edit or version.
CREATE TABLE list_items (
    id                @ID@,
    version_id        BIGINT NOT NULL REFERENCES list_versions(id),
    village_id        BIGINT NOT NULL REFERENCES org_units(id),
    template_id       BIGINT REFERENCES list_templates(id),
    kind              TEXT NOT NULL CHECK (kind IN ('power', 'affair', 'service')),
    section           TEXT CHECK (section IN ('duty', 'assist', 'negative')),
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    basis             TEXT NOT NULL DEFAULT '',
    role              TEXT NOT NULL,
    time_limit_days   INTEGER NOT NULL,
    materials         TEXT NOT NULL DEFAULT '',
    risk_points       TEXT NOT NULL DEFAULT '',
    supervise_contact TEXT NOT NULL DEFAULT '',
    ord               INTEGER NOT NULL
);
CREATE INDEX list_items_version ON list_items(version_id, ord);

CREATE TABLE list_item_steps (
    item_id     BIGINT NOT NULL REFERENCES list_items(id),
    n           INTEGER NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    limit_days  INTEGER NOT NULL,
    disclose    INTEGER NOT NULL DEFAULT 0,
    attachments TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (item_id, n)
);

-- An execution record: one exercise of an item. current_n is the step to do next (0
-- when every step is done); alarm_at is the earlier of the current step's due date and
-- the whole record's, so "overdue now" is state = 'open' AND alarm_at < now.
CREATE TABLE list_executions (
    id             @ID@,
    village_id     BIGINT NOT NULL REFERENCES org_units(id),
    item_id        BIGINT NOT NULL REFERENCES list_items(id),
    code           TEXT NOT NULL,
    title          TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    household_id   BIGINT REFERENCES households(id),
    via            TEXT NOT NULL CHECK (via IN ('cadre', 'villager', 'proxy')),
    state          TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    current_n      INTEGER NOT NULL,
    current_due    BIGINT,
    due_at         BIGINT NOT NULL,
    alarm_at       BIGINT NOT NULL,
    late_steps     INTEGER NOT NULL DEFAULT 0,
    started_at     BIGINT NOT NULL,
    closed_at      BIGINT,
    outcome        TEXT CHECK (outcome IN ('done', 'rejected', 'withdrawn')),
    outcome_text   TEXT NOT NULL DEFAULT '',
    outcome_public INTEGER NOT NULL DEFAULT 0,
    votes_for      INTEGER,
    votes_against  INTEGER,
    votes_abstain  INTEGER,
    created_by     BIGINT REFERENCES users(id),
    updated_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX list_executions_code ON list_executions(village_id, code);
CREATE INDEX list_executions_village ON list_executions(village_id, started_at);
CREATE INDEX list_executions_alarm ON list_executions(state, alarm_at);
CREATE INDEX list_executions_household ON list_executions(household_id);
CREATE INDEX list_executions_item ON list_executions(item_id);
CREATE INDEX list_executions_public ON list_executions(village_id, outcome_public, state, closed_at);

-- The steps as they were when the record started, with the log of who did each.
CREATE TABLE list_execution_steps (
    execution_id BIGINT NOT NULL REFERENCES list_executions(id),
    n            INTEGER NOT NULL,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    limit_days   INTEGER NOT NULL,
    disclose     INTEGER NOT NULL DEFAULT 0,
    attachments  TEXT NOT NULL DEFAULT '',
    started_at   BIGINT,
    due_at       BIGINT,
    done_at      BIGINT,
    done_by      BIGINT REFERENCES users(id),
    done_by_name TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (execution_id, n)
);

-- Photos by file hash: step 0 holds the applicant's materials.
CREATE TABLE list_execution_photos (
    execution_id BIGINT NOT NULL REFERENCES list_executions(id),
    step_n       INTEGER NOT NULL,
    ord          INTEGER NOT NULL,
    file_hash    TEXT NOT NULL,
    PRIMARY KEY (execution_id, step_n, ord)
);
