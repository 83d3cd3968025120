-- Who uploaded a stored file. Files are stored once by their content hash; every
-- account that uploads the same bytes becomes one of its owners, so a second uploader
-- may attach them too (files.uploaded_by stays the first). The upload quota counts an
-- account's rows here in the last 24 hours; unit_id is the village whose audit chain
-- recorded the upload (where the file's removal is recorded). user_id 0: the public
-- form, without an account.
CREATE TABLE file_owners (
    hash       TEXT NOT NULL REFERENCES files(hash),
    user_id    BIGINT NOT NULL,
    unit_id    BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (hash, user_id)
);
CREATE INDEX file_owners_user ON file_owners(user_id, created_at);
INSERT INTO file_owners (hash, user_id, unit_id, created_at)
    SELECT hash, COALESCE(uploaded_by, 0), NULL, created_at FROM files;

-- Set when the removal of unattached files found a record referring to the file: it is
-- kept from then on and not looked for again.
ALTER TABLE files ADD COLUMN kept_at BIGINT;
CREATE INDEX files_unkept ON files(created_at) WHERE kept_at IS NULL;
