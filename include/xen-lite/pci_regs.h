/*
 * PCI configuration space registers that more than one file reads (the PCI
 * Local Bus and PCI Express specifications): the header, the capability
 * list, and the MSI and MSI-X capabilities' control words.
 */
#ifndef XEN_LITE_PCI_REGS_H
#define XEN_LITE_PCI_REGS_H

#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04 /* 16 bits; the status word follows */
#define PCI_COMMAND_IO 0x1u
#define PCI_COMMAND_MEMORY 0x2u
#define PCI_COMMAND_MASTER 0x4u
#define PCI_COMMAND_INTX_DISABLE 0x400u
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10u
#define PCI_CLASS_REVISION 0x08
#define PCI_BAR0 0x10 /* six 32-bit BAR registers */
#define PCI_BAR_IO 0x1u
#define PCI_BAR_TYPE_MASK 0x6u
#define PCI_BAR_64BIT 0x4u /* type bits of a 64-bit memory BAR */
#define PCI_CAP_PTR 0x34
#define PCI_CAPS_START 0x40 /* capabilities live above the header */

#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11

/* MSI and MSI-X: their control word, 2 bytes into the capability */
#define PCI_MSI_FLAGS 2
#define PCI_MSI_FLAGS_ENABLE 0x1u
#define PCI_MSIX_FLAGS 2
#define PCI_MSIX_FLAGS_MASKALL 0x4000u
#define PCI_MSIX_FLAGS_ENABLE 0x8000u
#define PCI_MSIX_TABLE 4 /* the table's BAR (bits 2:0) and offset */

#endif
