/* Server-Sent Events streams held open without a worker thread each. A stream is a
 * chunked reply whose content reader copies what was queued for it; with nothing
 * queued it suspends its connection (libmicrohttpd's MHD_suspend_connection) and
 * returns no bytes, so the connection leaves the worker's event loop until a publish,
 * the keep-alive timer (a comment every SSE_KEEPALIVE_S) or the server's stop resumes
 * it. The timer also looks at the suspended streams' sockets every SSE_PROBE_MS and ends
 * those whose client has closed. Each stream listens to a topic, a
 * text such as a unit path; a publish reaches the streams whose topic starts with its
 * prefix. */
#ifndef HTTP_SSE_H
#define HTTP_SSE_H

#include <microhttpd.h>

#include "http/req.h"

#define SSE_KEEPALIVE_S 20
#define SSE_PROBE_MS 250
#define SSE_QUEUE_MAX (256u << 10)   /* bytes waiting for one stream; beyond, it is closed */
#define SSE_TOPIC_MAX 200

/* Set by the server around a route's handler: the connection the request came on. */
void sse_set_connection(struct MHD_Connection *con);
/* Replies to r with an open event stream on topic, starting with first (a retry hint,
 * the backlog). RC_OK, or RC_INTERNAL when it cannot. */
int sse_open(struct req *r, const char *topic, const char *first, size_t len);
/* Queues text (complete events) on every open stream whose topic starts with prefix. */
void sse_publish(const char *prefix, const char *text, size_t len);
/* Ends every open stream (each client reconnects after the retry hint and is sent what
 * it missed: the broadcasts after its Last-Event-ID, the alerts not acknowledged, the
 * loudspeaker's queue). Returns how many were open. */
int sse_close_all(void);
/* Open streams. */
int sse_count(void);
/* Starts the keep-alive timer. */
void sse_start(void);
/* Ends every stream (they finish their reply) and stops the timer; waits up to wait_ms
 * for the streams to be gone, as libmicrohttpd must not stop with suspended ones. */
void sse_stop(int wait_ms);

#endif
