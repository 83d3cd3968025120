/* The dashboard of one unit (county, town, village, or a grid for its leader): every
 * feature's figures for a period, gathered by calling each feature's own statistics
 * (events_stats, lists_executions, transparency_board, grid_compliance, grid_visits_due,
 * party_compliance, eval_campaign_list, shop_sales_report, stats_points,
 * stats_register), so that a figure always equals what the feature's own pages show.
 * The same figures for each child unit (the towns of a county, the villages of a town)
 * make the drill-down: every section of all children comes from one grouped query or
 * one feature call for the unit (events_children_stats, stats_register's and
 * stats_points' rows, grid_unit_figures, the shops' reports, transparency_board,
 * eval_campaign_list, lists_village_figures, party_compliance's branches), each row
 * placed in its child. A section is
 * left out when the reader may not read that feature on the unit. The monthly and
 * weekly series read the daily aggregates of the points (migration 035) and of the
 * events (037) for the days stored. */
#ifndef DOMAIN_DASHBOARD_H
#define DOMAIN_DASHBOARD_H

#include "domain/kernel/ctx.h"
#include "domain/points/rankings.h"

enum dash_section {
	DASH_REGISTER,
	DASH_POINTS,
	DASH_SHOP,
	DASH_EVENTS,
	DASH_GRID,
	DASH_LISTS,
	DASH_DISCLOSURE,
	DASH_PARTY,
	DASH_EVAL,
	DASH_NSECTIONS
};

#define DASH_FIGS_MAX 8
#define DASH_CHILDREN_MAX 500

struct dash_section_def {
	const char *name;                    /* "events" */
	const char *title;                   /* 民情事件 */
	const char *figures[DASH_FIGS_MAX];  /* the counts, NULL-ended */
	const char *labels[DASH_FIGS_MAX];   /* their Chinese names, for the exports */
	const char *not_additive;            /* figures that do not add up over children */
};
/* The sections and their figures, in the order of enum dash_section. */
extern const struct dash_section_def dash_sections[DASH_NSECTIONS];

struct dash_unit {
	int64_t id, parent_id;
	const char *kind, *name, *path;
	bool present[DASH_NSECTIONS];
	int64_t v[DASH_NSECTIONS][DASH_FIGS_MAX];
};

struct dashboard {
	struct ranking_period period;
	char grid_from[11], grid_to[11];     /* the days patrol compliance covers ("" = none) */
	struct dash_unit unit;
	struct dash_unit *children;          /* towns of a county, villages of a town */
	int nchildren;
};

/* The dashboard of unit_id for period ("2026-11", "2026-Q4", "2026"; NULL or "" = the
 * current month). RC_NOT_FOUND outside the reader's grants, RC_FORBIDDEN when they
 * touch the unit but may read none of its sections. Field errors: unit_id, period. */
enum result dashboard_get(struct ctx *c, int64_t unit_id, const char *period, struct dashboard *out);

struct export_file;
/* The dashboard's table as an XLSX workbook: one sheet per section, the unit then each
 * child unit by row, a 说明 sheet with the period. */
enum result dashboard_xlsx(struct ctx *c, int64_t unit_id, const char *period, struct export_file *out);

/* The monthly report of a town (or county, or village): the month's figures of the unit
 * and of each child unit beside the month before and the same month a year before, as
 * an XLSX workbook: a 说明 sheet, then one sheet per section, a row per unit and for
 * each figure three columns (本月, 上月, 去年同月). period: "YYYY-MM" (NULL or "" = the
 * current month). Same access as the dashboard. */
enum result dashboard_report_xlsx(struct ctx *c, int64_t unit_id, const char *period, struct export_file *out);

/* The monthly series of the main figures over the 12 months up to the period's last
 * month, and of the same months a year before ([1]): events received, closed, resolved
 * and closed on time (by the month received, from events_stats), points issued, spent
 * and participating households (by the ledger's dates, from stats_points). A series is
 * absent (false) when the reader may not read its section. */
#define DASH_SERIES_MONTHS 12
#define DASH_SERIES_EVENTS 4
#define DASH_SERIES_POINTS 3
struct dash_series {
	int64_t unit_id;
	char months[DASH_SERIES_MONTHS][8];          /* "YYYY-MM", oldest first */
	bool events, points;
	int64_t ev[2][DASH_SERIES_MONTHS][DASH_SERIES_EVENTS];
	int64_t pt[2][DASH_SERIES_MONTHS][DASH_SERIES_POINTS];
};
enum result dashboard_series(struct ctx *c, int64_t unit_id, const char *period, struct dash_series *out);

/* The same figures by week (Monday to Sunday, Asia/Shanghai): the 52 weeks up to the
 * week of the period's last day (or of today, when the period runs on), and the same
 * weeks a year before (52 weeks earlier, [1]). */
#define DASH_SERIES_WEEKS 52
struct dash_wseries {
	int64_t unit_id;
	char weeks[DASH_SERIES_WEEKS][11];           /* their Mondays, "YYYY-MM-DD", oldest first */
	bool events, points;
	int64_t ev[2][DASH_SERIES_WEEKS][DASH_SERIES_EVENTS];
	int64_t pt[2][DASH_SERIES_WEEKS][DASH_SERIES_POINTS];
};
enum result dashboard_series_weeks(struct ctx *c, int64_t unit_id, const char *period, struct dash_wseries *out);

#endif
