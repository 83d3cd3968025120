/* The HTTP server: libmicrohttpd (epoll, internal thread pool) with ulfius routing,
 * one database connection per worker thread, a scheduler thread, graceful shutdown on
 * SIGTERM/SIGINT that lets requests in flight finish. */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include "util/crypto.h"

/* Connections at once from one client address (without a trusted proxy). */
#define SERVER_PER_CLIENT_CONNECTIONS 64
#define SERVER_CONNECTIONS 8000    /* open connections in all, event streams included */
#define SERVER_TRUSTED_MAX 8
/* Seconds from a request's first byte to the last byte of its body (--request-deadline;
 * --upload-deadline for the body on upload routes with a session): past it the request
 * is answered 408 or its connection closed. */
#define SERVER_REQUEST_DEADLINE 30
#define SERVER_UPLOAD_DEADLINE 600
#define SERVER_DEADLINE_MAX 86400

struct server_config {
	const char *address;   /* listen address, "127.0.0.1" */
	int port;
	const char *db_url;
	const char *data_dir;
	const char *ui_dir;    /* built web UI, may not exist */
	const struct keys *keys;
	int threads;
	bool test_clock;       /* enables POST /api/v1/test/clock */
	int64_t clock_offset;  /* seconds added to the real clock */
	/* --trusted-proxy: peers whose X-Forwarded-For names the client */
	const char *trusted[SERVER_TRUSTED_MAX];
	int ntrusted;
	int request_deadline;  /* seconds, SERVER_REQUEST_DEADLINE when 0 */
	int upload_deadline;   /* upload routes with a session; SERVER_UPLOAD_DEADLINE when 0 */
};

/* Runs until SIGTERM or SIGINT; returns 0 after a clean shutdown. */
int server_run(struct server_config *cfg);
/* Runs the scheduled jobs soon (a broadcast's audio), not at the next half minute. */
void server_wake_jobs(void);

/* Static files from the UI directory (static.c). Returns the HTTP status sent. */
struct _u_request;
struct _u_response;
int static_serve(const char *ui_dir, const struct _u_request *req, struct _u_response *resp);

#endif
