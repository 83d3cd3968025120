/* Shared inside the shop counter only (counter.c and counter_*.c): the household and
 * code a sale is for, and the helpers every writer uses. Other modules include
 * counter.h. */
#ifndef DOMAIN_SHOP_COUNTER_INTERNAL_H
#define DOMAIN_SHOP_COUNTER_INTERNAL_H

#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/points/points.h"
#include "domain/register/register.h"
#include "domain/kernel/idem.h"
#include "domain/shop/counter.h"
#include "domain/shop/shop.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define GOODS_LIST_MAX 500
#define LAPSE_BATCH 200

struct hh_info {
	int64_t id, village_id;
	char village_path[ORG_PATH_MAX];
	char village_name[COUNTER_NAME_MAX];
	char number[COUNTER_NAME_MAX];
	char masked_name[COUNTER_NAME_MAX];
};

struct resolved {
	struct hh_info hh;
	int64_t card_id;
	char card_no[CARD_NO_LEN + 1];
	const char *via;   /* phone, card */
	const char *code;  /* the phone's household code, spent by a sale */
};

/* Whether the caller is a villager of that household. */
bool ctr_is_villager_of(const struct ctx *c, int64_t household_id);

/* A household's village, number and masked head name; RC_NOT_FOUND when none. */
int ctr_household_info(struct ctx *c, int64_t household_id, struct hh_info *out);

/* A shop by id, reported on field when it does not exist. */
int ctr_load_shop(struct ctx *c, int64_t id, const char *field, struct shop *s);

bool ctr_shop_staff(const struct ctx *c, const struct shop *s);

/* Takes the shop's row lock: every writer of the counter takes it first. */
int ctr_lock_shop(struct ctx *c, int64_t shop_id);

/* Locks the shop's row and takes its next receipt number. */
int ctr_next_number(struct ctx *c, int64_t shop_id, char out[COUNTER_NUMBER_MAX]);

/* The counter's keys are required; their shape is the kernel's (idem.h). */
void ctr_check_key(struct ctx *c, const char *key);

/* The shape of a cart: 1..COUNTER_ITEMS_MAX lines, each good once, quantities in range. */
void ctr_check_items(struct ctx *c, const struct counter_item *items, int n);

/* The goods of a cart, checked against the shop (and active unless any_state). Field
 * errors name the line. */
int ctr_load_goods(struct ctx *c, const struct shop *s, const struct counter_item *items, int n,
		      bool any_state, struct goods *out);

/* What counts against a good's limit for a household now (see counter.h), leaving out
 * one pre-order (or 0). *used is -1 when the good has no limit. */
int ctr_limit_used(struct ctx *c, const struct goods *g, int64_t household_id, int64_t except_preorder,
		      int *used);

/* RC_CONFLICT when a cart goes over a good's limit. */
int ctr_check_limits(struct ctx *c, const struct goods *g, const struct counter_item *items, int n,
			int64_t household_id);

/* The points of a household's open pre-orders at current prices. */
int ctr_reserved_points(struct ctx *c, int64_t household_id, int64_t *out);

/* "洗衣液×2、酱油×1" for audit snapshots. */
const char *ctr_lines_text(struct ctx *c, const struct goods *g, const struct counter_item *items, int n);

/* The receipt an idempotency key made in a shop: *found = 0 when none. When it exists
 * and matches the request (kind, household when known, original sale, pre-order, and
 * the lines when items is given), *found is its id; otherwise RC_CONFLICT. */
int ctr_find_keyed(struct ctx *c, int64_t shop_id, const char *key, const char *kind, int64_t household_id,
		      int64_t original_id, int64_t preorder_id, const struct counter_item *items, int n,
		      int64_t *found);

/* The household a code names: a phone's household code, or a card (QR or typed
 * number) with its PIN. Errors on fields "code" and "pin". With unspent, a phone's
 * code already used for a sale is refused here; a sale leaves that to sell_locked,
 * which spends the code under the shop's lock after looking for a retry's receipt once
 * more (so concurrent retries of one confirmation get that receipt, not "used"). */
int ctr_resolve_code(struct ctx *c, const char *code, const char *pin, bool unspent, struct resolved *out);

/* The household a code names, without checking expiry or PIN, or 0: used only to
 * compare a retried request with the receipt its key made. */
int64_t ctr_code_hint(struct ctx *c, const char *code);

/* One sale in its own transaction, with the replay checks around it. */
int ctr_sell(struct ctx *c, const struct shop *s, const struct resolved *h, const struct counter_item *items,
		int n, int64_t preorder_id, const char *key, int64_t *receipt_id, bool *replayed);

#endif
