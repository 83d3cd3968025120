/* The listener thread of the live pushes from the other servers (push.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "domain/disputes/disputes.h"
#include "domain/kernel/push.h"
#include "domain/voice/voice.h"
#include "http/disputes/disputes.h"
#include "http/push.h"
#include "http/sse.h"
#include "http/voice/voice.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/num.h"
#include "util/timeutil.h"

static const struct server_config *cfg;
static atomic_bool stopping;
static pthread_t thread;
static bool running;

/* The next number of a message ("b 12", "k 5 12"); false when there is none. */
static bool next_id(const char **p, int64_t *out)
{
	while (**p == ' ')
		(*p)++;
	char digits[24];
	size_t n = 0;
	while (**p >= '0' && **p <= '9' && n < sizeof(digits) - 1)
		digits[n++] = *(*p)++;
	digits[n] = 0;
	return n && num_parse_i64(digits, 1, INT64_MAX, out) == 0;
}

static void deliver(const char *payload, void *arg)
{
	struct ctx c = {.db = arg, .keys = cfg->keys, .system = true, .data_dir = cfg->data_dir,
			.now = time_now(), .arena = arena_new(4u << 20)};
	if (!c.arena)
		return;
	const char *p = payload + 1;
	int64_t id = 0, user = 0;
	switch (payload[0]) {
	case 'b': {
		struct broadcast b;
		if (next_id(&p, &id) && voice_broadcast_get(&c, id, &b) == RC_OK)
			api_broadcast_publish(&b);
		break;
	}
	case 'a':
		if (next_id(&p, &id))
			api_emergency_publish_alert(&c, id);
		break;
	case 'k':
		if (next_id(&p, &user) && next_id(&p, &id))
			api_emergency_publish_ack(user, id);
		break;
	default:
		break;
	}
	arena_free(c.arena);
}

static void *listen_loop(void *arg)
{
	(void)arg;
	struct db *db = NULL;
	char err[512];
	while (!atomic_load(&stopping)) {
		if (!db) {
			if (db_open(cfg->db_url, &db, err, sizeof(err)) != DB_OK) {
				db = NULL;
				sleep(1);
				continue;
			}
			if (db_engine(db) != DB_POSTGRES)
				break; /* one server per SQLite file: nobody else to hear from */
			if (db_listen(db, PUSH_CHANNEL) != DB_OK) {
				log_msg(LOG_WARN, "cannot listen for pushes", "error", db_errmsg(db), NULL);
				db_close(db);
				db = NULL;
				sleep(1);
				continue;
			}
			/* What the other servers sent while nobody here listened (since the start,
			 * or while the connection was lost) is not sent again: the open streams are
			 * ended, and each client's reconnection is sent what it missed. */
			int n = sse_close_all();
			if (n) {
				char count[24];
				snprintf(count, sizeof(count), "%d", n);
				log_msg(LOG_INFO, "push listener listening again: open streams asked to reconnect", "streams", count, NULL);
			}
		}
		if (db_wait_notify(db, 250, deliver, db) != DB_OK) {
			log_msg(LOG_WARN, "push listener lost its connection", "error", db_errmsg(db), NULL);
			db_close(db);
			db = NULL;
			sleep(1); /* a database that is restarting is not asked again at once */
		}
	}
	if (db)
		db_close(db);
	return NULL;
}

void push_start(const struct server_config *config)
{
	cfg = config;
	atomic_store(&stopping, false);
	running = pthread_create(&thread, NULL, listen_loop, NULL) == 0;
}

void push_stop(void)
{
	atomic_store(&stopping, true);
	if (running)
		pthread_join(thread, NULL);
	running = false;
}
