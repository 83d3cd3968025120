-- The party benchmark's generator (bench/party.sh): on the demo county, a branch with two
-- party groups in every village that has none, members up to :members in all (spread
-- over the branches; ages 18–90, six educations, 1 in 30 probationary, 1 in 25 mobile)
-- and two years of 三会一课 and 主题党日 for every branch: 支委会, 主题党日 and each
-- group's 党小组会 monthly, 支部党员大会 and 党课 quarterly, about 1 in 23 not held
-- (missing on the board). Straight SQL on SQLite; the audit entries of this history are
-- not written (no measured request reads them). The member count comes in as the
-- parameter table's value.
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO party_branches (village_id, name, created_at)
SELECT id, name || '党支部', CAST(strftime('%s', 'now', '-3 years') AS INTEGER) FROM org_units
WHERE kind = 'village' AND id NOT IN (SELECT village_id FROM party_branches);
INSERT INTO party_groups (branch_id, name, created_at)
SELECT b.id, g.name, b.created_at FROM party_branches b, (SELECT '第一党小组' AS name UNION ALL SELECT '第二党小组') g
WHERE NOT EXISTS (SELECT 1 FROM party_groups x WHERE x.branch_id = b.id);
WITH RECURSIVE
  want(n) AS (SELECT n - (SELECT count(*) FROM party_members) FROM bench_params),
  seq(i) AS (SELECT 1 WHERE (SELECT n FROM want) > 0 UNION ALL SELECT i + 1 FROM seq WHERE i < (SELECT n FROM want)),
  br AS (SELECT id, village_id, row_number() OVER (ORDER BY id) - 1 AS rn FROM party_branches),
  nb(n) AS (SELECT count(*) FROM party_branches)
INSERT INTO party_members (branch_id, village_id, group_id, name, gender, birth_date, education, kind, join_date,
                           full_date, phone, mobile, mobile_place, status, created_at, updated_at)
SELECT br.id, br.village_id,
       (SELECT CASE WHEN seq.i % 2 = 0 THEN min(g.id) ELSE max(g.id) END FROM party_groups g WHERE g.branch_id = br.id),
       '党员' || seq.i, CASE seq.i % 3 WHEN 1 THEN 'f' ELSE 'm' END,
       date('now', '-' || (18 * 365 + (seq.i * 7919) % (72 * 365)) || ' days'),
       CASE seq.i % 6 WHEN 0 THEN '小学及以下' WHEN 1 THEN '初中' WHEN 2 THEN '高中/中专' WHEN 3 THEN '大专'
                      WHEN 4 THEN '本科' ELSE '研究生' END,
       CASE WHEN seq.i % 30 = 0 THEN 'probationary' ELSE 'full' END,
       date('now', '-' || (CASE WHEN seq.i % 30 = 0 THEN 100 + seq.i % 200 ELSE 400 + (seq.i * 104729) % (15 * 365) END) || ' days'),
       CASE WHEN seq.i % 30 = 0 THEN date('now', '-' || (100 + seq.i % 200) || ' days', '+1 year') END,
       '', seq.i % 25 = 0, CASE WHEN seq.i % 25 = 0 THEN '广东省东莞市（务工）' ELSE '' END, 'active',
       CAST(strftime('%s', 'now', '-2 years') AS INTEGER), CAST(strftime('%s', 'now', '-2 years') AS INTEGER)
FROM seq JOIN br ON br.rn = seq.i % (SELECT n FROM nb);
WITH RECURSIVE
  mon(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM mon WHERE k < 23),
  kinds(kind, day, quarterly, second) AS (VALUES ('committee', 3, 0, 0), ('theme_day', 5, 0, 0), ('group', 9, 0, 0),
                                               ('group', 10, 0, 1), ('general', 15, 1, 0), ('lecture', 21, 1, 0)),
  plan AS (SELECT b.id AS branch_id, b.village_id, kinds.kind, kinds.quarterly, kinds.second,
                  date('now', 'start of month', '-' || mon.k || ' months', '+' || (kinds.day - 1) || ' days') AS d,
                  (b.id * 7 + mon.k * 13 + kinds.day) % 23 AS skip
           FROM party_branches b, mon, kinds)
INSERT INTO party_meetings (branch_id, village_id, group_id, kind, period, topic, place, remote, starts_at, ends_at,
                            minutes, created_at, updated_at)
SELECT branch_id, village_id,
       CASE WHEN kind = 'group' THEN (SELECT CASE WHEN second THEN max(g.id) ELSE min(g.id) END FROM party_groups g
                                      WHERE g.branch_id = plan.branch_id) END,
       kind,
       CASE WHEN quarterly THEN strftime('%Y', d) || '-Q' || ((CAST(strftime('%m', d) AS INTEGER) + 2) / 3)
            ELSE strftime('%Y-%m', d) END,
       '学习贯彻上级会议精神', '村党群服务中心', 0,
       CAST(strftime('%s', d, '-8 hours', '+9 hours') AS INTEGER), CAST(strftime('%s', d, '-8 hours', '+11 hours') AS INTEGER),
       '会议记录', CAST(strftime('%s', d, '-8 hours') AS INTEGER), CAST(strftime('%s', d, '-8 hours') AS INTEGER)
FROM plan
WHERE skip <> 0 AND d <= date('now') AND (NOT quarterly OR CAST(strftime('%m', d) AS INTEGER) % 3 = 2);
COMMIT;
