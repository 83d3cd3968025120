-- The grants held on a unit, found from the unit: a household's page names the grid
-- workers of its grid, group or village (people_household_grid_workers), and without
-- this index that lookup read every user and probed its grants (at 1,000 users, 60 % of
-- a household PATCH's time, whose reply carries the page).
CREATE INDEX role_grants_unit ON role_grants(unit_id, role, user_id);
