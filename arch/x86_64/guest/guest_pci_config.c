/*
 * The configuration space a Linux guest sees of a function given to it
 * (arch/guest_pci.h). Identity, class and status come from the function;
 * its memory BARs read as what they are (they sit at their own addresses in
 * the guest, which may size them but not move them); I/O BARs, the
 * expansion ROM and INTx are not offered; of the capabilities, MSI, MSI-X
 * and PCI Express are shown, linked among themselves. The guest may turn
 * bus mastering and INTx masking on and off (memory decoding stays on); it
 * programs MSI through a copy the hypervisor keeps and routes
 * (guest_msi.c), and MSI-X's enable and mask bits reach the function.
 * Everything else it writes is dropped.
 */
#include <arch/guest_pci.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/domain.h>

#define CFG_HEADER 0x0c
#define CFG_BAR_END 0x28
#define CFG_SUBSYSTEM 0x2c
#define STATUS_CAP_LIST ((uint32_t)PCI_STATUS_CAP_LIST << 16) /* in the command/status dword */
#define HEADER_MULTIFUNCTION (0x80u << 16)
#define BAR_FLAGS 0xfu

#define MSI_CTRL_MME (0x7u << 4)
#define MSI_CTRL_64BIT 0x80u
#define MSI_CTRL_MASKABLE 0x100u
#define MSIX_CAP_BYTES 12u
#define EXP_CAP_BYTES 0x3cu

static uint32_t real_read(const struct guest_pci_fn *f, unsigned int reg)
{
	return arch_pci_config_read(f->dev->bdf, reg, 4);
}

static bool msi_64bit(const struct guest_pci_fn *f)
{
	return f->msi_ctrl & MSI_CTRL_64BIT;
}

static unsigned int msi_bytes(const struct guest_pci_fn *f)
{
	return 12 + (msi_64bit(f) ? 4 : 0) + (f->msi_ctrl & MSI_CTRL_MASKABLE ? 8 : 0);
}

/* The shown capabilities in the function's own order, and the one after cap (0: none). */
static unsigned int shown_caps(const struct guest_pci_fn *f, uint8_t out[3])
{
	uint8_t all[3] = { f->cap_msi, f->cap_msix, f->cap_exp };
	unsigned int n = 0;

	for (unsigned int i = 0; i < 3; i++) /* tiny: sort by offset */
		for (unsigned int j = i + 1; j < 3; j++)
			if (all[j] < all[i]) {
				uint8_t t = all[i];

				all[i] = all[j];
				all[j] = t;
			}
	for (unsigned int i = 0; i < 3; i++)
		if (all[i])
			out[n++] = all[i];
	return n;
}

static uint8_t next_cap(const struct guest_pci_fn *f, unsigned int cap)
{
	uint8_t caps[3];
	unsigned int n = shown_caps(f, caps);

	for (unsigned int i = 0; i + 1 < n; i++)
		if (caps[i] == cap)
			return caps[i + 1];
	return 0;
}

/* BAR register i: what the function has there, or its size mask while the guest sizes it. */
static uint32_t bar_read(const struct guest_pci_fn *f, unsigned int i)
{
	const struct domain_pci *p = f->dev;
	bool sizing = f->bar_written[i] == 0xffffffffu;

	if (p->bar_size[i]) {
		uint32_t flags = real_read(f, PCI_BAR0 + 4 * i) & BAR_FLAGS;

		return (uint32_t)((sizing ? ~(p->bar_size[i] - 1) : p->bar[i]) & ~(uint64_t)BAR_FLAGS) | flags;
	}
	if (i && p->bar_size[i - 1] && (real_read(f, PCI_BAR0 + 4 * (i - 1)) & PCI_BAR_TYPE_MASK) == PCI_BAR_64BIT)
		return (uint32_t)((sizing ? ~(p->bar_size[i - 1] - 1) : p->bar[i - 1]) >> 32);
	return 0; /* I/O, or nothing */
}

static uint32_t msi_read(const struct guest_pci_fn *f, unsigned int at)
{
	unsigned int data_at = msi_64bit(f) ? 0xc : 0x8;

	if (at == 0)
		return PCI_CAP_ID_MSI | (uint32_t)next_cap(f, f->cap_msi) << 8 | (uint32_t)f->msi_ctrl << 16;
	if (at == 4)
		return f->msi_addr_lo;
	if (at == 8 && msi_64bit(f))
		return f->msi_addr_hi;
	if (at == data_at)
		return f->msi_data;
	return real_read(f, f->cap_msi + at); /* mask and pending bits */
}

static uint32_t caps_read(const struct guest_pci_fn *f, unsigned int reg)
{
	if (f->cap_msi && reg >= f->cap_msi && reg < f->cap_msi + msi_bytes(f))
		return msi_read(f, reg - f->cap_msi);
	if (f->cap_msix && reg >= f->cap_msix && reg < f->cap_msix + MSIX_CAP_BYTES)
		return reg == f->cap_msix ? (real_read(f, reg) & 0xffff00ffu) | (uint32_t)next_cap(f, reg) << 8
					  : real_read(f, reg);
	if (f->cap_exp && reg >= f->cap_exp && reg < f->cap_exp + EXP_CAP_BYTES)
		return reg == f->cap_exp ? (real_read(f, reg) & 0xffff00ffu) | (uint32_t)next_cap(f, reg) << 8
					 : real_read(f, reg);
	return 0;
}

/* The aligned dword at reg, as the guest sees it. */
static uint32_t dword_read(const struct guest_pci_fn *f, unsigned int reg)
{
	uint8_t caps[3];

	switch (reg) {
	case 0x00: /* vendor, device */
	case PCI_CLASS_REVISION:
	case CFG_SUBSYSTEM:
		return real_read(f, reg);
	case PCI_COMMAND:
		return (real_read(f, reg) & ~STATUS_CAP_LIST) | (shown_caps(f, caps) ? STATUS_CAP_LIST : 0);
	case CFG_HEADER: /* cache line size and latency timer; one function; no BIST */
		return real_read(f, reg) & 0x00ffffffu & ~HEADER_MULTIFUNCTION;
	case PCI_CAP_PTR:
		return shown_caps(f, caps) ? caps[0] : 0;
	default:
		break;
	}
	if (reg >= PCI_BAR0 && reg < CFG_BAR_END)
		return bar_read(f, (reg - PCI_BAR0) / 4);
	return reg >= PCI_CAPS_START ? caps_read(f, reg) : 0; /* ROM, INTx and the rest: none */
}

uint32_t guest_pci_config_read(const struct guest_pci_fn *f, unsigned int offset, unsigned int size)
{
	uint32_t v = dword_read(f, offset & ~3u) >> 8 * (offset & 3);

	return size == 4 ? v : v & ((1u << 8 * size) - 1);
}

/* The guest's MSI copy changed: the function sends the routed message, or none. */
static void msi_apply(struct domain *d, struct guest_pci_fn *f)
{
	uint16_t bdf = f->dev->bdf;
	unsigned int cap = f->cap_msi, data_at = msi_64bit(f) ? 0xc : 0x8;
	uint16_t ctrl = (uint16_t)arch_pci_config_read(bdf, cap + PCI_MSI_FLAGS, 2) & ~(PCI_MSI_FLAGS_ENABLE | MSI_CTRL_MME);
	uint64_t addr = f->msi_addr_lo | (msi_64bit(f) ? (uint64_t)f->msi_addr_hi << 32 : 0);
	struct iommu_msi out;

	arch_pci_config_write(bdf, cap + PCI_MSI_FLAGS, 2, ctrl); /* off while it changes */
	if (!(f->msi_ctrl & PCI_MSI_FLAGS_ENABLE) || guest_msi_route(d, f, GUEST_MSI_INDEX, addr, f->msi_data, &out))
		return;
	arch_pci_config_write(bdf, cap + 4, 4, (uint32_t)out.addr);
	if (msi_64bit(f))
		arch_pci_config_write(bdf, cap + 8, 4, (uint32_t)(out.addr >> 32));
	arch_pci_config_write(bdf, cap + data_at, 2, (uint16_t)out.data);
	arch_pci_config_write(bdf, cap + PCI_MSI_FLAGS, 2, ctrl | PCI_MSI_FLAGS_ENABLE); /* one vector */
}

static void msi_write(struct domain *d, struct guest_pci_fn *f, unsigned int at, uint32_t v, uint32_t mask)
{
	unsigned int data_at = msi_64bit(f) ? 0xc : 0x8;

	if (at == 0 && mask >> 16) {
		/* enable, and how many vectors it takes: one (it offers one, MMC 0) */
		f->msi_ctrl = (uint16_t)((f->msi_ctrl & ~(PCI_MSI_FLAGS_ENABLE | MSI_CTRL_MME)) |
					 ((v >> 16) & PCI_MSI_FLAGS_ENABLE));
	} else if (at == 4) {
		f->msi_addr_lo = v & ~3u;
	} else if (at == 8 && msi_64bit(f)) {
		f->msi_addr_hi = v;
	} else if (at == data_at) {
		f->msi_data = (uint16_t)v;
	} else {
		if (at > data_at && f->msi_ctrl & MSI_CTRL_MASKABLE && at == data_at + 4)
			arch_pci_config_write(f->dev->bdf, f->cap_msi + at, 4, v); /* the mask bits */
		return;
	}
	msi_apply(d, f);
}

static void command_write(const struct guest_pci_fn *f, uint32_t v)
{
	const uint16_t guests = PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE;
	uint16_t cmd = (uint16_t)arch_pci_config_read(f->dev->bdf, PCI_COMMAND, 2);

	arch_pci_config_write(f->dev->bdf, PCI_COMMAND, 2, (cmd & ~guests) | (v & guests) | PCI_COMMAND_MEMORY);
}

void guest_pci_config_write(struct domain *d, struct guest_pci_fn *f, unsigned int offset, unsigned int size,
			    uint32_t value)
{
	unsigned int reg = offset & ~3u;
	uint32_t mask, v = guest_pci_config_merge(dword_read(f, reg), offset, size, value, &mask);

	if (reg == PCI_COMMAND && mask & 0xffff)
		command_write(f, v);
	else if (reg >= PCI_BAR0 && reg < CFG_BAR_END)
		f->bar_written[(reg - PCI_BAR0) / 4] = mask == 0xffffffffu ? value : 0;
	else if (f->cap_msi && reg >= f->cap_msi && reg < f->cap_msi + msi_bytes(f))
		msi_write(d, f, reg - f->cap_msi, v, mask);
	else if (f->cap_msix && reg == f->cap_msix && mask >> 16) {
		uint16_t ctrl = (uint16_t)arch_pci_config_read(f->dev->bdf, reg + PCI_MSIX_FLAGS, 2);
		const uint16_t guests = PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;

		arch_pci_config_write(f->dev->bdf, reg + PCI_MSIX_FLAGS, 2, (ctrl & ~guests) | ((v >> 16) & guests));
	}
	/* the rest (status, PCI Express control, ...) is dropped */
}

uint32_t guest_pci_bridge_read(unsigned int offset, unsigned int size)
{
	unsigned int reg = offset & ~3u;
	/* the node's own host bridge's ids, class host bridge, nothing else */
	uint32_t v = reg == 0 ? arch_pci_config_read(0, 0, 4) : reg == PCI_CLASS_REVISION ? 0x06000000u : 0;

	v >>= 8 * (offset & 3);
	return size == 4 ? v : v & ((1u << 8 * size) - 1);
}
