/*
 * The generic boot sequence, entered by the architecture once it has a
 * boot_info; the steps it calls back are include/xen-lite/arch/boot.h.
 */
#ifndef XEN_LITE_SETUP_H
#define XEN_LITE_SETUP_H

#include <xen-lite/boot_info.h>

__attribute__((noreturn)) void xl_main(struct boot_info *bi);

#endif
