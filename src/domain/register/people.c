/* Households and residents. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/kernel/scope.h"
#include "domain/register/people.h"
#include "util/utf8.h"
#include "util/timeutil.h"

const char *const people_relations[] = {"户主", "配偶", "子", "女", "儿媳", "女婿", "孙子", "孙女",
					 "父亲", "母亲", "兄弟姐妹", "其他", NULL};
const char *const people_party_labels[] = {"群众", "中共党员", "中共预备党员"};

bool people_phone_valid(const char *p)
{
	size_t n = strlen(p);
	if (n == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9') {
		for (size_t i = 0; i < n; i++)
			if (p[i] < '0' || p[i] > '9')
				return false;
		return true;
	}
	/* a landline: 0 + area code, a dash, 7–8 digits */
	const char *dash = strchr(p, '-');
	if (p[0] != '0' || !dash || dash - p < 3 || dash - p > 4 || strlen(dash + 1) < 7 ||
	    strlen(dash + 1) > 8)
		return false;
	for (const char *q = p; *q; q++)
		if (q != dash && (*q < '0' || *q > '9'))
			return false;
	return true;
}

void people_check_household(struct ctx *c, const struct household_input *in)
{
	ctx_check_text(c, "number", in->number, PEOPLE_NUMBER_MAX, CTX_TEXT_REQUIRED, "户号");
	ctx_check_text(c, "address", in->address, PEOPLE_ADDRESS_MAX, CTX_TEXT_OPTIONAL, "住址");
	if (in->has_coords) {
		if (in->lat_e6 < 3000000 || in->lat_e6 > 54000000)
			ctx_field(c, "lat", "纬度应在中国境内（3 到 54 度之间）");
		if (in->lng_e6 < 73000000 || in->lng_e6 > 136000000)
			ctx_field(c, "lng", "经度应在中国境内（73 到 136 度之间）");
	}
}

void people_check_resident(struct ctx *c, const struct resident_input *in, char idcard[IDCARD_LEN + 1])
{
	ctx_check_text(c, "name", in->name, PEOPLE_NAME_MAX, CTX_TEXT_REQUIRED, "姓名");
	if (in->name && in->name[0] && utf8_valid(in->name, strlen(in->name)) && !utf8_is_person_name(in->name))
		ctx_field(c, "name", "姓名只能含汉字、字母和间隔号");
	idcard[0] = 0;
	if (!in->idcard || !in->idcard[0]) {
		ctx_field(c, "idcard", "身份证号不能为空");
	} else if (!idcard_normalize(in->idcard, idcard) || !idcard_valid(idcard)) {
		if (strlen(idcard) == IDCARD_LEN && idcard[17] != idcard_check_char(idcard))
			ctx_field(c, "idcard", "身份证号校验位不对，请核对（应为 18 位，最后一位可能是 X）");
		else
			ctx_field(c, "idcard", "身份证号格式不对，应为 18 位，含有效的出生日期");
		idcard[0] = 0;
	}
	if (idcard[0]) {
		char birth[11];
		idcard_birth_date(idcard, birth);
		if (in->birth_date && in->birth_date[0] && strcmp(in->birth_date, birth))
			ctx_field(c, "birth_date", "出生日期与身份证号不一致（身份证上是 %s）", birth);
		if (in->gender && in->gender != idcard_gender(idcard))
			ctx_field(c, "gender", "性别与身份证号不一致");
		int64_t days;
		time_parse_date(birth, &days);
		if (time_cn_midnight(days) > c->now)
			ctx_field(c, "idcard", "出生日期晚于今天");
	}
	if (in->birth_date && in->birth_date[0] && !time_date_valid(in->birth_date))
		ctx_field(c, "birth_date", "出生日期应为 YYYY-MM-DD");
	if (in->gender != 0 && in->gender != 1 && in->gender != 2)
		ctx_field(c, "gender", "性别应为 1（男）或 2（女）");
	if (in->phone && in->phone[0] && !people_phone_valid(in->phone))
		ctx_field(c, "phone", "电话应为 11 位手机号，或“区号-号码”的座机");
	bool rel_ok = false;
	for (int i = 0; in->relation && people_relations[i]; i++)
		rel_ok |= !strcmp(in->relation, people_relations[i]);
	if (!rel_ok)
		ctx_field(c, "relation", "与户主关系应为：户主、配偶、子、女、儿媳、女婿、孙子、孙女、父亲、母亲、兄弟姐妹、其他");
	if (in->party_member < 0 || in->party_member > 2)
		ctx_field(c, "party_member", "政治面貌应为 0（群众）、1（中共党员）或 2（中共预备党员）");
}

enum result people_seal_idcard(struct ctx *c, const char *idcard, char *enc, size_t enclen,
		       char hash[CRYPTO_HASH_HEX])
{
	if (crypto_seal_hex(c->keys->pii, idcard, enc, enclen))
		return ctx_fail(c, RC_INTERNAL, "加密失败");
	crypto_keyed_hash_hex(c->keys->lookup, idcard, hash);
	return RC_OK;
}

/* ---- reading ---- */

#define HH_COLS                                                                                      \
	"h.id, h.village_id, COALESCE(h.group_id, 0), v.name, COALESCE(g.name, ''), h.number, "     \
	"h.address, h.lat_e6 IS NOT NULL, COALESCE(h.lat_e6, 0), COALESCE(h.lng_e6, 0), "           \
	"h.created_at, h.updated_at, "                                                              \
	"(SELECT count(*) FROM residents r WHERE r.household_id = h.id), "                          \
	PEOPLE_HEAD_NAME("h.id") ", v.path, COALESCE(g.path, ''), COALESCE(h.grid_id, 0), "      \
	"COALESCE(gr.name, ''), COALESCE(gr.path, '') "
#define HH_FROM                                                                                      \
	"FROM households h JOIN org_units v ON v.id = h.village_id "                                 \
	"LEFT JOIN org_units g ON g.id = h.group_id LEFT JOIN org_units gr ON gr.id = h.grid_id "


static void read_household(struct db_stmt *st, struct household *h, struct hh_place *pl)
{
	memset(h, 0, sizeof(*h));
	h->id = db_col_int(st, 0);
	h->village_id = db_col_int(st, 1);
	h->group_id = db_col_int(st, 2);
	str_copy(h->village_name, sizeof(h->village_name), db_col_text(st, 3));
	str_copy(h->group_name, sizeof(h->group_name), db_col_text(st, 4));
	str_copy(h->number, sizeof(h->number), db_col_text(st, 5));
	str_copy(h->address, sizeof(h->address), db_col_text(st, 6));
	h->has_coords = db_col_int(st, 7) != 0;
	h->lat_e6 = db_col_int(st, 8);
	h->lng_e6 = db_col_int(st, 9);
	h->created_at = db_col_int(st, 10);
	h->updated_at = db_col_int(st, 11);
	h->residents = db_col_int(st, 12);
	str_copy(h->head_name, sizeof(h->head_name), db_col_text(st, 13));
	h->grid_id = db_col_int(st, 16);
	str_copy(h->grid_name, sizeof(h->grid_name), db_col_text(st, 17));
	if (pl) {
		pl->village_id = h->village_id;
		str_copy(pl->village, sizeof(pl->village), db_col_text(st, 14));
		str_copy(pl->group, sizeof(pl->group), db_col_text(st, 15));
		str_copy(pl->grid, sizeof(pl->grid), db_col_text(st, 18));
	}
}

/* Reads a household with where it sits, without access checks. */
static int load_household(struct ctx *c, int64_t id, struct household *h, struct hh_place *pl)
{
	struct db_stmt *st = db_query(c->db, "SELECT " HH_COLS HH_FROM "WHERE h.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取户");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_household(st, h, pl);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取户");
}

/* the household loaded for one of its readers (outside every grant: not found) */
static enum result load_readable(struct ctx *c, int64_t id, struct household *h, struct hh_place *pl)
{
	int rc = load_household(c, id, h, pl);
	if (rc)
		return rc;
	if (!access_can_read_household(c, HH_PATHS(*pl), id))
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	return RC_OK;
}

enum result people_household_place(struct ctx *c, int64_t id, struct hh_place *out)
{
	struct db_stmt *st = db_query(c->db, "SELECT h.village_id, v.path, COALESCE(g.path, ''), "
					     "COALESCE(gr.path, '') " HH_FROM "WHERE h.id = ?",
				      "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取户");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->village_id = db_col_int(st, 0);
		str_copy(out->village, sizeof(out->village), db_col_text(st, 1));
		str_copy(out->group, sizeof(out->group), db_col_text(st, 2));
		str_copy(out->grid, sizeof(out->grid), db_col_text(st, 3));
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取户");
}

enum result people_household_get(struct ctx *c, int64_t id, struct household *out)
{
	struct hh_place pl;
	return load_readable(c, id, out, &pl);
}

enum result people_household_reader(struct ctx *c, int64_t id, int64_t *village_id, bool *pii)
{
	struct hh_place pl;
	*village_id = 0;
	*pii = false;
	int rc = people_household_place(c, id, &pl);
	if (rc)
		return rc;
	if (!access_can_read_household(c, HH_PATHS(pl), id))
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	*village_id = pl.village_id;
	*pii = access_can(c, P_PII_READ, pl.village);
	return RC_OK;
}

enum result people_household_list_village(struct ctx *c, int64_t unit_id, int64_t *village_id)
{
	struct org_unit u;
	*village_id = 0;
	int rc = org_get(c, unit_id, &u);
	if (rc)
		return rc;
	if (!access_can(c, P_REGISTER_READ, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权查看该单位的户籍");
	if (!strcmp(u.kind, "village"))
		*village_id = u.id;
	else if (org_in_village(&u))
		*village_id = u.parent_id;
	return RC_OK;
}

/* "%text%" with the LIKE wildcards in text escaped by a backslash. */
static const char *like_pattern(struct ctx *c, const char *text)
{
	struct buf b;
	buf_init(&b, 1024);
	buf_addc(&b, '%');
	for (const char *p = text; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	buf_addc(&b, '%');
	const char *out = b.failed ? "%" : arena_strdup(c->arena, b.ptr);
	buf_release(&b);
	return out;
}

enum result people_household_list(struct ctx *c, const struct household_query *q, struct household **out,
			  int *n, int64_t *total)
{
	const char *scopes[CTX_MAX_GRANTS];
	int nscopes;
	char unit_path[ORG_PATH_MAX];
	*n = 0;
	*total = 0;
	if (q->unit_id) {
		struct org_unit u;
		int rc = org_get(c, q->unit_id, &u);
		if (rc)
			return rc;
		if (!access_can(c, P_REGISTER_READ, u.path))
			return ctx_fail(c, access_refusal(c, u.path), "无权查看该单位的户籍");
		str_copy(unit_path, sizeof(unit_path), u.path);
		scopes[0] = unit_path;
		nscopes = 1;
	} else {
		nscopes = access_scopes(c, P_REGISTER_READ, scopes, CTX_MAX_GRANTS);
	}
	bool own_only = false;
	if (nscopes == 0) {
		/* a villager sees their own household */
		if (!q->unit_id && c->actor && c->actor->household_id && access_has_role(c, "villager"))
			own_only = true;
		else
			return ctx_fail(c, RC_FORBIDDEN, "无权查看户籍");
	}

	struct buf where;
	struct db_args args = {0};
	buf_init(&where, 16384);
	if (own_only) {
		buf_adds(&where, "WHERE h.id = ?");
		db_args_int(&args, c->actor->household_id);
	} else {
		buf_adds(&where, "WHERE ");
		scope_where_paths(c, scopes, nscopes, SCOPE_HOUSEHOLD, &where, &args);
	}
	/* search: an exact ID number, or a part of the number, address, a name or phone */
	char idc[IDCARD_LEN + 1], idhash[CRYPTO_HASH_HEX] = "";
	const char *like = NULL;
	if (q->q && q->q[0]) {
		if (idcard_normalize(q->q, idc) && idcard_valid(idc)) {
			crypto_keyed_hash_hex(c->keys->lookup, idc, idhash);
			buf_adds(&where, " AND h.id IN (SELECT household_id FROM residents WHERE idcard_hash = ?)");
			db_args_text(&args, idhash);
		} else {
			like = like_pattern(c, q->q);
			buf_adds(&where, " AND (h.number LIKE ? ESCAPE '\\' OR h.address LIKE ? ESCAPE '\\' "
					 "OR h.id IN (SELECT household_id FROM residents WHERE name LIKE ? ESCAPE '\\' "
					 "OR phone LIKE ? ESCAPE '\\'))");
			for (int i = 0; i < 4; i++)
				db_args_text(&args, like);
		}
	}
	if (q->registered)
		buf_adds(&where, " AND h.id IN (SELECT r.household_id FROM residents r JOIN users u ON u.resident_id = r.id "
				 "WHERE u.status = 'active')");
	if (where.failed || args.failed) {
		buf_release(&where);
		return ctx_fail(c, RC_INTERNAL, "查询过长");
	}
	int rc = RC_OK;
	for (int pass = 0; pass < 2 && rc == RC_OK; pass++) {
		char *sql = pass == 0
			? arena_printf(c->arena, "SELECT count(*) " HH_FROM "%s", where.ptr)
			: arena_printf(c->arena, "SELECT " HH_COLS HH_FROM "%s ORDER BY v.code, h.number "
						 "LIMIT %d OFFSET %d", where.ptr, q->limit, q->offset);
		struct db_stmt *st = sql ? db_query_args(c->db, sql, &args) : NULL;
		if (!st) {
			rc = ctx_db_fail(c, DB_ERROR, "查询户");
			break;
		}
		if (pass == 0) {
			if (db_step(st) == DB_ROW)
				*total = db_col_int(st, 0);
		} else {
			*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(q->limit ? q->limit : 1));
			while (*out && *n < q->limit && db_step(st) == DB_ROW)
				read_household(st, &(*out)[(*n)++], NULL);
		}
		db_finalize(st);
	}
	buf_release(&where);
	return rc;
}

#define RES_COLS                                                                                     \
	"r.id, r.household_id, r.name, r.gender, r.birth_date, r.idcard_enc, r.idcard_mask, "       \
	"COALESCE(r.phone, ''), r.relation, r.party_member, COALESCE(u.id, 0), COALESCE(u.status, ''), " \
	"r.created_at, r.updated_at "
#define RES_FROM "FROM residents r LEFT JOIN users u ON u.resident_id = r.id "

/* A resident as stored, the ID-card number in its masked form (people_resident_idcard
 * reveals the full number). */
static void read_resident(struct ctx *c, struct db_stmt *st, struct resident *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(st, 0);
	r->household_id = db_col_int(st, 1);
	str_copy(r->name, sizeof(r->name), db_col_text(st, 2));
	r->gender = (int)db_col_int(st, 3);
	str_copy(r->birth_date, sizeof(r->birth_date), db_col_text(st, 4));
	str_copy(r->idcard, sizeof(r->idcard), db_col_text(st, 6));
	str_copy(r->phone, sizeof(r->phone), db_col_text(st, 7));
	str_copy(r->relation, sizeof(r->relation), db_col_text(st, 8));
	r->party_member = (int)db_col_int(st, 9);
	r->user_id = db_col_int(st, 10);
	str_copy(r->account_status, sizeof(r->account_status), db_col_text(st, 11));
	r->created_at = db_col_int(st, 12);
	r->updated_at = db_col_int(st, 13);
	int64_t days;
	r->age = time_parse_date(r->birth_date, &days) == 0 ? time_age(days, c->now) : 0;
}

/* the residents of a loaded household, head first: the number is masked for every
 * reader (people_resident_idcard reveals one, audited); the birth date only for readers
 * with the PII permission */
static enum result read_members(struct ctx *c, const struct household *h, const struct hh_place *pl,
				struct resident **out, int *n)
{
	bool full = access_can(c, P_PII_READ, pl->village);
	struct db_stmt *st = db_query(c->db, "SELECT " RES_COLS RES_FROM "WHERE r.household_id = ? "
					     "ORDER BY CASE WHEN r.relation = '户主' THEN 0 ELSE 1 END, r.birth_date, r.id",
				      "i", h->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取成员");
	int cap = (int)(h->residents > 0 ? h->residents : 1) + 8;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)cap);
	*n = 0;
	while (*out && *n < cap && db_step(st) == DB_ROW) {
		struct resident *r = &(*out)[(*n)++];
		read_resident(c, st, r);
		r->idcard_revealable = full;
		if (!full)
			r->birth_date[0] = 0;   /* the age only: the date would unmask the number */
	}
	db_finalize(st);
	return RC_OK;
}

/* the grid workers of a loaded household: the most specific unit with a worker wins,
 * grid (0), group (1), village (2) */
static enum result read_grid_workers(struct ctx *c, const struct household *h, struct grid_contact **out,
				     int *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *st = db_query(c->db,
				      "SELECT u.id, u.name, u.phone, rg.role, "
				      "CASE rg.unit_id WHEN ? THEN 0 WHEN ? THEN 1 ELSE 2 END AS level "
				      "FROM role_grants rg JOIN users u ON u.id = rg.user_id "
				      "WHERE rg.role IN ('grid_worker', 'grid_leader') AND u.status = 'active' "
				      "AND rg.unit_id IN (?, ?, ?) ORDER BY level, rg.role, u.name, u.id",
				      "iiiii", h->grid_id, h->group_id, h->grid_id, h->group_id, h->village_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取网格员");
	int rc, cap = 0, level = -1;
	while ((rc = db_step(st)) == DB_ROW) {
		int lv = (int)db_col_int(st, 4);
		if (level >= 0 && lv != level)
			break;
		level = lv;
		if (*n >= 16)
			break;
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_contact *g = &(*out)[(*n)++];
		g->user_id = db_col_int(st, 0);
		g->name = arena_strdup(c->arena, db_col_text(st, 1));
		g->phone = arena_strdup(c->arena, db_col_text(st, 2));
		g->role = arena_strdup(c->arena, db_col_text(st, 3));
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取网格员");
}

enum result people_household_residents(struct ctx *c, int64_t household_id, struct resident **out, int *n)
{
	struct household h;
	struct hh_place pl;
	enum result rc = load_readable(c, household_id, &h, &pl);
	return rc ? rc : read_members(c, &h, &pl, out, n);
}

/* the members and grid workers of a loaded household, for its page */
static enum result page_of(struct ctx *c, const struct hh_place *pl, struct household_page *out)
{
	enum result rc = read_members(c, &out->h, pl, &out->members, &out->nmembers);
	return rc ? rc : read_grid_workers(c, &out->h, &out->workers, &out->nworkers);
}

enum result people_household_page(struct ctx *c, int64_t id, struct household_page *out)
{
	struct hh_place pl;
	memset(out, 0, sizeof(*out));
	enum result rc = load_readable(c, id, &out->h, &pl);
	return rc ? rc : page_of(c, &pl, out);
}

static int load_resident(struct ctx *c, int64_t id, struct resident *r, struct household *h,
			 struct hh_place *pl)
{
	struct db_stmt *st = db_query(c->db, "SELECT " RES_COLS RES_FROM "WHERE r.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取成员");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_resident(c, st, r);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "村民不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取成员");
	return load_household(c, r->household_id, h, pl);
}

enum result people_resident_get(struct ctx *c, int64_t id, struct resident *out)
{
	struct household h;
	struct hh_place pl;
	int rc = load_resident(c, id, out, &h, &pl);
	if (rc == RC_NOT_FOUND)
		return ctx_fail(c, RC_NOT_FOUND, "村民不存在");
	if (rc)
		return rc;
	if (!access_can_read_household(c, HH_PATHS(pl), h.id))
		return ctx_fail(c, RC_NOT_FOUND, "村民不存在");
	/* the number stays masked (people_resident_idcard reveals it, audited) */
	out->idcard_revealable = access_can(c, P_PII_READ, pl.village);
	if (!out->idcard_revealable)
		out->birth_date[0] = 0;   /* the age only: the date would unmask the number */
	return RC_OK;
}

enum result people_resident_idcard(struct ctx *c, int64_t id, char idcard[IDCARD_LEN + 1],
				   char name[PEOPLE_NAME_MAX * 4 + 1])
{
	struct resident r;
	struct household h;
	struct hh_place pl;
	idcard[0] = 0;
	name[0] = 0;
	int rc = load_resident(c, id, &r, &h, &pl);
	if (rc == RC_NOT_FOUND || (!rc && !access_can_read_household(c, HH_PATHS(pl), h.id)))
		return ctx_fail(c, RC_NOT_FOUND, "村民不存在");
	if (rc)
		return rc;
	if (!access_can(c, P_PII_READ, pl.village))
		return ctx_fail(c, access_refusal(c, pl.village), "无权查看完整身份证号");
	struct db_stmt *st = db_query(c->db, "SELECT idcard_enc FROM residents WHERE id = ?", "i", id);
	bool ok = st && db_step(st) == DB_ROW &&
		  crypto_open_hex(c->keys->pii, db_col_text(st, 0), idcard, IDCARD_LEN + 1) == 0;
	db_finalize(st);
	if (!ok) {
		idcard[0] = 0;
		return ctx_fail(c, RC_INTERNAL, "读取身份证号失败");
	}
	str_copy(name, PEOPLE_NAME_MAX * 4 + 1, r.name);
	/* a reveal is a read, audited like a change: who saw whose number, and when */
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "name", r.name);
	audit_snap_int(&after, "household_id", h.id);
	audit_snap_str(&after, "idcard", r.idcard);   /* the masked form */
	char year[5];
	str_copy(year, sizeof(year), r.birth_date);
	audit_snap_str(&after, "birth_year", year);
	audit_snap_end(&after);
	if ((rc = ctx_begin(c))) {
		buf_release(&after);
		return rc;
	}
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, pl.village_id, "resident", id, "reveal_idcard", "{}", after.ptr);
	buf_release(&after);
	if ((rc = ctx_end(c, rc)))
		idcard[0] = 0;
	return rc;
}

enum result people_resident_find_idcard(struct ctx *c, const char *idcard, int64_t *id)
{
	char norm[IDCARD_LEN + 1], hash[CRYPTO_HASH_HEX];
	if (!idcard_normalize(idcard, norm) || !idcard_valid(norm))
		return ctx_field(c, "idcard", "身份证号格式不对");
	crypto_keyed_hash_hex(c->keys->lookup, norm, hash);
	int rc = db_get_int(c->db, id, "SELECT id FROM residents WHERE idcard_hash = ?", "t", hash);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "没有这个身份证号的村民");
	if (rc != DB_OK)
		return ctx_db_fail(c, rc, "查找村民");
	struct resident r;
	return people_resident_get(c, *id, &r);
}

/* ---- writing ---- */

static void household_snap(struct buf *b, const struct household_input *in)
{
	audit_snap_begin(b);
	audit_snap_int(b, "group_id", in->group_id);
	if (in->grid_id > 0)
		audit_snap_int(b, "grid_id", in->grid_id);
	audit_snap_str(b, "number", in->number);
	audit_snap_str(b, "address", in->address ? in->address : "");
	if (in->has_coords) {
		audit_snap_int(b, "lat_e6", in->lat_e6);
		audit_snap_int(b, "lng_e6", in->lng_e6);
	}
	audit_snap_end(b);
}

/* A group or grid (kind) of the village, or none (0); field names the input. */
static int check_division(struct ctx *c, const char *field, const char *kind, int64_t village_id,
			  int64_t unit_id)
{
	if (unit_id <= 0)
		return RC_OK;
	struct org_unit u;
	if (org_get(c, unit_id, &u) != RC_OK || strcmp(u.kind, kind) || u.parent_id != village_id) {
		c->err.code = RC_OK;
		return ctx_field(c, field, "%s不存在或不属于该村", strcmp(kind, "grid") ? "村民小组" : "网格");
	}
	return RC_OK;
}

enum result people_insert_household(struct ctx *c, int64_t village_id, const struct household_input *in,
			    int64_t *id)
{
	int rc = in->has_coords
		? db_get_int(c->db, id, "INSERT INTO households (village_id, group_id, grid_id, number, address, "
					"lat_e6, lng_e6, created_at, updated_at) VALUES (?, NULLIF(CAST(? AS BIGINT), 0), "
					"NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?) RETURNING id",
			     "iiittiiii", village_id, in->group_id, in->grid_id, in->number,
			     in->address ? in->address : "", in->lat_e6, in->lng_e6, c->now, c->now)
		: db_get_int(c->db, id, "INSERT INTO households (village_id, group_id, grid_id, number, address, "
					"created_at, updated_at) VALUES (?, NULLIF(CAST(? AS BIGINT), 0), "
					"NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?) RETURNING id",
			     "iiittii", village_id, in->group_id, in->grid_id, in->number,
			     in->address ? in->address : "", c->now, c->now);
	if (rc == DB_CONSTRAINT)
		return ctx_field(c, "number", "本村已有户号 %s", in->number);
	if (rc != DB_OK)
		return ctx_db_fail(c, rc, "新建户");
	struct buf after;
	household_snap(&after, in);
	rc = audit_record(c, village_id, "household", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return rc;
}

static int writable_village(struct ctx *c, int64_t village_id, struct org_unit *v)
{
	int rc = org_get(c, village_id, v);
	if (rc == RC_NOT_FOUND || (rc == RC_OK && strcmp(v->kind, "village"))) {
		c->err.code = RC_OK;
		return ctx_field(c, "village_id", "村不存在");
	}
	if (rc)
		return rc;
	if (!access_can(c, P_REGISTER_WRITE, v->path))
		return ctx_fail(c, access_refusal(c, v->path), "无权修改%s的户籍", v->name);
	return RC_OK;
}

enum result people_household_create(struct ctx *c, const struct household_input *in, int64_t *id)
{
	people_check_household(c, in);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct org_unit v;
	int rc = writable_village(c, in->village_id, &v);
	if (!rc)
		rc = check_division(c, "group_id", "group", v.id, in->group_id);
	if (rc == RC_OK)
		rc = check_division(c, "grid_id", "grid", v.id, in->grid_id);
	if (rc)
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	return ctx_end(c, people_insert_household(c, v.id, in, id));
}

/* The change of people_household_update inside its transaction: the household read
 * there, so that the fields the request leaves alone are written back as they are and
 * not as they were before a change made meanwhile; h is the household as the change
 * leaves it. */
static enum result household_update_in(struct ctx *c, int64_t id, const struct household_input *in,
				       struct household *h, struct hh_place *pl)
{
	int rc = ctx_lock_row(c, "SELECT id FROM households WHERE id = ? FOR UPDATE", id);
	if (!rc)
		rc = load_household(c, id, h, pl);
	if (rc)
		return rc;
	if (!access_can(c, P_REGISTER_WRITE, pl->village))
		return access_can_read_household(c, HH_PATHS(*pl), id) ? ctx_fail(c, access_refusal(c, pl->village), "无权修改该户")
								: ctx_fail(c, RC_NOT_FOUND, "户不存在");
	struct household_input merged = {
		.village_id = h->village_id,
		.group_id = in->group_id >= 0 ? in->group_id : h->group_id,
		.grid_id = in->grid_id >= 0 ? in->grid_id : h->grid_id,
		.number = in->number ? in->number : h->number,
		.address = in->address ? in->address : h->address,
		.has_coords = in->clear_coords ? false : in->has_coords || h->has_coords,
		.lat_e6 = in->has_coords ? in->lat_e6 : h->lat_e6,
		.lng_e6 = in->has_coords ? in->lng_e6 : h->lng_e6,
	};
	people_check_household(c, &merged);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = check_division(c, "group_id", "group", h->village_id, merged.group_id)) ||
	    (rc = check_division(c, "grid_id", "grid", h->village_id, merged.grid_id)))
		return rc;
	struct household_input old = {.group_id = h->group_id, .grid_id = h->grid_id, .number = h->number,
				      .address = h->address, .has_coords = h->has_coords, .lat_e6 = h->lat_e6,
				      .lng_e6 = h->lng_e6};
	bool changed;
	if ((rc = people_apply_household(c, h->village_id, id, &old, &merged, &changed)) || !changed)
		return rc;
	return load_household(c, id, h, pl);   /* as written, with its group's and grid's names */
}

enum result people_household_update(struct ctx *c, int64_t id, const struct household_input *in,
				    struct household_page *out)
{
	memset(out, 0, sizeof(*out));
	struct hh_place pl;
	int rc = ctx_begin(c);
	if (rc || (rc = ctx_end(c, household_update_in(c, id, in, &out->h, &pl))))
		return rc;
	return page_of(c, &pl, out);
}

static void resident_snap(struct buf *b, const struct resident_input *in, const char *mask)
{
	audit_snap_begin(b);
	audit_snap_int(b, "household_id", in->household_id);
	audit_snap_str(b, "name", in->name);
	audit_snap_int(b, "gender", in->gender);
	/* the birth year, never the date: with the mask the date would rebuild the number */
	char year[5] = "";
	if (in->birth_date && strlen(in->birth_date) >= 4)
		memcpy(year, in->birth_date, 4);
	audit_snap_str(b, "birth_year", year[0] ? year : NULL);
	audit_snap_str(b, "idcard", mask);   /* never the full number */
	audit_snap_str(b, "phone", in->phone ? in->phone : "");
	audit_snap_str(b, "relation", in->relation);
	audit_snap_int(b, "party_member", in->party_member);
	audit_snap_end(b);
}

enum result people_insert_resident(struct ctx *c, int64_t village_id, const struct resident_input *in,
			   const char *idcard, int64_t *id)
{
	char enc[256], hash[CRYPTO_HASH_HEX], mask[IDCARD_LEN + 1], birth[11];
	int rc = people_seal_idcard(c, idcard, enc, sizeof(enc), hash);
	if (rc)
		return rc;
	idcard_mask(idcard, mask);
	idcard_birth_date(idcard, birth);
	struct resident_input full = *in;
	full.gender = idcard_gender(idcard);
	full.birth_date = birth;
	const char *phone = in->phone && in->phone[0] ? in->phone : NULL;
	int dbrc = db_get_int(c->db, id,
			      "INSERT INTO residents (household_id, name, gender, birth_date, idcard_enc, "
			      "idcard_hash, idcard_mask, phone, relation, party_member, created_at, updated_at) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "itittttttiii", in->household_id, in->name, (int64_t)full.gender, birth, enc,
			      hash, mask, phone, in->relation, (int64_t)in->party_member, c->now, c->now);
	if (dbrc == DB_CONSTRAINT)
		return ctx_field(c, "idcard", "该身份证号已登记在其他户");
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "新增村民");
	struct buf after;
	resident_snap(&after, &full, mask);
	rc = audit_record(c, village_id, "resident", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return rc;
}

static int writable_household(struct ctx *c, int64_t household_id, struct household *h)
{
	struct hh_place pl;
	int rc = load_household(c, household_id, h, &pl);
	if (rc == RC_NOT_FOUND) {
		c->err.code = RC_OK;
		return ctx_field(c, "household_id", "户不存在");
	}
	if (rc)
		return rc;
	if (!access_can(c, P_REGISTER_WRITE, pl.village))
		return access_can_read_household(c, HH_PATHS(pl), household_id)
			? ctx_fail(c, RC_FORBIDDEN, "无权修改该户成员")
			: ctx_field(c, "household_id", "户不存在");
	return RC_OK;
}

enum result people_resident_create(struct ctx *c, const struct resident_input *in, int64_t *id)
{
	char idcard[IDCARD_LEN + 1];
	people_check_resident(c, in, idcard);
	if (!in->household_id)
		ctx_field(c, "household_id", "必须指定户");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct household h;
	int rc = writable_household(c, in->household_id, &h);
	if (rc)
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	return ctx_end(c, people_insert_resident(c, h.village_id, in, idcard, id));
}

/* The change of people_resident_update inside its transaction, the resident read there
 * (people_household_update says why). */
static enum result resident_update_in(struct ctx *c, int64_t id, const struct resident_input *in)
{
	struct resident r;
	struct household h;
	struct hh_place pl;
	int rc = ctx_lock_row(c, "SELECT id FROM residents WHERE id = ? FOR UPDATE", id);
	if (!rc)
		rc = load_resident(c, id, &r, &h, &pl);
	if (rc)
		return rc;
	if (!access_can(c, P_REGISTER_WRITE, pl.village))
		return access_can_read_household(c, HH_PATHS(pl), h.id) ? ctx_fail(c, access_refusal(c, pl.village), "无权修改该村民")
								 : ctx_fail(c, RC_NOT_FOUND, "村民不存在");
	/* the current full number, for merging and comparing */
	char current[IDCARD_LEN + 1] = "";
	struct db_stmt *st = db_query(c->db, "SELECT idcard_enc FROM residents WHERE id = ?", "i", id);
	if (st && db_step(st) == DB_ROW)
		crypto_open_hex(c->keys->pii, db_col_text(st, 0), current, sizeof(current));
	db_finalize(st);
	struct resident_input m = {
		.household_id = in->household_id ? in->household_id : r.household_id,
		.name = in->name ? in->name : r.name,
		.gender = in->gender,
		.birth_date = in->birth_date,
		.idcard = in->idcard ? in->idcard : current,
		.phone = in->phone ? in->phone : r.phone,
		.relation = in->relation ? in->relation : r.relation,
		.party_member = in->party_member >= 0 ? in->party_member : r.party_member,
	};
	char idcard[IDCARD_LEN + 1];
	people_check_resident(c, &m, idcard);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct household target = h;
	if (m.household_id != r.household_id && (rc = writable_household(c, m.household_id, &target)))
		return rc;

	char mask[IDCARD_LEN + 1], birth[11];
	idcard_mask(idcard, mask);
	idcard_birth_date(idcard, birth);
	m.gender = idcard_gender(idcard);
	m.birth_date = birth;
	struct resident_input old = {.household_id = r.household_id, .name = r.name, .gender = r.gender,
				     .birth_date = r.birth_date, .phone = r.phone, .relation = r.relation,
				     .party_member = r.party_member};
	struct buf before, after;
	resident_snap(&before, &old, r.idcard);
	resident_snap(&after, &m, mask);
	if (!strcmp(before.ptr, after.ptr) && !strcmp(current, idcard)) {
		buf_release(&before);
		buf_release(&after);
		return RC_OK;
	}
	char enc[256], hash[CRYPTO_HASH_HEX];
	if ((rc = people_seal_idcard(c, idcard, enc, sizeof(enc), hash)) == RC_OK) {
		int dbrc = db_run(c->db, "UPDATE residents SET household_id = ?, name = ?, gender = ?, "
					 "birth_date = ?, idcard_enc = ?, idcard_hash = ?, idcard_mask = ?, "
					 "phone = ?, relation = ?, party_member = ?, updated_at = ? WHERE id = ?",
				  "itittttttiii", m.household_id, m.name, (int64_t)m.gender, birth, enc, hash,
				  mask, m.phone[0] ? m.phone : NULL, m.relation, (int64_t)m.party_member,
				  c->now, id);
		if (dbrc == DB_CONSTRAINT)
			rc = ctx_field(c, "idcard", "该身份证号已登记在其他户");
		else if (dbrc != DB_OK)
			rc = ctx_db_fail(c, dbrc, "修改村民");
		else
			rc = audit_record(c, h.village_id, "resident", id,
					  m.household_id != r.household_id ? "move" : "update", before.ptr,
					  after.ptr);
		if (rc == RC_OK && target.village_id != h.village_id)
			rc = audit_record(c, target.village_id, "resident", id, "move_in", before.ptr,
					  after.ptr);
	}
	buf_release(&before);
	buf_release(&after);
	return rc;
}

enum result people_resident_update(struct ctx *c, int64_t id, const struct resident_input *in)
{
	enum result rc = ctx_begin(c);
	return rc ? rc : ctx_end(c, resident_update_in(c, id, in));
}

/* ---- changes inside the caller's transaction (the roster import) ---- */

enum result people_apply_household(struct ctx *c, int64_t village_id, int64_t id,
			   const struct household_input *old, const struct household_input *in,
			   bool *changed)
{
	*changed = false;
	struct buf before, after;
	household_snap(&before, old);
	household_snap(&after, in);
	int rc = RC_OK;
	if (!strcmp(before.ptr ? before.ptr : "", after.ptr ? after.ptr : ""))
		goto cleanup;
	/* the indexed columns (group, grid, number) are set only when they change: an
	 * assigned column rewrites its index entries even to the same value, four index
	 * pages more for each change of an address or a position */
	bool moved = in->group_id != old->group_id || in->grid_id != old->grid_id;
	int dbrc = DB_OK;
	if (moved || strcmp(in->number, old->number))
		dbrc = db_run(c->db, "UPDATE households SET group_id = NULLIF(CAST(? AS BIGINT), 0), "
				     "grid_id = NULLIF(CAST(? AS BIGINT), 0), number = ? WHERE id = ?",
			      "iiti", in->group_id, in->grid_id, in->number, id);
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "UPDATE households SET address = ?, lat_e6 = NULLIF(CAST(? AS BIGINT), 0), "
				     "lng_e6 = NULLIF(CAST(? AS BIGINT), 0), updated_at = ? WHERE id = ?",
			      "tiiii", in->address ? in->address : "", in->has_coords ? in->lat_e6 : 0,
			      in->has_coords ? in->lng_e6 : 0, c->now, id);
	if (dbrc == DB_CONSTRAINT)
		rc = ctx_field(c, "number", "本村已有户号 %s", in->number);
	else if (dbrc != DB_OK)
		rc = ctx_db_fail(c, dbrc, "修改户");
	else
		rc = audit_record(c, village_id, "household", id, moved ? "move" : "update", before.ptr,
				  after.ptr);
	*changed = rc == RC_OK;
cleanup:
	buf_release(&before);
	buf_release(&after);
	return rc;
}

enum result people_apply_resident(struct ctx *c, int64_t village_id, int64_t id,
			  const struct resident_input *old, const char *mask,
			  const struct resident_input *in, bool *changed)
{
	*changed = false;
	struct resident_input m = *in;
	m.gender = old->gender;
	m.birth_date = old->birth_date;
	struct buf before, after;
	resident_snap(&before, old, mask);
	resident_snap(&after, &m, mask);
	int rc = RC_OK;
	if (!strcmp(before.ptr ? before.ptr : "", after.ptr ? after.ptr : ""))
		goto cleanup;
	int dbrc = db_run(c->db, "UPDATE residents SET household_id = ?, name = ?, phone = ?, relation = ?, "
				 "party_member = ?, updated_at = ? WHERE id = ?",
			  "itttiii", m.household_id, m.name, m.phone && m.phone[0] ? m.phone : NULL,
			  m.relation, (int64_t)m.party_member, c->now, id);
	if (dbrc != DB_OK)
		rc = ctx_db_fail(c, dbrc, "修改村民");
	else
		rc = audit_record(c, village_id, "resident", id,
				  m.household_id != old->household_id ? "move" : "update", before.ptr,
				  after.ptr);
	*changed = rc == RC_OK;
cleanup:
	buf_release(&before);
	buf_release(&after);
	return rc;
}
