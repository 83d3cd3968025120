-- Party building 党建: a village's branch 党支部 with its party groups 党小组, the
-- members with their status history, the county's meeting frequencies, meetings
-- 三会一课 and 主题党日 with attendance and remote check-in, the yearly commitments
-- 承诺践诺 with progress and villagers' comments, the service diary 党群服务日记 and
-- the questions to the secretary 书记会客厅. Branches are rows linked to their village
-- (not org units): every grant and scope check goes through the village's path.
-- Photos are stored files by hash, as a comma-separated list. Dates are 'YYYY-MM-DD'.

CREATE TABLE party_branches (
    id          @ID@,
    village_id  BIGINT NOT NULL REFERENCES org_units(id),
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX party_branches_village ON party_branches(village_id);

CREATE TABLE party_groups (
    id          @ID@,
    branch_id   BIGINT NOT NULL REFERENCES party_branches(id),
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE party_members (
    id            @ID@,
    branch_id     BIGINT NOT NULL REFERENCES party_branches(id),
    village_id    BIGINT NOT NULL REFERENCES org_units(id),
    group_id      BIGINT REFERENCES party_groups(id),
    name          TEXT NOT NULL,
    gender        TEXT NOT NULL CHECK (gender IN ('m', 'f')),
    birth_date    TEXT NOT NULL,
    education     TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('full', 'probationary')),
    join_date     TEXT NOT NULL,
    full_date     TEXT,                         -- probationary: the day they become full
    household_id  BIGINT REFERENCES households(id),
    resident_id   BIGINT REFERENCES residents(id),
    user_id       BIGINT REFERENCES users(id),
    phone         TEXT NOT NULL DEFAULT '',
    mobile        INTEGER NOT NULL DEFAULT 0,   -- 流动党员
    mobile_place  TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'out')),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX party_members_branch ON party_members(branch_id, status);
CREATE INDEX party_members_village ON party_members(village_id);
CREATE INDEX party_members_user ON party_members(user_id);

CREATE TABLE party_member_history (
    id          @ID@,
    member_id   BIGINT NOT NULL REFERENCES party_members(id),
    action      TEXT NOT NULL,                  -- join, transfer_in, transfer_out, full, update
    day         TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX party_member_history_member ON party_member_history(member_id);

-- The county's required frequency of each meeting kind (defaults in code when absent).
CREATE TABLE party_meeting_rules (
    county_id   BIGINT NOT NULL REFERENCES org_units(id),
    kind        TEXT NOT NULL,
    frequency   TEXT NOT NULL CHECK (frequency IN ('month', 'quarter', 'year', 'none')),
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (county_id, kind)
);

CREATE TABLE party_meetings (
    id             @ID@,
    branch_id      BIGINT NOT NULL REFERENCES party_branches(id),
    village_id     BIGINT NOT NULL REFERENCES org_units(id),
    group_id       BIGINT REFERENCES party_groups(id),
    kind           TEXT NOT NULL,
    period         TEXT NOT NULL,               -- the period it counts for: 2026-03 or 2026-Q1
    topic          TEXT NOT NULL,
    place          TEXT NOT NULL DEFAULT '',
    remote         INTEGER NOT NULL DEFAULT 0,
    join_url       TEXT NOT NULL DEFAULT '',
    starts_at      BIGINT NOT NULL,
    ends_at        BIGINT NOT NULL,
    minutes        TEXT NOT NULL DEFAULT '',
    minutes_photos TEXT NOT NULL DEFAULT '',
    photos         TEXT NOT NULL DEFAULT '',
    created_by     BIGINT REFERENCES users(id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX party_meetings_branch ON party_meetings(branch_id, kind, period);
CREATE INDEX party_meetings_village ON party_meetings(village_id, starts_at);

CREATE TABLE party_attendance (
    meeting_id    BIGINT NOT NULL REFERENCES party_meetings(id),
    member_id     BIGINT NOT NULL REFERENCES party_members(id),
    status        TEXT NOT NULL CHECK (status IN ('present', 'remote', 'leave', 'absent')),
    reason        TEXT NOT NULL DEFAULT '',
    checked_in_at BIGINT,
    recorded_by   BIGINT REFERENCES users(id),
    recorded_at   BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE party_commitments (
    id           @ID@,
    village_id   BIGINT NOT NULL REFERENCES org_units(id),
    year         INTEGER NOT NULL,
    pledger      TEXT NOT NULL,                 -- who pledges: 书记 张三
    title        TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    target_date  TEXT NOT NULL,
    progress     INTEGER NOT NULL DEFAULT 0,    -- percent
    done_at      BIGINT,
    created_by   BIGINT REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX party_commitments_village ON party_commitments(village_id, year);

CREATE TABLE party_commitment_notes (
    id            @ID@,
    commitment_id BIGINT NOT NULL REFERENCES party_commitments(id),
    kind          TEXT NOT NULL CHECK (kind IN ('progress', 'comment')),
    body          TEXT NOT NULL,
    progress      INTEGER,
    photos        TEXT NOT NULL DEFAULT '',
    author        TEXT NOT NULL,
    created_by    BIGINT REFERENCES users(id),
    created_at    BIGINT NOT NULL
);
CREATE INDEX party_commitment_notes_c ON party_commitment_notes(commitment_id);

CREATE TABLE party_diary (
    id          @ID@,
    village_id  BIGINT NOT NULL REFERENCES org_units(id),
    day         TEXT NOT NULL,
    body        TEXT NOT NULL,
    beneficiary TEXT NOT NULL DEFAULT '',
    photos      TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL,
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX party_diary_village ON party_diary(village_id, day);

CREATE TABLE party_questions (
    id           @ID@,
    village_id   BIGINT NOT NULL REFERENCES org_units(id),
    asked_by     BIGINT NOT NULL REFERENCES users(id),
    asker        TEXT NOT NULL,
    body         TEXT NOT NULL,
    photos       TEXT NOT NULL DEFAULT '',
    private      INTEGER NOT NULL DEFAULT 0,
    due_at       BIGINT NOT NULL,
    answer       TEXT,
    answered_by  BIGINT REFERENCES users(id),
    answerer     TEXT,
    answered_at  BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX party_questions_village ON party_questions(village_id, created_at);
