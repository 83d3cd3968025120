-- Evaluations 评选: a village's campaigns (美丽庭院, 五好文明家庭 …) with weighted
-- criteria and their score ranges, the named scoring panel (users of the village), the
-- nominated households, each panel member's scores per criterion with the photos of the
-- visit, the campaign's 公示 with villagers' objections, and on publication the ranks,
-- the winners, the ledger entry that credited each winner (once) and the tag set.
-- Scores are integers; a member's total is kept in hundredths (total_x100 = the
-- weighted average on the criteria's scale × 100), as is a nominee's final score.

CREATE TABLE eval_campaigns (
    id                 @ID@,
    village_id         BIGINT NOT NULL REFERENCES org_units(id),
    kind               TEXT NOT NULL,             -- 美丽庭院, 五好文明家庭 …
    title              TEXT NOT NULL,             -- 2026年上半年美丽庭院评选
    period_from        TEXT NOT NULL,             -- YYYY-MM-DD
    period_to          TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('draft', 'nominating', 'scoring', 'publicity', 'published')),
    points             INTEGER NOT NULL,          -- credited to each winner on publication
    winners            INTEGER NOT NULL,          -- how many of the ranking win
    tag_name           TEXT NOT NULL DEFAULT '',  -- the grid tag a winner gets ('' none)
    publicity_days     INTEGER NOT NULL,
    publicity_ends_at  BIGINT,
    published_at       BIGINT,
    created_by         BIGINT REFERENCES users(id),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX eval_campaigns_village ON eval_campaigns(village_id, status);

CREATE TABLE eval_criteria (
    id          @ID@,
    campaign_id BIGINT NOT NULL REFERENCES eval_campaigns(id),
    ord         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    weight      INTEGER NOT NULL,
    min_score   INTEGER NOT NULL,
    max_score   INTEGER NOT NULL,
    UNIQUE (campaign_id, ord)
);

CREATE TABLE eval_panel (
    campaign_id BIGINT NOT NULL REFERENCES eval_campaigns(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    label       TEXT NOT NULL DEFAULT '',     -- 党员, 小组长, 村民代表 …
    PRIMARY KEY (campaign_id, user_id)
);

CREATE TABLE eval_nominations (
    id           @ID@,
    campaign_id  BIGINT NOT NULL REFERENCES eval_campaigns(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    how          TEXT NOT NULL CHECK (how IN ('self', 'grid', 'cadre')),
    note         TEXT NOT NULL DEFAULT '',
    nominated_by BIGINT REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    final_x100   BIGINT,                      -- set when the results go to 公示
    nscores      INTEGER,
    rank_no      INTEGER,
    winner       INTEGER NOT NULL DEFAULT 0,
    ledger_id    BIGINT UNIQUE REFERENCES ledger(id),   -- the credit on publication (once)
    UNIQUE (campaign_id, household_id)
);

CREATE TABLE eval_scores (
    id            @ID@,
    nomination_id BIGINT NOT NULL REFERENCES eval_nominations(id),
    member_id     BIGINT NOT NULL REFERENCES users(id),
    total_x100    BIGINT NOT NULL,
    items         TEXT NOT NULL,              -- criterion scores in criteria order, comma-separated
    photos        TEXT NOT NULL DEFAULT '',   -- file hashes, comma-separated
    note          TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (nomination_id, member_id)
);

CREATE TABLE eval_objections (
    id           @ID@,
    campaign_id  BIGINT NOT NULL REFERENCES eval_campaigns(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed')),
    decision     TEXT NOT NULL DEFAULT '',
    decided_by   BIGINT REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    decided_at   BIGINT
);
CREATE INDEX eval_objections_campaign ON eval_objections(campaign_id, status);
