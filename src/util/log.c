/* JSON-lines logger; each line is written with one call so lines never interleave. */
#include <pthread.h>
#include <stdarg.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/timeutil.h"

static enum log_level min_level = LOG_INFO;
static const char *names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level level)
{
	min_level = level;
}

static void emit(struct buf *b)
{
	buf_addc(b, '\n');
	if (!b->failed) {
		ssize_t r = write(STDERR_FILENO, b->ptr, b->len);
		(void)r;
	}
	buf_release(b);
}

static void start(struct buf *b, enum log_level level)
{
	char ts[26];
	buf_init(b, 16384);
	time_format_iso(time_now(), ts);
	buf_addf(b, "{\"ts\":\"%s\",\"level\":\"%s\"", ts, names[level]);
}

void log_msg(enum log_level level, const char *msg, ...)
{
	if (level < min_level)
		return;
	struct buf b;
	start(&b, level);
	buf_adds(&b, ",\"msg\":");
	buf_add_json_string(&b, msg);
	va_list ap;
	va_start(ap, msg);
	const char *k;
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		buf_addc(&b, ',');
		buf_add_json_string(&b, k);
		buf_addc(&b, ':');
		buf_add_json_string(&b, v ? v : "");
	}
	va_end(ap);
	buf_addc(&b, '}');
	emit(&b);
}

void log_access(const char *request_id, const char *method, const char *path, int status,
		double ms, const char *remote, int64_t user_id)
{
	log_refused(request_id, method, path, status, ms, remote, user_id, NULL);
}

void log_refused(const char *request_id, const char *method, const char *path, int status, double ms,
		 const char *remote, int64_t user_id, const char *reason)
{
	if (LOG_INFO < min_level)
		return;
	struct buf b;
	start(&b, LOG_INFO);
	buf_adds(&b, ",\"msg\":\"access\",\"request_id\":");
	buf_add_json_string(&b, request_id);
	buf_adds(&b, ",\"method\":");
	buf_add_json_string(&b, method);
	buf_adds(&b, ",\"path\":");
	buf_add_json_string(&b, path);
	buf_addf(&b, ",\"status\":%d,\"ms\":%.2f,\"remote\":", status, ms);
	buf_add_json_string(&b, remote ? remote : "");
	buf_addf(&b, ",\"user\":%lld", (long long)user_id);
	if (reason) {
		buf_adds(&b, ",\"reason\":");
		buf_add_json_string(&b, reason);
	}
	buf_addc(&b, '}');
	emit(&b);
}
