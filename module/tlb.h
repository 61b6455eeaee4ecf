/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_TLB_H
#define _SHADOWK_TLB_H

void shadowk_tlb_flush_all(void);
void shadowk_tlb_flush_local(void);

#endif /* _SHADOWK_TLB_H */
