// SPDX-License-Identifier: GPL-2.0
/*
 * SHADOWK_IOC_VERIFY: does a clone still match the kernel everywhere but
 * at the sites it owns?  Its tables entry by entry, its private pages
 * byte by byte, under the locks every change holds.
 */

#include <linux/bitmap.h>
#include <linux/mutex.h>

#include <uapi/linux/shadowk.h>

#include "clone.h"
#include "cpa.h"
#include "dev.h"
#include "ksyms.h"
#include "mem.h"
#include "pgtable.h"
#include "site.h"
#include "text.h"
#include "verify.h"

/*
 * Compare every private page with the kernel's, skipping the bytes of the
 * sites it owns (@owned: room for a page's worth of bits).  A frame knows
 * its sites, so this is linear in the frames, not frames times sites.
 */
static void shadowk_verify_text(struct shadowk_clone *clone,
				struct shadowk_verify *cmd,
				unsigned long *owned)
{
	struct shadowk_frame *frame;
	struct shadowk_site *site;
	unsigned long index, i;

	cmd->out_diff_bytes = 0;
	cmd->out_first_diff = 0;
	cmd->out_checked_bytes = 0;
	shadowk_text_for_each_frame(&clone->text, index, frame) {
		const u8 *orig = shadowk_text_original(frame->va);
		const u8 *mine = frame->xp.ro;

		if (!frame->xp.page)
			continue;
		bitmap_zero(owned, PAGE_SIZE);
		/* A site never crosses its page (target.c). */
		list_for_each_entry(site, &frame->sites, frame_node)
			if (!site->displaced)
				bitmap_set(owned, site->addr - frame->va,
					   SHADOWK_SITE_LEN);
		for (i = 0; i < PAGE_SIZE; i++) {
			if (test_bit(i, owned))
				continue;
			cmd->out_checked_bytes++;
			if (orig[i] == mine[i])
				continue;
			cmd->out_diff_bytes++;
			if (!cmd->out_first_diff)
				cmd->out_first_diff = frame->va + i;
		}
	}
}

int shadowk_verify_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_verify *cmd = ucmd->cmd;
	struct shadowk_pgtable_diff diff;
	struct shadowk_clone *clone;
	unsigned long *owned;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	clone = shadowk_clone_get(cmd->clone_id);
	if (!clone)
		return -ENOENT;
	owned = shadowk_mem_scratch_alloc(BITS_TO_LONGS(PAGE_SIZE) *
					  sizeof(long));
	if (!owned) {
		shadowk_clone_put(clone);
		return -ENOMEM;
	}

	shadowk_site_settle();
	/* A page-attribute change still being followed is not a miss. */
	shadowk_cpa_settle();
	shadowk_clone_lock();
	mutex_lock(shadowk_ksyms.text_mutex);
	shadowk_pgtable_verify(&clone->pt, &diff);
	diff.entries += shadowk_text_sync(&clone->text, false);
	shadowk_verify_text(clone, cmd, owned);
	mutex_unlock(shadowk_ksyms.text_mutex);
	shadowk_clone_unlock();
	shadowk_mem_scratch_free(owned);

	cmd->out_diff_entries = diff.entries;
	cmd->out_first_diff = shadowk_dev_addr(ucmd, cmd->out_first_diff);
	shadowk_clone_put(clone);
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}
