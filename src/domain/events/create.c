/* Events 民情: the steps and audit entries every change writes, and intake —
 * creating an event from any channel. */
#include "domain/events/internal.h"
#include "domain/kernel/files.h"
#include "util/buf.h"
#include "util/num.h"

/* ---- writing ---- */

const char *ev_actor_name(const struct ctx *c)
{
	return c->actor ? c->actor->name : "系统";
}

static int add_step_as(struct ctx *c, const char *who, int64_t event_id, const char *action, const char *from,
		       const char *to, int64_t department_id, const char *note)
{
	int dbrc = db_run(c->db, "INSERT INTO event_steps (event_id, at, actor_id, actor_name, action, from_state, "
				 "to_state, department_id, note) VALUES (?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, "
				 "NULLIF(CAST(? AS BIGINT), 0), ?)",
			  "iiittttit", event_id, c->now, ev_actor_id(c), who, action, from ? from : "",
			  to ? to : "", department_id, note ? note : "");
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "记录处理过程");
}

int ev_add_step(struct ctx *c, int64_t event_id, const char *action, const char *from, const char *to,
		int64_t department_id, const char *note)
{
	return add_step_as(c, ev_actor_name(c), event_id, action, from, to, department_id, note);
}

int ev_audit_move(struct ctx *c, const struct event *e, const char *action, const char *to,
		  int64_t department_id, const char *extra_key, const char *extra)
{
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_str(&before, "state", e->state);
	audit_snap_int(&before, "department_id", e->department_id);
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_str(&after, "state", to);
	audit_snap_int(&after, "department_id", department_id);
	if (extra_key)
		audit_snap_str(&after, extra_key, extra);
	audit_snap_end(&after);
	int rc = audit_record(c, e->village_id, "event", e->id, action, before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return rc;
}

static bool phone_valid(const char *p)
{
	size_t n = strlen(p);
	if (n < 7 || n > 20)
		return false;
	for (const char *s = p; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s == '-' && s != p)))
			return false;
	return true;
}

/* The department a dispatch or transfer goes to: a department whose parent covers the
 * village. Field error on department_id otherwise. */
int ev_check_department(struct ctx *c, const struct event *e, int64_t dept_id, struct org_unit *d)
{
	int rc = org_get(c, dept_id, d);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_field(c, "department_id", "部门不存在");
	}
	if (rc)
		return rc;
	if (strcmp(d->kind, "department"))
		return ctx_field(c, "department_id", "%s不是部门", d->name);
	/* the parent's path: the department's own path without its last id */
	char parent[ORG_PATH_MAX];
	str_copy(parent, sizeof(parent), d->path);
	size_t n = strlen(parent);
	if (n >= 2) {
		parent[n - 1] = 0;
		char *slash = strrchr(parent, '/');
		if (slash)
			slash[1] = 0;
	}
	if (strncmp(e->village_path, parent, strlen(parent)))
		return ctx_field(c, "department_id", "%s不管辖%s", d->name, e->village_name);
	return RC_OK;
}

/* Starts a new deadline window from now: due, warn at 80 %, flags cleared. */
int ev_set_window(struct ctx *c, int64_t id, int64_t start, int64_t due)
{
	int64_t warn = start + (due - start) * 4 / 5;
	int dbrc = db_run(c->db, "UPDATE events SET due_at = ?, warn_at = ?, warned_at = NULL, overdue_at = NULL, "
				 "county_at = NULL, escalation = 0 WHERE id = ?", "iii", due, warn, id);
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "设置期限");
}

int ev_finish_days_of(struct ctx *c, int64_t category_id, int *days)
{
	int64_t d = 0;
	int dbrc = db_get_int(c->db, &d, "SELECT finish_days FROM event_categories WHERE id = ?", "i", category_id);
	*days = (int)d;
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "读取类别");
}

int events_create(struct ctx *c, const struct event_input *in, int64_t *id)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	return ev_create(c, in, false, NULL, id);
}

int ev_create(struct ctx *c, const struct event_input *in, bool public, const char *follow_hash, int64_t *id)
{
	struct org_unit v = {0};
	int rc = org_get(c, in->village_id, &v);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_field(c, "village_id", "村不存在");
	}
	if (rc)
		return rc;
	if (strcmp(v.kind, "village"))
		return ctx_field(c, "village_id", "%s不是村", v.name);
	/* who reports: a villager of this village, or staff with P_EVENT_REPORT there */
	bool villager = false;
	if (!public && c->actor && c->actor->household_id && access_has_role(c, "villager")) {
		int64_t hv = 0;
		db_get_int(c->db, &hv, "SELECT village_id FROM households WHERE id = ?", "i", c->actor->household_id);
		villager = hv == v.id;
	}
	bool staff = !public && ev_can_village(c, P_EVENT_REPORT, v.path);
	bool call = !public && ev_can_village(c, P_EVENT_CALL, v.path);
	bool open311 = public && in->open311_key_id;
	const char *channel = open311 ? "open311" : public ? "public_form" : in->channel && in->channel[0] ? in->channel : NULL;
	if (!channel)
		channel = call ? "hotline" : ev_can_village(c, P_EVENT_INTAKE, v.path) ? "cadre" : staff ? "grid" : "app";
	bool public_form = !strcmp(channel, "public_form");
	if (!c->system && !public && !villager && !staff) {
		/* the house rule: a village outside every grant is not revealed (404); one the
		 * caller sees through some grant is refused (403) */
		if (ev_can_village(c, EV_READ_PERMS, v.path) || access_touches(c, v.path))
			return ctx_fail(c, RC_FORBIDDEN, "无权为%s登记民情事件", v.name);
		return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	}
	if (public_form && !public && !c->system)
		return ctx_field(c, "channel", "民情码渠道只用于扫码表单");
	if (!strcmp(channel, "open311") && !open311 && !c->system)
		return ctx_field(c, "channel", "Open311 渠道只用于 Open311 接口");
	if (!strcmp(channel, "hotline") && !call && !c->system)
		return ctx_fail(c, RC_FORBIDDEN, "只有热线话务员可以登记来电");
	int64_t channel_id = 0;
	if (db_get_int(c->db, &channel_id, "SELECT id FROM event_channels WHERE code = ?", "t", channel) != DB_OK)
		ctx_field(c, "channel", "渠道不存在");
	/* the category: of the village's county, active */
	struct event_category cat = {0};
	rc = events_category_get(c, in->category_id, &cat);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		ctx_field(c, "category_id", "类别不存在");
	} else if (rc) {
		return rc;
	} else if (cat.county_id != ev_path_root(v.path) || !cat.active) {
		ctx_field(c, "category_id", "类别不可用");
	}
	ctx_check_text(c, "description", in->description, EVENT_DESC_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE,
		       "问题描述");
	ctx_check_text(c, "address", in->address, EVENT_ADDRESS_MAX, CTX_TEXT_OPTIONAL, "地址");
	if (in->has_location && (in->lat_e6 < -90000000 || in->lat_e6 > 90000000 || in->lng_e6 < -180000000 ||
				 in->lng_e6 > 180000000))
		ctx_field(c, "lat", "位置无效");
	if (in->household_id) {
		int64_t hv = 0;
		if (db_get_int(c->db, &hv, "SELECT village_id FROM households WHERE id = ?", "i", in->household_id) != DB_OK ||
		    hv != v.id)
			ctx_field(c, "household_id", "该户不在%s", v.name);
	}
	/* photos: stored files uploaded by the actor (the public form takes none) */
	if (in->nphotos < 0 || in->nphotos > EVENT_PHOTOS_MAX)
		ctx_field(c, "photos", "最多 %d 张照片", EVENT_PHOTOS_MAX);
	for (int i = 0; i < in->nphotos && i < EVENT_PHOTOS_MAX; i++) {
		struct file_info f;
		bool ok = files_hash_valid(in->photos[i]) && files_info(c, in->photos[i], &f) == RC_OK &&
			  !strncmp(f.mime, "image/", 6) &&   /* photos only, not PDFs */
			  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
		if (!ok) {
			ctx_clear(c);
			ctx_field(c, "photos", "第 %d 张照片不存在或不是你上传的，请重新上传", i + 1);
			break;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(in->photos[i], in->photos[j])) {
				ctx_field(c, "photos", "第 %d 张照片与第 %d 张重复", i + 1, j + 1);
				break;
			}
	}
	if (cat.id && cat.photo_required && in->nphotos == 0 && !c->system)
		ctx_field(c, "photos", "该类别需要上传照片");
	ev_media_check(c, &in->media, public);
	/* the reporter: the villager's own account, or the name and phone given */
	const char *name = in->reporter_name, *phone = in->reporter_phone;
	int64_t reporter = 0;
	if (villager && !staff) {
		reporter = c->actor->user_id;
		name = c->actor->name;
		phone = c->actor->phone;
	} else {
		ctx_check_text(c, "reporter_name", name, EVENT_NAME_MAX,
			       !strcmp(channel, "hotline") || public_form ? CTX_TEXT_REQUIRED : CTX_TEXT_OPTIONAL,
			       "反映人姓名");
		if ((phone && phone[0]) || !strcmp(channel, "hotline") || public_form) {
			if (!phone || !phone_valid(phone))
				ctx_field(c, "reporter_phone", "联系电话应为 7 到 20 位数字");
		}
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	const char *sname, *sphone;
	if ((rc = ctx_seal_pii(c, name, &sname)) || (rc = ctx_seal_pii(c, phone, &sphone)))
		return rc;
	char phash[CRYPTO_HASH_HEX] = "";
	if (phone && phone[0] && c->keys)
		crypto_keyed_hash_hex(c->keys->lookup, phone, phash);

	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "event", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	int64_t accept_due = c->now + (int64_t)cat.accept_hours * 3600;
	int64_t warn = c->now + (int64_t)cat.accept_hours * 3600 * 4 / 5;
	struct db_args a = {0};
	db_args_int(&a, v.id);
	db_args_int(&a, cat.id);
	db_args_int(&a, channel_id);
	db_args_text(&a, in->description);
	if (in->has_location) {
		db_args_int(&a, in->lat_e6);
		db_args_int(&a, in->lng_e6);
	} else {
		db_args_text(&a, NULL);
		db_args_text(&a, NULL);
	}
	if (in->household_id)
		db_args_int(&a, in->household_id);
	else
		db_args_text(&a, NULL);
	db_args_text(&a, in->address ? in->address : "");
	if (reporter)
		db_args_int(&a, reporter);
	else
		db_args_text(&a, NULL);
	db_args_text(&a, sname);
	db_args_text(&a, sphone);
	db_args_text(&a, phash[0] ? phash : NULL);
	db_args_int(&a, in->anonymous);
	if (c->actor && !public)
		db_args_int(&a, c->actor->user_id);
	else
		db_args_text(&a, NULL);
	db_args_text(&a, follow_hash);
	db_args_int(&a, accept_due);
	db_args_int(&a, accept_due);
	db_args_int(&a, warn);
	db_args_int(&a, c->now);
	db_args_int(&a, c->now);
	if (open311)
		db_args_int(&a, in->open311_key_id);
	else
		db_args_text(&a, NULL);
	db_args_text(&a, in->kind && in->kind[0] ? in->kind : "general");
	struct db_stmt *st = db_query_args(c->db,
		"INSERT INTO events (village_id, category_id, channel_id, description, lat_e6, lng_e6, household_id, "
		"address, reporter_id, reporter_name, reporter_phone, phone_hash, anonymous, created_by, follow_hash, "
		"state, accept_due, due_at, warn_at, created_at, updated_at, open311_key_id, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?) RETURNING id", &a);
	int dbrc = st ? db_step(st) : DB_ERROR;
	if (dbrc == DB_ROW)
		*id = db_col_int(st, 0);
	db_finalize(st);
	if (dbrc != DB_ROW)
		return ctx_end(c, ctx_db_fail(c, dbrc, "登记民情事件"));
	for (int i = 0; i < in->nphotos && dbrc == DB_ROW; i++)
		if (db_run(c->db, "INSERT INTO event_photos (event_id, ord, file_hash) VALUES (?, ?, ?)", "iit", *id,
			   (int64_t)(i + 1), in->photos[i]) != DB_OK)
			dbrc = DB_ERROR;
	if (dbrc != DB_ROW)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存照片"));
	if ((rc = ev_media_insert(c, *id, 0, &in->media)))
		return ctx_end(c, rc);
	/* entered by staff, or by the reporter (the public form: their masked name) */
	const char *who = c->actor && !public ? c->actor->name
			: in->anonymous || !name || !name[0] ? "群众" : ctx_mask_name(c, name);
	rc = add_step_as(c, who, *id, "create", "", "pending", 0, "");
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_str(&after, "state", "pending");
		audit_snap_int(&after, "category_id", cat.id);
		audit_snap_str(&after, "channel", channel);
		audit_snap_int(&after, "photos", in->nphotos);
		ev_media_snap(&after, &in->media);
		audit_snap_end(&after);
		rc = audit_record(c, v.id, "event", *id, "create", "{}", after.ptr);
		buf_release(&after);
	}
	if (!rc) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
		rc = idem_store(c, "event", in->idem, idtext);
	}
	if (!rc && in->then)
		rc = in->then(c, *id, in->then_arg);
	return ctx_end(c, rc);
}
