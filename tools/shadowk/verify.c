// SPDX-License-Identifier: GPL-2.0
/* shadowk verify: a clone differs from the kernel only where it should. */

#include <stdio.h>

#include "main.h"

int do_verify(int argc, char **argv)
{
	SHADOWK_RESULT(verify, v);
	struct shadowk_ctx *ctx;
	struct json *j;
	bool ok;
	__u32 id;
	int err, ret;

	ret = tool_open_one_clone(argc, argv, &ctx, &id);
	if (ret)
		return ret;
	err = shadowk_clone_verify(ctx, id, &v);
	if (err) {
		ret = tool_call_err(err, "cannot verify the clone");
		goto out;
	}
	ok = !v.out_diff_bytes && !v.out_diff_entries;
	if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		json_u64(j, "id", id);
		json_bool(j, "ok", ok);
		json_u64(j, "checked_bytes", v.out_checked_bytes);
		json_u64(j, "diff_bytes", v.out_diff_bytes);
		json_u64(j, "diff_entries", v.out_diff_entries);
		json_hex(j, "first_diff", v.out_first_diff);
		json_obj_end(j);
		tool_json_done();
	} else if (ok) {
		printf("clone %u: ok (%llu private bytes compared, page tables match)\n",
		       id, (unsigned long long)v.out_checked_bytes);
	} else {
		printf("clone %u: MISMATCH: %llu bytes and %llu page-table entries differ from the kernel (first at 0x%llx)\n",
		       id, (unsigned long long)v.out_diff_bytes,
		       (unsigned long long)v.out_diff_entries,
		       (unsigned long long)v.out_first_diff);
	}
	ret = ok ? EXIT_OK : EXIT_FAIL;
out:
	shadowk_unref(ctx);
	return ret;
}
