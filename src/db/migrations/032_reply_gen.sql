-- Reply generations (issue 17): the server keeps the finished replies of a village's
-- busiest reads (the live ranking, a household's page and ledger page, the village's
-- list of households) in memory and serves them again only while the village's
-- generation here is unchanged. Every app server on the database reads the same rows,
-- so a change made through one server is seen by the others' next request.
--
-- The generations are bumped by triggers, in the same transaction as the change, so no
-- code path can forget one: village_id = 0 is the county-wide row (org units, accounts
-- and grants, which a village's replies name: unit names, grid workers, the person who
-- wrote a ledger entry); every other row is one village's (its households, residents,
-- ledger, points settings and published rankings). A reply is keyed by the sum of its
-- village's row and row 0: both only grow, so an equal sum means neither moved.
--
-- ledger_totals and balances are written only with a ledger entry (ledger_append), which
-- bumps already. A SQLite table rebuild (copy, drop, rename) of a table below drops its
-- triggers: a migration that rebuilds one must create them again.
CREATE TABLE reply_gen (
    village_id BIGINT PRIMARY KEY,
    gen        BIGINT NOT NULL
);
INSERT INTO reply_gen (village_id, gen) VALUES (0, 1);
INSERT INTO reply_gen (village_id, gen) SELECT id, 1 FROM org_units WHERE kind = 'village';

-- @sqlite
CREATE TRIGGER reply_gen_units_ins AFTER INSERT ON org_units BEGIN
    INSERT OR IGNORE INTO reply_gen (village_id, gen) SELECT NEW.id, 1 WHERE NEW.kind = 'village';
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = 0;
END;
CREATE TRIGGER reply_gen_units_upd AFTER UPDATE ON org_units BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = 0;
END;
CREATE TRIGGER reply_gen_units_del AFTER DELETE ON org_units BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = 0;
END;
CREATE TRIGGER reply_gen_users_ins AFTER INSERT ON users BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = 0;
END;
CREATE TRIGGER reply_gen_users_upd AFTER UPDATE OF name, phone, status, resident_id ON users BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = 0;
END;
CREATE TRIGGER reply_gen_users_del AFTER DELETE ON users BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = 0;
END;
CREATE TRIGGER reply_gen_grants_ins AFTER INSERT ON role_grants BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = 0;
END;
CREATE TRIGGER reply_gen_grants_upd AFTER UPDATE ON role_grants BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = 0;
END;
CREATE TRIGGER reply_gen_grants_del AFTER DELETE ON role_grants BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = 0;
END;
CREATE TRIGGER reply_gen_households_ins AFTER INSERT ON households BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = NEW.village_id;
END;
CREATE TRIGGER reply_gen_households_upd AFTER UPDATE ON households BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id IN (OLD.village_id, NEW.village_id);
END;
CREATE TRIGGER reply_gen_households_del AFTER DELETE ON households BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = OLD.village_id;
END;
CREATE TRIGGER reply_gen_residents_ins AFTER INSERT ON residents BEGIN
    UPDATE reply_gen SET gen = gen + 1
    WHERE village_id = (SELECT village_id FROM households WHERE id = NEW.household_id);
END;
CREATE TRIGGER reply_gen_residents_upd AFTER UPDATE ON residents BEGIN
    UPDATE reply_gen SET gen = gen + 1
    WHERE village_id IN (SELECT village_id FROM households WHERE id IN (OLD.household_id, NEW.household_id));
END;
CREATE TRIGGER reply_gen_residents_del AFTER DELETE ON residents BEGIN
    UPDATE reply_gen SET gen = gen + 1
    WHERE village_id = (SELECT village_id FROM households WHERE id = OLD.household_id);
END;
CREATE TRIGGER reply_gen_ledger_ins AFTER INSERT ON ledger BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = NEW.village_id;
END;
CREATE TRIGGER reply_gen_ledger_upd AFTER UPDATE ON ledger BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id IN (OLD.village_id, NEW.village_id);
END;
CREATE TRIGGER reply_gen_ledger_del AFTER DELETE ON ledger BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = OLD.village_id;
END;
CREATE TRIGGER reply_gen_settings_ins AFTER INSERT ON village_settings BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = NEW.village_id;
END;
CREATE TRIGGER reply_gen_settings_upd AFTER UPDATE ON village_settings BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id IN (OLD.village_id, NEW.village_id);
END;
CREATE TRIGGER reply_gen_settings_del AFTER DELETE ON village_settings BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = OLD.village_id;
END;
CREATE TRIGGER reply_gen_rankings_ins AFTER INSERT ON rankings BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = NEW.village_id;
END;
CREATE TRIGGER reply_gen_rankings_upd AFTER UPDATE ON rankings BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id IN (OLD.village_id, NEW.village_id);
END;
CREATE TRIGGER reply_gen_rankings_del AFTER DELETE ON rankings BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = OLD.village_id;
END;
-- @end
-- @postgres
-- Constraint triggers deferred to the commit: a transaction takes a generation's row lock
-- only at its end, after the locks it takes in its own order (a village's ledger head,
-- a shop row …), so two writers never wait on each other in opposite orders.
CREATE FUNCTION reply_gen_bump_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id = 0;
    RETURN NULL;
END $$;
-- a new village gets its row at once (no lock is waited for: the row is new)
CREATE FUNCTION reply_gen_unit_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'village' THEN
        INSERT INTO reply_gen (village_id, gen) VALUES (NEW.id, 1) ON CONFLICT (village_id) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- the row's village: village_id itself, or a resident's household's
CREATE FUNCTION reply_gen_bump_village() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o BIGINT;
    n BIGINT;
BEGIN
    IF TG_TABLE_NAME = 'residents' THEN
        IF TG_OP <> 'INSERT' THEN
            SELECT village_id INTO o FROM households WHERE id = OLD.household_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            SELECT village_id INTO n FROM households WHERE id = NEW.household_id;
        END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN
            o := OLD.village_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            n := NEW.village_id;
        END IF;
    END IF;
    UPDATE reply_gen SET gen = gen + 1 WHERE village_id IN (o, n);
    RETURN NULL;
END $$;
CREATE TRIGGER reply_gen_unit_added AFTER INSERT ON org_units
    FOR EACH ROW EXECUTE FUNCTION reply_gen_unit_added();
CREATE CONSTRAINT TRIGGER reply_gen_units AFTER INSERT OR UPDATE OR DELETE ON org_units
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reply_gen_bump_all();
CREATE CONSTRAINT TRIGGER reply_gen_users AFTER INSERT OR DELETE OR UPDATE OF name, phone, status, resident_id
    ON users DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reply_gen_bump_all();
CREATE CONSTRAINT TRIGGER reply_gen_grants AFTER INSERT OR UPDATE OR DELETE ON role_grants
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reply_gen_bump_all();
CREATE CONSTRAINT TRIGGER reply_gen_households AFTER INSERT OR UPDATE OR DELETE ON households
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reply_gen_bump_village();
CREATE CONSTRAINT TRIGGER reply_gen_residents AFTER INSERT OR UPDATE OR DELETE ON residents
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reply_gen_bump_village();
CREATE CONSTRAINT TRIGGER reply_gen_ledger AFTER INSERT OR UPDATE OR DELETE ON ledger
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reply_gen_bump_village();
CREATE CONSTRAINT TRIGGER reply_gen_settings AFTER INSERT OR UPDATE OR DELETE ON village_settings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reply_gen_bump_village();
CREATE CONSTRAINT TRIGGER reply_gen_rankings AFTER INSERT OR UPDATE OR DELETE ON rankings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reply_gen_bump_village();
-- @end
