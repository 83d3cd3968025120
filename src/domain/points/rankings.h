/* Rankings and 红黑榜: households of a village or one of its groups ranked by the honour
 * points they earned in a month, a quarter or a year (Asia/Shanghai), the red list (top
 * N, the village's red_list_size) and the black list (households with deductions in the
 * period). Live rankings are computed from the ledger on each call; publishing freezes
 * a snapshot (table rankings) that later corrections do not change, and published
 * rankings are public, also as a printable A4 poster with a QR code to the online copy.
 *
 * Grids (网格) do not exist yet: when they do, a grid is one more kind of unit here
 * (its households are those placed in it), with the same rules. */
#ifndef DOMAIN_RANKINGS_H
#define DOMAIN_RANKINGS_H

#include "domain/kernel/ctx.h"
#include "util/buf.h"

#define RANKING_PERIOD_MAX 7    /* "2026-11", "2026-Q4", "2026" */
#define RANKING_MASKED_MAX 64   /* a masked name: 张*华 */

/* A period: text as sent, its Chinese label and its bounds [start, end) in UTC seconds
 * (midnight Asia/Shanghai of the first day, and of the first day after). */
struct ranking_period {
	char text[RANKING_PERIOD_MAX + 1];
	char label[40];         /* 2026年11月, 2026年第四季度, 2026年度 */
	int64_t start, end;
};

/* Parses "YYYY-MM", "YYYY-Qn" or "YYYY" (years 2000..2199); -1 when malformed. */
int rankings_parse_period(const char *text, struct ranking_period *out);
/* The same for a request's field "period": adds the field error when text is missing or
 * malformed and returns RC_INVALID, else RC_OK. */
enum result rankings_check_period(struct ctx *c, const char *text, struct ranking_period *out);

struct ranking_row {
	int rank;                 /* ties share a rank: 1, 1, 3 */
	int64_t household_id;
	const char *household_number;
	const char *name;         /* the head of household's name, masked */
	int64_t points;           /* honour earned in the period */
	int64_t village_id;       /* a town's ranking: the household's village (else 0, NULL) */
	const char *village_name;
};

struct black_row {
	int64_t household_id;
	const char *household_number;
	const char *name;
	int64_t deductions;       /* number of deduction entries */
	int64_t points;           /* their sum (negative) */
	int64_t village_id;       /* as in ranking_row */
	const char *village_name;
};

struct ranking {
	int64_t id;               /* the published snapshot, 0 for a live ranking */
	int64_t village_id, unit_id;    /* a town's ranking: village_id 0, village_name NULL */
	const char *village_name, *unit_name, *unit_kind;   /* unit kind: village, group, grid or town */
	struct ranking_period period;
	int red_list_size;
	struct ranking_row *rows; /* every household of the unit, best first */
	int nrows;
	int nred;                 /* the red list is rows[0 .. nred) */
	struct black_row *black;  /* most points deducted first */
	int nblack;
	int64_t computed_at;      /* live: now; published: the publication time */
	int64_t published_at, published_by;   /* 0 for a live ranking */
	int64_t ledger_count;     /* the village's ledger chain head when computed (a town's: 0, "") */
	char ledger_hash[65];
	int64_t published_id;     /* live: the snapshot of this unit and period, if any */
};

/* The live ranking of a village or group. Anyone logged in whose scope touches the
 * village may read it (its villagers included).
 *
 * Points are the sum of the honour changes of ledger entries whose source is claim,
 * award, deduction, activity or correction and whose time is in the period. Ties share
 * a rank and are ordered by household number. The red list is the households ranked
 * within the top red_list_size with more than 0 points (a tie at the boundary keeps
 * every tied household). The black list is the households with deduction entries in
 * the period, with their count and sum; a deduction later reversed by a correction
 * does not count. */
enum result rankings_live(struct ctx *c, int64_t unit_id, const char *period, struct ranking *out);
/* The checks of rankings_live alone (the same errors) and the unit's village, for a
 * reply kept from an earlier request (http/reply_cache.h); for a town, *village_id is 0
 * and *town_id the town (else 0). */
enum result rankings_live_village(struct ctx *c, int64_t unit_id, const char *period, int64_t *village_id,
				  int64_t *town_id);

/* A town's ranking (rankings_live with a town's unit_id): every household of every
 * village of the town, ranked by the same points and rule as a village's, each row
 * naming its village; the red list is the town's top TOWN_RED_LIST_SIZE, the black list
 * the households of the town with deductions in the period. Read from the stored period
 * totals, as a village's. Those whose grants cover the town with P_REGISTER_READ may
 * read it (town officials of the town, county roles); a cadre of one of its villages
 * gets RC_FORBIDDEN, a caller outside every grant RC_NOT_FOUND. Not published: snapshots
 * stay per village. */
#define TOWN_RED_LIST_SIZE 20

/* Publishes (freezes) the ranking of a unit and period: cadres of the village
 * (P_POINTS_ADMIN). Only once the period has ended; one per unit and period
 * (RC_CONFLICT otherwise). Audited. *id is the snapshot's id. */
enum result rankings_publish(struct ctx *c, int64_t unit_id, const char *period, int64_t *id);

/* A published ranking, no login needed. */
enum result rankings_get(struct ctx *c, int64_t id, struct ranking *out);

struct ranking_summary {
	int64_t id, unit_id;
	const char *unit_name, *unit_kind, *period, *period_label;
	int64_t period_start, period_end, published_at;
};

/* The published rankings of a village and its groups, newest period first; no login
 * needed. RC_NOT_FOUND when village_id is not a village. */
enum result rankings_published_list(struct ctx *c, int64_t village_id, int limit, int offset,
			    struct ranking_summary **out, int *n, int64_t *total);

/* The printable poster of a published ranking: a whole HTML page (A4 portrait, print
 * stylesheet, no scripts) with the title, the red and black lists, the publication
 * date, the ledger chain head and an inline SVG QR code of url (the poster's absolute
 * address, given by the caller). No login needed. */
enum result rankings_poster_html(struct ctx *c, int64_t id, const char *url, struct buf *out);

#endif
