-- A household code 户码 pays for one sale: the codes spent at the counter, kept until
-- they expire (a copy of a phone's screen cannot be used again).
CREATE TABLE used_codes (
    code_hash       TEXT PRIMARY KEY,
    household_id    BIGINT NOT NULL REFERENCES households(id),
    expires_at      BIGINT NOT NULL,
    used_at         BIGINT NOT NULL
);
CREATE INDEX used_codes_expiry ON used_codes(expires_at);
