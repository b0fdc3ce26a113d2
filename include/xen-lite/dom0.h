/*
 * dom0, the driver domain: a stock Linux kernel (boot module 0, its initrd
 * module 1) run on CPU 0 with the machine's devices, firmware tables and
 * most memory identity-mapped (guest-physical = host-physical).
 * Documentation/dom0.md describes the model and every intercept kept.
 */
#ifndef XEN_LITE_DOM0_H
#define XEN_LITE_DOM0_H

#include <xen-lite/boot_info.h>

/* True if module 0 is meant to be the dom0 kernel (present and not an xl-guest module). */
bool dom0_kernel_given(const struct boot_info *bi);

/*
 * Build dom0 and run it on this CPU (CPU 0). Returns only if dom0 could not
 * be built (with the reason logged) or has ended (crashed or shut down),
 * after the dom0_on_crash= policy did not reboot the node.
 */
void dom0_start(const struct boot_info *bi);

#endif
