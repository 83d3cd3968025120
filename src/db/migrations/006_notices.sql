-- Notices 通知: published by a village cadre, a town official or the county to every
-- household of that unit. A notice is never edited in place: a revision adds a version
-- (the old text stays readable), a withdrawal keeps the text with its reason. Read
-- receipts, one per user and notice, give the awareness rate 知晓率 (households with a
-- member who read it / households of the unit).

CREATE TABLE notices (
    id              @ID@,
    unit_id         BIGINT NOT NULL REFERENCES org_units(id),   -- the village, town or county it goes to
    version_no      INTEGER NOT NULL,                           -- the current version
    title           TEXT NOT NULL,                              -- copies of the current version
    body            TEXT NOT NULL,
    importance      TEXT NOT NULL CHECK (importance IN ('normal', 'important')),
    ends_at         BIGINT,                                     -- no longer current from then; NULL = open
    published_by    BIGINT NOT NULL REFERENCES users(id),
    published_at    BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    withdrawn_at    BIGINT,
    withdrawn_by    BIGINT REFERENCES users(id),
    withdraw_reason TEXT
);
CREATE INDEX notices_unit ON notices(unit_id, published_at);

-- Every version as published, the first included; revisions carry their reason.
CREATE TABLE notice_versions (
    id          @ID@,
    notice_id   BIGINT NOT NULL REFERENCES notices(id),
    version_no  INTEGER NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    importance  TEXT NOT NULL CHECK (importance IN ('normal', 'important')),
    ends_at     BIGINT,
    reason      TEXT NOT NULL DEFAULT '',
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    UNIQUE (notice_id, version_no)
);

-- A read receipt: the first time a villager opened the notice, and the latest version
-- they have seen. The household is the reader's at the time of reading.
CREATE TABLE notice_reads (
    notice_id    BIGINT NOT NULL REFERENCES notices(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    version_read INTEGER NOT NULL,
    read_at      BIGINT NOT NULL,
    PRIMARY KEY (notice_id, user_id)
);
CREATE INDEX notice_reads_household ON notice_reads(notice_id, household_id);
