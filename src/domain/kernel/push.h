/* Live pushes between the app servers on one PostgreSQL. A server pushes a broadcast or
 * an emergency alert to the event streams open on itself (http/sse.h) after the change
 * commits; the streams open on the other servers learn of it from a message sent inside
 * the change's transaction (db_notify: delivered on commit only) on PUSH_CHANNEL, which
 * each server's listener (http/push.h) turns into the same push. A message names the
 * record, not its text, so it stays short and the listener reads what committed:
 *   "b <broadcast id>"            a broadcast was made
 *   "a <emergency id>"            an emergency alerted its duty officers
 *   "k <user id> <emergency id>"  a duty officer acknowledged an alert
 * On SQLite (one server per file) nothing is sent. */
#ifndef DOMAIN_PUSH_H
#define DOMAIN_PUSH_H

#include "domain/kernel/ctx.h"

#define PUSH_CHANNEL "cunzhi_push"

/* Inside the change's transaction; a failure fails the change (ctx_db_fail). */
enum result push_broadcast(struct ctx *c, int64_t broadcast_id);
enum result push_alert(struct ctx *c, int64_t emergency_id);
enum result push_ack(struct ctx *c, int64_t user_id, int64_t emergency_id);

#endif
