-- Grids 网格: org units of kind 'grid' under a village, beside its groups. Every
-- household may be placed in one grid of its village; a grid has a colour and a
-- boundary (a GeoJSON Polygon or MultiPolygon, [lng, lat] positions).

-- The kind check gains 'grid'. SQLite cannot change a CHECK in place: the table is
-- rebuilt (foreign keys are off while migrations run and checked before they commit).
-- @sqlite
CREATE TABLE org_units_rebuilt (
    id         INTEGER PRIMARY KEY,
    parent_id  BIGINT REFERENCES org_units(id),
    kind       TEXT NOT NULL CHECK (kind IN ('county', 'town', 'village', 'group', 'grid')),
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    path       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO org_units_rebuilt (id, parent_id, kind, code, name, path, created_at)
    SELECT id, parent_id, kind, code, name, path, created_at FROM org_units;
DROP TABLE org_units;
ALTER TABLE org_units_rebuilt RENAME TO org_units;
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX org_units_path ON org_units(path);
-- @end
-- @postgres
ALTER TABLE org_units DROP CONSTRAINT org_units_kind_check;
ALTER TABLE org_units ADD CONSTRAINT org_units_kind_check
    CHECK (kind IN ('county', 'town', 'village', 'group', 'grid'));
-- @end

CREATE TABLE grids (
    unit_id    BIGINT PRIMARY KEY REFERENCES org_units(id),
    color      TEXT NOT NULL,            -- '#RRGGBB'
    boundary   TEXT,                     -- GeoJSON geometry, NULL until drawn
    updated_at BIGINT NOT NULL
);

ALTER TABLE households ADD COLUMN grid_id BIGINT REFERENCES org_units(id);
CREATE INDEX households_grid ON households(grid_id);
