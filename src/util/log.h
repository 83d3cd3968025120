/* Structured logging: one JSON object per line on stderr. */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

#include "util/common.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
/* msg is free text; the optional fields are "key", value pairs of strings ended by NULL. */
void log_msg(enum log_level level, const char *msg, ...);
/* Access log line for one HTTP request. */
void log_access(const char *request_id, const char *method, const char *path, int status,
		double ms, const char *remote, int64_t user_id);
/* The same line for a request the server refused before any route saw it, with the
 * reason ("body_too_large", "deadline"). */
void log_refused(const char *request_id, const char *method, const char *path, int status, double ms,
		 const char *remote, int64_t user_id, const char *reason);

#endif
