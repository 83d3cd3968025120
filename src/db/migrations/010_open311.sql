-- Open311 GeoReport v2: the API keys the county admin issues to named clients
-- (stored as a keyed hash, revocable), the channel their requests arrive on, and the
-- key that filed each such event. The token a client gets for a request is kept as
-- the event's follow_hash (a keyed hash, as for the 民情码 form's follow-up code).

CREATE TABLE open311_keys (
    id          @ID@,
    county_id   BIGINT NOT NULL REFERENCES org_units(id),
    name        TEXT NOT NULL,                       -- the client, e.g. "FixMyStreet 县试点"
    key_hash    TEXT NOT NULL UNIQUE,                -- keyed hash of the key
    prefix      TEXT NOT NULL,                       -- the key's first characters, to tell keys apart
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    revoked_by  BIGINT REFERENCES users(id),
    revoked_at  BIGINT
);
CREATE INDEX open311_keys_county ON open311_keys(county_id);

ALTER TABLE events ADD COLUMN open311_key_id BIGINT REFERENCES open311_keys(id);

INSERT INTO event_channels (code, name, builtin, created_at) VALUES ('open311', 'Open311 接口', 1, 0);
