/* Grid work 网格: what the grids of register/ are for. This feature owns household
 * attribute tags (the county's tag set with icons, colours and who may see the
 * sensitive ones; the tags of each household with their history), the county's grid
 * settings (the daily patrol target 一日三巡, visit frequencies per tag, how long
 * positions are kept), patrols 巡查 with their track points and findings, the
 * compliance of each worker per day computed from the tracks, workers' live positions,
 * and visits 走访 to tagged households. It calls the kernel, the register (grids and
 * households, through domain/register/register.h) and events (a finding becomes an
 * event, through domain/events/events.h).
 *
 * Who may do what (access.h):
 *   - the tag set: read by anyone logged in within the county; changed with
 *     P_ORG_WRITE on the county (its admin), as are the settings;
 *   - a household's tags: read with the register (P_REGISTER_READ, or the villager's
 *     own household), each tag only when visible to the actor: a sensitive tag only to
 *     holders of one of the roles it names (villagers never); changed with
 *     P_REGISTER_WRITE or P_GRID_WORK on the household, and only the tags the actor sees;
 *   - patrols, positions and visits are made by P_GRID_WORK holders in their grids;
 *     supervisors (P_GRID_SUPERVISE) read them in scope; a worker reads their own.
 * Track points and positions are telemetry: not audited one by one (a patrol's start,
 * end and findings are, as are visits, tags and settings). */
#ifndef DOMAIN_GRID_H
#define DOMAIN_GRID_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/idem.h"

#include <jansson.h>

#define GRID_TAG_NAME_MAX 12        /* characters */
#define GRID_TAG_ICON_MAX 2
#define GRID_TAGS_MAX 64            /* tags per county */
#define GRID_BATCH_MAX 500          /* track points or positions per request */
#define GRID_NOTE_MAX 500
#define GRID_CATEGORY_MAX 20
#define GRID_PHOTOS_MAX 9
#define GRID_LATE_MAX (3 * 86400)   /* a patrol's points may arrive this late after its end */
#define GRID_THIN_AFTER 86400       /* positions older than this keep one per GRID_THIN_STEP */
#define GRID_THIN_STEP 600
#define GRID_THIN_WINDOW 7          /* days back the thinning looks (older ones are thinned already) */

/* ---- geometry (pure: unit-tested on known tracks) ---- */

struct track_point {
	int64_t seq, at, lat_e6, lng_e6;
	bool inside;
};
struct track_stats {
	int points, inside;
	int64_t length_m, duration_s;
};
/* Great-circle distance in metres (haversine, mean Earth radius 6 371 008.8 m). */
double grid_haversine_m(int64_t lat1_e6, int64_t lng1_e6, int64_t lat2_e6, int64_t lng2_e6);
/* Sorts the points by time (then sequence) and measures the track: length along it,
 * the time from its first to its last point, how many points lie inside. */
void grid_track_measure(struct track_point *pts, int n, struct track_stats *out);

struct grid_settings {
	int64_t county_id;
	int patrols_per_day, min_minutes, min_metres, min_inside_pct, retention_days;
	int64_t updated_at;
	/* the county's tile server for its maps: a URL template with {z} {x} {y}, "" for none
	 * (the default); its attribution. NULL on a change = unchanged. */
	const char *tile_url, *tile_attribution;
};
/* True when a finished patrol's track meets the target: long enough in time and
 * distance, and at least min_inside_pct of its points inside the grid. */
bool grid_patrol_qualifies(const struct grid_settings *s, const struct track_stats *t);

/* ---- tags ---- */

struct grid_tag {
	int64_t id, county_id;       /* county_id 0: shipped with the system */
	const char *name, *icon, *color, *roles;
	bool sensitive, active;
	bool person;                 /* about a person: may be set on a resident too */
	int ord;
	int visit_days;              /* the county's visit frequency, 0 = none */
};
/* The tags of the county (the actor's county when county_id is 0) that the actor may
 * see, in order: every one to whoever manages the county's tag set (P_ORG_WRITE on the
 * county), so that the settings they send back never drop a rule they cannot see. */
enum result grid_tags(struct ctx *c, int64_t county_id, struct grid_tag **out, int *n);

struct grid_tag_input {
	int64_t county_id;                  /* create only (0: the actor's county) */
	const char *name, *icon, *color;    /* NULL = unchanged */
	const char *roles;                  /* comma list of role names; NULL = unchanged */
	int sensitive, active, person;      /* -1 = unchanged */
};
enum result grid_tag_create(struct ctx *c, const struct grid_tag_input *in, int64_t *id);
enum result grid_tag_update(struct ctx *c, int64_t id, const struct grid_tag_input *in);

struct grid_tag_change {
	int64_t tag_id;
	const char *tag_name, *action, *actor_name;   /* action: set | remove */
	int64_t at;
};
/* A resident's tags in the household card: the visible ones, their history. */
struct grid_resident_tags {
	int64_t resident_id;
	const char *name, *relation;
	struct grid_tag *tags;
	int64_t *set_at;
	int n;
	struct grid_tag_change *history;   /* newest first */
	int nhistory;
};
struct grid_household_tags {
	int64_t household_id;
	struct grid_tag *tags;        /* the visible ones it carries */
	int64_t *set_at;              /* per tag */
	int n;
	struct grid_tag_change *history;   /* of visible tags, newest first */
	int nhistory;
	bool can_edit;
	struct grid_resident_tags *residents;   /* every resident of the household, in order */
	int nresidents;
};
enum result grid_household_tags(struct ctx *c, int64_t household_id, struct grid_household_tags *out);
/* Makes the household's visible tags exactly tag_ids (tags the actor cannot see are
 * kept as they are); each change is one history row, all in one audited transaction. */
enum result grid_household_tags_set(struct ctx *c, int64_t household_id, const int64_t *tag_ids, int n);
/* The same for a resident (the household's access rules), with tags about a person
 * only; *household_id is the resident's household. */
enum result grid_resident_tags_set(struct ctx *c, int64_t resident_id, const int64_t *tag_ids, int n,
				   int64_t *household_id);

/* Inside the caller's transaction and without access checks, for a feature whose own
 * checked change earns a household a tag (an evaluation's winners): gives the household
 * the active tag of this name of its county (or shipped), with a history row. Nothing
 * when it carries the tag already (*added false); RC_NOT_FOUND when no such tag. The
 * caller audits its change. */
enum result grid_tag_grant(struct ctx *c, int64_t household_id, const char *tag_name, bool *added);
/* The reverse, when the fact behind the tag ended (the household's last party member
 * transferred out): removes the tag with a history row; *removed false when it had none. */
enum result grid_tag_revoke(struct ctx *c, int64_t household_id, const char *tag_name, bool *removed);
/* What grid_tag_grant would do, without doing it (a roster's dry run): the tag of this
 * name for a household of the village at village_path (household_id 0: one not created
 * yet), its id in *tag_id, *would_add true when the household does not carry it yet.
 * RC_NOT_FOUND when no such tag. */
enum result grid_tag_would_grant(struct ctx *c, const char *village_path, int64_t household_id, const char *tag_name,
				 int64_t *tag_id, bool *would_add);

/* The same for a resident's tags about a person (a roster's 个人标签 column), inside the
 * caller's transaction and after the caller's access checks: gives the resident each
 * named active tag of the county (or shipped) they do not carry yet, a name given twice
 * once, with history rows and one audit record (resident_tags, as a change on the
 * card) when any was added; *added counts them. RC_NOT_FOUND when a name is no tag,
 * RC_INVALID when it is a household's tag only. grid_resident_tags_would_add counts
 * without writing (resident_id 0: one not created yet). */
enum result grid_resident_tags_add(struct ctx *c, const char *village_path, int64_t village_id, int64_t household_id,
				   int64_t resident_id, const char *const *names, int n, int *added);
enum result grid_resident_tags_would_add(struct ctx *c, const char *village_path, int64_t resident_id,
					 const char *const *names, int n, int *would_add);

/* Sets a household's location: tapped on the map or the phone's position at the door.
 * The register (P_REGISTER_WRITE) or the grid worker of the household (P_GRID_WORK);
 * recorded through the register's own change of a household (audited there). */
enum result grid_household_locate(struct ctx *c, int64_t household_id, int64_t lat_e6, int64_t lng_e6);

/* The village's households that the actor may read, with their location (when it is
 * known) and visible tags, for the map and the grid worker's list. */
struct grid_map_household {
	int64_t id, grid_id, lat_e6, lng_e6;
	bool has_coords;
	const char *number, *head_name;
	int64_t *tag_ids;
	int ntags;
	int64_t *resident_tag_ids;   /* visible tags any of its residents carries */
	int nresident_tags;
};
enum result grid_village_households(struct ctx *c, int64_t village_id, struct grid_map_household **out, int *n);

/* ---- settings ---- */

struct grid_visit_rule {
	int64_t tag_id;
	int days;
};
/* The county's settings (defaults until the county sets them) and visit frequencies
 * (of tags the actor may see). Readable by anyone within the county. */
enum result grid_settings_get(struct ctx *c, int64_t county_id, struct grid_settings *out,
			      struct grid_visit_rule **rules, int *nrules);
/* Replaces the settings; rules (when not NULL) replace every visit frequency. */
enum result grid_settings_put(struct ctx *c, int64_t county_id, const struct grid_settings *in,
			      const struct grid_visit_rule *rules, int nrules, bool set_rules);
/* The origins ("https://host:port", a {s}. subdomain as "*.") of every county's tile
 * server, space-separated, for the pages' Content-Security-Policy; "" for none. No
 * access check: the origins are not secret (every map of the county loads from them). */
enum result grid_tile_origins(struct ctx *c, char *out, size_t n);
/* The settings in force for a unit's county, without access checks. */
enum result grid_settings_for_unit(struct ctx *c, const char *unit_path, struct grid_settings *out);

/* ---- patrols ---- */

struct grid_finding {
	int64_t id, patrol_id, event_id;
	const char *category, *note;
	bool has_location;
	int64_t lat_e6, lng_e6, created_at;
	int nphotos;
	const char *photos[GRID_PHOTOS_MAX];
};

struct grid_patrol {
	int64_t id, grid_id, village_id, user_id;
	const char *grid_name, *village_name, *user_name, *day, *boundary;
	int64_t started_at, ended_at;
	struct track_stats stats;
	bool qualified;
	struct track_point *track;    /* detail only, in time order */
	int ntrack;
	struct grid_finding *findings;
	int nfindings;
};

/* Starts a patrol in a grid where the actor holds P_GRID_WORK (grid_id 0: their one
 * grid). One open patrol per worker (RC_CONFLICT while another is open). */
enum result grid_patrol_start(struct ctx *c, int64_t grid_id, const struct idem *k, int64_t *id);
/* Adds track points by the patrol's worker. Points whose seq the patrol has already are
 * ignored (a resent batch), so are points of an order not seen yet; late batches are
 * taken up to GRID_LATE_MAX after the end when their times lie within the patrol.
 * *added counts the new points. */
enum result grid_patrol_points(struct ctx *c, int64_t id, const struct track_point *pts, int n, int *added);
enum result grid_patrol_end(struct ctx *c, int64_t id);
enum result grid_patrol_get(struct ctx *c, int64_t id, struct grid_patrol *out);

struct grid_patrol_query {
	int64_t unit_id, user_id;     /* 0 = all in scope */
	const char *day;              /* NULL = any */
	int limit, offset;
};
enum result grid_patrols(struct ctx *c, const struct grid_patrol_query *q, struct grid_patrol **out, int *n,
			 int64_t *total);

struct grid_finding_input {
	const char *category, *note;
	bool has_location;
	int64_t lat_e6, lng_e6;
	int nphotos;
	const char *photos[GRID_PHOTOS_MAX];
	int64_t event_category_id;    /* > 0: report it as an event too */
	const struct idem *idem;
};
/* A finding on an open (or just ended) patrol by its worker. */
enum result grid_finding_add(struct ctx *c, int64_t patrol_id, const struct grid_finding_input *in, int64_t *id);
/* Reports a finding as an event (民情, channel "grid") in the patrol's village. */
enum result grid_finding_to_event(struct ctx *c, int64_t finding_id, int64_t category_id, int64_t *event_id);
/* The findings of the actor's own patrols that became events, newest first (up to
 * limit), each with its event as events_get gives it (skipped when the actor can no
 * longer see it). */
struct event;
struct grid_finding_event {
	struct grid_finding finding;
	const struct event *event;
};
enum result grid_finding_events_mine(struct ctx *c, int limit, struct grid_finding_event **out, int *n);
enum result grid_finding_photo(struct ctx *c, int64_t finding_id, int n, char mime[16], const void **data,
			       size_t *len);

/* Compliance per worker per day. */
struct grid_compliance {
	int64_t user_id;
	const char *user_name, *unit_name, *day;
	int patrols, qualified;
	int64_t length_m, duration_s;
	int inside_pct;              /* over every point of the day, -1 without points */
	bool compliant;
};
/* The workers (grid_worker and grid_leader grants) under the unit, for each day from
 * `from` to `to` (YYYY-MM-DD). Supervisors see everyone in scope; a worker only
 * themselves. */
enum result grid_compliance(struct ctx *c, int64_t unit_id, const char *from, const char *to,
			    struct grid_compliance **out, int *n, struct grid_settings *settings);

/* ---- positions ---- */

struct grid_position {
	int64_t user_id, at, lat_e6, lng_e6;
	int accuracy_m;
	const char *user_name, *unit_name;
};
/* Stores the actor's positions (P_GRID_WORK somewhere); *added counts them. */
enum result grid_positions_add(struct ctx *c, const struct grid_position *pts, int n, int *added);
/* The last known position of every worker under the unit (P_GRID_SUPERVISE). */
enum result grid_positions_last(struct ctx *c, int64_t unit_id, struct grid_position **out, int *n);
/* The actor's own recorded positions, newest first (what is known of them). */
enum result grid_positions_mine(struct ctx *c, int limit, struct grid_position **out, int *n, int64_t *total);
/* The scheduler's job: thins positions older than GRID_THIN_AFTER (up to
 * GRID_THIN_WINDOW days back) to one per user per GRID_THIN_STEP and deletes those
 * older than their county's retention. */
enum result grid_positions_expire(struct ctx *c, int64_t *thinned, int64_t *deleted);

/* ---- visits ---- */

struct grid_visit_input {
	int64_t household_id;
	const char *notes;
	bool has_location;
	int64_t lat_e6, lng_e6;
	int nphotos;
	const char *photos[GRID_PHOTOS_MAX];
	const struct idem *idem;
};
struct grid_visit {
	int64_t id, household_id, village_id, user_id, visited_at;
	const char *household_number, *head_name, *user_name, *notes;
	bool has_location;
	int64_t lat_e6, lng_e6;
	int64_t distance_m;          /* -1 when unknown */
	int nphotos;
};
/* A visit to a household by a P_GRID_WORK holder on it. */
enum result grid_visit_add(struct ctx *c, const struct grid_visit_input *in, int64_t *id);
struct grid_visit_query {
	int64_t unit_id, household_id;
	int limit, offset;
};
enum result grid_visits(struct ctx *c, const struct grid_visit_query *q, struct grid_visit **out, int *n,
			int64_t *total);
enum result grid_visit_photo(struct ctx *c, int64_t visit_id, int n, char mime[16], const void **data,
			     size_t *len);

/* A household that must be visited: by its tags' frequencies, the shortest wins. */
struct grid_visit_due {
	int64_t household_id, grid_id;
	const char *number, *head_name, *tags;   /* tags: the names that ask for visits */
	int days;
	int64_t last_visit;          /* 0 = never */
	int64_t due_at;
	bool overdue;
	int64_t village_id;
};
/* The households under the unit that are due within `within` seconds (or overdue), by
 * due date. Workers see their grids', supervisors their scope's. */
enum result grid_visits_due(struct ctx *c, int64_t unit_id, int64_t within, bool overdue_only,
			    struct grid_visit_due **out, int *n);

/* ---- the dashboard's patrol figures (dash.c) ---- */

struct grid_unit_figures {
	int64_t unit_id;
	int64_t worker_days;      /* what grid_compliance lists for the unit over the days */
	int64_t compliant_days;   /* of them, compliant */
	int64_t visits_overdue;   /* what grid_visits_due lists as overdue now */
};
/* The figures of the unit and of each child of kind child_kind ("town" of a county,
 * "village" of a town), [0] the unit, in a few queries grouped by unit instead of the
 * calls per unit; each equals what grid_compliance(from, to) and grid_visits_due
 * (overdue only) give for that unit to a reader with P_GRID_SUPERVISE on the unit
 * (which it needs). from = "" leaves the patrol days out (0). */
enum result grid_unit_figures(struct ctx *c, int64_t unit_id, const char *child_kind, const char *from, const char *to,
			      struct grid_unit_figures **out, int *n);

/* ---- the grid workers' allowance 网格员津贴 (allowance.c) ----
 * The county sets the monthly rule (P_ORG_WRITE on the county, as the settings); the
 * town computes each worker's month from the records (compliance per day, visits,
 * events), reviews and approves it, and exports it for payment (P_GRID_ALLOWANCE);
 * a worker reads their own months. Approved months are frozen. Amounts in 分. */

#define GRID_FEN_MAX 10000000       /* 10 万元: any amount of the rule */

struct grid_allowance_rule {
	int64_t county_id;
	int64_t base_fen, patrol_day_fen, missed_day_fen, visit_fen, late_visit_fen, event_fen, max_fen;
	bool set;                    /* false: the county has no rule yet (amounts 0) */
	int64_t updated_at;
};
/* Readable by anyone within the county (county_id 0: the actor's). */
enum result grid_allowance_rule_get(struct ctx *c, int64_t county_id, struct grid_allowance_rule *out);
enum result grid_allowance_rule_put(struct ctx *c, int64_t county_id, const struct grid_allowance_rule *in);

struct grid_allowance {
	int64_t id, town_id, user_id;
	const char *month, *town_name, *user_name, *unit_name, *status, *approved_by;
	int days_counted, compliant_days, missed_days, visits_on_time, visits_late, events;
	struct grid_allowance_rule rule;   /* the amounts it was computed with */
	int64_t patrol_total, missed_total, visit_total, late_total, event_total, total_fen;
	bool capped;                 /* the ceiling (or zero floor) applied */
	int64_t computed_at, approved_at;
};
/* The month's total from its counts and rule: base + days met × amount − working days
 * missed × amount + visits on time × amount − late visits × amount + events × amount,
 * never below 0 and not above the ceiling when there is one. Fills the *_total fields. */
void grid_allowance_sum(struct grid_allowance *a);
/* Computes (again) the month ("YYYY-MM") of every grid worker of the town, counting
 * its days up to yesterday; RC_CONFLICT when one of them is approved already or the
 * county has no rule. *n: how many workers. */
enum result grid_allowance_compute(struct ctx *c, int64_t town_id, const char *month, int *n);
/* The months of the towns under the unit (month NULL: every month), in scope. */
enum result grid_allowances(struct ctx *c, int64_t unit_id, const char *month, struct grid_allowance **out, int *n);
/* One month: its worker or a P_GRID_ALLOWANCE holder on its town. */
enum result grid_allowance_get(struct ctx *c, int64_t id, struct grid_allowance *out);
/* Approves a computed month whose month has ended (RC_CONFLICT otherwise). */
enum result grid_allowance_approve(struct ctx *c, int64_t id);
/* The actor's own months, newest first. */
enum result grid_allowances_mine(struct ctx *c, struct grid_allowance **out, int *n);
struct export_file;
/* The approved months of the towns under the unit for one month, for payment. */
enum result grid_allowance_xlsx(struct ctx *c, int64_t unit_id, const char *month, struct export_file *out);

/* ---- places on the map (places.c) ----
 * Danger spots and camera points of a village: read by whoever reads the village's
 * map (P_REGISTER_READ, P_GRID_WORK or P_GRID_SUPERVISE on it); the video platform's
 * address of a camera point only for the roles in GRID_CAMERA_ROLES; changed with
 * P_ORG_WRITE on the village. */

#define GRID_PLACE_NAME_MAX 40
#define GRID_PLACE_NOTE_MAX 200
#define GRID_URL_MAX 500
#define GRID_CAMERA_ROLES "cadre,town_official,county_admin,grid_leader"

struct grid_place {
	int64_t id, village_id, lat_e6, lng_e6, created_at;
	const char *kind, *name, *note;
	const char *video_url;       /* NULL when not shown to the actor (or none) */
};
enum result grid_places(struct ctx *c, int64_t village_id, struct grid_place **out, int *n);
/* kind: flood | fire | house | camera; video_url only for a camera (http or https). */
enum result grid_place_create(struct ctx *c, const struct grid_place *in, int64_t *id);
enum result grid_place_remove(struct ctx *c, int64_t id);

/* ---- roads on the map (roads.c) ----
 * A village's roads, drawn under its households: read by whoever reads the village's
 * map (as places); added, changed and removed with P_ORG_WRITE on the village (its
 * cadres, who draw the grid boundaries). The geometry is a GeoJSON LineString. */

#define GRID_ROAD_NAME_MAX 40
#define GRID_TILE_ATTRIBUTION_MAX 100
#define GRID_ROAD_POINTS_MAX 1000
#define GRID_ROADS_MAX 500           /* active roads per village */

struct grid_road {
	int64_t id, village_id, created_at, updated_at;
	const char *name, *kind;     /* kind: main | village | farm | path */
	const char *geometry;        /* GeoJSON text */
};
struct grid_road_input {
	int64_t village_id;          /* create only */
	const char *name, *kind;     /* NULL = unchanged (update) */
	const json_t *geometry;      /* NULL = unchanged (update) */
};
enum result grid_roads(struct ctx *c, int64_t village_id, struct grid_road **out, int *n);
enum result grid_road_create(struct ctx *c, const struct grid_road_input *in, int64_t *id);
enum result grid_road_update(struct ctx *c, int64_t id, const struct grid_road_input *in);
enum result grid_road_remove(struct ctx *c, int64_t id);

#endif
