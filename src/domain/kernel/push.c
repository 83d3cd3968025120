/* Messages to the other servers' listeners (push.h). */
#include "domain/kernel/push.h"

static enum result notify(struct ctx *c, const char *text)
{
	int rc = db_notify(c->db, PUSH_CHANNEL, text);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "通知其他服务器");
}

enum result push_broadcast(struct ctx *c, int64_t broadcast_id)
{
	char text[32];
	snprintf(text, sizeof(text), "b %lld", (long long)broadcast_id);
	return notify(c, text);
}

enum result push_alert(struct ctx *c, int64_t emergency_id)
{
	char text[32];
	snprintf(text, sizeof(text), "a %lld", (long long)emergency_id);
	return notify(c, text);
}

enum result push_ack(struct ctx *c, int64_t user_id, int64_t emergency_id)
{
	char text[48];
	snprintf(text, sizeof(text), "k %lld %lld", (long long)user_id, (long long)emergency_id);
	return notify(c, text);
}
