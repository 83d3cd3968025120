-- The village map, continued.
--
-- A tile server the county may name for its maps: a URL template with {z}, {x} and {y}
-- (and optionally a leading {s}. subdomain), empty for none (the default: the machines
-- often have no internet, and the maps are drawn from the project's own data). Its
-- attribution is shown in the map's corner.
ALTER TABLE grid_settings ADD COLUMN tile_url TEXT NOT NULL DEFAULT '';
ALTER TABLE grid_settings ADD COLUMN tile_attribution TEXT NOT NULL DEFAULT '';

-- Roads of a village drawn on its map under the households: a name, a kind (主干道 main,
-- 村道 village, 机耕路 farm track, 小路 path) and a GeoJSON LineString. Removed roads
-- are kept inactive (the audit trail names them).
CREATE TABLE map_roads (
    id          @ID@,
    village_id  BIGINT NOT NULL REFERENCES org_units(id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('main', 'village', 'farm', 'path')),
    geometry    TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX map_roads_village ON map_roads(village_id, active);
