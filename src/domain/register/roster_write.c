/* The roster import's fourth pass: everything written in one transaction, the village's
 * audit entries as one batch (audit.h). */
#include "domain/grid/grid.h"
#include "domain/kernel/audit.h"
#include "domain/register/roster_internal.h"

/* ---------------------------------------------------------------- pass 4: writes */

int ros_write_all(struct run *r)
{
	struct ctx *c = r->c;
	int rc = RC_OK;
	bool changed;
	/* the village's audit chain taken once for the whole file */
	struct audit_batch batch;
	if ((rc = audit_batch_begin(c, &batch, r->village.id)))
		return rc;
	for (int i = 0; i < r->nhhs && rc == RC_OK; i++) {
		struct hh *h = &r->hhs[i];
		if (!h->write)
			continue;
		if (!h->exists) {
			struct household_input in = {.village_id = r->village.id, .group_id = h->group_id,
						     .grid_id = h->grid_id, .number = h->number,
						     .address = h->address ? h->address : ""};
			rc = people_insert_household(c, r->village.id, &in, &h->id);
		} else {
			struct household_input in = h->old;
			if (h->group_name)
				in.group_id = h->group_id;
			if (h->grid_name)
				in.grid_id = h->grid_id;
			if (h->address)
				in.address = h->address;
			rc = people_apply_household(c, r->village.id, h->id, &h->old, &in, &changed);
		}
	}
	/* the tags named in the file are given (those a household has already are kept),
	 * audited as a change of the household's tags when any was added */
	for (int i = 0; i < r->nhhs && rc == RC_OK; i++) {
		struct hh *h = &r->hhs[i];
		char name[64];
		bool added;
		int nadded = 0;
		struct buf before, after;
		audit_snap_begin(&before);
		audit_snap_begin(&after);
		for (const char *p = h->tags ? h->tags : ""; rc == RC_OK && ros_next_tag(&p, name, sizeof(name));)
			if ((rc = grid_tag_grant(c, h->id, name, &added)) == RC_OK && added) {
				r->out->tags_set++;
				nadded++;
				audit_snap_int(&after, name, 1);
			}
		audit_snap_end(&before);
		audit_snap_end(&after);
		if (rc == RC_OK && nadded)
			rc = audit_record(c, r->village.id, "household_tags", h->id, "update", before.ptr, after.ptr);
		buf_release(&before);
		buf_release(&after);
	}
	for (int i = 0; i < r->nrows && rc == RC_OK; i++) {
		struct rrow *row = &r->rows[i];
		if (row->action != A_CREATE && row->action != A_UPDATE)
			continue;
		struct resident_input in = {
			.household_id = r->hhs[row->hh].id,
			.name = row->name,
			.idcard = row->idcard,
			.phone = row->phone,
			.relation = row->relation,
			.party_member = row->party,
		};
		if (row->action == A_CREATE) {
			rc = people_insert_resident(c, r->village.id, &in, row->idcard, &row->id);
		} else {
			if (!row->phone[0])
				in.phone = row->old->in.phone;
			if (r->colidx[C_PARTY] < 0)
				in.party_member = row->old->in.party_member;
			rc = people_apply_resident(c, r->village.id, row->id, &row->old->in, row->old->mask, &in,
						   &changed);
		}
	}
	/* the 个人标签 named in the file are given to each resident (kept ones stay) */
	for (int i = 0; i < r->nrows && rc == RC_OK; i++) {
		const struct rrow *row = &r->rows[i];
		const char *names[PTAGS_MAX];
		int n = ros_ptag_names(r, row, names), added = 0;
		if (n < 0) {
			rc = ctx_fail(c, RC_INTERNAL, "内存不足");
			break;
		}
		if (n && (rc = grid_resident_tags_add(c, r->village.path, r->village.id, r->hhs[row->hh].id, row->id, names, n,
						      &added)) == RC_OK)
			r->out->resident_tags_set += added;
	}
	return audit_batch_end(c, &batch, rc);
}
