-- Display tokens 大屏令牌: the county admin issues a named, read-only, revocable token
-- for a command-centre screen showing one unit's dashboard without a login. Only the
-- token's hash is stored; revoked tokens stay as history.
CREATE TABLE display_tokens (
    id          @ID@,
    unit_id     BIGINT NOT NULL REFERENCES org_units(id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT,
    revoked_by  BIGINT REFERENCES users(id)
);
CREATE INDEX display_tokens_unit ON display_tokens(unit_id);
