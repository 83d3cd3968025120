-- Party building, continued.
--
-- A 书记会客厅 question the secretary turned into a 民情 event or a 村民说事 thread keeps
-- the link (only one of the two, once), who did it and when; the event's channel
-- "party_question" names where it came from.
ALTER TABLE party_questions ADD COLUMN event_id BIGINT REFERENCES events(id);
ALTER TABLE party_questions ADD COLUMN talk_id BIGINT REFERENCES talks(id);
ALTER TABLE party_questions ADD COLUMN converted_at BIGINT;
ALTER TABLE party_questions ADD COLUMN converted_by BIGINT REFERENCES users(id);
ALTER TABLE party_questions ADD COLUMN converter TEXT NOT NULL DEFAULT '';
INSERT INTO event_channels (code, name, builtin, created_at) VALUES ('party_question', '书记会客厅', 1, 0);

-- A commitment's pledge: photos and a short recorded video (a file by hash, checked by
-- its bytes when it was given).
ALTER TABLE party_commitments ADD COLUMN photos TEXT NOT NULL DEFAULT '';
ALTER TABLE party_commitments ADD COLUMN video TEXT NOT NULL DEFAULT '';

-- A course's audio or video: an uploaded file (media, since 024) or an external link the
-- publisher enters.
ALTER TABLE party_courses ADD COLUMN media_url TEXT NOT NULL DEFAULT '';
