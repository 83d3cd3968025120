/* The gate in front of ulfius's handler: each request's body limit and deadline enforced
 * while the body streams in, and the watch on connections whose headers trickle. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <time.h>

#include "domain/register/account.h"
#include "http/api.h"
#include "http/req.h"
#include "http/router.h"
#include "http/server_internal.h"
#include "http/sse.h"
#include "util/log.h"

/* ---- body limits while the body streams ----
 *
 * ulfius reads a request's whole body into memory (up to its one instance-wide
 * max_post_body_size) before the route's callback runs, and its libmicrohttpd request
 * handler is not public. So the server starts libmicrohttpd for ulfius: the definition
 * of MHD_start_daemon below takes precedence over libmicrohttpd's for the ulfius library
 * (an executable's symbols come first in the dynamic linker's search) and puts gate() in
 * front of ulfius's handler. gate() gives each request its limit from the route table
 * once the headers are in: route_body_max (REQ_IMPORT_MAX on the roster import,
 * REQ_UPLOAD_MAX on the other upload routes) with a valid session, REQ_JSON_MAX
 * everywhere else, unknown paths included. A declared length over the
 * limit, or a chunked body that grows past it, is counted and dropped as it arrives,
 * then answered 413 (a client still sending when the connection closed would see a
 * reset, not the answer); a declared length over GATE_DRAIN_MAX is answered at once.
 * Nothing over the limit is ever buffered.
 *
 * Each request also has a deadline, counted from its first line (gate_begin) to the last
 * byte of its body: server_cfg->request_deadline seconds, server_cfg->upload_deadline on
 * the upload routes with a session. A client that trickles its headers or its body (a
 * byte every few seconds restarts libmicrohttpd's idle timeout each time) is checked on
 * each call as its data arrives: once past the deadline, the request is answered 408
 * when libmicrohttpd can still queue an answer (the headers have just come in),
 * otherwise the connection is closed; either way ulfius's buffers for it are freed
 * (gate_end) and the access log says why. Once the body is in, the deadline no longer
 * applies (a handler may run, an event stream may stay open).
 *
 * Until its headers are complete a request never reaches gate(): a connection whose
 * headers trickle in is watched from outside instead. Every connection is registered
 * while it is open (gate_watch_notify); from its opening, and from each new request's
 * first line, until its headers are in, gate_watch_sweeper() looks at it every quarter
 * second and, past the ordinary deadline, shuts its socket down: libmicrohttpd's worker
 * then sees the connection end and closes and frees it as usual. The registry's lock is
 * held while a socket is shut down, and libmicrohttpd tells of a closed connection
 * (MHD_CONNECTION_NOTIFY_CLOSED, which takes the lock) before it closes the socket,
 * so the descriptor shut down is always still this connection's. */

/* Twice the largest route limit: a body just over a route's limit is read and dropped,
 * so its client, still sending, gets the 413 (answered at once, the roster import's
 * 64 MiB + 10 bytes ended in a reset now and then, the connection closed under it) */
#define GATE_DRAIN_MAX (2 * (size_t)REQ_IMPORT_MAX)

struct gate {
	void *inner;      /* ulfius's per-request state */
	size_t limit;     /* 0 until the headers are in */
	size_t seen;
	bool over;
	bool body_done;   /* the whole body is in: the deadline is met */
	int deadline;     /* seconds from start */
	struct timespec start;
};

/* One open connection, in the registry while libmicrohttpd holds it. */
struct watch {
	struct watch *prev, *next;
	int fd;
	bool headers;     /* waiting for a request's headers: the sweeper's to enforce */
	bool cut;         /* shut down by the sweeper */
	struct timespec start;
	char remote[INET6_ADDRSTRLEN + 4];
	char url[128];
};

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct watch *watch_head;

static MHD_AccessHandlerCallback inner_handler;
static void *inner_cls;

/* True when the request carries the token of a live session. */
static bool has_session(struct MHD_Connection *con)
{
	const char *tok = NULL;
	const char *auth = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");
	if (auth && !strncasecmp(auth, "Bearer ", 7))
		tok = auth + 7;
	if (!tok)
		tok = MHD_lookup_connection_value(con, MHD_COOKIE_KIND, SESSION_COOKIE);
	if (!tok || !tok[0])
		return false;
	struct ctx c = {.keys = server_cfg->keys, .data_dir = server_cfg->data_dir, .now = server_now()};
	c.db = server_thread_db();
	c.arena = arena_new(1u << 20);
	struct actor a;
	bool ok = c.db && c.arena && account_authenticate(&c, tok, &a) == RC_OK;
	if (c.db && db_in_tx(c.db))
		db_rollback(c.db);
	arena_free(c.arena);
	return ok;
}

/* The request's body limit and its deadline in seconds: the upload ones on the upload
 * routes with a live session, the ordinary ones everywhere else. */
static size_t body_limit(struct MHD_Connection *con, const char *method, const char *url, int *deadline)
{
	const struct route *rt = router_match(method, url, NULL);
	if (rt && (rt->flags & RF_UPLOAD) && has_session(con)) {
		*deadline = server_cfg->upload_deadline > 0 ? server_cfg->upload_deadline : SERVER_UPLOAD_DEADLINE;
		return route_body_max(rt);
	}
	*deadline = server_cfg->request_deadline > 0 ? server_cfg->request_deadline : SERVER_REQUEST_DEADLINE;
	return REQ_JSON_MAX;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The peer's address for the access log of a request refused in the gate. */
static void peer_text(struct MHD_Connection *con, char *out, size_t n)
{
	out[0] = 0;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	if (sa && sa->sa_family == AF_INET)
		server_client_key(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, n);
	else if (sa && sa->sa_family == AF_INET6)
		server_client_key(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, n);
}

/* The headers of a refusal the gate sends itself (before any handler): JSON, the
 * connection closed, the request id and the house security headers. */
static void refusal_headers(struct MHD_Response *resp, const char *rid)
{
	MHD_add_response_header(resp, "Content-Type", "application/json");
	MHD_add_response_header(resp, "Connection", "close");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Request-Id", rid);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Content-Security-Policy", REQ_CSP);
}

/* A request past its deadline: answered 408 when an answer can still be queued, else
 * its connection is closed (MHD_NO). */
static enum MHD_Result refuse_too_slow(struct MHD_Connection *con, const struct gate *g, const char *method,
				       const char *url, bool headers)
{
	static const char body[] = "{\"error\":{\"code\":\"too_slow\",\"message\":\"请求发送太慢，已超时，请重试\",\"fields\":{}}}";
	char rid[CRYPTO_TOKEN_HEX], remote[INET6_ADDRSTRLEN + 4];
	crypto_random_token(rid);
	rid[16] = 0;
	peer_text(con, remote, sizeof(remote));
	enum MHD_Result rc = MHD_NO;
	struct MHD_Response *resp = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (resp) {
		refusal_headers(resp, rid);
		rc = MHD_queue_response(con, 408, resp);
		MHD_destroy_response(resp);
	}
	char reason[64];
	snprintf(reason, sizeof(reason), "deadline %d s passed before the %s in", g->deadline,
		 headers ? "headers were" : "body was");
	log_refused(rid, method, url, rc == MHD_YES ? 408 : 0, ms_since(&g->start), remote, 0, reason);
	return rc;
}

static enum MHD_Result refuse_too_large(struct MHD_Connection *con, size_t limit)
{
	char body[200], msg[96];
	server_too_large_text(limit, msg, sizeof(msg));
	int n = snprintf(body, sizeof(body), "{\"error\":{\"code\":\"too_large\",\"message\":\"%s\",\"fields\":{}}}",
			 msg);
	struct MHD_Response *resp = MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	char rid[CRYPTO_TOKEN_HEX];
	crypto_random_token(rid);
	refusal_headers(resp, rid);
	enum MHD_Result rc = MHD_queue_response(con, 413, resp);
	MHD_destroy_response(resp);
	log_access(rid, "", "(body too large)", 413, 0, "", 0);
	return rc;
}

static struct watch *watch_of(struct MHD_Connection *con)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Whether the connection's current request is waiting for its headers (from the
 * connection's opening or the request's first line, url its path) or past them. */
static void watch_headers(struct MHD_Connection *con, bool waiting, const char *url)
{
	struct watch *w = watch_of(con);
	if (!w)
		return;
	pthread_mutex_lock(&watch_lock);
	if (waiting) {
		/* a new connection's first request counts from the connection's opening */
		if (!w->headers)
			clock_gettime(CLOCK_MONOTONIC, &w->start);
		str_copy(w->url, sizeof(w->url), url ? url : "");
	}
	w->headers = waiting;
	pthread_mutex_unlock(&watch_lock);
}

void gate_watch_notify(void *cls, struct MHD_Connection *con, void **socket_context,
		       enum MHD_ConnectionNotificationCode toe)
{
	struct watch *w = *socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (w || !ci || !(w = calloc(1, sizeof(*w))))
			return;
		w->fd = ci->connect_fd;
		w->headers = true;
		clock_gettime(CLOCK_MONOTONIC, &w->start);
		peer_text(con, w->remote, sizeof(w->remote));
		pthread_mutex_lock(&watch_lock);
		w->next = watch_head;
		if (watch_head)
			watch_head->prev = w;
		watch_head = w;
		pthread_mutex_unlock(&watch_lock);
		*socket_context = w;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && w) {
		pthread_mutex_lock(&watch_lock);
		if (w->prev)
			w->prev->next = w->next;
		else
			watch_head = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&watch_lock);
		free(w);
		*socket_context = NULL;
	}
}

/* Shuts down the sockets of connections whose headers are not in by the deadline. */
void *gate_watch_sweeper(void *arg)
{
	(void)arg;
	int deadline = server_cfg->request_deadline > 0 ? server_cfg->request_deadline : SERVER_REQUEST_DEADLINE;
	while (!server_stopping) {
		struct timespec pause = {0, 250 * 1000 * 1000};
		nanosleep(&pause, NULL);
		pthread_mutex_lock(&watch_lock);
		for (struct watch *w = watch_head; w; w = w->next) {
			if (!w->headers || w->cut || ms_since(&w->start) <= deadline * 1e3)
				continue;
			w->cut = true;
			shutdown(w->fd, SHUT_RDWR);
			char rid[CRYPTO_TOKEN_HEX], reason[64];
			crypto_random_token(rid);
			rid[16] = 0;
			snprintf(reason, sizeof(reason), "deadline %d s passed before the headers were in", deadline);
			log_refused(rid, "", w->url, 0, ms_since(&w->start), w->remote, 0, reason);
		}
		pthread_mutex_unlock(&watch_lock);
	}
	return NULL;
}

static enum MHD_Result gate(void *cls, struct MHD_Connection *con, const char *url, const char *method,
			    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct gate *g = *con_cls;
	if (!g)
		return MHD_NO;
	bool first = !g->limit; /* the headers are in, no byte of the body yet */
	if (first) {
		watch_headers(con, false, NULL);
		g->limit = body_limit(con, method, url, &g->deadline);
	}
	if (!g->body_done && ms_since(&g->start) > g->deadline * 1e3)
		return refuse_too_slow(con, g, method, url, first);
	if (first) {
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
		if (cl) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(cl, &end, 10);
			if (errno || end == cl || v > GATE_DRAIN_MAX)
				return refuse_too_large(con, g->limit);
			g->over = v > g->limit;
		}
		if (g->over)
			return MHD_YES; /* read the body, then answer */
	}
	if (*upload_data_size) {
		g->seen += *upload_data_size;
		if (g->over || g->seen > g->limit) {
			g->over = true;
			*upload_data_size = 0; /* counted and dropped */
			return MHD_YES;
		}
	} else if (g->over) {
		return refuse_too_large(con, g->limit);
	} else if (!first) {
		g->body_done = true;
	}
	/* an event stream's handler (http/sse.h) needs the connection to suspend it */
	sse_set_connection(con);
	enum MHD_Result res = inner_handler(inner_cls, con, url, method, version, upload_data, upload_data_size,
					    &g->inner);
	sse_set_connection(NULL);
	return res;
}

void *gate_begin(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct gate *g = calloc(1, sizeof(*g));
	watch_headers(con, true, uri);
	if (g) {
		clock_gettime(CLOCK_MONOTONIC, &g->start);
		g->inner = ulfius_uri_logger(cls, uri);
	}
	return g;
}

void gate_end(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct gate *g = *con_cls;
	watch_headers(con, false, NULL); /* kept alive, idle until the next request's first line */
	if (!g)
		return;
	mhd_request_completed(cls, con, &g->inner, toe);
	free(g);
	*con_cls = NULL;
}

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
				    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	va_list ap;
	va_start(ap, dh_cls);
	inner_handler = dh;
	inner_cls = dh_cls;
	struct MHD_Daemon *d = MHD_start_daemon_va(flags, port, apc, apc_cls, gate, NULL, ap);
	va_end(ap);
	return d;
}
