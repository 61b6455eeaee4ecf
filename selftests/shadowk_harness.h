/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest harness, with its per-test timeouts tripled: the same
 * tests run on the debug kernel (KASAN, lockdep, kmemleak) under
 * emulation, several times slower than a production kernel.  A timeout
 * here only turns a hang into a named failure; the VM's own timeout and
 * the kernel's hang detectors stay as they are.
 */
#ifndef SHADOWK_HARNESS_H
#define SHADOWK_HARNESS_H

#include "kselftest_harness.h"

#define SK_TIMEOUT_SCALE	3

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	(30 * SK_TIMEOUT_SCALE)
#undef TEST_F_TIMEOUT
#define TEST_F_TIMEOUT(fixture_name, test_name, timeout)		\
	__TEST_F_IMPL(fixture_name, test_name, -1, (timeout) * SK_TIMEOUT_SCALE)

#endif
