-- The village's voice: the 大喇叭 broadcasts with their spoken audio, the loudspeakers
-- that play them, and 村民说事 threads. A broadcast is also a notice (notice_id): the
-- notices feature keeps its read receipts and the awareness rate. The audio is made by
-- a job (audio_state pending → ready or failed) into DATA/audio/<id>.wav.

CREATE TABLE broadcasts (
    id           @ID@,
    unit_id      BIGINT NOT NULL REFERENCES org_units(id),
    notice_id    BIGINT NOT NULL UNIQUE REFERENCES notices(id),
    body         TEXT NOT NULL,
    created_by   BIGINT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    audio_state  TEXT NOT NULL DEFAULT 'pending' CHECK (audio_state IN ('pending', 'ready', 'failed')),
    audio_bytes  BIGINT NOT NULL DEFAULT 0,
    audio_at     BIGINT
);
CREATE INDEX broadcasts_unit ON broadcasts(unit_id, id);
CREATE INDEX broadcasts_audio ON broadcasts(audio_state, id);

-- Loudspeakers: a device of a village with a token shown once and stored as its hash.
CREATE TABLE speakers (
    id            @ID@,
    village_id    BIGINT NOT NULL REFERENCES org_units(id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_by    BIGINT NOT NULL REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX speakers_village ON speakers(village_id);

-- What a loudspeaker acknowledged it played.
CREATE TABLE speaker_plays (
    speaker_id    BIGINT NOT NULL REFERENCES speakers(id),
    broadcast_id  BIGINT NOT NULL REFERENCES broadcasts(id),
    played_at     BIGINT NOT NULL,
    PRIMARY KEY (speaker_id, broadcast_id)
);

-- 村民说事: a thread opened by a villager of the village in a category, replies of the
-- neighbours and answers of the cadres (talk_posts), resolved, turned into an event
-- (event_id; the event's description names the thread) or put to the village's 议事
-- with its outcome. A thread or a post is hidden with a reason, never deleted.
CREATE TABLE talks (
    id               @ID@,
    village_id       BIGINT NOT NULL REFERENCES org_units(id),
    author_id        BIGINT NOT NULL REFERENCES users(id),
    category         TEXT NOT NULL CHECK (category IN ('suggestion', 'question', 'praise', 'council')),
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'resolved')),
    created_at       BIGINT NOT NULL,
    last_post_at     BIGINT NOT NULL,
    resolved_at      BIGINT,
    resolved_by      BIGINT REFERENCES users(id),
    event_id         BIGINT,
    council_outcome  TEXT,
    council_at       BIGINT,
    hidden_at        BIGINT,
    hidden_by        BIGINT REFERENCES users(id),
    hidden_reason    TEXT
);
CREATE INDEX talks_village ON talks(village_id, last_post_at);
CREATE INDEX talks_author ON talks(author_id, created_at);

CREATE TABLE talk_posts (
    id             @ID@,
    talk_id        BIGINT NOT NULL REFERENCES talks(id),
    author_id      BIGINT NOT NULL REFERENCES users(id),
    kind           TEXT NOT NULL CHECK (kind IN ('reply', 'answer')),
    body           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    hidden_at      BIGINT,
    hidden_by      BIGINT REFERENCES users(id),
    hidden_reason  TEXT
);
CREATE INDEX talk_posts_talk ON talk_posts(talk_id, id);
CREATE INDEX talk_posts_author ON talk_posts(author_id, created_at);
