/*
 * dom0's MSI and MSI-X capabilities where its interrupts are remapped
 * (arch/dom0_intr.h). dom0's configuration writes - through the legacy
 * ports and the ECAM window alike (dom0/dom0_pci.c) - pass here first; a
 * write to a function's MSI or MSI-X capability is taken apart:
 *
 *  - MSI: the address and data words are dom0's, kept here. The function
 *    itself always sends the message that selects its block of remapping
 *    entries (the data word picks the entry: message k of a multi-message
 *    MSI uses entry k), and while MSI is on, each entry delivers what dom0
 *    asked for message k. The control word (on, how many messages) and the
 *    mask bits go to the function as written.
 *  - MSI-X: the control word goes to the function as written; turning it on
 *    makes the table dom0's MSI-X model's (dom0/dom0_msix.c), before the
 *    function may send; turning it off gives the table back, after.
 *
 * Reads stay native: dom0 reads the remappable message the function really
 * sends (Linux keeps its own copy of what it wrote).
 */
#include <arch/dom0_devices.h>
#include <arch/dom0_intr.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/pci_devices.h>
#include <xen-lite/pci_regs.h>
#include <xen-lite/spinlock.h>

#define MAX_FUNCTIONS 256 /* with MSI or MSI-X */
#define MSI_ADDR_LO 4
#define MSI_FLAGS_64BIT 0x80u
#define MSI_FLAGS_MME_SHIFT 4 /* messages enabled: 1 << MME */
#define MSI_FLAGS_WRITABLE 0x71u /* enable, MME; the rest says what the function can do */
#define MSI_MAX_MESSAGES 32

static struct dom0_function {
	bool used;
	uint16_t bdf;
	uint8_t msi, msix; /* capability offsets, 0: none */
	uint16_t msi_flags; /* as dom0 wrote it */
	uint32_t msi_addr_lo, msi_addr_hi, msi_data; /* dom0's message */
	bool msix_on;
	bool msi_reported; /* its first remapped MSI logged */
} functions[MAX_FUNCTIONS];
static spinlock_t functions_lock; /* functions[], and one function's writes at a time */
static struct domain *dom0;
static bool remapped;

void dom0_msi_init(struct domain *d, bool remap)
{
	dom0 = d;
	remapped = remap;
}

static struct dom0_function *function(uint16_t bdf)
{
	struct dom0_function *free = NULL;

	for (unsigned int i = 0; i < MAX_FUNCTIONS; i++) {
		if (functions[i].used && functions[i].bdf == bdf)
			return &functions[i];
		if (!functions[i].used && !free)
			free = &functions[i];
	}
	if (free) {
		*free = (struct dom0_function){ .bdf = bdf,
						.msi = (uint8_t)pci_find_capability(bdf, PCI_CAP_ID_MSI),
						.msix = (uint8_t)pci_find_capability(bdf, PCI_CAP_ID_MSIX) };
		free->used = free->msi || free->msix; /* a function without either is not kept */
		if (free->msi)
			free->msi_flags = (uint16_t)arch_pci_config_read(bdf, free->msi + PCI_MSI_FLAGS, 2);
	} else {
		log_err("dom0: more than %u functions with MSI or MSI-X: %02x:%02x.%u's interrupts are not remapped\n",
			MAX_FUNCTIONS, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	}
	return free;
}

/* Where the data word sits: after a 64-bit address or a 32-bit one. */
static unsigned int msi_data_offset(const struct dom0_function *f)
{
	return f->msi + (f->msi_flags & MSI_FLAGS_64BIT ? 12 : 8);
}

/* Bytes [offset, offset + size) of a dword-sized register at reg, merged into *keep. */
static bool merge(uint32_t *keep, unsigned int reg, unsigned int reg_size, unsigned int offset, unsigned int size,
		  uint32_t value)
{
	bool hit = false;

	for (unsigned int b = 0; b < size; b++) {
		unsigned int at = offset + b;

		if (at >= reg && at < reg + reg_size) {
			unsigned int shift = 8 * (at - reg);

			*keep = (*keep & ~(0xffu << shift)) | ((value >> 8 * b) & 0xff) << shift;
			hit = true;
		}
	}
	return hit;
}

/* Each enabled message's entry delivers what dom0 asked; the function sends the block's message. */
static void msi_program(struct dom0_function *f)
{
	unsigned int n = 1u << ((f->msi_flags >> MSI_FLAGS_MME_SHIFT) & 7);
	struct iommu_msi msg = { 0 };
	int err = 0;

	if (!(f->msi_flags & PCI_MSI_FLAGS_ENABLE))
		return;
	for (unsigned int k = 0; k < MIN(n, MSI_MAX_MESSAGES) && !err; k++) {
		struct dom0_intr want;

		/* message k: the device puts k in the data word's low bits */
		dom0_intr_from_msi((uint64_t)f->msi_addr_hi << 32 | f->msi_addr_lo,
				   (f->msi_data & ~(n - 1)) | k, &want);
		err = dom0_intr_route(dom0, f->bdf, k, &want, &msg);
	}
	if (err)
		return; /* the function keeps sending what it did; the IOMMU blocks what has no entry */
	arch_pci_config_write(f->bdf, f->msi + MSI_ADDR_LO, 4, (uint32_t)msg.addr);
	if (f->msi_flags & MSI_FLAGS_64BIT)
		arch_pci_config_write(f->bdf, f->msi + MSI_ADDR_LO + 4, 4, (uint32_t)(msg.addr >> 32));
	arch_pci_config_write(f->bdf, msi_data_offset(f), 2, 0); /* the subhandle: message k adds k */
	if (!f->msi_reported)
		log_info("dom0: %02x:%02x.%u's MSI remapped (%u message(s), from entry %u)\n", f->bdf >> 8,
			 (f->bdf >> 3) & 0x1f, f->bdf & 7, MIN(n, MSI_MAX_MESSAGES), msg.handle + 1 - MIN(n, MSI_MAX_MESSAGES));
	f->msi_reported = true;
}

/* A write to the MSI capability's control, address or data: taken here. */
static bool msi_write(struct dom0_function *f, unsigned int offset, unsigned int size, uint32_t value)
{
	unsigned int cap = f->msi;
	uint32_t flags = f->msi_flags;
	bool control, message;

	control = merge(&flags, cap + PCI_MSI_FLAGS, 2, offset, size, value);
	f->msi_flags = (uint16_t)((flags & MSI_FLAGS_WRITABLE) | (f->msi_flags & ~MSI_FLAGS_WRITABLE));
	message = merge(&f->msi_addr_lo, cap + MSI_ADDR_LO, 4, offset, size, value);
	if (f->msi_flags & MSI_FLAGS_64BIT)
		message |= merge(&f->msi_addr_hi, cap + MSI_ADDR_LO + 4, 4, offset, size, value);
	message |= merge(&f->msi_data, msi_data_offset(f), 2, offset, size, value);
	if (control) {
		/* entries first, then the control word: the function never sends before they are there */
		msi_program(f);
		arch_pci_config_write(f->bdf, cap + PCI_MSI_FLAGS, 2, f->msi_flags);
	} else if (message) {
		msi_program(f);
	}
	return control || message; /* an aligned write reaches no further register of the capability */
}

/* A write to the MSI-X control word: the table is the model's from on to off. */
static bool msix_write(struct dom0_function *f, unsigned int offset, unsigned int size, uint32_t value)
{
	uint32_t flags = arch_pci_config_read(f->bdf, f->msix + PCI_MSIX_FLAGS, 2);
	bool on;

	if (!merge(&flags, f->msix + PCI_MSIX_FLAGS, 2, offset, size, value))
		return false;
	on = flags & PCI_MSIX_FLAGS_ENABLE;
	if (on && !f->msix_on)
		f->msix_on = !dom0_msix_take(dom0, f->bdf, f->msix);
	arch_pci_config_write(f->bdf, f->msix + PCI_MSIX_FLAGS, 2, flags);
	if (!on && f->msix_on) {
		dom0_msix_give_back(dom0, f->bdf);
		f->msix_on = false;
	}
	return true;
}

bool dom0_msi_config_write(uint16_t segment, uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value)
{
	struct dom0_function *f;
	bool taken = false;
	uint64_t flags;

	/* an assignable function's interrupts are its guest's (arch/guest_pci.h) */
	if (!remapped || segment || offset >= 256 || !pci_device_is_dom0s(segment, bdf))
		return false;
	flags = spin_lock_irqsave(&functions_lock);
	f = function(bdf);
	if (f && f->msi)
		taken = msi_write(f, offset, size, value);
	if (f && !taken && f->msix)
		taken = msix_write(f, offset, size, value);
	spin_unlock_irqrestore(&functions_lock, flags);
	return taken;
}
