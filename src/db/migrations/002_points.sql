-- The points system (积分制): rule catalogs with versions, claims and their review,
-- 公示 with objections, the hash-chained ledger and balances, activities, rankings.

-- Per-village settings of the points system.
CREATE TABLE village_settings (
    village_id      BIGINT PRIMARY KEY REFERENCES org_units(id),
    publicity_days  INTEGER NOT NULL DEFAULT 3,      -- 公示 period; 0 credits at the next run
    red_list_size   INTEGER NOT NULL DEFAULT 10,     -- 红榜 top N
    reset_month_day TEXT,                            -- 'MM-DD' yearly reset of spendable, or NULL
    last_reset_year INTEGER NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL
);

-- A catalog version: every change to a unit's rules is adopted by a meeting.
CREATE TABLE rule_versions (
    id           @ID@,
    unit_id      BIGINT NOT NULL REFERENCES org_units(id),   -- village, or town/county for templates
    version_no   INTEGER NOT NULL,
    meeting_type TEXT NOT NULL,                              -- 村民代表会议, 村民会议, 两委会议 …
    meeting_date TEXT NOT NULL,                              -- YYYY-MM-DD
    note         TEXT NOT NULL DEFAULT '',
    created_by   BIGINT,
    created_at   BIGINT NOT NULL,
    UNIQUE (unit_id, version_no)
);

-- Rules are never edited: a change retires the row and adds a new one in a new version.
CREATE TABLE point_rules (
    id              @ID@,
    unit_id         BIGINT NOT NULL REFERENCES org_units(id),
    template_id     BIGINT REFERENCES point_rules(id),      -- the county/town rule it was adopted from
    category        TEXT NOT NULL,
    name            TEXT NOT NULL,
    points          INTEGER NOT NULL,                        -- + award, − deduction
    photo_required  INTEGER NOT NULL DEFAULT 0,
    claim_by        TEXT NOT NULL CHECK (claim_by IN ('self', 'grid', 'cadre')),
    cap_count       INTEGER NOT NULL DEFAULT 0,              -- 0 = no cap
    cap_period      TEXT CHECK (cap_period IN ('month', 'quarter', 'year')),
    valid_from      TEXT,                                    -- YYYY-MM-DD, NULL = open
    valid_to        TEXT,
    added_version   BIGINT NOT NULL REFERENCES rule_versions(id),
    retired_version BIGINT REFERENCES rule_versions(id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX point_rules_unit ON point_rules(unit_id, retired_version);

-- Uploaded files (claim photos, receipts), stored by content hash in the data directory.
CREATE TABLE files (
    hash        TEXT PRIMARY KEY,
    mime        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    uploaded_by BIGINT,
    created_at  BIGINT NOT NULL
);

-- Every points record, whatever its source, is a claim: a villager's or grid worker's
-- report (reviewed), or a cadre's award/deduction or an activity check-in (approved at
-- once). Approved claims go through 公示 and are then credited to the ledger once.
CREATE TABLE claims (
    id            @ID@,
    village_id    BIGINT NOT NULL REFERENCES org_units(id),
    household_id  BIGINT NOT NULL REFERENCES households(id),
    resident_id   BIGINT REFERENCES residents(id),
    source        TEXT NOT NULL CHECK (source IN ('claim', 'award', 'deduction', 'activity')),
    rule_id       BIGINT NOT NULL REFERENCES point_rules(id),
    rule_name     TEXT NOT NULL,           -- snapshot: history keeps what it was made under
    category      TEXT NOT NULL,
    points        INTEGER NOT NULL,
    occurred_on   TEXT NOT NULL,           -- YYYY-MM-DD
    description   TEXT NOT NULL DEFAULT '',
    created_by    BIGINT NOT NULL REFERENCES users(id),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'credited', 'cancelled')),
    reviewer_id   BIGINT REFERENCES users(id),
    review_reason TEXT NOT NULL DEFAULT '',
    reviewed_at   BIGINT,
    batch_id      TEXT,                    -- awards made together
    activity_id   BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX claims_village_status ON claims(village_id, status);
CREATE INDEX claims_household ON claims(household_id, rule_id, occurred_on);

CREATE TABLE claim_photos (
    claim_id  BIGINT NOT NULL REFERENCES claims(id),
    file_hash TEXT NOT NULL REFERENCES files(hash),
    ord       INTEGER NOT NULL,
    PRIMARY KEY (claim_id, ord)
);

-- 公示: an approved claim posted for the village's period. An objection ends the
-- entry ('objected') and sends the claim back to review; a new approval posts anew.
CREATE TABLE publicity (
    id          @ID@,
    village_id  BIGINT NOT NULL REFERENCES org_units(id),
    claim_id    BIGINT NOT NULL REFERENCES claims(id),
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'objected', 'credited', 'cancelled')),
    created_at  BIGINT NOT NULL
);
CREATE INDEX publicity_due ON publicity(status, ends_at);
CREATE INDEX publicity_village ON publicity(village_id, status);

CREATE TABLE objections (
    id              @ID@,
    publicity_id    BIGINT NOT NULL REFERENCES publicity(id),
    claim_id        BIGINT NOT NULL REFERENCES claims(id),
    objector_id     BIGINT NOT NULL REFERENCES users(id),
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed')),
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_by      BIGINT REFERENCES users(id),
    decided_at      BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX objections_claim ON objections(claim_id);

-- The ledger: append-only, a hash chain per village. claim_id is unique, so a claim is
-- credited at most once whatever runs the crediting job.
CREATE TABLE ledger (
    id             @ID@,
    village_id     BIGINT NOT NULL REFERENCES org_units(id),
    seq            BIGINT NOT NULL,
    household_id   BIGINT NOT NULL REFERENCES households(id),
    resident_id    BIGINT REFERENCES residents(id),
    source         TEXT NOT NULL CHECK (source IN ('claim', 'award', 'deduction', 'activity',
                                                   'redemption', 'return', 'correction', 'reset')),
    claim_id       BIGINT UNIQUE REFERENCES claims(id),
    ref_id         BIGINT,                 -- receipt, corrected entry …
    rule_id        BIGINT,
    rule_name      TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL DEFAULT '',
    spendable      INTEGER NOT NULL,       -- change of the spendable balance
    honour         INTEGER NOT NULL,       -- change of the honour balance
    note           TEXT NOT NULL DEFAULT '',
    actor_id       BIGINT,
    at             BIGINT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    UNIQUE (village_id, seq)
);
CREATE INDEX ledger_household ON ledger(household_id, at);
CREATE INDEX ledger_village_at ON ledger(village_id, at);

CREATE TABLE ledger_heads (
    village_id BIGINT PRIMARY KEY REFERENCES org_units(id),
    seq        BIGINT NOT NULL,
    hash       TEXT NOT NULL
);

CREATE TABLE balances (
    household_id BIGINT PRIMARY KEY REFERENCES households(id),
    spendable    BIGINT NOT NULL,
    honour       BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE activities (
    id         @ID@,
    village_id BIGINT NOT NULL REFERENCES org_units(id),
    rule_id    BIGINT NOT NULL REFERENCES point_rules(id),
    title      TEXT NOT NULL,
    place      TEXT NOT NULL DEFAULT '',
    starts_at  BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL,
    capacity   INTEGER NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);

CREATE TABLE activity_signups (
    activity_id   BIGINT NOT NULL REFERENCES activities(id),
    household_id  BIGINT NOT NULL REFERENCES households(id),
    resident_id   BIGINT REFERENCES residents(id),
    signed_at     BIGINT NOT NULL,
    checked_in_at BIGINT,
    claim_id      BIGINT REFERENCES claims(id),
    PRIMARY KEY (activity_id, household_id)
);

-- A published ranking: a frozen snapshot that later corrections do not change.
CREATE TABLE rankings (
    id           @ID@,
    village_id   BIGINT NOT NULL REFERENCES org_units(id),
    unit_id      BIGINT NOT NULL REFERENCES org_units(id),   -- the village or one of its groups
    period       TEXT NOT NULL,                              -- 2026-11, 2026-Q4, 2026
    period_start BIGINT NOT NULL,
    period_end   BIGINT NOT NULL,
    red_list_size INTEGER NOT NULL,
    data         TEXT NOT NULL,                              -- the frozen rows, JSON
    published_by BIGINT NOT NULL REFERENCES users(id),
    published_at BIGINT NOT NULL,
    UNIQUE (unit_id, period)
);
