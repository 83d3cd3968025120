/* Evaluations 评选: a village's campaigns (美丽庭院, 五好文明家庭, 最美家庭, 好婆婆好媳妇 …)
 * with a period, weighted criteria with score ranges, the named scoring panel (users of
 * the village the cadre picks: 党员, 小组长, 村民代表 …), nominations of households (by a
 * villager for their own household, a grid worker or a cadre), the panel's scores per
 * criterion with the photos of the visit, the ranking by a trimmed mean, the campaign's
 * 公示 with villagers' objections, and publication: each winner credited the campaign's
 * points through the ledger (source "award", ref_id the campaign, once) and given the
 * campaign's tag through the grid feature. It calls the kernel, the register
 * (domain/register/register.h), points (domain/points/points.h) and grid
 * (domain/grid/grid.h).
 *
 * States: draft → nominating → scoring → publicity (公示) → published. An objection
 * upheld by the cadre sends a campaign in 公示 back to scoring.
 *
 * Who may do what (access.h):
 *   - campaigns: P_EVAL_ADMIN on the village (its cadres, the town and county);
 *   - nominating: P_EVAL_NOMINATE on the household (grid workers, cadres), or a
 *     villager for their own household;
 *   - scoring: only the campaign's named panel members, never for a household they
 *     belong to;
 *   - reading: P_EVAL_ADMIN or P_EVAL_READ on the village (everything, drafts too);
 *     panel members and anyone with business in the village (villagers) see campaigns
 *     past draft, and the ranking once it is in 公示; the published results are public.
 *
 * The final score (eval_trimmed_mean): each member's total is the weighted average of
 * their criterion scores (Σ score×weight / Σ weight, in hundredths); the nominee's final
 * score is the mean of the members' totals, dropping the highest and the lowest total
 * when there are five or more. Ties: the higher final score first, then more scores,
 * then the higher untrimmed mean, then the earlier nomination. */
#ifndef DOMAIN_EVALUATIONS_H
#define DOMAIN_EVALUATIONS_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/idem.h"

#define EVAL_TITLE_MAX 60
#define EVAL_KIND_MAX 20
#define EVAL_CRITERIA_MAX 12
#define EVAL_CRITERION_MAX 20     /* characters of a criterion's name */
#define EVAL_PANEL_MAX 15
#define EVAL_LABEL_MAX 10
#define EVAL_NOTE_MAX 200
#define EVAL_REASON_MAX 200
#define EVAL_PHOTOS_MAX 9
#define EVAL_POINTS_MAX 1000
#define EVAL_SCORE_MAX 100        /* criteria ranges lie within 0..100 */
#define EVAL_WEIGHT_MAX 100
#define EVAL_DAYS_MAX 30
#define EVAL_NOMINEES_MAX 500

/* The trimmed mean of n totals (hundredths), rounded half up; 0 for none. With five or
 * more the highest and the lowest are dropped. v is not changed. */
int64_t eval_trimmed_mean(const int64_t *v, int n);
/* One member's total in hundredths: Σ score×weight ×100 / Σ weight, rounded half up. */
int64_t eval_member_total(const int *scores, const int *weights, int n);

struct eval_criterion {
	int64_t id;
	const char *name;
	int weight, min_score, max_score;
};
struct eval_member {
	int64_t user_id;
	const char *name, *label;
	int scored;               /* nominees this member has scored */
};
struct eval_score {
	int64_t id, member_id;
	const char *member_name;
	int64_t total_x100;
	int items[EVAL_CRITERIA_MAX];
	int nitems;
	const char *photos[EVAL_PHOTOS_MAX];
	int nphotos;
	const char *note;
	int64_t updated_at;
};
struct eval_nomination {
	int64_t id, household_id;
	const char *household_number, *head_name, *how, *note, *nominated_by_name;
	int64_t created_at;
	int nscores;
	int64_t final_x100, mean_x100;   /* computed now (or stored once in 公示) */
	int rank;                        /* 1.. in the ranking, 0 before it is computed */
	bool winner, credited, mine;     /* mine: the actor's household */
	bool my_scored;                  /* the actor (a panel member) has scored it */
	bool own_household;              /* the actor belongs to it (cannot score) */
	struct eval_score *scores;       /* only for readers and the member's own */
	int nscores_listed;
};
struct eval_objection {
	int64_t id;
	const char *objector_name, *reason, *status, *decision;
	int64_t created_at, decided_at;
};
struct eval_campaign {
	int64_t id, village_id;
	const char *village_name, *village_path, *kind, *title, *period_from, *period_to, *status, *tag_name;
	int points, winners, publicity_days;
	int64_t publicity_ends_at, published_at, created_at, updated_at;
	int nnominations;
	/* filled by eval_campaign_get */
	struct eval_criterion *criteria;
	int ncriteria;
	struct eval_member *panel;
	int npanel;
	struct eval_nomination *nominations;   /* ranked when the ranking is visible */
	int nnoms;
	struct eval_objection *objections;
	int nobjections;
	bool can_admin, can_nominate, can_self_nominate, is_panel, can_object, ranking_visible;
};

struct eval_criterion_input {
	const char *name;
	int weight, min_score, max_score;
};
struct eval_member_input {
	int64_t user_id;
	const char *label;
};
struct eval_campaign_input {
	int64_t village_id;
	const char *kind, *title, *period_from, *period_to, *tag_name;
	int points, winners, publicity_days;
	struct eval_criterion_input criteria[EVAL_CRITERIA_MAX];
	int ncriteria;
	struct eval_member_input panel[EVAL_PANEL_MAX];
	int npanel;
	const struct idem *idem;
};
/* Creates a draft campaign with its criteria and panel: P_EVAL_ADMIN on the village;
 * panel members must be users of the village (a resident of it or a grant there). */
enum result eval_campaign_create(struct ctx *c, const struct eval_campaign_input *in, int64_t *id,
				 bool *replayed);

/* A campaign with its criteria, panel, nominations (ranked when visible, with scores
 * for readers and each member's own) and objections. */
enum result eval_campaign_get(struct ctx *c, int64_t id, struct eval_campaign *out);
/* The published campaign without login (no scores, no names of members or objectors). */
enum result eval_campaign_public(struct ctx *c, int64_t id, struct eval_campaign *out);

struct eval_query {
	int64_t village_id;    /* 0: every village in the actor's scope (a villager's own) */
	int64_t unit_id;       /* a county, town or village: its villages' campaigns; 0: any */
	const char *status;    /* NULL: any; "running": nominating, scoring or publicity */
	bool panel;            /* only campaigns the actor scores on */
	int limit, offset;
};
enum result eval_campaign_list(struct ctx *c, const struct eval_query *q, struct eval_campaign **out, int *n,
			       int64_t *total);

/* Moves a campaign on (P_EVAL_ADMIN): "open" draft → nominating; "score" nominating →
 * scoring (at least one nomination); "publicize" scoring → publicity (every nominee
 * scored; the ranking and winners are fixed, 公示 for publicity_days); "publish"
 * publicity → published (公示 over, no open objection; winners credited and tagged). */
enum result eval_campaign_action(struct ctx *c, int64_t id, const char *action);

struct eval_nomination_input {
	int64_t household_id;   /* 0: the villager's own */
	const char *note;
	const struct idem *idem;
};
enum result eval_nominate(struct ctx *c, int64_t campaign_id, const struct eval_nomination_input *in, int64_t *id,
			  bool *replayed);

struct eval_score_input {
	int items[EVAL_CRITERIA_MAX];   /* in the campaign's criteria order */
	int nitems;
	const char *photos[EVAL_PHOTOS_MAX];
	int nphotos;
	const char *note;
	const struct idem *idem;
};
/* A panel member's score of one nominee (a second one replaces the first) while the
 * campaign is scoring; every item within its criterion's range. */
enum result eval_score(struct ctx *c, int64_t nomination_id, const struct eval_score_input *in, int64_t *id,
		       bool *replayed);
/* A photo of a score (n from 1) for whoever may see the score. */
enum result eval_score_photo(struct ctx *c, int64_t score_id, int n, char mime[16], const void **data,
			     size_t *len);

/* An objection during 公示 by a user of the village (a villager or anyone whose grant
 * touches it), with a reason. */
enum result eval_object(struct ctx *c, int64_t campaign_id, const char *reason, const struct idem *idem,
			int64_t *id, bool *replayed);
/* The cadre decides an open objection: upheld sends the campaign back to scoring (the
 * ranking is cleared); dismissed leaves it in 公示. A reason is required. */
enum result eval_objection_decide(struct ctx *c, int64_t objection_id, bool uphold, const char *reason);

/* Users of the village the cadre may name to a panel (P_EVAL_ADMIN on the village):
 * active users who are residents of its households or hold a grant inside it, with their
 * roles there ("" for a plain villager), at most 500, by name. */
struct eval_candidate {
	int64_t user_id;
	const char *name, *roles, *household_number;
};
enum result eval_candidates(struct ctx *c, int64_t village_id, struct eval_candidate **out, int *n);

#endif
