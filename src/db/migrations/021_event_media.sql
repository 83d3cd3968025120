-- Voice recordings and video clips of events 民情: stored as files like the photos
-- (content-addressed, typed by their bytes), with the length the container tells.
ALTER TABLE files ADD COLUMN duration_ms BIGINT;

-- A recording or clip on an event: with the report (step_id NULL) or with a step of its
-- timeline (a handler's progress note, the reporter's reply). duration_ms is the file's
-- own length, or the length the recorder declared when the container does not tell.
CREATE TABLE event_media (
    id          @ID@,
    event_id    BIGINT NOT NULL REFERENCES events(id),
    step_id     BIGINT REFERENCES event_steps(id),
    kind        TEXT NOT NULL CHECK (kind IN ('voice', 'video')),
    file_hash   TEXT NOT NULL REFERENCES files(hash),
    duration_ms BIGINT,
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX event_media_event ON event_media(event_id, id);
