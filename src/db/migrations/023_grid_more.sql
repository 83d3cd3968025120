-- Grid work, continued.
--
-- Each grid worker's last reported position, one row per worker, kept by the insert of
-- every batch of positions (in the same transaction): the supervisors' live map reads
-- it instead of looking for each worker's newest row among all positions kept. Filled
-- here from the positions already stored. Retention deletes a row with the positions
-- it outlived.
CREATE TABLE positions_last (
    user_id    BIGINT PRIMARY KEY REFERENCES users(id),
    unit_id    BIGINT NOT NULL REFERENCES org_units(id),
    at         BIGINT NOT NULL,
    lat_e6     BIGINT NOT NULL,
    lng_e6     BIGINT NOT NULL,
    accuracy_m INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX positions_last_unit ON positions_last(unit_id);

INSERT INTO positions_last (user_id, unit_id, at, lat_e6, lng_e6, accuracy_m)
SELECT p.user_id, p.unit_id, p.at, p.lat_e6, p.lng_e6, p.accuracy_m FROM positions p
WHERE p.id = (SELECT q.id FROM positions q WHERE q.user_id = p.user_id ORDER BY q.at DESC, q.id DESC LIMIT 1);

-- The village map: a village's households in id order, and each head (the resident
-- whose relation is 户主) found by household and relation.
CREATE INDEX households_village ON households(village_id, id);
CREATE INDEX residents_household_relation ON residents(household_id, relation);

-- Tags on residents: the tags that are about a person (person = 1: 残疾人, 独居老人,
-- 留守儿童, 退役军人 …) may be set on a resident of a household as well as on the
-- household, with who set them and when, and every setting and removal kept; the same
-- visibility (a sensitive tag only to the roles it names).
ALTER TABLE tags ADD COLUMN person INTEGER NOT NULL DEFAULT 0;
UPDATE tags SET person = 1 WHERE county_id IS NULL AND name IN
    ('残疾人户', '独居老人', '空巢老人', '留守儿童', '退役军人', '重点关注人员', '外出务工', '志愿者');
CREATE TABLE resident_tags (
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    tag_id      BIGINT NOT NULL REFERENCES tags(id),
    set_by      BIGINT REFERENCES users(id),
    set_at      BIGINT NOT NULL,
    PRIMARY KEY (resident_id, tag_id)
);
CREATE INDEX resident_tags_tag ON resident_tags(tag_id);
CREATE TABLE resident_tag_history (
    id          @ID@,
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    tag_id      BIGINT NOT NULL REFERENCES tags(id),
    action      TEXT NOT NULL CHECK (action IN ('set', 'remove')),
    actor_id    BIGINT REFERENCES users(id),
    at          BIGINT NOT NULL
);
CREATE INDEX resident_tag_history_resident ON resident_tag_history(resident_id, at);
