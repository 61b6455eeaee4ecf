/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel functions shadowk calls without their being exported, one
 * SHADOWK_KSYMS_FN(name, optional) each: ksyms.c resolves them, thunk.S
 * makes a veneer shadowk_ksyms_<name>() for each, and ksyms.h gives the
 * veneers their prototypes.  Optional ones are missing on some kernel
 * configurations; their address is then 0 and they must not be called.
 * No include guard: included once per use, with the macro defined.
 */
SHADOWK_KSYMS_FN(kallsyms_lookup_name, 0)
SHADOWK_KSYMS_FN(kallsyms_show_value, 0)
SHADOWK_KSYMS_FN(ftrace_location, 0)
SHADOWK_KSYMS_FN(ftrace_is_dead, 0)
SHADOWK_KSYMS_FN(within_kprobe_blacklist, 0)
SHADOWK_KSYMS_FN(kernel_text_address, 0)
SHADOWK_KSYMS_FN(mm_access, 0)
SHADOWK_KSYMS_FN(switch_mm_irqs_off, 0)
SHADOWK_KSYMS_FN(text_poke_kgdb, 0)
SHADOWK_KSYMS_FN(set_direct_map_invalid_noflush, 0)
SHADOWK_KSYMS_FN(set_direct_map_default_noflush, 0)
/* Exported, but on 7.x to KVM's modules only. */
SHADOWK_KSYMS_FN(__flush_tlb_all, 0)
SHADOWK_KSYMS_FN(get_injectable_error_type, 1)
/* Return probes (retprobe.c); without them, SHADOWK_PROBE_RETURN is refused. */
SHADOWK_KSYMS_FN(rethook_alloc, 1)
SHADOWK_KSYMS_FN(rethook_stop, 1)
SHADOWK_KSYMS_FN(rethook_free, 1)
SHADOWK_KSYMS_FN(rethook_try_get, 1)
SHADOWK_KSYMS_FN(rethook_hook, 1)
SHADOWK_KSYMS_FN(rethook_add_node, 1)
