/* xl-lite's PCI commands (xl-pci.c): pci-assignable-add, -remove, -list. */
#ifndef XL_PCI_H
#define XL_PCI_H

#include "libxl-lite.h"
#include "xl-lite-fmt.h"

int xl_cmd_pci(struct xl_handle *h, const struct xl_args *a);

#endif
