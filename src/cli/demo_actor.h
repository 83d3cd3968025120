/* Acting as someone in the demo: the demo modules make their history through the same
 * domain functions the HTTP handlers call, each step as the person who did it and at
 * the time it happened, in a copy of the command line's context. */
#ifndef CLI_DEMO_ACTOR_H
#define CLI_DEMO_ACTOR_H

#include "domain/kernel/ctx.h"

/* The actor of a user: name, phone, grants, and the resident and household the
 * account is linked to (0 when none). */
int demo_actor_load(struct ctx *c, int64_t user_id, struct actor *a);
/* The same for the user with this phone number. */
int demo_actor_phone(struct ctx *c, const char *phone, struct actor *a);
/* The first user holding role on exactly unit_id, or 0. */
int64_t demo_user_with(struct ctx *c, const char *role, int64_t unit_id);

/* A copy of c acting as a at time t (a NULL actor: the system, as a job runs). */
struct ctx demo_as(const struct ctx *c, const struct actor *a, int64_t t);
/* Copies a failure of the copy x back into c; returns rc. */
int demo_up(struct ctx *c, const struct ctx *x, int rc);

/* Seconds at hour:minute (Asia/Shanghai) of day (days since 1970-01-01). */
int64_t demo_at(int64_t day, int hour, int minute);



/* The demo is a bulk load: while on, commits do not wait for the disk (SQLite
 * synchronous=NORMAL, PostgreSQL synchronous_commit off); turning it off makes all that
 * was written durable (a SQLite checkpoint). A crash half-way leaves a partial demo
 * either way (demo.h): start again from an empty database. */
void demo_bulk_load(struct ctx *c, bool on);
#endif
