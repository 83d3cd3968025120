/* Rankings and 红黑榜 (live, publishing, the public snapshots and their A4 poster), the
 * XLSX exports of ledgers and rankings, and the statistics for dashboards (points and
 * the registered share). */
#include <math.h>

#include "domain/kernel/replygen.h"
#include "domain/points/exports.h"
#include "domain/points/rankings.h"
#include "http/points/points.h"
#include "http/reply_cache.h"


/* A town's rows name their village. */
static json_t *with_village(json_t *o, int64_t village_id, const char *village_name)
{
	if (village_name) {
		json_object_set_new(o, "village_id", json_integer(village_id));
		json_object_set_new(o, "village_name", json_string(village_name));
	}
	return o;
}

static json_t *row_json(const struct ranking_row *w)
{
	return with_village(json_pack("{s:i, s:I, s:s, s:s, s:I}", "rank", w->rank, "household_id",
				      (json_int_t)w->household_id, "household_number", w->household_number, "name",
				      w->name, "points", (json_int_t)w->points),
			    w->village_id, w->village_name);
}

static json_t *ranking_json(const struct ranking *k)
{
	json_t *rows = json_array(), *red = json_array(), *black = json_array();
	for (int i = 0; i < k->nrows; i++) {
		json_array_append_new(rows, row_json(&k->rows[i]));
		if (i < k->nred)
			json_array_append_new(red, row_json(&k->rows[i]));
	}
	for (int i = 0; i < k->nblack; i++) {
		const struct black_row *b = &k->black[i];
		json_array_append_new(black, with_village(json_pack("{s:I, s:s, s:s, s:I, s:I}", "household_id",
								    (json_int_t)b->household_id, "household_number",
								    b->household_number, "name", b->name, "deductions",
								    (json_int_t)b->deductions, "points", (json_int_t)b->points),
							  b->village_id, b->village_name));
	}
	/* a town's ranking has no one village nor ledger chain: those are null */
	bool town = !k->village_name;
	json_t *o = json_pack("{s:o, s:o, s:o, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:i, s:i, s:o, s:o, s:o, s:o}",
			      "id", k->id ? json_integer(k->id) : json_null(), "village_id",
			      town ? json_null() : json_integer(k->village_id), "village_name",
			      town ? json_null() : json_string(k->village_name), "unit_id",
			      (json_int_t)k->unit_id, "unit_name", k->unit_name, "unit_kind", k->unit_kind,
			      "period", k->period.text, "period_label", k->period.label, "period_start",
			      json_time(k->period.start), "period_end", json_time(k->period.end), "red_list_size",
			      k->red_list_size, "households", k->nrows, "ledger_count",
			      town ? json_null() : json_integer(k->ledger_count), "ledger_hash",
			      town ? json_null() : json_string(k->ledger_hash), "computed_at",
			      json_time(k->computed_at), "published_at", json_time(k->published_at));
	json_object_set_new(o, "published_id", k->published_id ? json_integer(k->published_id) : json_null());
	json_object_set_new(o, "rows", rows);
	json_object_set_new(o, "red_list", red);
	json_object_set_new(o, "black_list", black);
	return o;
}

int api_rankings_live(struct req *r)
{
	int64_t unit;
	req_query_int(r, "unit_id", 1, INT64_MAX / 2, 0, &unit); /* reported with the domain's errors */
	/* kept per unit and period; the one part that differs between readers is "mine",
	 * so the caller's household is the visibility class (0 for staff without one);
	 * computed_at is when the kept reply was computed */
	const char *period = req_query(r, "period");
	int64_t village, town;
	int rc = rankings_live_village(&r->ctx, unit, period, &village, &town);
	if (rc)
		return rc;
	char key[REPLY_KEY_MAX];
	/* a town's reply is kept while none of its villages (nor the county-wide row) moved */
	int64_t gen = town ? replygen_get_town(&r->ctx, town) : replygen_get(&r->ctx, village);
	bool keyed = reply_cache_key(key, "ranking|%lld|%s|mine=%lld", (long long)unit, period,
				     (long long)(r->ctx.actor ? r->ctx.actor->household_id : 0));
	if (keyed && reply_cache_serve(r, key, gen))
		return RC_OK;
	struct ranking k;
	if ((rc = rankings_live(&r->ctx, unit, period, &k)))
		return rc;
	r->out = ranking_json(&k);
	/* the caller's own household, when it is in the ranking */
	json_t *mine = json_null();
	for (int i = 0; r->ctx.actor && r->ctx.actor->household_id && i < k.nrows; i++)
		if (k.rows[i].household_id == r->ctx.actor->household_id) {
			json_decref(mine);
			mine = row_json(&k.rows[i]);
		}
	json_object_set_new(r->out, "mine", mine);
	if (keyed)
		reply_cache_keep(r, key, gen);
	return RC_OK;
}

/* The caller's own household in the live ranking of a unit and period, without the
 * other households' rows: the period, the number of households ranked and "mine" (the
 * household's rank and points, null when the caller has no household in the unit).
 * The same reading rights as the whole ranking. */
int api_rankings_mine(struct req *r)
{
	int64_t unit;
	req_query_int(r, "unit_id", 1, INT64_MAX / 2, 0, &unit); /* reported with the domain's errors */
	struct ranking k;
	int rc = rankings_live(&r->ctx, unit, req_query(r, "period"), &k);
	if (rc)
		return rc;
	json_t *mine = json_null();
	for (int i = 0; r->ctx.actor && r->ctx.actor->household_id && i < k.nrows; i++)
		if (k.rows[i].household_id == r->ctx.actor->household_id) {
			json_decref(mine);
			mine = row_json(&k.rows[i]);
		}
	r->out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:o}", "unit_id", (json_int_t)k.unit_id, "unit_name",
			   k.unit_name, "period", k.period.text, "period_label", k.period.label, "unit_kind",
			   k.unit_kind, "households", k.nrows, "mine", mine);
	return RC_OK;
}

int api_rankings_publish(struct req *r)
{
	static const struct jfield spec[] = {
		{"unit_id", J_INT, true, 1, INT64_MAX / 2},
		{"period", J_STRING, true, 4, 7},
		{0},
	};
	int rc = req_check_body(r, spec);
	if (rc)
		return rc;
	int64_t id;
	if ((rc = rankings_publish(&r->ctx, req_int(r, "unit_id", 0), req_str(r, "period"), &id)))
		return rc;
	struct ranking k;
	if ((rc = rankings_get(&r->ctx, id, &k)))
		return rc;
	r->status = 201;
	r->out = ranking_json(&k);
	return RC_OK;
}

int api_public_village_rankings(struct req *r)
{
	int64_t id;
	int limit, offset;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_page(r, &limit, &offset)))
		return rc;
	struct ranking_summary *s;
	int n;
	int64_t total;
	if ((rc = rankings_published_list(&r->ctx, id, limit, offset, &s, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id",
						       (json_int_t)s[i].id, "unit_id", (json_int_t)s[i].unit_id,
						       "unit_name", s[i].unit_name, "unit_kind", s[i].unit_kind,
						       "period", s[i].period, "period_label", s[i].period_label,
						       "period_start", json_time(s[i].period_start), "period_end",
						       json_time(s[i].period_end), "published_at",
						       json_time(s[i].published_at)));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

int api_public_ranking_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct ranking k;
	if ((rc = rankings_get(&r->ctx, id, &k)))
		return rc;
	r->out = ranking_json(&k);
	return RC_OK;
}

int api_public_ranking_poster(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	const char *base = req_public_base(r);
	const char *url = base ? arena_printf(r->ctx.arena, "%s/api/v1/public/rankings/%lld/poster", base,
					      (long long)id)
			       : NULL;
	struct buf html;
	buf_init(&html, 8u << 20);
	rc = rankings_poster_html(&r->ctx, id, url, &html);
	if (rc == RC_OK)
		req_reply_bytes(r, 200, "text/html; charset=utf-8", NULL, html.ptr, html.len);
	buf_release(&html);
	return rc;
}



int api_public_ranking_export(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct export_file f;
	return req_reply_export(r, export_ranking(&r->ctx, id, &f), &f);
}

/* The ledger of the path's id (a household or a village) from the query's from to its
 * to, as XLSX. */
static int ledger_xlsx(struct req *r, enum result (*export)(struct ctx *c, int64_t id, const char *from,
						    const char *to, struct export_file *out))
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct export_file f;
	return req_reply_export(r, export(&r->ctx, id, req_query(r, "from"), req_query(r, "to"), &f), &f);
}

int api_household_ledger_export(struct req *r)
{
	return ledger_xlsx(r, export_household_ledger);
}

int api_village_ledger_export(struct req *r)
{
	return ledger_xlsx(r, export_village_ledger);
}
