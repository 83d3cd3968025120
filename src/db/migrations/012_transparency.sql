-- Transparency 三务公开 and the village timeline 大事记. A disclosure is one published
-- item of a village: 党务 (party), 村务 (village) or 财务 (finance), covering a period
-- ('2026-Q3', '2026-10', or the decision date '2026-10-15' of a major matter). Like
-- notices it is never edited in place: a revision adds a version, a withdrawal keeps
-- the text and its reason. Attachments are stored files (PDF or images) by hash, per
-- version, as a comma-separated list. A later finance statement is published as the
-- month's finance item and points at it through statement_id.

CREATE TABLE disclosures (
    id              @ID@,
    village_id      BIGINT NOT NULL REFERENCES org_units(id),
    kind            TEXT NOT NULL CHECK (kind IN ('party', 'village', 'finance')),
    category        TEXT NOT NULL,
    period          TEXT NOT NULL,                 -- 2026-Q3, 2026-10 or a decision date 2026-10-15
    major           INTEGER NOT NULL DEFAULT 0,    -- 1: a major matter, period is its decision date
    version_no      INTEGER NOT NULL,
    title           TEXT NOT NULL,                 -- copies of the current version
    body            TEXT NOT NULL,
    attachments     TEXT NOT NULL DEFAULT '',
    statement_id    BIGINT,                        -- the finance statement it publishes (finance module)
    published_by    BIGINT NOT NULL REFERENCES users(id),
    published_at    BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    withdrawn_at    BIGINT,
    withdrawn_by    BIGINT REFERENCES users(id),
    withdraw_reason TEXT
);
CREATE INDEX disclosures_village ON disclosures(village_id, kind, period);
CREATE INDEX disclosures_published ON disclosures(village_id, published_at);

CREATE TABLE disclosure_versions (
    id            @ID@,
    disclosure_id BIGINT NOT NULL REFERENCES disclosures(id),
    version_no    INTEGER NOT NULL,
    category      TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    attachments   TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    created_by    BIGINT NOT NULL REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    UNIQUE (disclosure_id, version_no)
);

-- A villager's question on a published item and the village's public answer.
CREATE TABLE disclosure_questions (
    id            @ID@,
    disclosure_id BIGINT NOT NULL REFERENCES disclosures(id),
    village_id    BIGINT NOT NULL REFERENCES org_units(id),
    asked_by      BIGINT NOT NULL REFERENCES users(id),
    question      TEXT NOT NULL,
    asked_at      BIGINT NOT NULL,
    answer        TEXT,
    answered_by   BIGINT REFERENCES users(id),
    answered_at   BIGINT
);
CREATE INDEX disclosure_questions_item ON disclosure_questions(disclosure_id, asked_at);
CREATE INDEX disclosure_questions_open ON disclosure_questions(village_id, answered_at);

-- The county's schedule settings: the days allowed for a major matter after its
-- decision, the first due day the board counts (the schedule's start); villages with
-- busy finances publish finance monthly (else quarterly).
CREATE TABLE disclosure_settings (
    county_id  BIGINT PRIMARY KEY REFERENCES org_units(id),
    major_days INTEGER NOT NULL,
    starts_on  TEXT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
CREATE TABLE disclosure_busy_villages (
    village_id BIGINT PRIMARY KEY REFERENCES org_units(id),
    county_id  BIGINT NOT NULL REFERENCES org_units(id)
);

-- The village timeline 大事记: dated entries with photos (file hashes, comma-separated),
-- revised with history kept, withdrawn with a reason.
CREATE TABLE chronicle_entries (
    id              @ID@,
    village_id      BIGINT NOT NULL REFERENCES org_units(id),
    version_no      INTEGER NOT NULL,
    happened_on     TEXT NOT NULL,                 -- YYYY-MM-DD
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    photos          TEXT NOT NULL DEFAULT '',
    created_by      BIGINT NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    withdrawn_at    BIGINT,
    withdrawn_by    BIGINT REFERENCES users(id),
    withdraw_reason TEXT
);
CREATE INDEX chronicle_village ON chronicle_entries(village_id, happened_on);

CREATE TABLE chronicle_versions (
    id          @ID@,
    entry_id    BIGINT NOT NULL REFERENCES chronicle_entries(id),
    version_no  INTEGER NOT NULL,
    happened_on TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    photos      TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    UNIQUE (entry_id, version_no)
);
