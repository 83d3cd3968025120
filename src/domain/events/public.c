/* The public 民情码 form: a proof-of-work challenge per submission, limits per address
 * and phone, and the follow-up code that shows the reporter's own event and nothing
 * else. */
#include "domain/events/internal.h"
#include "util/num.h"

#define IP_WINDOW 3600
#define PHONE_WINDOW 86400
#define NONCE_MAX 64

static void challenge_mac(struct ctx *c, const char *body, char mac[CRYPTO_HASH_HEX])
{
	crypto_hmac_hex(c->keys->sign, body, strlen(body), mac);
}

static int public_village(struct ctx *c, int64_t village_id, struct org_unit *v)
{
	int rc = org_get(c, village_id, v);
	if (rc == RC_OK && strcmp(v->kind, "village"))
		rc = ctx_fail(c, RC_NOT_FOUND, "村不存在");
	return rc;
}

int events_public_challenge(struct ctx *c, int64_t village_id, struct event_challenge *out)
{
	struct org_unit v;
	int rc = public_village(c, village_id, &v);
	if (rc)
		return rc;
	if (!c->keys)
		return ctx_fail(c, RC_INTERNAL, "缺少密钥");
	char nonce[CRYPTO_TOKEN_HEX], body[120], mac[CRYPTO_HASH_HEX];
	crypto_random_token(nonce);
	nonce[16] = 0;
	out->expires_at = c->now + EVENTS_CHALLENGE_TTL;
	out->bits = EVENTS_POW_BITS;
	snprintf(body, sizeof(body), "v1.%lld.%lld.%s", (long long)village_id, (long long)out->expires_at, nonce);
	challenge_mac(c, body, mac);
	snprintf(out->challenge, sizeof(out->challenge), "%s.%s", body, mac);
	return RC_OK;
}

int events_challenge_check(struct ctx *c, int64_t village_id, const char *challenge, const char *nonce)
{
	if (!challenge || !challenge[0] || strlen(challenge) >= 160)
		return ctx_field(c, "challenge", "缺少验证信息，请刷新页面后重试");
	if (!nonce || !nonce[0] || strlen(nonce) > NONCE_MAX)
		return ctx_field(c, "nonce", "缺少验证结果，请刷新页面后重试");
	const char *dot = strrchr(challenge, '.');
	if (!dot || strlen(dot + 1) != CRYPTO_HASH_HEX - 1)
		return ctx_field(c, "challenge", "验证信息无效，请刷新页面后重试");
	char body[160], mac[CRYPTO_HASH_HEX];
	size_t blen = (size_t)(dot - challenge);
	memcpy(body, challenge, blen);
	body[blen] = 0;
	challenge_mac(c, body, mac);
	if (!crypto_equal(mac, dot + 1))
		return ctx_field(c, "challenge", "验证信息无效，请刷新页面后重试");
	/* "v1.<village>.<expires>.<nonce>", signed by us */
	int64_t vid = 0, exp = 0;
	const char *a = body + 3, *b = strncmp(body, "v1.", 3) ? NULL : strchr(a, '.');
	const char *e = b ? strchr(b + 1, '.') : NULL;
	if (!e || num_parse_i64n(a, (size_t)(b - a), 1, INT64_MAX, &vid) ||
	    num_parse_i64n(b + 1, (size_t)(e - b - 1), 0, INT64_MAX, &exp) || vid != village_id)
		return ctx_field(c, "challenge", "验证信息不属于这个村");
	if (exp < c->now)
		return ctx_field(c, "challenge", "验证已过期，请刷新页面后重试");
	char *work = arena_printf(c->arena, "%s:%s", challenge, nonce);
	if (!work || crypto_sha256_zero_bits(work, strlen(work)) < EVENTS_POW_BITS)
		return ctx_field(c, "nonce", "验证结果不正确");
	return RC_OK;
}

/* Hits of key in its window: RC_TOO_MANY (with retry_after) when at the limit. */
static int check_limit(struct ctx *c, const char *key, int64_t window, int limit, const char *what)
{
	struct db_stmt *st = db_query(c->db, "SELECT window_start, hits FROM event_intake_limits WHERE key = ?", "t", key);
	int64_t start = 0, hits = 0;
	if (st && db_step(st) == DB_ROW) {
		start = db_col_int(st, 0);
		hits = db_col_int(st, 1);
	}
	db_finalize(st);
	if (start + window > c->now && hits >= limit) {
		c->err.retry_after = start + window - c->now;
		return ctx_fail(c, RC_TOO_MANY, "%s提交太频繁，请 %lld 分钟后再试", what,
				(long long)((c->err.retry_after + 59) / 60));
	}
	return RC_OK;
}

static int count_hit(struct ctx *c, const char *key, int64_t window)
{
	int dbrc = db_run(c->db, "INSERT INTO event_intake_limits (key, window_start, hits) VALUES (?, ?, 1) "
				 "ON CONFLICT (key) DO UPDATE SET "
				 "hits = CASE WHEN event_intake_limits.window_start + ? > excluded.window_start "
				 "THEN event_intake_limits.hits + 1 ELSE 1 END, "
				 "window_start = CASE WHEN event_intake_limits.window_start + ? > excluded.window_start "
				 "THEN event_intake_limits.window_start ELSE excluded.window_start END",
			  "tiii", key, c->now, window, window);
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "记录提交次数");
}

static void make_code(char code[EVENTS_FOLLOW_LEN + 1])
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < EVENTS_FOLLOW_LEN; i++)
		code[i] = alphabet[crypto_random_uniform(sizeof(alphabet) - 1)];
	code[EVENTS_FOLLOW_LEN] = 0;
}

static void follow_hash(struct ctx *c, const char *code, char out[CRYPTO_HASH_HEX])
{
	char *s = arena_printf(c->arena, "follow:%s", code);
	crypto_keyed_hash_hex(c->keys->lookup, s ? s : "", out);
}

int events_public_create(struct ctx *c, const struct event_public_input *in, int64_t *id,
			 char code[EVENTS_FOLLOW_LEN + 1])
{
	struct org_unit v;
	int rc = public_village(c, in->ev.village_id, &v);
	if (rc)
		return rc;
	if (!c->keys)
		return ctx_fail(c, RC_INTERNAL, "缺少密钥");
	/* the recording's bytes are judged before anything is spent or stored */
	bool voice = in->ev.voice_data && in->ev.voice_len > 0;
	if (voice) {
		if (in->ev.voice_len > EVENTS_PUBLIC_VOICE_MAX)
			return ctx_field(c, "voice", "录音最大 %d KB，请录短一些", EVENTS_PUBLIC_VOICE_MAX >> 10);
		int64_t ms;
		const char *mime = files_sniff(in->ev.voice_data, in->ev.voice_len, &ms);
		if (!mime || strncmp(mime, "audio/", 6))
			return ctx_field(c, "voice", "录音只支持 WebM、Ogg、MP4（M4A）或 WAV");
		if (ms > FILES_AUDIO_MAX_MS || in->ev.media.voice_ms > FILES_AUDIO_MAX_MS)
			return ctx_field(c, "voice", "录音最长 %d 秒", FILES_AUDIO_MAX_MS / 1000);
	}
	if ((rc = events_challenge_check(c, v.id, in->challenge, in->nonce)))
		return rc;
	char ipkey[96], phonekey[80] = "";
	snprintf(ipkey, sizeof(ipkey), "ip:%s", c->remote ? c->remote : "");
	if ((rc = check_limit(c, ipkey, IP_WINDOW, EVENTS_IP_LIMIT, "本网络")))
		return rc;
	const char *phone = in->ev.reporter_phone;
	if (phone && phone[0]) {
		char h[CRYPTO_HASH_HEX];
		crypto_keyed_hash_hex(c->keys->lookup, phone, h);
		snprintf(phonekey, sizeof(phonekey), "phone:%.64s", h);
		if ((rc = check_limit(c, phonekey, PHONE_WINDOW, EVENTS_PHONE_LIMIT, "该手机号")))
			return rc;
	}
	/* the challenge is spent once it passed: a replay is refused */
	if ((rc = ctx_begin(c)))
		return rc;
	db_run(c->db, "DELETE FROM event_challenges_used WHERE expires_at < ?", "i", c->now);
	int dbrc = db_run(c->db, "INSERT INTO event_challenges_used (challenge, expires_at) VALUES (?, ?)", "ti",
			  in->challenge, c->now + EVENTS_CHALLENGE_TTL);
	if (dbrc == DB_CONSTRAINT)
		return ctx_end(c, ctx_field(c, "challenge", "验证已使用，请刷新页面后重试"));
	if (dbrc == DB_OK)
		rc = count_hit(c, ipkey, IP_WINDOW);
	else
		rc = ctx_db_fail(c, dbrc, "验证");
	if (!rc && phonekey[0])
		rc = count_hit(c, phonekey, PHONE_WINDOW);
	if ((rc = ctx_end(c, rc)))
		return rc;
	struct event_input ev = in->ev;
	ev.nphotos = 0;
	ev.open311_key_id = 0;
	ev.media.video = NULL;
	ev.media.voice = NULL;
	if (voice) {
		struct file_info f;
		if ((rc = files_store_anonymous(c, v.id, in->ev.voice_data, in->ev.voice_len, &f))) {
			if (rc == RC_INVALID || rc == RC_TOO_LARGE) {
				ctx_reset(c);
				return ctx_field(c, "voice", "录音无法保存：只支持 %d 秒以内的 WebM、Ogg、MP4 或 WAV 录音",
						 FILES_AUDIO_MAX_MS / 1000);
			}
			return rc;
		}
		ev.media.voice = arena_strdup(c->arena, f.hash);
	}
	make_code(code);
	char h[CRYPTO_HASH_HEX];
	follow_hash(c, code, h);
	return ev_create(c, &ev, true, h, id);
}

int events_public_get(struct ctx *c, int64_t village_id, const char *code, struct event *out)
{
	if (!code || strlen(code) != EVENTS_FOLLOW_LEN || !c->keys)
		return ctx_fail(c, RC_NOT_FOUND, "查询码无效");
	char h[CRYPTO_HASH_HEX];
	follow_hash(c, code, h);
	int64_t id = 0;
	if (db_get_int(c->db, &id, "SELECT id FROM events WHERE follow_hash = ? AND village_id = ?", "ti", h, village_id) !=
	    DB_OK)
		return ctx_fail(c, RC_NOT_FOUND, "查询码无效");
	/* read as the system, then keep what the reporter may see */
	struct ctx sys = *c;
	sys.system = true;
	sys.actor = NULL;
	int rc = events_get(&sys, id, out);
	if (rc) {
		c->err = sys.err;
		return rc;
	}
	out->reporter_phone = "";
	out->can = 0;
	for (int i = 0; i < out->nsteps; i++) {
		struct event_step *s = &out->steps[i];
		s->actor_name = "";
		s->actor_id = 0;
		if (strcmp(s->action, "reject") && strcmp(s->action, "finish") && strcmp(s->action, "visit"))
			s->note = "";
	}
	out->nsupervisions = 0;
	/* the recordings and clips are shown as their text is: the report's own, and those
	 * of the steps whose note is kept above */
	int kept = 0;
	for (int i = 0; i < out->nmedia; i++) {
		int64_t step = out->media[i].step_id;
		bool shown = step == 0;
		for (int k = 0; k < out->nsteps && !shown; k++)
			shown = out->steps[k].id == step && out->steps[k].note[0];
		if (shown)
			out->media[kept++] = out->media[i];
	}
	out->nmedia = kept;
	return RC_OK;
}

int events_public_media(struct ctx *c, int64_t village_id, const char *code, int64_t media_id, struct file_info *out)
{
	struct event e;
	int rc = events_public_get(c, village_id, code, &e);
	if (rc)
		return rc;
	for (int i = 0; i < e.nmedia; i++) {
		if (e.media[i].id != media_id)
			continue;
		char hash[FILES_HASH_LEN + 1];
		struct ctx sys = *c;
		sys.system = true;
		sys.actor = NULL;
		if ((rc = ev_media_hash(&sys, e.id, media_id, hash)) || (rc = files_info(&sys, hash, out)))
			c->err = sys.err;
		return rc;
	}
	return ctx_fail(c, RC_NOT_FOUND, "录音或视频不存在");
}
