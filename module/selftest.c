// SPDX-License-Identifier: GPL-2.0
/*
 * In-module self-tests of shadowk's pure logic, run at load when asked:
 * a failure refuses the load, so that a test run sees it at once.
 */

#include <linux/module.h>

#include "selftest.h"

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest,
		 "test only: run the in-module self-tests at load (default 0)");

int __init shadowk_selftest_init(void)
{
	static const struct {
		const char *name;
		bool (*run)(void);
	} tests[] = {
		{ "inject policies", shadowk_inject_selftest },
		{ "mirror byte merge", shadowk_mirror_selftest },
		{ "page-table compare", shadowk_pgtable_selftest },
	};
	unsigned int i, failed = 0;

	if (!selftest)
		return 0;
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		bool ok = tests[i].run();

		pr_info("self-test %s: %s\n", tests[i].name, ok ? "pass" : "FAIL");
		failed += !ok;
	}
	pr_info("self-tests: %u passed, %u failed\n", i - failed, failed);
	return failed ? -EINVAL : 0;
}
