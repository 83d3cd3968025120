/* Numbered schema migrations, embedded in the binary at build time from
 * src/db/migrations/NNN_name.sql. Applied in order at start under a lock and recorded
 * in schema_version. In the SQL text, @ID@ stands for the engine's auto-increment
 * primary key. */
#ifndef DB_MIGRATE_H
#define DB_MIGRATE_H

#include "db/db.h"

struct migration {
	const char *name;  /* "001_init.sql" */
	const char *sql;
};

extern const struct migration migrations[];

/* Applies what is missing; returns DB_OK and the number applied in *applied. */
int migrate_apply(struct db *db, int *applied, char *err, size_t errlen);
/* The highest applied version, or 0. */
int migrate_version(struct db *db);

#endif
