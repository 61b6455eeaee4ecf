// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the injection policies and their checks, included by
 * inject.c so that it sees its static functions; run at load with
 * selftest=1 (selftest.c).
 */

#include "../selftest.h"

bool __init shadowk_inject_selftest(void)
{
	struct shadowk_injection every = {
		.policy = SHADOWK_INJECT_EVERY_NTH, .nth = 3,
	};
	struct shadowk_injection first = {
		.policy = SHADOWK_INJECT_FIRST_N, .nth = 2,
	};
	struct shadowk_injection half = {
		.policy = SHADOWK_INJECT_PROBABILITY, .seed = 42,
		.ppm = SHADOWK_INJECT_PPM / 2,
	};
	struct shadowk_injection sure = half, again = half;
	struct shadowk_inject_set bad = { .policy = SHADOWK_INJECT_ALWAYS };
	unsigned int fired = 0, same = 0;
	bool ok = true;
	u64 n;

	for (n = 1; n <= 9; n++) {
		ok &= shadowk_inject_picks(&every, n) == (n % 3 == 0);
		ok &= shadowk_inject_picks(&first, n) == (n <= 2);
	}
	sure.ppm = SHADOWK_INJECT_PPM;
	/* One seed replays one sequence; about half of 10,000 fire. */
	for (n = 1; n <= 10000; n++) {
		bool a = shadowk_inject_picks(&half, n);

		fired += a;
		same += a == shadowk_inject_picks(&again, n);
		ok &= shadowk_inject_picks(&sure, n);
	}
	ok &= same == 10000 && fired > 4500 && fired < 5500;
	again.seed = 43;
	for (same = 0, n = 1; n <= 10000; n++)
		same += shadowk_inject_picks(&half, n) ==
			shadowk_inject_picks(&again, n);
	ok &= same < 6000;

	ok &= !shadowk_inject_check_policy(&bad);
	bad.nth = 1;
	ok &= shadowk_inject_check_policy(&bad) == -EINVAL;
	bad.policy = SHADOWK_INJECT_EVERY_NTH;
	ok &= !shadowk_inject_check_policy(&bad);
	bad.nth = 0;
	ok &= shadowk_inject_check_policy(&bad) == -EINVAL;
	bad.policy = SHADOWK_INJECT_PROBABILITY;
	bad.ppm = SHADOWK_INJECT_PPM + 1;
	ok &= shadowk_inject_check_policy(&bad) == -EINVAL;
	bad.ppm = 1;
	ok &= !shadowk_inject_check_policy(&bad);
	bad.policy = 99;
	ok &= shadowk_inject_check_policy(&bad) == -EINVAL;
	return ok;
}
