-- Learning 学习教育: the county and towns publish courses (an article with images and an
-- optional audio or video file by hash) and quizzes (single and multiple choice, a pass
-- mark) for party members, or for every villager (趣味学法). Opening a course records a
-- study session whose time the phone reports and the server caps; every attempt at a quiz
-- is kept with its score. Together they are each member's study record 一人一册.
-- A passed 趣味学法 quiz may earn points under the village's rule of that name: the
-- attempt keeps the points record (claims.id) it made, once per quiz and household.

CREATE TABLE party_courses (
    id          @ID@,
    unit_id     BIGINT NOT NULL REFERENCES org_units(id),   -- the county or town publishing
    audience    TEXT NOT NULL CHECK (audience IN ('member', 'villager')),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    photos      TEXT NOT NULL DEFAULT '',                   -- images of the article
    media       TEXT NOT NULL DEFAULT '',                   -- an audio or video file by hash
    minutes     INTEGER NOT NULL DEFAULT 10,                -- the time the course asks for
    status      TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'withdrawn')),
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX party_courses_unit ON party_courses(unit_id, status);

CREATE TABLE party_quizzes (
    id          @ID@,
    unit_id     BIGINT NOT NULL REFERENCES org_units(id),
    audience    TEXT NOT NULL CHECK (audience IN ('member', 'villager')),
    title       TEXT NOT NULL,
    intro       TEXT NOT NULL DEFAULT '',
    pass_score  INTEGER NOT NULL,                           -- percent
    rule_name   TEXT NOT NULL DEFAULT '',                   -- the village's points rule, '' = none
    status      TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'withdrawn')),
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX party_quizzes_unit ON party_quizzes(unit_id, status);

CREATE TABLE party_quiz_questions (
    id          @ID@,
    quiz_id     BIGINT NOT NULL REFERENCES party_quizzes(id),
    ord         INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('single', 'multiple')),
    body        TEXT NOT NULL,
    options     TEXT NOT NULL,                              -- one per line
    answer      INTEGER NOT NULL,                           -- bit i: option i is right
    note        TEXT NOT NULL DEFAULT ''                  -- why the answer is right
);
CREATE INDEX party_quiz_questions_quiz ON party_quiz_questions(quiz_id, ord);

CREATE TABLE party_study_sessions (
    id          @ID@,
    course_id   BIGINT NOT NULL REFERENCES party_courses(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    member_id   BIGINT REFERENCES party_members(id),
    village_id  BIGINT NOT NULL REFERENCES org_units(id),
    started_at  BIGINT NOT NULL,
    seconds     INTEGER NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX party_study_sessions_user ON party_study_sessions(user_id, started_at);
CREATE INDEX party_study_sessions_member ON party_study_sessions(member_id, started_at);

CREATE TABLE party_quiz_attempts (
    id            @ID@,
    quiz_id       BIGINT NOT NULL REFERENCES party_quizzes(id),
    user_id       BIGINT NOT NULL REFERENCES users(id),
    member_id     BIGINT REFERENCES party_members(id),
    household_id  BIGINT REFERENCES households(id),
    village_id    BIGINT NOT NULL REFERENCES org_units(id),
    answers       TEXT NOT NULL,                            -- the choices' masks: "1,6,2"
    correct       INTEGER NOT NULL,
    total         INTEGER NOT NULL,
    score         INTEGER NOT NULL,                         -- percent
    passed        INTEGER NOT NULL,
    claim_id      BIGINT REFERENCES claims(id),
    points        INTEGER NOT NULL DEFAULT 0,
    points_note   TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE INDEX party_quiz_attempts_user ON party_quiz_attempts(user_id, created_at);
CREATE INDEX party_quiz_attempts_member ON party_quiz_attempts(member_id);
CREATE UNIQUE INDEX party_quiz_attempts_points ON party_quiz_attempts(quiz_id, household_id)
    WHERE claim_id IS NOT NULL;
