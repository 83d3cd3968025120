/* Reply generations (see replygen.h). */
#include "domain/kernel/replygen.h"

int64_t replygen_get(struct ctx *c, int64_t village_id)
{
	if (village_id <= 0)
		return -1;
	struct db_stmt *st = db_query(c->db,
				      "SELECT count(*), CAST(COALESCE(SUM(gen), 0) AS BIGINT) FROM reply_gen "
				      "WHERE village_id IN (0, ?)", "i", village_id);
	if (!st)
		return -1;
	int64_t gen = -1;
	if (db_step(st) == DB_ROW && db_col_int(st, 0) == 2)
		gen = db_col_int(st, 1);
	db_finalize(st);
	return gen;
}

int64_t replygen_get_town(struct ctx *c, int64_t town_id)
{
	if (town_id <= 0)
		return -1;
	struct db_stmt *st = db_query(c->db,
				      "SELECT count(*), CAST(COALESCE(SUM(gen), 0) AS BIGINT), "
				      "(SELECT count(*) FROM org_units WHERE parent_id = ? AND kind = 'village') "
				      "FROM reply_gen WHERE village_id = 0 OR village_id IN "
				      "(SELECT id FROM org_units WHERE parent_id = ? AND kind = 'village')",
				      "ii", town_id, town_id);
	if (!st)
		return -1;
	int64_t gen = -1;
	if (db_step(st) == DB_ROW && db_col_int(st, 0) == db_col_int(st, 2) + 1)
		gen = db_col_int(st, 1);
	db_finalize(st);
	return gen;
}
