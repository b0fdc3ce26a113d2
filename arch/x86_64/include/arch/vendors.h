/*
 * The vendor engines vm/ can choose from at boot: each probe returns the
 * engine's operations when this CPU has it (and it could be enabled on
 * every CPU), or NULL, having said why.
 */
#ifndef ARCH_VENDORS_H
#define ARCH_VENDORS_H

#include <arch/vmm.h>

const struct vmm_ops *svm_probe(void);

#endif
