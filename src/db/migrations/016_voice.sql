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
