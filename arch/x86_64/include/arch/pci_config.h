/* PCI configuration mechanism #1 for the arch layers (cpu/pci_config.c). */
#ifndef ARCH_PCI_CONFIG_H
#define ARCH_PCI_CONFIG_H

#include <xen-lite/types.h>

/* the two registers of mechanism #1, as dom0's and guests' port accesses name them too */
#define PCI_PORT_CONFIG_ADDRESS 0xcf8
#define PCI_PORT_CONFIG_DATA 0xcfc /* 0xCFC-0xCFF */
#define PCI_CONFIG_ENABLE (1u << 31)

/* The lock every CONFIG_ADDRESS + CONFIG_DATA pair is made under (interrupts off while held). */
uint64_t pci_config_lock(void);
void pci_config_unlock(uint64_t flags);
/* With the lock held: select address, then read or write size bytes at port (0xCFC-0xCFF). */
uint32_t pci_conf1_data(uint32_t address, uint16_t port, unsigned int size, bool write, uint32_t value);

#endif
