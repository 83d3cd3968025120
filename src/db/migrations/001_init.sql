-- The foundation: org units, the village register, accounts, sessions, audit.
-- Times are UTC seconds. Text is UTF-8. @ID@ is the engine's auto-increment key.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE org_units (
    id         @ID@,
    parent_id  BIGINT REFERENCES org_units(id),
    kind       TEXT NOT NULL CHECK (kind IN ('county', 'town', 'village', 'group')),
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    path       TEXT NOT NULL,            -- '/1/4/17/': ids from the root, for subtree checks
    created_at BIGINT NOT NULL
);
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX org_units_path ON org_units(path);

CREATE TABLE households (
    id          @ID@,
    village_id  BIGINT NOT NULL REFERENCES org_units(id),
    group_id    BIGINT REFERENCES org_units(id),
    number      TEXT NOT NULL,           -- 户号, unique in the village
    address     TEXT NOT NULL DEFAULT '',
    lat_e6      BIGINT,                  -- microdegrees
    lng_e6      BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (village_id, number)
);
CREATE INDEX households_group ON households(group_id);

CREATE TABLE residents (
    id           @ID@,
    household_id BIGINT NOT NULL REFERENCES households(id),
    name         TEXT NOT NULL,
    gender       INTEGER NOT NULL CHECK (gender IN (1, 2)),
    birth_date   TEXT NOT NULL,
    idcard_enc   TEXT NOT NULL,          -- secretbox, hex
    idcard_hash  TEXT NOT NULL UNIQUE,   -- keyed hash, for lookup
    idcard_mask  TEXT NOT NULL,
    phone        TEXT,
    relation     TEXT NOT NULL,          -- 户主, 配偶, 子, 女, 父母, 孙子女, 其他
    party_member INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX residents_household ON residents(household_id);
CREATE INDEX residents_name ON residents(name);
CREATE INDEX residents_phone ON residents(phone);

CREATE TABLE users (
    id            @ID@,
    phone         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT,
    resident_id   BIGINT UNIQUE REFERENCES residents(id),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'active', 'disabled')),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE role_grants (
    id         @ID@,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL,
    unit_id    BIGINT NOT NULL REFERENCES org_units(id),
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, role, unit_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE activation_codes (
    id         @ID@,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    code_hash  TEXT NOT NULL,
    issued_by  BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX activation_codes_user ON activation_codes(user_id);

CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,       -- 'phone:…' or 'addr:…'
    window_start BIGINT NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE audit_heads (
    unit_id BIGINT PRIMARY KEY REFERENCES org_units(id),
    seq     BIGINT NOT NULL,
    hash    TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          @ID@,
    unit_id     BIGINT NOT NULL REFERENCES org_units(id),  -- the chain: a village, or the town/county
    seq         BIGINT NOT NULL,
    actor_id    BIGINT,
    at          BIGINT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   BIGINT NOT NULL,
    action      TEXT NOT NULL,
    before_data TEXT NOT NULL,
    after_data  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (unit_id, seq)
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
