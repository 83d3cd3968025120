-- The households of every village and group, counted as they are written (issue 16):
-- a county's dashboard read every household of the county twice a request to count
-- them by village and group (the register's 入住率 and the points' participation; 300,000
-- index entries at the county scale). Kept by triggers in the same transaction as the
-- household written, moved or removed; group 0 stands for none. Derived: `cunzhi
-- verify` counts the households again and compares, `cunzhi dash-daily rebuild` recounts.
CREATE TABLE household_counts (
    village_id BIGINT NOT NULL,
    group_id   BIGINT NOT NULL,
    households BIGINT NOT NULL,
    PRIMARY KEY (village_id, group_id)
);
INSERT INTO household_counts (village_id, group_id, households)
SELECT village_id, COALESCE(group_id, 0), count(*) FROM households GROUP BY village_id, COALESCE(group_id, 0);

-- @sqlite
CREATE TRIGGER household_counts_ins AFTER INSERT ON households BEGIN
    INSERT INTO household_counts (village_id, group_id, households) VALUES (NEW.village_id, COALESCE(NEW.group_id, 0), 1)
        ON CONFLICT (village_id, group_id) DO UPDATE SET households = households + 1;
END;
CREATE TRIGGER household_counts_upd AFTER UPDATE OF village_id, group_id ON households
    WHEN OLD.village_id <> NEW.village_id OR COALESCE(OLD.group_id, 0) <> COALESCE(NEW.group_id, 0) BEGIN
    UPDATE household_counts SET households = households - 1
     WHERE village_id = OLD.village_id AND group_id = COALESCE(OLD.group_id, 0);
    INSERT INTO household_counts (village_id, group_id, households) VALUES (NEW.village_id, COALESCE(NEW.group_id, 0), 1)
        ON CONFLICT (village_id, group_id) DO UPDATE SET households = households + 1;
END;
CREATE TRIGGER household_counts_del AFTER DELETE ON households BEGIN
    UPDATE household_counts SET households = households - 1
     WHERE village_id = OLD.village_id AND group_id = COALESCE(OLD.group_id, 0);
END;
-- @end

-- @postgres
CREATE FUNCTION household_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.village_id = NEW.village_id
       AND COALESCE(OLD.group_id, 0) = COALESCE(NEW.group_id, 0) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE household_counts SET households = households - 1
         WHERE village_id = OLD.village_id AND group_id = COALESCE(OLD.group_id, 0);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO household_counts (village_id, group_id, households)
        VALUES (NEW.village_id, COALESCE(NEW.group_id, 0), 1)
        ON CONFLICT (village_id, group_id) DO UPDATE SET households = household_counts.households + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER household_counts_keep AFTER INSERT OR UPDATE OF village_id, group_id OR DELETE ON households
    FOR EACH ROW EXECUTE FUNCTION household_counts_keep();
-- @end
