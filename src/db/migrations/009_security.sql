-- Closing holes of issue 18.
--
-- 1. Masked ID numbers keep the first four characters and the check character only
--    (1101*************X), and audit snapshots of residents keep the birth year, not the
--    date: the old mask (region and last four) beside the birth date rebuilt the number.
--    The rewritten snapshots change the audit entries' hashes: the chains are sealed
--    anew once, right after this migration, by the program (chain_state below).
UPDATE residents SET idcard_mask = substr(idcard_mask, 1, 4) || '*************' || substr(idcard_mask, 18, 1)
WHERE length(idcard_mask) = 18;

-- @sqlite
UPDATE audit_log SET before_data = json_set(json_remove(before_data, '$.birth_date'),
        '$.birth_year', substr(json_extract(before_data, '$.birth_date'), 1, 4),
        '$.idcard', CASE WHEN length(json_extract(before_data, '$.idcard')) = 18
                         THEN substr(json_extract(before_data, '$.idcard'), 1, 4) || '*************' ||
                              substr(json_extract(before_data, '$.idcard'), 18, 1)
                         ELSE json_extract(before_data, '$.idcard') END)
WHERE object_type = 'resident' AND json_valid(before_data) AND json_type(before_data, '$.idcard') IS NOT NULL;
UPDATE audit_log SET after_data = json_set(json_remove(after_data, '$.birth_date'),
        '$.birth_year', substr(json_extract(after_data, '$.birth_date'), 1, 4),
        '$.idcard', CASE WHEN length(json_extract(after_data, '$.idcard')) = 18
                         THEN substr(json_extract(after_data, '$.idcard'), 1, 4) || '*************' ||
                              substr(json_extract(after_data, '$.idcard'), 18, 1)
                         ELSE json_extract(after_data, '$.idcard') END)
WHERE object_type = 'resident' AND json_valid(after_data) AND json_type(after_data, '$.idcard') IS NOT NULL;
-- @end
-- @postgres
UPDATE audit_log SET before_data = ((before_data::jsonb - 'birth_date') || jsonb_build_object(
        'birth_year', left(before_data::jsonb ->> 'birth_date', 4),
        'idcard', CASE WHEN length(before_data::jsonb ->> 'idcard') = 18
                       THEN left(before_data::jsonb ->> 'idcard', 4) || repeat('*', 13) ||
                            right(before_data::jsonb ->> 'idcard', 1)
                       ELSE before_data::jsonb ->> 'idcard' END))::text
WHERE object_type = 'resident' AND before_data LIKE '%"idcard"%';
UPDATE audit_log SET after_data = ((after_data::jsonb - 'birth_date') || jsonb_build_object(
        'birth_year', left(after_data::jsonb ->> 'birth_date', 4),
        'idcard', CASE WHEN length(after_data::jsonb ->> 'idcard') = 18
                       THEN left(after_data::jsonb ->> 'idcard', 4) || repeat('*', 13) ||
                            right(after_data::jsonb ->> 'idcard', 1)
                       ELSE after_data::jsonb ->> 'idcard' END))::text
WHERE object_type = 'resident' AND after_data LIKE '%"idcard"%';
-- @end

-- 3. A correction that would add points (the reversal of a deduction) waits for a
--    second cadre of the village; the entry is written when they approve.
CREATE TABLE ledger_correction_requests (
    id           @ID@,
    village_id   BIGINT NOT NULL REFERENCES org_units(id),
    entry_id     BIGINT NOT NULL REFERENCES ledger(id),
    reason       TEXT NOT NULL,
    requested_by BIGINT NOT NULL REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by   BIGINT REFERENCES users(id),
    decided_at   BIGINT,
    decision     TEXT NOT NULL DEFAULT '',
    ledger_id    BIGINT REFERENCES ledger(id)
);
CREATE INDEX ledger_correction_requests_village ON ledger_correction_requests(village_id, status);
-- one open request per entry
CREATE UNIQUE INDEX ledger_correction_requests_open ON ledger_correction_requests(entry_id)
WHERE status = 'pending';

-- 4. Idempotency keys of creating requests a phone may retry: the key a client sent
--    (per actor and kind of request), a fingerprint of the request it came with, and
--    what it made. A retry with the same key and request gets the same result.
CREATE TABLE idempotency_keys (
    actor_id    BIGINT NOT NULL,
    scope       TEXT NOT NULL,       -- award, claim, objection …
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    result      TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (actor_id, scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);

-- 5. Chain heads keyed with a key from the key file (never in the database): mac is a
--    keyed hash of the head's unit, seq and hash. chain_state.sealed_at is set when the
--    program has sealed the chains (once, after this migration); records of the heads
--    outside the database go to the data directory (chain-heads.log).
ALTER TABLE audit_heads ADD COLUMN mac TEXT;
ALTER TABLE ledger_heads ADD COLUMN mac TEXT;
CREATE TABLE chain_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    sealed_at BIGINT
);
INSERT INTO chain_state (id, sealed_at) VALUES (1, NULL);
