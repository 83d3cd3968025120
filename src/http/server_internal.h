/* Shared inside the server only (server.c and gate.c): the configuration it runs with,
 * the worker threads' connections and the helpers the request trampoline and the gate
 * in front of it both use. Other modules include server.h. */
#ifndef HTTP_SERVER_INTERNAL_H
#define HTTP_SERVER_INTERNAL_H

#include <microhttpd.h>
#include <signal.h>

#include "http/server.h"

#define SESSION_COOKIE "cz_session"

/* Set by server_run before anything starts. */
extern struct server_config *server_cfg;
/* Set when a stop signal came: the background threads end. */
extern volatile sig_atomic_t server_stopping;

/* The calling worker thread's connection, opened on first use. */
struct db *server_thread_db(void);

int64_t server_now(void);

/* An address's text for the throttles: IPv4 as is, IPv6 grouped by its /64 (one
 * household's or phone's network hands out many addresses inside it). Returns false
 * when text is not an address. */
bool server_client_key(int family, const void *addr, char *out, size_t n);

/* The refusal of a body over limit, in MB when it is whole megabytes. */
void server_too_large_text(size_t limit, char *out, size_t n);

/* ---- the gate (gate.c) ---- */

/* libmicrohttpd's callbacks: each connection registered while it is open, a request's
 * start, and its end. */
void gate_watch_notify(void *cls, struct MHD_Connection *con, void **socket_context,
		       enum MHD_ConnectionNotificationCode toe);
void *gate_begin(void *cls, const char *uri, struct MHD_Connection *con);
void gate_end(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe);

/* The thread that shuts down connections whose headers are not in by the deadline;
 * ends when server_stopping is set. */
void *gate_watch_sweeper(void *arg);

#endif
