/* Server setup, the request trampoline shared by every route, the job scheduler, and
 * shutdown. The body limits and deadlines in front of the trampoline are in gate.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "domain/grid/grid.h"
#include "domain/jobs.h"
#include "domain/register/account.h"
#include "http/events/open311.h"
#include "http/kernel/kernel.h"
#include "http/server_internal.h"
#include "http/push.h"
#include "http/router.h"
#include "http/sse.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/utf8.h"

struct server_config *server_cfg;
volatile sig_atomic_t server_stopping;
static atomic_int in_flight;
static _Atomic int64_t clock_offset;
static pthread_key_t db_key;
/* the server's connections' group commit (db.h; SQLite only) */
static struct db_group *db_group;

static void close_db(void *p) { db_close(p); }

/* A connection for one of the server's threads, joined to the group. */
static enum db_rc open_db(struct db **db, char *err, size_t n)
{
	enum db_rc rc = db_open(server_cfg->db_url, db, err, n);
	if (rc == DB_OK)
		db_group_join(*db, db_group);
	return rc;
}

/* The calling worker thread's connection, opened on first use. */
struct db *server_thread_db(void)
{
	struct db *db = pthread_getspecific(db_key);
	if (db)
		return db;
	char err[512];
	if (open_db(&db, err, sizeof(err)) != DB_OK) {
		log_msg(LOG_ERROR, "cannot open database", "error", err, NULL);
		return NULL;
	}
	pthread_setspecific(db_key, db);
	return db;
}

int64_t server_now(void)
{
	return time_now() + atomic_load(&clock_offset);
}

/* An address's text for the throttles: IPv4 as is, IPv6 grouped by its /64 (one
 * household's or phone's network hands out many addresses inside it). Returns false
 * when text is not an address. */
bool server_client_key(int family, const void *addr, char *out, size_t n)
{
	if (family == AF_INET6) {
		const unsigned char *b = addr;
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (!memcmp(b, mapped, 12))
			return inet_ntop(AF_INET, b + 12, out, (socklen_t)n) != NULL;
		unsigned char net[16] = {0};
		memcpy(net, b, 8);
		if (!inet_ntop(AF_INET6, net, out, (socklen_t)n))
			return false;
		size_t l = strlen(out);
		if (l + 4 >= n)
			return false;
		memcpy(out + l, "/64", 4);
		return true;
	}
	return inet_ntop(AF_INET, addr, out, (socklen_t)n) != NULL;
}

static bool parse_addr(const char *text, size_t len, int *family, unsigned char out[16])
{
	char t[INET6_ADDRSTRLEN + 1];
	if (len == 0 || len >= sizeof(t))
		return false;
	memcpy(t, text, len);
	t[len] = 0;
	if (inet_pton(AF_INET, t, out) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, t, out) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

static bool is_trusted(int family, const unsigned char *addr)
{
	for (int i = 0; i < server_cfg->ntrusted; i++) {
		unsigned char t[16];
		int tf;
		if (parse_addr(server_cfg->trusted[i], strlen(server_cfg->trusted[i]), &tf, t) && tf == family &&
		    !memcmp(t, addr, family == AF_INET ? 4 : 16))
			return true;
	}
	return false;
}

/* The client's address: the socket's peer, or, when the peer is a trusted proxy, the
 * right-most address of X-Forwarded-For that is not itself a trusted proxy. Returns
 * true when the peer is a trusted proxy. */
static bool remote_text(const struct _u_request *u, char *out, size_t n)
{
	out[0] = 0;
	const struct sockaddr *sa = u->client_address;
	if (!sa)
		return false;
	int family = sa->sa_family;
	unsigned char peer[16];
	if (family == AF_INET)
		memcpy(peer, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (family == AF_INET6)
		memcpy(peer, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	else
		return false;
	if (family == AF_INET6 && !memcmp(peer, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
		memmove(peer, peer + 12, 4);
		family = AF_INET;
	}
	bool proxied = is_trusted(family, peer);
	const char *xff = proxied ? u_map_get_case(u->map_header, "X-Forwarded-For") : NULL;
	for (const char *end = xff ? xff + strlen(xff) : NULL; end && end > xff;) {
		const char *start = end;
		while (start > xff && start[-1] != ',')
			start--;
		const char *a = start, *b = end;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		unsigned char addr[16];
		int f;
		if (!parse_addr(a, (size_t)(b - a), &f, addr))
			break; /* a hop we cannot read: trust nothing further left */
		memcpy(peer, addr, 16);
		family = f;
		if (!is_trusted(f, addr))
			break;
		end = start > xff ? start - 1 : xff;
	}
	if (!server_client_key(family, peer, out, n))
		out[0] = 0;
	return proxied;
}

/* True for an address only this machine reaches (127.0.0.0/8, ::1, localhost). */
static bool loopback(const char *address)
{
	return !strncmp(address, "127.", 4) || !strcmp(address, "::1") || !strcmp(address, "localhost");
}

static const char *session_token(const struct _u_request *u)
{
	const char *auth = u_map_get_case(u->map_header, "Authorization");
	if (auth && !strncasecmp(auth, "Bearer ", 7))
		return auth + 7;
	return u_map_get(u->map_cookie, SESSION_COOKIE);
}

static void send_error(struct req *r, int status, const char *code, const char *message)
{
	json_t *fields = json_object();
	for (int i = 0; i < r->ctx.err.nfields; i++)
		json_object_set_new(fields, r->ctx.err.fields[i].field, json_string(r->ctx.err.fields[i].message));
	json_t *body = json_pack("{s:{s:s, s:s, s:o}}", "error", "code", code, "message", message,
				 "fields", fields);
	ulfius_set_json_body_response(r->resp, (unsigned int)status, body);
	json_decref(body);
	if (r->ctx.err.code == RC_TOO_MANY && r->ctx.err.retry_after > 0) {
		char s[24];
		snprintf(s, sizeof(s), "%lld", (long long)r->ctx.err.retry_after);
		u_map_put(r->resp->map_header, "Retry-After", s);
	}
}

/* True when a browser's Origin header names this site: its host[:port] is the Host
 * the request was sent to (or, from a trusted proxy, X-Forwarded-Host). */
static bool same_origin(const struct req *r, const char *origin, bool proxied)
{
	const char *host = proxied ? u_map_get_case(r->u->map_header, "X-Forwarded-Host") : NULL;
	if (!host)
		host = u_map_get_case(r->u->map_header, "Host");
	const char *sep = strstr(origin, "://");
	if (!host || !sep || (strncmp(origin, "http://", 7) && strncmp(origin, "https://", 8)))
		return false;
	return !strcasecmp(sep + 3, host);
}

/* The refusal of a body over limit, in MB when it is whole megabytes. */
void server_too_large_text(size_t limit, char *out, size_t n)
{
	if (limit % (1u << 20) == 0)
		snprintf(out, n, "请求体过大，最多 %zu MB", limit >> 20);
	else
		snprintf(out, n, "请求体过大，最多 %zu KB", limit / 1024);
}

/* Checks the body's presence, size and form before the handler sees it, and that a
 * change of state sent by a browser with the session cookie comes from this site's own
 * pages (the Origin a browser sends; requests with a Bearer token or an Open311 key
 * carry no ambient credentials). Returns 0 or the HTTP status of the refusal (with its
 * reply set). */
static int check_body(struct req *r, const struct route *rt, bool proxied)
{
	const struct _u_request *u = r->u;
	bool has_body_method = !strcmp(u->http_verb, "POST") || !strcmp(u->http_verb, "PUT") ||
			       !strcmp(u->http_verb, "PATCH") || !strcmp(u->http_verb, "DELETE");
	const char *origin = u_map_get_case(u->map_header, "Origin");
	const char *auth = u_map_get_case(u->map_header, "Authorization");
	bool bearer = auth && !strncasecmp(auth, "Bearer ", 7);
	if (has_body_method && origin && !bearer && strncmp(rt->path, "/open311/", 9) &&
	    !same_origin(r, origin, proxied)) {
		send_error(r, 403, "cross_origin", "不接受从其他网站发来的操作请求");
		return 403;
	}
	const char *cl = u_map_get_case(u->map_header, "Content-Length");
	const char *te = u_map_get_case(u->map_header, "Transfer-Encoding");
	size_t max = route_body_max(rt);
	bool wants = rt->flags & (RF_JSON | RF_UPLOAD);
	if (wants && has_body_method && !cl && !(te && strcasestr(te, "chunked"))) {
		send_error(r, 411, "length_required", "请求需要 Content-Length");
		return 411;
	}
	if ((cl && strtoull(cl, NULL, 10) > max) || u->binary_body_length > max) {
		char msg[96];
		server_too_large_text(max, msg, sizeof(msg));
		send_error(r, 413, "too_large", msg);
		return 413;
	}
	if (!(rt->flags & RF_JSON))
		return 0;
	if (!strcmp(u->http_verb, "DELETE") && u->binary_body_length == 0)
		return 0; /* a DELETE may carry its parameters in the body or not at all */
	const char *type = u_map_get_case(u->map_header, "Content-Type");
	if (u->binary_body_length > 0 &&
	    (!type || strncasecmp(type, "application/json", 16) || (type[16] && type[16] != ';' && type[16] != ' '))) {
		send_error(r, 415, "unsupported_type", "请求体应为 JSON（Content-Type: application/json）");
		return 415;
	}
	if (!utf8_valid(u->binary_body, u->binary_body_length)) {
		send_error(r, 400, "invalid_utf8", "请求体不是有效的 UTF-8 文本");
		return 400;
	}
	json_error_t jerr;
	r->body = json_loadb(u->binary_body, u->binary_body_length, JSON_REJECT_DUPLICATES, &jerr);
	if (!r->body || !json_is_object(r->body)) {
		char msg[300];
		snprintf(msg, sizeof(msg), "请求体应为 JSON 对象（%s）", r->body ? "不是对象" : jerr.text);
		send_error(r, 400, "bad_json", msg);
		return 400;
	}
	return 0;
}

static int trampoline(const struct _u_request *u, struct _u_response *resp, void *data)
{
	const struct route *rt = data;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	atomic_fetch_add(&in_flight, 1);

	struct req r = {.u = u, .resp = resp, .status = 200};
	char tok[CRYPTO_TOKEN_HEX];
	crypto_random_token(tok);
	str_copy(r.request_id, sizeof(r.request_id), tok);
	bool proxied = remote_text(u, r.remote, sizeof(r.remote));
	/* the session cookie is Secure unless the browser talks plain HTTP to this machine
	 * itself; behind a trusted TLS proxy on this machine it is Secure again */
	const char *proto = proxied ? u_map_get_case(u->map_header, "X-Forwarded-Proto") : NULL;
	r.secure = !loopback(server_cfg->address) || (proto && !strcasecmp(proto, "https"));
	req_security_headers(resp);
	u_map_put(resp->map_header, "X-Request-Id", r.request_id);
	u_map_put(resp->map_header, "Cache-Control", "no-store");

	r.ctx.keys = server_cfg->keys;
	r.ctx.data_dir = server_cfg->data_dir;
	r.ctx.now = server_now();
	r.ctx.remote = r.remote;
	int status = check_body(&r, rt, proxied);
	if (status)
		goto done;
	r.ctx.db = server_thread_db();
	r.ctx.arena = arena_new(64u << 20);
	if (!r.ctx.db || !r.ctx.arena) {
		send_error(&r, 503, "unavailable", "服务暂不可用，请稍后重试");
		status = 503;
		goto done;
	}
	r.token = session_token(u);
	int rc = RC_OK;
	if (r.token && r.token[0]) {
		rc = account_authenticate(&r.ctx, r.token, &r.actor);
		if (rc == RC_OK)
			r.ctx.actor = &r.actor;
		else if (rt->flags & RF_PUBLIC) {
			ctx_reset(&r.ctx);
			rc = RC_OK;
		}
	} else if (!(rt->flags & RF_PUBLIC)) {
		rc = ctx_fail(&r.ctx, RC_UNAUTHENTICATED, "请先登录");
	}
	if (rc == RC_OK)
		rc = rt->handler(&r);
	if (db_in_tx(r.ctx.db)) {
		log_msg(LOG_ERROR, "transaction left open", "path", u->url_path, NULL);
		db_rollback(r.ctx.db);
	}
	if (rc != RC_OK) {
		status = req_status_for(rc);
		send_error(&r, status, req_code_for(rc), r.ctx.err.message[0] ? r.ctx.err.message : "请求失败");
	} else if (r.replied) {
		status = (int)resp->status;
	} else {
		status = r.status;
		/* 10 significant digits keep coordinates at their stored microdegrees */
		char *text = r.out ? json_dumps(r.out, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
		req_send(u, resp, status, "application/json", text ? text : "{}", text ? strlen(text) : 2);
		free(text);
	}
done:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_access(r.request_id, u->http_verb, u->url_path, status,
		   (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6, r.remote,
		   r.actor.user_id);
	json_decref(r.body);
	json_decref(r.out);
	arena_free(r.ctx.arena);
	atomic_fetch_sub(&in_flight, 1);
	return U_CALLBACK_COMPLETE;
}

/* A page (not one of its assets) may show map tiles from the tile servers the
 * counties named: its policy lets images come from them too. */
static void page_images(const struct _u_request *u, struct _u_response *resp)
{
	if (!strncmp(u->url_path, "/assets/", 8))
		return;
	struct ctx c = {.db = server_thread_db(), .now = server_now()};
	char origins[1024];
	if (c.db && grid_tile_origins(&c, origins, sizeof(origins)) == RC_OK && origins[0])
		req_csp_images(resp, origins);
}

/* Everything no route matched: unknown API paths get the JSON envelope, the rest is
 * the web UI. */
static int fallback(const struct _u_request *u, struct _u_response *resp, void *data)
{
	atomic_fetch_add(&in_flight, 1);
	req_security_headers(resp);
	char rid[CRYPTO_TOKEN_HEX];
	crypto_random_token(rid);
	rid[16] = 0;
	u_map_put(resp->map_header, "X-Request-Id", rid);
	int status;
	if (!strncmp(u->url_path, "/api/", 5)) {
		json_t *body = json_pack("{s:{s:s, s:s, s:{}}}", "error", "code", "not_found", "message",
					 "没有这个接口", "fields");
		ulfius_set_json_body_response(resp, 404, body);
		json_decref(body);
		status = 404;
	} else if (!strncmp(u->url_path, "/open311/", 9)) {
		o311_not_found(resp, u->url_path);
		status = 404;
	} else {
		page_images(u, resp);
		status = static_serve(server_cfg->ui_dir, u, resp);
	}
	log_access(rid, u->http_verb, u->url_path, status, 0, "", 0);
	atomic_fetch_sub(&in_flight, 1);
	return U_CALLBACK_COMPLETE;
}

/* The request's route and its path's parameters (with ulfius's query parameters in
 * map_url: a path parameter takes the place of a query parameter of its name). */
static int dispatch(const struct _u_request *u, struct _u_response *resp, void *data)
{
	struct route_params p;
	const struct route *rt = router_match(u->http_verb, u->url_path, &p);
	if (!rt)
		return fallback(u, resp, data);
	for (int i = 0; i < p.n; i++) {
		char name[ROUTER_NAME_MAX + 1], *value = strndup(p.p[i].value, p.p[i].len);
		memcpy(name, p.p[i].name, p.p[i].name_len);
		name[p.p[i].name_len] = 0;
		if (value)
			u_map_put(u->map_url, name, value);
		free(value);
	}
	return trampoline(u, resp, (void *)rt);
}

int api_health(struct req *r)
{
	if (db_ping(r->ctx.db) != DB_OK)
		return ctx_fail(&r->ctx, RC_INTERNAL, "数据库不可用");
	r->out = json_pack("{s:s, s:s}", "status", "ok", "engine",
			   db_engine(r->ctx.db) == DB_POSTGRES ? "postgres" : "sqlite");
	return RC_OK;
}

int api_test_clock(struct req *r)
{
	static const struct jfield spec[] = {
		{"advance", J_INT, true, 0, 400LL * 86400},
		{0},
	};
	if (!server_cfg->test_clock)
		return ctx_fail(&r->ctx, RC_NOT_FOUND, "没有这个接口");
	if (req_check_body(r, spec))
		return RC_INVALID;
	atomic_fetch_add(&clock_offset, req_int(r, "advance", 0));
	/* run the scheduled jobs at the new time, so tests need not wait for the scheduler */
	struct ctx jobs = r->ctx;
	jobs.system = true;
	jobs.actor = NULL;
	jobs.now = server_now();
	struct jobs_report rep;
	int rc = jobs_run_report(&jobs, &rep);
	if (rc) {
		r->ctx.err = jobs.err;
		return rc;
	}
	r->out = json_pack("{s:o, s:I, s:I, s:I}", "now", json_time(jobs.now), "credited",
			   (json_int_t)rep.credited, "reset_entries", (json_int_t)rep.reset_entries,
			   "preorders_lapsed", (json_int_t)rep.preorders_lapsed);
	return RC_OK;
}

static pthread_mutex_t sched_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sched_wake = PTHREAD_COND_INITIALIZER;
static bool sched_woken;

void server_wake_jobs(void)
{
	pthread_mutex_lock(&sched_lock);
	sched_woken = true;
	pthread_cond_signal(&sched_wake);
	pthread_mutex_unlock(&sched_lock);
}

/* Connections are accepted here, one at a time, and handed to libmicrohttpd, which gives
 * each to a worker of its pool by the socket's number, so that connections opened
 * together (a browser's six, a proxy's) go to different workers. Left to the workers, the
 * first to wake accepted every connection waiting, and those then waited on each other:
 * a worker runs one request at a time, so one request in a long export or in the write
 * queue held up every other connection of its worker, and the writers that came together
 * never met in one commit (db.h). */
static int listen_fd = -1;

static int listen_on(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int on = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
	    bind(fd, (const struct sockaddr *)addr, sizeof(*addr)) || listen(fd, SOMAXCONN)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void *acceptor(void *arg)
{
	struct MHD_Daemon *d = arg;
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t n = sizeof(peer);
		int fd = accept4(listen_fd, (struct sockaddr *)&peer, &n, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			/* closes the socket when refused (the connection limits) */
			MHD_add_connection(d, fd, (struct sockaddr *)&peer, n);
			continue;
		}
		if (server_stopping)
			return NULL;
		if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN || errno == EPROTO)
			continue;
		/* out of descriptors or memory: the waiting connections wait a little longer */
		log_msg(LOG_ERROR, "cannot accept a connection", "error", strerror(errno), NULL);
		usleep(100 * 1000);
	}
}

static void *scheduler(void *arg)
{
	(void)arg;
	struct db *db = NULL;
	char err[512];
	while (!server_stopping) {
		if (!db && open_db(&db, err, sizeof(err)) != DB_OK)
			db = NULL;
		if (db) {
			struct ctx c = {.db = db, .keys = server_cfg->keys, .now = server_now(), .system = true,
					.data_dir = server_cfg->data_dir};
			c.arena = arena_new(16u << 20);
			jobs_run(&c);
			arena_free(c.arena);
		}
		/* every half minute, or at once when a request asks (server_wake_jobs) */
		pthread_mutex_lock(&sched_lock);
		for (int i = 0; i < 30 && !server_stopping && !sched_woken; i++) {
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_sec += 1;
			pthread_cond_timedwait(&sched_wake, &sched_lock, &t);
		}
		sched_woken = false;
		pthread_mutex_unlock(&sched_lock);
	}
	db_close(db);
	return NULL;
}

int server_run(struct server_config *config)
{
	server_cfg = config;
	if (server_cfg->test_clock && !loopback(server_cfg->address)) {
		fprintf(stderr, "cunzhi: --test-clock moves the server's clock and is for tests: only with a loopback "
				"--listen address (127.0.0.1)\n");
		return 2;
	}
	atomic_store(&clock_offset, config->clock_offset);
	pthread_key_create(&db_key, close_db);

	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)server_cfg->port)};
	if (inet_pton(AF_INET, server_cfg->address, &addr.sin_addr) != 1) {
		fprintf(stderr, "cunzhi: bad listen address %s\n", server_cfg->address);
		return 2;
	}
	struct _u_instance inst;
	if (ulfius_init_instance(&inst, (unsigned)server_cfg->port, &addr, NULL) != U_OK) {
		fprintf(stderr, "cunzhi: cannot initialise the HTTP server\n");
		return 1;
	}
	inst.max_post_body_size = REQ_IMPORT_MAX + 1; /* the largest of route_body_max */
	int rc = 1;
	/* every request comes to dispatch(), which finds its route (http/router.h): ulfius's
	 * own matching splits every route's pattern again on every request */
	if (!router_init(server_cfg->test_clock))
		goto out_instance;
	ulfius_set_default_endpoint(&inst, dispatch, NULL);

	/* Block the stop signals in every thread; the main thread waits for them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct MHD_OptionItem ops[] = {
		{MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)gate_end, NULL},
		{MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)gate_begin, NULL},
		{MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)gate_watch_notify, NULL},
		{MHD_OPTION_THREAD_POOL_SIZE, server_cfg->threads, NULL},
		{MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL},
		{MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL},
		/* open event streams (http/sse.h) hold a connection each, not a thread */
		{MHD_OPTION_CONNECTION_LIMIT, SERVER_CONNECTIONS, NULL},
		/* behind a trusted proxy every connection comes from the proxy: the proxy caps */
		{MHD_OPTION_PER_IP_CONNECTION_LIMIT, server_cfg->ntrusted ? 0 : SERVER_PER_CLIENT_CONNECTIONS, NULL},
		{MHD_OPTION_END, 0, NULL},
	};
	if (!(db_group = db_group_new(DB_WRITE_WAIT_MS))) {
		fprintf(stderr, "cunzhi: out of memory\n");
		goto out_router;
	}
	if ((listen_fd = listen_on(&addr)) < 0) {
		fprintf(stderr, "cunzhi: cannot listen on %s:%d (in use?)\n", server_cfg->address, server_cfg->port);
		goto out_group;
	}
	if (ulfius_start_framework_with_mhd_options(&inst, MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
								    MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
								    MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG,
						    ops) != U_OK) {
		fprintf(stderr, "cunzhi: cannot start the HTTP server\n");
		close(listen_fd);
		goto out_group;
	}
	pthread_t accepting;
	pthread_create(&accepting, NULL, acceptor, inst.mhd_daemon);
	sse_start();
	push_start(server_cfg);
	pthread_t sched, sweeper;
	pthread_create(&sched, NULL, scheduler, NULL);
	pthread_create(&sweeper, NULL, gate_watch_sweeper, NULL);
	char port[12];
	snprintf(port, sizeof(port), "%d", server_cfg->port);
	log_msg(LOG_INFO, "listening", "address", server_cfg->address, "port", port, NULL);

	int sig;
	sigwait(&set, &sig);
	log_msg(LOG_INFO, "stopping: finishing requests in flight", NULL);
	server_stopping = 1;
	shutdown(listen_fd, SHUT_RDWR);   /* the acceptor's accept returns */
	pthread_join(accepting, NULL);
	close(listen_fd);
	server_wake_jobs();
	pthread_join(sweeper, NULL);
	/* end the open event streams: libmicrohttpd must not stop with suspended ones */
	push_stop();
	sse_stop(5000);
	/* Requests already accepted may not have reached a handler yet (their worker was
	 * busy): wait until nothing has run for half a second, at most 30 s in all. */
	for (int waited = 0, quiet = 0; waited < 30000 && quiet < 500; waited += 50) {
		quiet = atomic_load(&in_flight) > 0 ? 0 : quiet + 50;
		usleep(50 * 1000);
	}
	ulfius_stop_framework(&inst);
	pthread_join(sched, NULL);
	struct db_group_stats gs;
	db_group_stats(db_group, &gs);
	char b[24], w[24];
	snprintf(b, sizeof(b), "%llu", (unsigned long long)gs.commits);
	snprintf(w, sizeof(w), "%llu", (unsigned long long)gs.transactions);
	if (gs.transactions)
		log_msg(LOG_INFO, "group commit", "transactions", w, "commits", b, NULL);
	log_msg(LOG_INFO, "stopped", NULL);
	rc = 0;
out_group:
	db_group_free(db_group);
out_router:
	router_free();
out_instance:
	ulfius_clean_instance(&inst);
	return rc;
}
