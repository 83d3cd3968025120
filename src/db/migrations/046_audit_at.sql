-- The audit log page lists a unit's subtree newest first (ORDER BY at DESC, id DESC
-- LIMIT 50): without an index on the time every page read and sorted the whole log,
-- 43 s for a county's 22 million entries. With it the newest entries are walked from the
-- end until a page of the subtree's is found.
CREATE INDEX audit_log_at ON audit_log(at, id);
