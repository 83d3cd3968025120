-- A dispute's follow-up visit 回访 falling due is told to its mediators once: the daily
-- job stamps followup_notified_at and writes a step on the event's timeline naming
-- them (as events' deadline warnings stamp warned_at); a new outcome clears the stamp.
ALTER TABLE disputes ADD COLUMN followup_notified_at BIGINT;
