/*
 * The arch interface, spinning: cpu_relax(), what a CPU does in each round
 * of a busy-wait (an inline from the architecture, <arch/relax.h>).
 */
#ifndef XEN_LITE_ARCH_RELAX_H
#define XEN_LITE_ARCH_RELAX_H

#include <arch/relax.h>

#endif
