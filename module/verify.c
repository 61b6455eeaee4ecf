// SPDX-License-Identifier: GPL-2.0
/*
 * SHADOWK_IOC_VERIFY: does a clone still match the kernel everywhere but
 * at the sites it owns?  Its tables entry by entry, its private pages
 * byte by byte, under the locks every change holds.
 */

#include <linux/mutex.h>

#include <uapi/linux/shadowk.h>

#include "clone.h"
#include "dev.h"
#include "ksyms.h"
#include "pgtable.h"
#include "site.h"
#include "text.h"
#include "verify.h"

/* Compare every private page with the kernel's, skipping owned sites. */
static void shadowk_verify_text(struct shadowk_clone *clone,
				struct shadowk_verify *cmd)
{
	struct shadowk_frame *frame;
	struct shadowk_site *site;
	unsigned long i;

	cmd->diff_bytes = 0;
	cmd->first_diff = 0;
	cmd->checked_bytes = 0;
	list_for_each_entry(frame, &clone->text.frames, node) {
		const u8 *orig = shadowk_text_original(frame->va);
		const u8 *mine = frame->xp.ro;

		if (!frame->xp.page)
			continue;
		for (i = 0; i < PAGE_SIZE; i++) {
			unsigned long va = frame->va + i;
			bool owned = false;

			list_for_each_entry(site, &clone->sites, node)
				if (va >= site->addr &&
				    va < site->addr + SHADOWK_SITE_LEN &&
				    !site->displaced)
					owned = true;
			if (owned)
				continue;
			cmd->checked_bytes++;
			if (orig[i] == mine[i])
				continue;
			cmd->diff_bytes++;
			if (!cmd->first_diff)
				cmd->first_diff = va;
		}
	}
}

int shadowk_verify_ioctl(struct shadowk_ucmd *ucmd)
{
	struct shadowk_verify *cmd = ucmd->cmd;
	struct shadowk_pgtable_diff diff;
	struct shadowk_clone *clone;

	if (cmd->flags || cmd->__reserved)
		return -EINVAL;
	clone = shadowk_clone_get(cmd->clone_id);
	if (!clone)
		return -ENOENT;

	shadowk_site_settle();
	shadowk_clone_lock();
	mutex_lock(shadowk_ksyms.text_mutex);
	shadowk_pgtable_verify(&clone->pt, &diff);
	diff.entries += shadowk_text_sync(&clone->text, false);
	shadowk_verify_text(clone, cmd);
	mutex_unlock(shadowk_ksyms.text_mutex);
	shadowk_clone_unlock();

	cmd->diff_entries = diff.entries;
	cmd->first_diff = shadowk_dev_addr(ucmd, cmd->first_diff);
	shadowk_clone_put(clone);
	return shadowk_dev_respond(ucmd, sizeof(*cmd));
}
