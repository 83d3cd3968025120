-- A dispute's follow-up visit 回访 falling due is told to its mediators once: the daily
-- job stamps followup_notified_at and writes a step on the event's timeline naming
-- them (as events' deadline warnings stamp warned_at); a new outcome clears the stamp.
ALTER TABLE disputes ADD COLUMN followup_notified_at BIGINT;

-- An emergency does not depend on a category's name: the county's category for
-- emergencies is flagged (used when an emergency names none), 应急事件 becomes one of
-- every county's categories, and a county without one gets it here.
ALTER TABLE event_categories ADD COLUMN emergency INTEGER NOT NULL DEFAULT 0;
UPDATE event_categories SET emergency = 1 WHERE name = '应急事件';
-- @sqlite
INSERT INTO event_categories (county_id, name, accept_hours, finish_days, photo_required, active, emergency,
                              created_at, updated_at)
SELECT u.id, '应急事件', 1, 1, 0, 1, 1, CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER)
FROM org_units u
WHERE u.kind = 'county' AND NOT EXISTS (SELECT 1 FROM event_categories k WHERE k.county_id = u.id AND k.emergency = 1);
-- @end
-- @postgres
INSERT INTO event_categories (county_id, name, accept_hours, finish_days, photo_required, active, emergency,
                              created_at, updated_at)
SELECT u.id, '应急事件', 1, 1, 0, 1, 1, CAST(EXTRACT(EPOCH FROM now()) AS BIGINT), CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)
FROM org_units u
WHERE u.kind = 'county' AND NOT EXISTS (SELECT 1 FROM event_categories k WHERE k.county_id = u.id AND k.emergency = 1);
-- @end
