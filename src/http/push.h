/* The listener of the live pushes made on the other servers on one PostgreSQL
 * (domain/kernel/push.h): a thread with a connection of its own that LISTENs on
 * PUSH_CHANNEL, reads the record each message names and pushes it to this server's
 * open event streams exactly as a change made here is pushed. A lost connection is
 * opened again (messages sent in between are not seen: a reconnecting broadcast page
 * catches up by its Last-Event-ID, a duty officer's console by its list of alerts). On
 * SQLite no thread is started. */
#ifndef HTTP_PUSH_H
#define HTTP_PUSH_H

#include "http/server.h"

void push_start(const struct server_config *cfg);
void push_stop(void);

#endif
