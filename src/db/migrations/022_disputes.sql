-- Disputes 矛盾纠纷 and emergencies 应急事件: events of their own kind, with the rows
-- each kind adds. A dispute has parties, mediators, mediation sessions, an outcome
-- (调解成功 with the agreement, or 调解不成 with where it was referred) and a follow-up
-- visit at the county's interval; an emergency alerts the duty officers at once and
-- records who was alerted and when each acknowledged it.
ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT 'general'
    CHECK (kind IN ('general', 'dispute', 'emergency'));
CREATE INDEX events_kind ON events(kind, created_at);

-- The county's settings: days from 调解成功 to the follow-up visit.
CREATE TABLE dispute_settings (
    county_id     BIGINT PRIMARY KEY REFERENCES org_units(id),
    followup_days INTEGER NOT NULL,
    updated_by    BIGINT REFERENCES users(id),
    updated_at    BIGINT NOT NULL
);

CREATE TABLE disputes (
    event_id        BIGINT PRIMARY KEY REFERENCES events(id),
    dispute_type    TEXT NOT NULL CHECK (dispute_type IN ('family', 'neighbour', 'land', 'contract', 'labour', 'other')),
    outcome         TEXT CHECK (outcome IN ('mediated', 'failed')),   -- NULL while mediation goes on
    agreement       TEXT NOT NULL DEFAULT '',                         -- the agreement's text (mediated)
    agreement_photo TEXT,                                             -- file hash of the signed agreement
    referred_to     TEXT CHECK (referred_to IN ('judicial', 'court', 'petition', 'other')),
    referred_note   TEXT NOT NULL DEFAULT '',
    outcome_at      BIGINT,
    outcome_by      BIGINT REFERENCES users(id),
    followup_due    BIGINT,                                           -- set on 调解成功
    followup_at     BIGINT,
    followup_by     BIGINT REFERENCES users(id),
    followup_result TEXT CHECK (followup_result IN ('kept', 'broken')),
    followup_note   TEXT NOT NULL DEFAULT '',
    recurring       INTEGER NOT NULL DEFAULT 0,                       -- times the agreement was broken (reopened)
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX disputes_followup ON disputes(followup_due);

-- Parties: names and phones sealed (personal data); a household of the village, if any.
CREATE TABLE dispute_parties (
    id           @ID@,
    event_id     BIGINT NOT NULL REFERENCES events(id),
    ord          INTEGER NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('applicant', 'respondent', 'third')),
    name         TEXT NOT NULL,
    phone        TEXT NOT NULL DEFAULT '',
    household_id BIGINT REFERENCES households(id),
    UNIQUE (event_id, ord)
);
CREATE INDEX dispute_parties_household ON dispute_parties(household_id);

CREATE TABLE dispute_mediators (
    event_id    BIGINT NOT NULL REFERENCES events(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    assigned_by BIGINT REFERENCES users(id),
    assigned_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX dispute_mediators_user ON dispute_mediators(user_id);

CREATE TABLE dispute_sessions (
    id         @ID@,
    event_id   BIGINT NOT NULL REFERENCES events(id),
    held_at    BIGINT NOT NULL,
    place      TEXT NOT NULL,
    notes      TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX dispute_sessions_event ON dispute_sessions(event_id, held_at);

CREATE TABLE dispute_session_photos (
    session_id BIGINT NOT NULL REFERENCES dispute_sessions(id),
    ord        INTEGER NOT NULL,
    file_hash  TEXT NOT NULL,
    PRIMARY KEY (session_id, ord)
);

CREATE TABLE emergencies (
    event_id       BIGINT PRIMARY KEY REFERENCES events(id),
    emergency_type TEXT NOT NULL CHECK (emergency_type IN ('fire', 'flood', 'missing', 'accident', 'other')),
    broadcast_id   BIGINT,                                  -- the 大喇叭 broadcast sent from it, if any
    broadcast_at   BIGINT,
    created_at     BIGINT NOT NULL
);

-- The duty officers alerted of an emergency, and when each acknowledged it.
CREATE TABLE emergency_alerts (
    event_id   BIGINT NOT NULL REFERENCES events(id),
    user_id    BIGINT NOT NULL REFERENCES users(id),
    alerted_at BIGINT NOT NULL,
    acked_at   BIGINT,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX emergency_alerts_user ON emergency_alerts(user_id, acked_at);
