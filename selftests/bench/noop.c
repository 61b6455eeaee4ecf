// SPDX-License-Identifier: GPL-2.0
/* The static no-op whose fork+exec+wait the latencies are compared with. */
int main(void)
{
	return 0;
}
