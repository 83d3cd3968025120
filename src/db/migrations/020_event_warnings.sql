-- Early warnings 预警 of events: a county sets, per category, "warn_count events of this
-- category in one village within warn_days days" (0 = no warning for the category); the
-- warnings are computed from the events when read, so they can always be explained by
-- the events behind them.
ALTER TABLE event_categories ADD COLUMN warn_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event_categories ADD COLUMN warn_days INTEGER NOT NULL DEFAULT 0;
