/* The event streams' hub: open streams in one list under one lock, their queues, the
 * keep-alive timer and the stop. */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "http/sse.h"

struct sse_stream {
	struct sse_stream *next, *prev;
	struct MHD_Connection *con;
	char topic[SSE_TOPIC_MAX + 1];
	char *buf;            /* queued bytes: buf[off..len) */
	size_t len, off, cap;
	bool suspended;       /* the reader suspended the connection */
	bool closing;         /* end the reply at the next read */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct sse_stream *streams;
static int nstreams;
static bool stopping, timer_running;
static pthread_t timer;
static _Thread_local struct MHD_Connection *current;

static const char PING[] = ": keep-alive\n\n";

void sse_set_connection(struct MHD_Connection *con)
{
	current = con;
}

/* Under the lock: appends bytes; false when the queue would pass its maximum. */
static bool queue(struct sse_stream *s, const char *text, size_t len)
{
	if (s->off == s->len)
		s->off = s->len = 0;
	if (s->len + len > SSE_QUEUE_MAX)
		return false;
	if (s->len + len > s->cap) {
		size_t cap = s->cap ? s->cap : 1024;
		while (cap < s->len + len)
			cap *= 2;
		char *b = realloc(s->buf, cap);
		if (!b)
			return false;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, text, len);
	s->len += len;
	return true;
}

/* Under the lock: lets the connection's worker call the reader again. */
static void resume(struct sse_stream *s)
{
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->con);
	}
}

static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct sse_stream *s = cls;
	pthread_mutex_lock(&lock);
	ssize_t n;
	if (s->off < s->len) {
		size_t k = s->len - s->off < max ? s->len - s->off : max;
		memcpy(out, s->buf + s->off, k);
		s->off += k;
		n = (ssize_t)k;
	} else if (s->closing || stopping) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		s->suspended = true;
		MHD_suspend_connection(s->con);
		n = 0;
	}
	pthread_mutex_unlock(&lock);
	return n;
}

static void release(void *cls)
{
	struct sse_stream *s = cls;
	pthread_mutex_lock(&lock);
	if (s->prev)
		s->prev->next = s->next;
	else if (streams == s)
		streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	nstreams--;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	free(s->buf);
	free(s);
}

int sse_open(struct req *r, const char *topic, const char *first, size_t len)
{
	if (!current || strlen(topic) > SSE_TOPIC_MAX)
		return ctx_fail(&r->ctx, RC_INTERNAL, "无法打开事件流");
	struct sse_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
	s->con = current;
	str_copy(s->topic, sizeof(s->topic), topic);
	pthread_mutex_lock(&lock);
	bool ok = !stopping && queue(s, first, len);
	if (ok) {
		s->next = streams;
		if (streams)
			streams->prev = s;
		streams = s;
		nstreams++;
	}
	pthread_mutex_unlock(&lock);
	if (!ok) {
		free(s->buf);
		free(s);
		return ctx_fail(&r->ctx, RC_INTERNAL, "无法打开事件流");
	}
	/* from here on the response owns s: release() unlinks and frees it */
	if (ulfius_set_stream_response(r->resp, 200, reader, release, U_STREAM_SIZE_UNKNOWN, 4096, s) != U_OK) {
		release(s);
		return ctx_fail(&r->ctx, RC_INTERNAL, "无法打开事件流");
	}
	u_map_put(r->resp->map_header, "Content-Type", "text/event-stream; charset=utf-8");
	u_map_put(r->resp->map_header, "X-Accel-Buffering", "no");
	r->replied = true;
	return RC_OK;
}

void sse_publish(const char *prefix, const char *text, size_t len)
{
	size_t pl = strlen(prefix);
	pthread_mutex_lock(&lock);
	for (struct sse_stream *s = streams; s; s = s->next) {
		if (strncmp(s->topic, prefix, pl) || s->closing)
			continue;
		if (!queue(s, text, len))
			s->closing = true; /* too far behind: the client reconnects with Last-Event-ID */
		resume(s);
	}
	pthread_mutex_unlock(&lock);
}

int sse_close_all(void)
{
	pthread_mutex_lock(&lock);
	int n = 0;
	for (struct sse_stream *s = streams; s; s = s->next, n++) {
		s->closing = true;
		resume(s);
	}
	pthread_mutex_unlock(&lock);
	return n;
}

int sse_count(void)
{
	pthread_mutex_lock(&lock);
	int n = nstreams;
	pthread_mutex_unlock(&lock);
	return n;
}

/* Under the lock: ends the suspended streams whose client has gone (a closed or reset
 * socket). A suspended connection is outside libmicrohttpd's event loop, so without this
 * a page that navigated away would hold its connection until the next keep-alive write
 * failed, and a client opening page after page would reach its connection limit. */
static void probe_closed(void)
{
	struct pollfd fds[256];
	struct sse_stream *of[256];
	struct sse_stream *s = streams;
	while (s) {
		nfds_t n = 0;
		for (; s && n < 256; s = s->next) {
			if (!s->suspended || s->closing)
				continue;
			const union MHD_ConnectionInfo *ci = MHD_get_connection_info(s->con, MHD_CONNECTION_INFO_CONNECTION_FD);
			if (!ci)
				continue;
			fds[n] = (struct pollfd){.fd = ci->connect_fd, .events = POLLRDHUP};
			of[n++] = s;
		}
		if (n == 0 || poll(fds, n, 0) <= 0)
			continue;
		for (nfds_t i = 0; i < n; i++)
			if (fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) {
				of[i]->closing = true;
				resume(of[i]);
			}
	}
}

static void *keepalive(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	struct timespec next_ping;
	clock_gettime(CLOCK_REALTIME, &next_ping);
	next_ping.tv_sec += SSE_KEEPALIVE_S;
	while (!stopping) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += SSE_PROBE_MS * 1000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		while (!stopping && pthread_cond_timedwait(&wake, &lock, &t) == 0)
			;
		if (stopping)
			break;
		probe_closed();
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec < next_ping.tv_sec)
			continue;
		next_ping.tv_sec = now.tv_sec + SSE_KEEPALIVE_S;
		for (struct sse_stream *s = streams; s; s = s->next) {
			if (s->off == s->len && !queue(s, PING, sizeof(PING) - 1))
				s->closing = true;
			resume(s);
		}
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void sse_start(void)
{
	pthread_mutex_lock(&lock);
	stopping = false;
	pthread_mutex_unlock(&lock);
	timer_running = pthread_create(&timer, NULL, keepalive, NULL) == 0;
}

void sse_stop(int wait_ms)
{
	pthread_mutex_lock(&lock);
	stopping = true;
	for (struct sse_stream *s = streams; s; s = s->next)
		resume(s);
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	if (timer_running)
		pthread_join(timer, NULL);
	timer_running = false;
	for (int waited = 0; waited < wait_ms && sse_count() > 0; waited += 20) {
		/* a stream resumed after the loop above suspended again before it saw the
		 * stop: resume it once more */
		pthread_mutex_lock(&lock);
		for (struct sse_stream *s = streams; s; s = s->next)
			resume(s);
		pthread_mutex_unlock(&lock);
		usleep(20 * 1000);
	}
}
