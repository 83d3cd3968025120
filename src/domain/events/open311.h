/* Open311 GeoReport v2 over events: what the standard's resources say, independent of
 * the format (JSON or XML) the HTTP layer writes them in.
 *
 * A jurisdiction is a county (jurisdiction_id = the county's org code; optional when
 * the server holds one county). Services are the county's active categories
 * (service_code = the category id); every service has one attribute, the village
 * ("village", a list of the county's villages), since an event belongs to a village.
 * Service requests are events: status "open" while the event is open, "closed" once
 * it is rejected 不予受理, finished 已办结 or visited 已回访; status_notes says the state
 * or the outcome with its public note; agency_responsible is the department it is with
 * (or the village); expected_datetime is the current deadline. Anonymous reports and
 * the reporter of any report are never shown.
 *
 * Filing (POST) needs an API key the county admin issued to a named client (stored as
 * a keyed hash; revocable): the event arrives on channel "open311" with the same checks
 * as every other intake (events_create), and the client gets a token
 * (tokens/{token}) as well as the id. */
#ifndef DOMAIN_EVENTS_OPEN311_H
#define DOMAIN_EVENTS_OPEN311_H

#include "domain/events/events.h"

#define OPEN311_KEY_NAME_MAX 40      /* characters */
#define OPEN311_KEY_LEN 40           /* "o311_" + 35 characters */
#define OPEN311_TOKEN_LEN 24
#define OPEN311_REQUESTS_MAX 1000    /* per GET requests */
#define OPEN311_DEFAULT_DAYS 90      /* GET requests without dates: the last 90 days */
#define OPEN311_IDS_MAX 50           /* ids or codes in one comma-separated filter */

struct open311_jurisdiction {
	int64_t county_id;
	const char *code, *name;
};
/* The county of a jurisdiction_id (its org code); NULL or "" is the only county.
 * RC_NOT_FOUND for an unknown one; RC_INVALID (field jurisdiction_id) when there are
 * several counties and none was named. */
int open311_jurisdiction(struct ctx *c, const char *jurisdiction_id, struct open311_jurisdiction *out);

struct open311_village {
	int64_t id;
	const char *name, *town_name;
};
/* The county's villages (the values of the attribute "village"). */
int open311_villages(struct ctx *c, int64_t county_id, struct open311_village **out, int *n);

/* One service request, as the public sees it. */
struct open311_request {
	int64_t id, service_code;
	const char *status;               /* "open" or "closed" */
	const char *status_notes, *service_name, *description, *agency_responsible, *address;
	int64_t requested, updated, expected;   /* 0 = none */
	bool has_location;
	int64_t lat_e6, lng_e6;
	int nphotos;                      /* photos 1..n (media_url: the first) */
};

struct open311_query {
	int64_t county_id;
	int nids, ncodes;
	int64_t ids[OPEN311_IDS_MAX];     /* service_request_id: when given, the rest is ignored */
	int64_t codes[OPEN311_IDS_MAX];   /* service_code */
	int64_t start, end;               /* requested in [start, end]; 0 = open */
	const char *status;               /* NULL, "open" or "closed" */
};
/* The requests of the county, newest first, at most OPEN311_REQUESTS_MAX. Without ids
 * and dates, the last OPEN311_DEFAULT_DAYS days. */
int open311_requests(struct ctx *c, const struct open311_query *q, struct open311_request **out, int *n);
/* One request of the county; RC_NOT_FOUND when it is not there or not public. */
int open311_request_get(struct ctx *c, int64_t county_id, int64_t id, struct open311_request *out);
/* Photo n (from 1) of a public request of the county, read into request memory. */
int open311_media(struct ctx *c, int64_t county_id, int64_t id, int n, char mime[16], const void **data, size_t *len);

struct open311_submission {
	int64_t county_id;
	const char *api_key;
	int64_t service_code, village_id;
	const char *description, *address;
	bool has_location;
	int64_t lat_e6, lng_e6;
	const char *name, *phone;         /* the reporter, optional */
};
/* RC_OK when api_key is a key of the county that is not revoked; else RC_FORBIDDEN. */
int open311_key_check(struct ctx *c, int64_t county_id, const char *api_key);
/* Files a request: RC_FORBIDDEN for a missing, unknown, revoked or other county's key;
 * then the checks of events_create (field errors named as the event's fields:
 * category_id, village_id, description, address, lat, reporter_name, reporter_phone).
 * Returns the event id and its token. */
int open311_submit(struct ctx *c, const struct open311_submission *in, int64_t *id,
		   char token[OPEN311_TOKEN_LEN + 1]);
/* The request a token stands for (in the county); RC_NOT_FOUND for any other token. */
int open311_token(struct ctx *c, int64_t county_id, const char *token, int64_t *id);

/* ---- API keys (P_EVENT_ADMIN on the county) ---- */

struct open311_key {
	int64_t id, county_id, created_at, revoked_at, requests;
	const char *name, *prefix, *created_by_name;
};
/* The keys of the counties the actor administers, newest first. */
int open311_keys(struct ctx *c, struct open311_key **out, int *n);
/* A key for a named client of the county (0 = the actor's county); the key itself is
 * returned once and stored only as a keyed hash. */
int open311_key_create(struct ctx *c, int64_t county_id, const char *name, int64_t *id,
		       char key[OPEN311_KEY_LEN + 1]);
/* Revokes a key (RC_CONFLICT when already revoked). */
int open311_key_revoke(struct ctx *c, int64_t id);
int open311_key_get(struct ctx *c, int64_t id, struct open311_key *out);

#endif
