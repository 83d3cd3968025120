/* The shop counter (积分超市收银台): household cards with PINs, resolving a scanned code
 * to a household, redemption, returns, villagers' pre-orders and receipts. Shops, goods
 * and the stock ledger are in shop.h; every change of stock here goes through
 * stock_apply, every change of points through ledger_append.
 *
 * Codes at the counter. The clerk scans or types one of:
 *   - the household code 户码 on the villager's phone ("H1.…", hhcode.h): signed, valid
 *     at most HHCODE_TTL (5 minutes), and it pays for one sale: the sale spends it
 *     (hhcode_spend), so a copy of the phone's screen cannot pay again, and the phone
 *     is given a fresh code at once. A code may be looked up any number of times
 *     before. A retried confirmation is made harmless by the idempotency key and
 *     answered with its receipt, even after the code was spent or expired.
 *   - a printed household card: its QR ("C1.<card_no>.<expires>.<mac>", signed like
 *     the household code but valid CARD_TOKEN_TTL) or its 12-digit card number (11
 *     digits and a Luhn check digit), together with the card's PIN. CARD_PIN_FAILS
 *     wrong PINs within ACCOUNT_FAIL_WINDOW lock the card for ACCOUNT_FAIL_WINDOW
 *     (login_failures key "card:<card_no>"), and CARD_PIN_OPERATOR_FAILS wrong PINs by
 *     one clerk over all cards stop that clerk for the window ("pin-operator:<user>"),
 *     so one PIN sprayed over many cards is stopped too. Reissuing a card revokes the
 *     old one; a revoked card is refused.
 *
 * Redemption is one transaction: the shop's row is locked first (it numbers the
 * receipts), then the receipt is written, then the ledger (village chain head, then
 * the household's balances: ledger_append), then the goods' stock (stock_apply, in
 * the order of the lines), then the audit chain. Every writer here takes its locks in
 * that order, so two counters never wait for each other in a cycle; the conditional
 * updates of balances and stock make overdrawing points and selling the last unit
 * twice impossible. An idempotency key (per shop) from the counter makes a retried
 * request return the first receipt unchanged; the same key with a different request is
 * refused (RC_CONFLICT).
 *
 * Per-household limits (goods.limit_count per limit_period, Asia/Shanghai calendar):
 * the quantity of the good in the household's sale receipts of the current period,
 * minus what was returned of those sales, plus what the household has reserved and not
 * yet collected, plus the request, must not exceed the limit.
 *
 * Returns are taken within the shop's return_days whether or not the shop is open now
 * (a 集中兑换 window may be shorter than the return period).
 *
 * Pre-orders: a villager reserves goods from the phone while the shop is open (at most
 * PREORDER_OPEN_MAX open at once per household); the stock is taken at once
 * (movement "reserve") and nothing is charged, but the household's spendable balance
 * must cover this and its other open reservations at current prices. The clerk
 * collects it within the shop's preorder_hours: charged at current prices like a
 * redemption, the reservation converted into a sale by a "release" and an "out"
 * movement. Cancelled (by the villager or the shop) or lapsed (counter_lapse_due), the
 * stock goes back ("release"). */
#ifndef DOMAIN_COUNTER_H
#define DOMAIN_COUNTER_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/idem.h"
#include "domain/kernel/token.h"

#define CARD_NO_LEN 12
#define CARD_KIND "C1"
#define CARD_TOKEN_TTL (20 * 366 * 86400LL)  /* a printed card's QR: twenty years */
#define CARD_PIN_MIN 4
#define CARD_PIN_MAX 6
#define CARD_PIN_FAILS 5
#define CARD_PIN_OPERATOR_FAILS 10  /* wrong PINs one clerk may enter over all cards in a window */
#define COUNTER_KEY_MIN IDEM_KEY_MIN          /* idempotency keys: [A-Za-z0-9-] (idem.h) */
#define COUNTER_KEY_MAX IDEM_KEY_MAX
#define COUNTER_ITEMS_MAX 50                  /* lines of one receipt or pre-order */
#define COUNTER_QTY_MAX 999
#define COUNTER_REASON_MAX 200                /* characters of a return's reason */
#define COUNTER_NUMBER_MAX 48                 /* receipt numbers "<shop>-<YYYYMMDD>-<seq>" */
#define PREORDER_OPEN_MAX 5                   /* open reservations per household */
#define COUNTER_NAME_MAX 161                  /* bytes of a copied name */

/* ---- household cards ---- */

struct card {
	int64_t id, household_id;
	char card_no[CARD_NO_LEN + 1];
	char status[8];                  /* active, revoked */
	char token[QRTOKEN_MAX];         /* the QR text ("" for a revoked card) */
	int64_t issued_by, created_at, revoked_at;   /* revoked_at 0 = not revoked */
	char issued_by_name[COUNTER_NAME_MAX];
};

/* Issues a card for a household (P_REGISTER_WRITE on its village: a cadre, not the
 * clerk) with a PIN of
 * CARD_PIN_MIN..CARD_PIN_MAX digits (field "pin"), revoking its active card. */
enum result counter_card_issue(struct ctx *c, int64_t household_id, const char *pin, struct card *out);
/* The household's cards, newest first (P_SHOP_ADMIN on its village; the household's own
 * villager sees them without their QR text). */
enum result counter_cards_list(struct ctx *c, int64_t household_id, struct card **out, int *n);
/* One card (P_SHOP_ADMIN on its household's village). */
enum result counter_card_get(struct ctx *c, int64_t id, struct card *out);
/* Revokes a lost card without issuing another (P_SHOP_ADMIN). */
enum result counter_card_revoke(struct ctx *c, int64_t id);

/* Finding a household at the shop, for staff without the register (a clerk issuing a
 * card): the households of the villages a shop serves whose number starts with q or
 * whose head of household's name starts with q, at most COUNTER_SEARCH_MAX, by village
 * and number. Only the number, the village and the masked head name are given. Needs
 * P_SHOP_COUNTER or P_SHOP_ADMIN on the shop; village_id (optional, 0 = all) narrows
 * to one village the shop serves. Errors on fields "shop_id", "village_id" and "q". */
#define COUNTER_SEARCH_MAX 20
#define COUNTER_QUERY_MAX 20                  /* characters of q */

struct counter_household {
	int64_t id;
	char number[COUNTER_NAME_MAX];
	char village_name[COUNTER_NAME_MAX];
	char masked_name[COUNTER_NAME_MAX];
};

enum result counter_households_search(struct ctx *c, int64_t shop_id, int64_t village_id, const char *q,
			      struct counter_household **out, int *n, bool *more);

/* ---- the counter ---- */

struct counter_item {
	int64_t goods_id;
	int64_t quantity;
};

/* A good of the shop as the counter sees it for one household. */
struct counter_goods {
	int64_t id;
	const char *name, *category, *unit, *limit_period;   /* limit_period "" = none */
	int price_points, stock, limit_count;
	int used;          /* counted against the limit in the current period */
	int remaining;     /* limit_count - used (>= 0), or -1 when the good has no limit */
};

struct counter_lookup {
	int64_t household_id, village_id;
	char household_number[COUNTER_NAME_MAX];
	char village_name[COUNTER_NAME_MAX];
	char masked_name[COUNTER_NAME_MAX];   /* head of household, masked */
	char via[8];                          /* phone, card */
	char card_no[CARD_NO_LEN + 1];        /* "" for a phone code */
	int64_t spendable, honour;
	int64_t reserved_points;              /* open pre-orders at current prices */
	bool shop_open;
	char closed_message[256];             /* why not, when closed */
	struct counter_goods *goods;          /* the shop's active goods */
	int ngoods;
};

/* Resolves a code for a shop's counter (P_SHOP_COUNTER on the shop): the household,
 * its balance and, for each active good of the shop, what the household may still
 * redeem in the current period. Errors on fields "code" and "pin". */
enum result counter_lookup(struct ctx *c, int64_t shop_id, const char *code, const char *pin,
		   struct counter_lookup *out);

struct redeem_input {
	int64_t shop_id;
	const char *code, *pin;
	const struct counter_item *items;
	int nitems;
	const char *idempotency_key;
};

/* Redeems goods for the household of the code (P_SHOP_COUNTER). *replayed is true when
 * the key had been used for the same request and its receipt is returned. */
enum result counter_redeem(struct ctx *c, const struct redeem_input *in, int64_t *receipt_id, bool *replayed);

struct return_input {
	int64_t receipt_id;                   /* the sale */
	const struct counter_item *items;
	int nitems;
	const char *reason;
	const char *idempotency_key;
};

/* Returns goods of a sale within the shop's return_days (P_SHOP_COUNTER): a "return"
 * receipt linked to the sale, points back to spendable (ledger source "return"), the
 * stock back (movement "return"). At most what was bought minus earlier returns. */
enum result counter_return(struct ctx *c, const struct return_input *in, int64_t *receipt_id, bool *replayed);

struct receipt_line {
	int64_t goods_id;
	const char *goods_name, *unit;
	int quantity, price_points;
	int returned;            /* for a sale: quantity returned since */
};

struct receipt {
	int64_t id, shop_id, household_id, clerk_id, original_id, preorder_id, ledger_id;
	char number[COUNTER_NUMBER_MAX];
	char kind[8];            /* sale, return */
	char shop_name[COUNTER_NAME_MAX];
	char household_number[COUNTER_NAME_MAX];
	char masked_name[COUNTER_NAME_MAX];
	char clerk_name[COUNTER_NAME_MAX];
	char original_number[COUNTER_NUMBER_MAX];
	int64_t total_points, created_at;
	int64_t returnable_until;   /* for a sale: the end of its return period */
	struct receipt_line *lines;
	int nlines;
	int64_t *returns;           /* for a sale: the ids of its return receipts */
	int nreturns;
};

/* One receipt: for the villagers of its household, readers of that household
 * (P_REGISTER_READ on its village) and the shop's staff. */
enum result counter_receipt_get(struct ctx *c, int64_t id, struct receipt *out);
/* A household's receipts, newest first (same readers as its ledger, and shop staff of
 * its village). */
enum result counter_receipts_list(struct ctx *c, int64_t household_id, int limit, int offset,
			  struct receipt **out, int *n, int64_t *total);

/* ---- pre-orders ---- */

struct preorder_line {
	int64_t goods_id;
	const char *goods_name, *unit;
	int quantity, price_points;   /* current price */
};

struct preorder {
	int64_t id, shop_id, household_id, receipt_id, created_by;
	char shop_name[COUNTER_NAME_MAX];
	char household_number[COUNTER_NAME_MAX];
	char masked_name[COUNTER_NAME_MAX];
	char status[12];              /* reserved, collected, lapsed, cancelled */
	int64_t expires_at, created_at, updated_at;
	int64_t total_points;         /* at current prices */
	struct preorder_line *lines;
	int nlines;
};

struct preorder_input {
	int64_t shop_id;
	const struct counter_item *items;
	int nitems;
};

/* A villager reserves goods for their household at a shop serving their village. */
enum result counter_preorder_create(struct ctx *c, const struct preorder_input *in, int64_t *id);
/* One pre-order: the villagers of its household and the shop's staff. */
enum result counter_preorder_get(struct ctx *c, int64_t id, struct preorder *out);

struct preorder_query {
	bool mine;             /* the actor's household */
	int64_t shop_id;       /* or a shop (P_SHOP_COUNTER there) */
	const char *status;    /* optional */
	int limit, offset;
};

enum result counter_preorders_list(struct ctx *c, const struct preorder_query *q, struct preorder **out, int *n,
			   int64_t *total);
/* The clerk hands a pre-order over (P_SHOP_COUNTER): the code must name its household;
 * charged like a redemption. */
enum result counter_preorder_collect(struct ctx *c, int64_t id, const char *code, const char *pin,
			     const char *idempotency_key, int64_t *receipt_id, bool *replayed);
/* Cancels an open pre-order (its household's villager or the shop's staff). */
enum result counter_preorder_cancel(struct ctx *c, int64_t id);
/* The job: lapses open pre-orders past their time and puts their stock back, at most
 * 200 a run (the scheduler comes back for the rest). Idempotent; *lapsed counts them. */
enum result counter_lapse_due(struct ctx *c, int64_t *lapsed);

#endif
