/*
 * PCI configuration mechanism #1: CONFIG_ADDRESS (0xCF8) selects a function
 * and register, CONFIG_DATA (0xCFC-0xCFF) reads or writes it. The pair is
 * one operation under one lock, for the hypervisor's accesses and for those
 * it carries out for dom0 (dom0/dom0_pci.c) alike.
 */
#include <arch/cpu.h>
#include <arch/pci_config.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/spinlock.h>


static spinlock_t config_lock;

uint64_t pci_config_lock(void)
{
	return spin_lock_irqsave(&config_lock);
}

void pci_config_unlock(uint64_t flags)
{
	spin_unlock_irqrestore(&config_lock, flags);
}

uint32_t pci_conf1_data(uint32_t address, uint16_t port, unsigned int size, bool write, uint32_t value)
{
	outl(PCI_PORT_CONFIG_ADDRESS, address);
	if (!write)
		return port_in(port, size);
	port_out(port, size, value);
	return 0;
}

static uint32_t conf1(uint16_t bdf, unsigned int offset, unsigned int size, bool write, uint32_t value)
{
	uint32_t address = PCI_CONFIG_ENABLE | (uint32_t)bdf << 8 | (offset & 0xfc);
	uint64_t flags = pci_config_lock();
	uint32_t v = pci_conf1_data(address, (uint16_t)(PCI_PORT_CONFIG_DATA + (offset & 3)), size, write, value);

	pci_config_unlock(flags);
	return v;
}

uint32_t arch_pci_config_read(uint16_t bdf, unsigned int offset, unsigned int size)
{
	return conf1(bdf, offset, size, false, 0);
}

void arch_pci_config_write(uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value)
{
	conf1(bdf, offset, size, true, value);
}
