/* The roster import's third pass: the households, residents and heads already
 * registered looked up in chunks, and what each row does decided. */
#include "domain/grid/grid.h"
#include "domain/register/roster_internal.h"
#include "util/buf.h"

/* ---------------------------------------------------------------- pass 3: lookups */

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static bool was_matched(const struct run *r, int64_t id)
{
	return bsearch(&id, r->matched, (size_t)r->nmatched, sizeof(int64_t), cmp_id) != NULL;
}

static char *keep_text(struct run *r, const char *s)
{
	char *p = arena_strdup(r->c->arena, s);
	return p ? p : (char *)"";
}

/* Lookups go by chunks of keys in one IN (…) list, so a roster of thousands of rows
 * costs a few hundred queries, not tens of thousands (round trips matter on
 * PostgreSQL). A statement takes at most 64 parameters (db_impl.h). Unused places in
 * the last chunk are bound to NULL, which matches nothing. */
#define LOOKUP_CHUNK 60

struct keyset {
	int n;
	const char **text;   /* text keys, or */
	int64_t *ints;       /* integer keys */
};

static struct db_stmt *prepare_in(struct run *r, const char *before, const char *after)
{
	struct buf b;
	buf_init(&b, 64 * 1024);
	buf_adds(&b, before);
	buf_adds(&b, " IN (");
	for (int i = 0; i < LOOKUP_CHUNK; i++)
		buf_adds(&b, i ? ", ?" : "?");
	buf_adds(&b, ")");
	buf_adds(&b, after);
	struct db_stmt *st = b.failed ? NULL : db_prepare(r->c->db, b.ptr);
	buf_release(&b);
	return st;
}

/* Runs st for every chunk of keys (after fixed, when not 0) and calls each on every
 * row that comes back. */
static int run_chunks(struct run *r, struct db_stmt *st, int64_t fixed, const struct keyset *k,
		      int (*each)(struct run *, struct db_stmt *), const char *what)
{
	for (int off = 0; off < k->n; off += LOOKUP_CHUNK) {
		db_reset(st);
		int idx = 1;
		if (fixed)
			db_bind_int(st, idx++, fixed);
		for (int j = 0; j < LOOKUP_CHUNK; j++, idx++) {
			int i = off + j;
			if (i >= k->n)
				db_bind_null(st, idx);
			else if (k->text)
				db_bind_text(st, idx, k->text[i]);
			else
				db_bind_int(st, idx, k->ints[i]);
		}
		int dbrc, rc;
		while ((dbrc = db_step(st)) == DB_ROW)
			if ((rc = each(r, st)) != RC_OK)
				return rc;
		if (dbrc != DB_DONE)
			return ctx_db_fail(r->c, dbrc, what);
	}
	return RC_OK;
}

static int found_household(struct run *r, struct db_stmt *st)
{
	int i = ros_map_get(&r->hh_map, db_col_text(st, 0));
	if (i < 0)
		return RC_OK;
	struct hh *h = &r->hhs[i];
	h->exists = true;
	h->id = db_col_int(st, 1);
	h->old.group_id = db_col_int(st, 2);
	h->old.number = h->number;
	h->old.address = keep_text(r, db_col_text(st, 3));
	h->old.has_coords = db_col_int(st, 4) != 0;
	h->old.lat_e6 = db_col_int(st, 5);
	h->old.lng_e6 = db_col_int(st, 6);
	h->old.grid_id = db_col_int(st, 7);
	return RC_OK;
}

static int found_resident(struct run *r, struct db_stmt *st)
{
	int i = ros_map_get(&r->hash_map, db_col_text(st, 0));
	if (i < 0)
		return RC_OK;
	struct rrow *row = &r->rows[i];
	if (db_col_int(st, 3) != r->village.id) {
		row->action = A_NONE;
		ros_add_error(r, row->line, roster_columns[C_IDCARD],
			      "此人已登记在%s，不能在两个村登记；请先在原村迁出", db_col_text(st, 4));
		return RC_OK;
	}
	struct rrow_old *old = &r->olds[r->nolds++];
	row->old = old;
	row->id = db_col_int(st, 1);
	r->matched[r->nmatched++] = row->id;
	old->in.household_id = db_col_int(st, 2);
	old->in.name = keep_text(r, db_col_text(st, 5));
	old->in.gender = (int)db_col_int(st, 6);
	old->in.birth_date = keep_text(r, db_col_text(st, 7));
	old->in.phone = keep_text(r, db_col_text(st, 8));
	old->in.relation = keep_text(r, db_col_text(st, 9));
	old->in.party_member = (int)db_col_int(st, 10);
	str_copy(old->mask, sizeof(old->mask), db_col_text(st, 11));
	row->action = A_UPDATE;   /* or unchanged: decided by plan() */
	return RC_OK;
}

static int cmp_id_index(const void *a, const void *b)
{
	const struct id_index *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int found_head(struct run *r, struct db_stmt *st)
{
	struct id_index key = {.id = db_col_int(st, 0)};
	const struct id_index *e = bsearch(&key, r->hh_ids, (size_t)r->nhh_ids, sizeof(key), cmp_id_index);
	if (!e || was_matched(r, db_col_int(st, 1)))
		return RC_OK;   /* a head in this file: the file says what they are */
	struct hh *h = &r->hhs[e->idx];
	if (h->staying++ == 0)
		h->staying_name = keep_text(r, db_col_text(st, 2));
	return RC_OK;
}

int ros_lookup(struct run *r)
{
	struct ctx *c = r->c;
	int rc = RC_OK;
	struct keyset k = {0};
	struct db_stmt *hst = prepare_in(r, "SELECT number, id, COALESCE(group_id, 0), address, "
					    "lat_e6 IS NOT NULL, COALESCE(lat_e6, 0), COALESCE(lng_e6, 0), "
					    "COALESCE(grid_id, 0) "
					    "FROM households WHERE village_id = ? AND number", "");
	struct db_stmt *rst = prepare_in(r, "SELECT r.idcard_hash, r.id, r.household_id, h.village_id, v.name, "
					    "r.name, r.gender, r.birth_date, COALESCE(r.phone, ''), r.relation, "
					    "r.party_member, r.idcard_mask FROM residents r "
					    "JOIN households h ON h.id = r.household_id "
					    "JOIN org_units v ON v.id = h.village_id WHERE r.idcard_hash", "");
	struct db_stmt *head = prepare_in(r, "SELECT household_id, id, name FROM residents "
					     "WHERE relation = '" HEAD "' AND household_id",
					  " ORDER BY household_id, id");
	k.text = calloc((size_t)r->nrows + 1, sizeof(*k.text));
	r->matched = calloc((size_t)r->nrows + 1, sizeof(*r->matched));
	/* calloc'd: only the pages of residents found take memory */
	r->olds = calloc((size_t)r->nrows + 1, sizeof(*r->olds));
	r->hh_ids = calloc((size_t)r->nhhs + 1, sizeof(*r->hh_ids));
	if (!hst || !rst || !head) {
		rc = ctx_db_fail(c, DB_ERROR, "查找已登记的户籍");
		goto cleanup;
	}
	if (!k.text || !r->matched || !r->olds || !r->hh_ids || ros_map_init(&r->hash_map, (size_t)r->nrows)) {
		rc = ctx_fail(c, RC_INTERNAL, "内存不足");
		goto cleanup;
	}

	/* households by number */
	for (int i = 0; i < r->nhhs; i++) {
		struct hh *h = &r->hhs[i];
		if (h->group_name)
			h->group_id = ros_find_division(&r->groups, h->group_name);
		if (h->grid_name)
			h->grid_id = ros_find_division(&r->grids, h->grid_name);
		k.text[i] = h->number;
	}
	k.n = r->nhhs;
	if ((rc = run_chunks(r, hst, r->village.id, &k, found_household, "查找已登记的户")))
		goto cleanup;

	/* residents by the lookup hash of their ID number, anywhere */
	k.n = 0;
	for (int i = 0; i < r->nrows; i++) {
		struct rrow *row = &r->rows[i];
		if (!row->idcard[0] || ros_map_put(&r->hash_map, row->hash, i) >= 0)
			continue;   /* no number, or the same number again (already an error) */
		row->action = A_CREATE;
		k.text[k.n++] = row->hash;
	}
	if ((rc = run_chunks(r, rst, 0, &k, found_resident, "查找已登记的村民")))
		goto cleanup;
	qsort(r->matched, (size_t)r->nmatched, sizeof(int64_t), cmp_id);

	/* the heads already registered in these households */
	int64_t *ids = calloc((size_t)r->nhhs + 1, sizeof(*ids));
	if (!ids) {
		rc = ctx_fail(c, RC_INTERNAL, "内存不足");
		goto cleanup;
	}
	for (int i = 0; i < r->nhhs; i++)
		if (r->hhs[i].exists) {
			ids[r->nhh_ids] = r->hhs[i].id;
			r->hh_ids[r->nhh_ids].id = r->hhs[i].id;
			r->hh_ids[r->nhh_ids++].idx = i;
		}
	qsort(r->hh_ids, (size_t)r->nhh_ids, sizeof(*r->hh_ids), cmp_id_index);
	struct keyset hk = {.n = r->nhh_ids, .ints = ids};
	rc = run_chunks(r, head, 0, &hk, found_head, "查找户主");
	free(ids);
	if (rc)
		goto cleanup;

	/* one head per household, counting the heads already registered who stay */
	for (int i = 0; i < r->nhhs; i++) {
		struct hh *h = &r->hhs[i];
		if (h->nheads == 0 && h->staying == 0)
			ros_add_error(r, h->first_line, roster_columns[C_RELATION],
				      "户号 %s 没有户主：请在该户的一行填写“户主”", h->number);
		else if (h->nheads > 0 && h->staying > 0)
			ros_add_error(r, r->rows[h->head_row].line, roster_columns[C_RELATION],
				      "户号 %s 在系统中已有户主“%s”（不在本文件中），一户只能有一位户主", h->number,
				      h->staying_name);
	}
cleanup:
	free(k.text);
	db_finalize(hst);
	db_finalize(rst);
	db_finalize(head);
	return rc;
}

/* The tags a dry run would give: as write_all gives them, each named tag a household
 * does not carry yet (a new one carries none), a name repeated in the cell once. */
int ros_plan_tags(struct run *r)
{
	int rc = RC_OK;
	for (int i = 0; i < r->nhhs && rc == RC_OK; i++) {
		const struct hh *h = &r->hhs[i];
		int64_t seen[32];
		int nseen = 0;
		char name[64];
		for (const char *p = h->tags ? h->tags : ""; rc == RC_OK && ros_next_tag(&p, name, sizeof(name));) {
			int64_t tag_id;
			bool would;
			if ((rc = grid_tag_would_grant(r->c, r->village.path, h->exists ? h->id : 0, name, &tag_id, &would)))
				break;
			bool again = false;
			for (int k = 0; k < nseen && !again; k++)
				again = seen[k] == tag_id;
			if (again)
				continue;
			if (nseen < (int)ARRAY_SIZE(seen))
				seen[nseen++] = tag_id;
			if (would)
				r->out->tags_set++;
		}
	}
	/* and the tags about a person each resident row names, as write_all gives them */
	for (int i = 0; i < r->nrows && rc == RC_OK; i++) {
		const struct rrow *row = &r->rows[i];
		const char *names[PTAGS_MAX];
		int n = ros_ptag_names(r, row, names), would = 0;
		if (n < 0)
			return ctx_fail(r->c, RC_INTERNAL, "内存不足");
		rc = grid_resident_tags_would_add(r->c, r->village.path, row->action == A_CREATE ? 0 : row->id, names, n,
						  &would);
		r->out->resident_tags_set += would;
	}
	return rc;
}

/* What each household and resident row will do; fills the counts. */
void ros_plan(struct run *r)
{
	struct roster_result *out = r->out;
	for (int i = 0; i < r->nhhs; i++) {
		struct hh *h = &r->hhs[i];
		if (!h->exists) {
			h->write = true;
			out->households_created++;
			continue;
		}
		/* blank household fields keep what is registered */
		bool same = (!h->group_name || h->group_id == h->old.group_id) &&
			    (!h->grid_name || h->grid_id == h->old.grid_id) &&
			    (!h->address || !strcmp(h->address, h->old.address));
		h->write = !same;
		if (!same)
			out->households_updated++;
	}
	for (int i = 0; i < r->nrows; i++) {
		struct rrow *row = &r->rows[i];
		if (row->action == A_CREATE) {
			out->residents_created++;
		} else if (row->action == A_UPDATE) {
			const struct hh *h = &r->hhs[row->hh];
			const struct resident_input *o = &row->old->in;
			bool same = h->exists && h->id == o->household_id && !strcmp(row->name, o->name) &&
				    !strcmp(row->relation, o->relation) &&
				    (r->colidx[C_PARTY] < 0 || row->party == o->party_member) &&
				    (!row->phone[0] || !strcmp(row->phone, o->phone));
			row->action = same ? A_UNCHANGED : A_UPDATE;
			if (same)
				out->unchanged++;
			else
				out->residents_updated++;
		}
	}
}
