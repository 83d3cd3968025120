-- Grows a demo county database on PostgreSQL (`cunzhi demo --scale county --db URL`) to
-- about the issue-17 county for plan measurements (bench/pg_plans.py): households x15
-- (150,000, with their residents), the ledger x180 (about a million entries, on the same
-- households, earlier days), the audit log x15 (about a million), events x100 (about
-- 48,000). Plain copies with triggers off: the hash chains, balances, totals and counts
-- are NOT kept, so `cunzhi verify` fails on the result; a scratch database only.
--   psql -v ON_ERROR_STOP=1 "$CUNZHI_PG" -f bench/pg_inflate.sql
SET session_replication_role = replica;
-- households x15 (150,000) with their residents
CREATE TEMP TABLE hmap AS SELECT h.id AS old_id, g, nextval(pg_get_serial_sequence('households','id')) AS new_id
  FROM households h, generate_series(1,14) g;
INSERT INTO households (id, village_id, group_id, number, address, lat_e6, lng_e6, created_at, updated_at, grid_id)
  SELECT m.new_id, h.village_id, h.group_id, h.number || '-' || m.g, h.address, h.lat_e6, h.lng_e6, h.created_at, h.updated_at, h.grid_id
  FROM hmap m JOIN households h ON h.id = m.old_id;
DO $$
DECLARE cols text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
    FROM information_schema.columns WHERE table_name = 'residents' AND column_name NOT IN ('id', 'household_id');
  EXECUTE format('INSERT INTO residents (household_id, %s) SELECT m.new_id, %s FROM hmap m JOIN residents r ON r.household_id = m.old_id', cols,
    (SELECT string_agg(CASE column_name WHEN 'idcard_hash' THEN 'r.idcard_hash || ''-'' || m.g' ELSE 'r.' || quote_ident(column_name) END, ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'residents' AND column_name NOT IN ('id', 'household_id')));
END $$;
-- ledger x180 (~1M): same households, earlier days, seq after the village's last
DO $$
DECLARE cols text; sel text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position),
         string_agg(CASE column_name WHEN 'seq' THEN 'l.seq + g * 100000' WHEN 'at' THEN 'l.at - g * 86400' WHEN 'claim_id' THEN 'NULL' ELSE 'l.' || quote_ident(column_name) END, ', ' ORDER BY ordinal_position)
    INTO cols, sel FROM information_schema.columns WHERE table_name = 'ledger' AND column_name <> 'id';
  EXECUTE format('INSERT INTO ledger (%s) SELECT %s FROM ledger l, generate_series(1,180) g', cols, sel);
END $$;
-- audit_log x15 (~1M)
DO $$
DECLARE cols text; sel text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position),
         string_agg(CASE column_name WHEN 'seq' THEN 'a.seq + g * 1000000' WHEN 'at' THEN 'a.at - g * 86400 * 30' ELSE 'a.' || quote_ident(column_name) END, ', ' ORDER BY ordinal_position)
    INTO cols, sel FROM information_schema.columns WHERE table_name = 'audit_log' AND column_name <> 'id';
  EXECUTE format('INSERT INTO audit_log (%s) SELECT %s FROM audit_log a, generate_series(1,14) g', cols, sel);
END $$;
-- events x100 (~48,000)
DO $$
DECLARE cols text; sel text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position),
         string_agg(CASE column_name WHEN 'created_at' THEN 'e.created_at - g * 3600' WHEN 'follow_hash' THEN 'NULL' WHEN 'duplicate_of' THEN 'NULL' ELSE 'e.' || quote_ident(column_name) END, ', ' ORDER BY ordinal_position)
    INTO cols, sel FROM information_schema.columns WHERE table_name = 'events' AND column_name <> 'id';
  EXECUTE format('INSERT INTO events (%s) SELECT %s FROM events e, generate_series(1,99) g', cols, sel);
END $$;
SET session_replication_role = origin;
VACUUM ANALYZE;
SELECT relname, n_live_tup FROM pg_stat_user_tables ORDER BY n_live_tup DESC LIMIT 6;
