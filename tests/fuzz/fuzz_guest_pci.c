/*
 * Fuzz what a Linux guest reaches of its PCI functions (arch/guest_pci.h):
 * the configuration ports (guest_pci.c, guest_pci_config.c) and the
 * MSI-X table's trapped pages (guest_msix.c), with the message checks of
 * guest_msi.c between them and the device. Behind them a fake function:
 * 256 bytes of configuration space with a 64-bit BAR holding the MSI-X
 * table, MSI and PCI Express capabilities, and its table's real bytes.
 *
 * Input: a mode byte (the IOMMU remaps interrupts or not; the table's size),
 * then operations: CONFIG_ADDRESS writes, CONFIG_DATA accesses of any size,
 * stores of any size anywhere around the table's pages. After each, the
 * promise: whatever the device may send - MSI when enabled, each unmasked
 * MSI-X entry - is a fixed interrupt with a vector of 32 or more to one of
 * the guest's CPUs (directly, or through a remapping entry the fake IOMMU
 * was given with such a vector and CPU); the BAR never moves, memory
 * decoding never goes off, no write reaches the PCI Express capability.
 *
 * Beside it, up to two virtio functions (guest_virtio_pci.c) with fake
 * back-ends: loads and stores of 1, 2, 4 and 8 bytes anywhere in their
 * BAR4s, dom0's notifications (arch_virtio_interrupt()), its STATE and
 * RESET_DONE, time passing. Their promises: every vector raised is 32 or
 * more, on one of the guest's vCPUs, and only while the guest or dom0 is
 * at a virtio function; every notification is on a port of one of their
 * queues; an address past their BARs reaches nothing; what dom0 gave stays;
 * queues' sizes are powers of two up to the maximum, vectors in the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/guest_pci.h>
#include <arch/vdev.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/arch/virtio.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/iommu.h>
#include <xen-lite/shm.h>

#include "support.h"

#define BDF 0x20 /* 00:04.0 */
#define BAR0 0xfeb00000ULL
#define BAR0_SIZE 0x10000ULL
#define TABLE_OFFSET 0x2000u
#define CAP_MSI 0x40
#define CAP_MSIX 0x60
#define CAP_EXP 0x80
#define NR_CPUS 2
#define REMAP_ENTRIES 512

static uint8_t config[256];
static uint8_t exp_cap_before[0x3c];
/*
 * The table's real bytes, as arch_mmio_map() hands them out: one buffer for every
 * run, as guest_msix.c keeps its mappings (MMIO is mapped once, for good).
 */
static uint8_t *table_page;
static bool remapping;
static struct remap_entry {
	bool set;
	uint32_t dest;
	uint8_t vector;
} remap[REMAP_ENTRIES];
static struct vdev_io_range io;
static struct vdev_mmio_range mmio;

/* ---- the fake platform ---------------------------------------------------------- */

uint32_t arch_pci_config_read(uint16_t bdf, unsigned int offset, unsigned int size)
{
	uint32_t v = 0;

	FUZZ_CHECK(offset < 256 && !(offset & (size - 1)) && (size == 1 || size == 2 || size == 4),
		   "config read %#x/%u", offset, size);
	if (bdf == 0)
		return 0x29c08086; /* the node's host bridge */
	if (bdf != BDF)
		return 0xffffffffu;
	memcpy(&v, config + offset, size);
	if (offset == 0x10 && v == 0xffffffffu)
		return 0;
	return v;
}

void arch_pci_config_write(uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value)
{
	FUZZ_CHECK(bdf == BDF, "a write to function %#x, not the guest's", bdf);
	FUZZ_CHECK(offset < 256 && !(offset & (size - 1)) && (size == 1 || size == 2 || size == 4),
		   "config write %#x/%u", offset, size);
	FUZZ_CHECK(offset < CAP_EXP || offset >= CAP_EXP + 0x3c, "a write to the PCI Express capability");
	FUZZ_CHECK(offset < 0x10 || offset >= 0x28, "a BAR written");
	memcpy(config + offset, &value, size);
}

void *xl_zalloc(size_t size)
{
	FUZZ_CHECK(size <= (1u << 20), "xl_zalloc(%zu)", size);
	return calloc(1, size);
}

void xl_free(void *p)
{
	free(p);
}

void *alloc_pages(uint64_t size)
{
	FUZZ_CHECK(size && size <= (1u << 20) && !(size & (PAGE_SIZE - 1)), "alloc_pages(%llu)",
		   (unsigned long long)size);
	return malloc(size); /* junk: the bus must clear what it uses */
}

void free_pages(void *p, uint64_t size)
{
	(void)size;
	free(p);
}

/* ---- a shared segment's function (guest_shm_pci.c): the core's side checks what reaches it ---- */

#define SHM_REGS 0x7fffffc000ULL
static struct vdev_mmio_range shm_regs;

int vdev_mmio_register_emulated(struct domain *d, gpa_t base, uint64_t size, const char *what,
				vdev_mmio_read_fn read_fn, vdev_mmio_write_fn write_fn, void *opaque)
{
	FUZZ_CHECK(gpa_addr(base) == SHM_REGS && size == PAGE_SIZE, "segment registers at %#llx",
		   (unsigned long long)gpa_addr(base));
	shm_regs = (struct vdev_mmio_range){ .base = base, .size = size, .fn = write_fn, .read_fn = read_fn };
	return 0;
}

static int shm_send(struct domain *d, uint32_t port)
{
	return port < 64 ? 0 : -EINVAL;
}

static int shm_bind(struct domain *d, uint32_t port, uint32_t apic_id, uint32_t vector)
{
	FUZZ_CHECK(port < 64, "bind of port %u", port);
	FUZZ_CHECK(apic_id < 256 && vector < 256, "bind to %u/%u", apic_id, vector);
	return 0;
}

static int shm_set_page(struct domain *d, gpa_t gpa)
{
	return 0;
}

static bool shm_attached(struct domain *d, const char *name, uint64_t gpa)
{
	FUZZ_CHECK(!strcmp(name, "fuzzring") && gpa == XL_SHM_GPA_BASE, "asked about '%s' at %#llx", name,
		   (unsigned long long)gpa);
	return true;
}

static const struct shm_device_ops shm_ops = { shm_send, shm_bind, shm_set_page, shm_attached };

/* Input: an offset in the page (aligned or not), read or write, value. */
static void shm_register_access(struct vcpu *v, struct fuzz_in *in)
{
	uint64_t at = gpa_addr(shm_regs.base) + (fuzz_u16(in) % PAGE_SIZE & ~3u);

	if (fuzz_u8(in) & 1)
		shm_regs.fn(v, gpa_init(at), fuzz_u32(in), NULL);
	else
		(void)shm_regs.read_fn(v, gpa_init(at), NULL);
}

uint32_t arch_cpu_apic_id(unsigned int cpu)
{
	return cpu * 2 + 1; /* CPUs 1 and 2: APIC ids 3 and 5 */
}

void *arch_mmio_map(uint64_t pa, uint64_t size)
{
	FUZZ_CHECK(pa == BAR0 + TABLE_OFFSET && size <= 2 * PAGE_SIZE, "mmio map %#llx+%#llx",
		   (unsigned long long)pa, (unsigned long long)size);
	return table_page;
}

int iommu_intr_set(uint16_t segment, uint16_t bdf, unsigned int index, const struct iommu_intr_target *t,
		   struct iommu_msi *msg)
{
	uint32_t dest = t->dest;
	uint8_t vector = t->vector;

	if (!remapping)
		return -ENOSYS;
	FUZZ_CHECK(!t->level, "a guest's message remapped as level-triggered");
	FUZZ_CHECK(bdf == BDF && index < REMAP_ENTRIES, "remapping entry %u of %#x", index, bdf);
	FUZZ_CHECK(vector >= 32 && (dest == 3 || dest == 5), "remapped to %u/%#x", dest, vector);
	remap[index] = (struct remap_entry){ true, dest, vector };
	msg->addr = 0xfee00000u;
	msg->data = index;
	msg->handle = index;
	return 0;
}

int vdev_io_register(struct domain *d, uint16_t base, uint16_t count, vdev_io_fn fn, void *opaque)
{
	io = (struct vdev_io_range){ base, count, fn, opaque };
	return 0;
}

int vdev_mmio_register_stores(struct domain *d, gpa_t base, uint64_t size, const char *what, unsigned int sizes,
			      vdev_mmio_store_fn fn, void *opaque)
{
	FUZZ_CHECK(gpa_addr(base) == BAR0 + TABLE_OFFSET, "trap at %#llx", (unsigned long long)gpa_addr(base));
	mmio = (struct vdev_mmio_range){ .base = base, .size = size, .store_fn = fn, .sizes = sizes, .opaque = opaque };
	return 0;
}

/* ---- virtio functions (guest_virtio_pci.c): their BAR4s, the core's side checks what reaches it ---- */

#define VIRTIO_WINDOW (SHM_REGS - GUEST_VIRTIO_BARS_SIZE)
#define VIRTIO_PORT(dev, q) (40 + 10 * (dev) + (q))
#define MAX_VIRTIO 2
static struct vdev_mmio_range virtio_bar[MAX_VIRTIO];
static unsigned int nr_virtio;
static struct xl_virtio_op virtio_added[MAX_VIRTIO];
static uint64_t clock_us;
static bool raise_allowed; /* only a virtio function raises, and only when the guest or dom0 touches it */
static bool notify_allowed; /* only the guest's accesses to a BAR4 notify */
static struct domain *fuzzed_domain;

int vdev_mmio_register_device(struct domain *d, gpa_t base, uint64_t size, const char *what, unsigned int sizes,
			      vdev_mmio_load_fn load_fn, vdev_mmio_store_fn store_fn, void *opaque)
{
	FUZZ_CHECK(nr_virtio < MAX_VIRTIO && gpa_addr(base) == VIRTIO_WINDOW + nr_virtio * GUEST_VIRTIO_BAR_SIZE &&
			   size == GUEST_VIRTIO_BAR_SIZE && sizes == (1 | 2 | 4 | 8) && load_fn && store_fn,
		   "a virtio function's registers at %#llx+%#llx", (unsigned long long)gpa_addr(base),
		   (unsigned long long)size);
	virtio_bar[nr_virtio] = (struct vdev_mmio_range){ .base = base, .size = size, .store_fn = store_fn,
							  .load_fn = load_fn, .sizes = sizes, .opaque = opaque };
	return 0;
}

uint64_t time_since_boot_us(void)
{
	return clock_us;
}

void arch_event_raise(struct vcpu *v, uint8_t vector)
{
	struct domain *d = fuzzed_domain;
	bool ours = false;

	FUZZ_CHECK(raise_allowed, "vector %u raised by no virtio function", vector);
	FUZZ_CHECK(vector >= 32, "vector %u raised", vector);
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		ours |= d->vcpus[i] == v;
	FUZZ_CHECK(ours && v->domain == d, "a vector raised on a vCPU not the guest's");
	if (fuzz_verbose())
		fprintf(stderr, "virtio: vector %#x raised on vCPU %u\n", vector, v->id);
}

static int virtio_notify(struct domain *d, uint32_t port)
{
	bool known = false;

	FUZZ_CHECK(notify_allowed, "a notification on port %u not from the guest's access", port);
	FUZZ_CHECK(d == fuzzed_domain, "a notification from another domain");
	for (unsigned int dev = 0; dev < nr_virtio; dev++)
		for (unsigned int q = 0; q < virtio_added[dev].nr_queues; q++)
			known |= port == VIRTIO_PORT(dev, q);
	FUZZ_CHECK(known, "a notification on port %u, no queue's", port);
	if (fuzz_verbose())
		fprintf(stderr, "virtio: notification on port %u\n", port);
	return 0;
}

static const struct virtio_device_ops virtio_ops = { virtio_notify };

/* Input: how many devices, then each one's queues, queue_max, config_len, features. */
static void add_virtio(struct domain *d, struct fuzz_in *in)
{
	unsigned int n = fuzz_u8(in) % (MAX_VIRTIO + 1);

	nr_virtio = 0;
	memset(virtio_bar, 0, sizeof(virtio_bar));
	for (unsigned int dev = 0; dev < n; dev++) {
		struct xl_virtio_op *op = &virtio_added[dev];
		int r;

		*op = (struct xl_virtio_op){ .op = XL_VIRTIO_ADD, .device_id = 1 + fuzz_u8(in) % 63,
					     .nr_queues = 1 + fuzz_u8(in) % XL_VIRTIO_MAX_QUEUES,
					     .queue_max = 1u << fuzz_u8(in) % 11,
					     .config_len = fuzz_u8(in) % (XL_VIRTIO_CONFIG_MAX + 1),
					     .device_features = fuzz_u64(in) | XL_VIRTIO_F_VERSION_1 };
		for (unsigned int q = 0; q < XL_VIRTIO_MAX_QUEUES; q++)
			op->ports[q] = VIRTIO_PORT(dev, q);
		for (unsigned int i = 0; i < XL_VIRTIO_CONFIG_MAX; i++)
			op->config[i] = (uint8_t)(i * 7 + dev);
		r = arch_virtio_add(d, op, VIRTIO_WINDOW, &virtio_ops);
		FUZZ_CHECK(r == (int)dev, "arch_virtio_add() %d", r);
		nr_virtio++;
	}
}

/* Input: device, size, offset (aligned to the size, as the engine takes only those), value. */
static void virtio_access(struct vcpu *v, struct fuzz_in *in)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int dev = fuzz_u8(in) % MAX_VIRTIO, size = sizes[fuzz_u8(in) % 4], pick = fuzz_u8(in);
	uint64_t off = fuzz_u16(in), value = fuzz_u64(in), got;

	if (dev >= nr_virtio)
		return;
	if (pick & 0x80) { /* past the last BAR: nothing there (the engine hands over no such address) */
		gpa_t past = gpa_init(VIRTIO_WINDOW + nr_virtio * GUEST_VIRTIO_BAR_SIZE + (off % 0x1000 & ~7ULL));

		virtio_bar[dev].store_fn(v, past, value, 8, virtio_bar[dev].opaque);
		got = virtio_bar[dev].load_fn(v, past, 8, virtio_bar[dev].opaque);
		FUZZ_CHECK(got == ~0ULL, "a load past the virtio BARs read %#llx", (unsigned long long)got);
		return;
	}
	/* mostly the structures' first bytes (common configuration, notify, the table), anywhere else too */
	off = pick % 4 == 0 ? off % 0x40 : pick % 4 == 1 ? 0x3000 + off % 0x40 : pick % 4 == 2 ? 0x4000 + off % 0x100
										   : off % GUEST_VIRTIO_BAR_SIZE;
	off &= ~(uint64_t)(size - 1);
	if (size < 8)
		value &= (1ULL << (8 * size)) - 1;
	raise_allowed = notify_allowed = true;
	if (fuzz_u8(in) & 1) {
		virtio_bar[dev].store_fn(v, gpa_init(gpa_addr(virtio_bar[dev].base) + off), value, size,
					 virtio_bar[dev].opaque);
	} else {
		got = virtio_bar[dev].load_fn(v, gpa_init(gpa_addr(virtio_bar[dev].base) + off), size,
					      virtio_bar[dev].opaque);
		(void)got;
	}
	raise_allowed = notify_allowed = false;
}

/* Input: a port (a queue's, mostly), or a request of dom0's (RESET_DONE, STATE), or time passing. */
static void virtio_core(struct domain *d, struct fuzz_in *in)
{
	uint8_t what = fuzz_u8(in);
	uint32_t x = fuzz_u32(in);
	struct xl_virtio_op out;

	raise_allowed = true;
	switch (what % 4) {
	case 0:
		arch_virtio_interrupt(d, VIRTIO_PORT((x & 0xff) % 3, (x >> 8) % (XL_VIRTIO_MAX_QUEUES + 1)));
		break;
	case 1:
		arch_virtio_interrupt(d, x);
		break;
	case 2:
		if (x & 1)
			(void)arch_virtio_state(d, (x >> 1) % 4, &out);
		else
			(void)arch_virtio_reset_done(d, (x >> 1) % 4, x >> 8 & 7);
		break;
	default:
		clock_us += x % 2000000;
		break;
	}
	raise_allowed = false;
}

/* What the guest cannot change of a virtio function, and what the driver's writes may make. */
static void check_virtio(struct domain *d)
{
	struct guest_pci *bus = d->arch.guest_pci;

	FUZZ_CHECK(bus->nr_virtio == nr_virtio, "%u virtio functions", bus->nr_virtio);
	for (unsigned int dev = 0; dev < nr_virtio; dev++) {
		const struct guest_virtio_fn *f = &bus->virtio[dev];
		const struct xl_virtio_op *op = &virtio_added[dev];

		FUZZ_CHECK(f->bar == VIRTIO_WINDOW + dev * GUEST_VIRTIO_BAR_SIZE && f->nr_queues == op->nr_queues &&
				   f->queue_max == op->queue_max && f->config_len == op->config_len &&
				   f->device_features == op->device_features &&
				   !memcmp(f->config, op->config, sizeof(f->config)) &&
				   !memcmp(f->ports, op->ports, sizeof(f->ports)),
			   "virtio function %u: what dom0 gave changed", dev);
		FUZZ_CHECK(!(f->msix_pending >> (f->nr_queues + 1)), "a pending bit past the table");
		FUZZ_CHECK(f->msix_config == 0xffff || f->msix_config <= f->nr_queues, "config vector %u",
			   f->msix_config);
		if (f->status & 8)
			FUZZ_CHECK(!(f->driver_features & ~f->device_features) &&
					   f->driver_features & XL_VIRTIO_F_VERSION_1,
				   "FEATURES_OK with features %#llx", (unsigned long long)f->driver_features);
		for (unsigned int q = 0; q < XL_VIRTIO_MAX_QUEUES; q++) {
			const struct xl_virtio_queue *vq = &f->queues[q];

			FUZZ_CHECK(vq->size && !(vq->size & (vq->size - 1)) && vq->size <= f->queue_max,
				   "queue %u's size %u", q, vq->size);
			FUZZ_CHECK(vq->msix_vector == 0xffff || vq->msix_vector <= f->nr_queues, "queue %u's vector %u",
				   q, vq->msix_vector);
			FUZZ_CHECK(q < f->nr_queues || (!vq->enabled && !vq->desc && !vq->driver && !vq->device),
				   "queue %u past the device's set up", q);
		}
	}
}

/* ---- the function ----------------------------------------------------------------- */

static void put16(unsigned int off, uint16_t v)
{
	memcpy(config + off, &v, 2);
}

static void put32(unsigned int off, uint32_t v)
{
	memcpy(config + off, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void make_function(unsigned int entries)
{
	memset(config, 0, sizeof(config));
	put32(0x00, 0x00101b36);
	put16(0x04, 0x0006); /* memory, bus master */
	put16(0x06, 0x0010); /* capability list */
	put32(0x08, 0x01080200);
	put32(0x10, (uint32_t)BAR0 | 0x4); /* 64-bit memory BAR */
	put32(0x14, 0);
	config[0x34] = CAP_MSI;
	config[CAP_MSI] = 0x05;
	config[CAP_MSI + 1] = CAP_MSIX;
	put16(CAP_MSI + 2, 0x0180 | (3 << 1)); /* 64-bit, per-vector masks, 8 vectors offered */
	config[CAP_MSIX] = 0x11;
	config[CAP_MSIX + 1] = CAP_EXP;
	put16(CAP_MSIX + 2, (uint16_t)(entries - 1));
	put32(CAP_MSIX + 4, TABLE_OFFSET); /* BIR 0 */
	put32(CAP_MSIX + 8, 0x8000);
	config[CAP_EXP] = 0x10;
	config[CAP_EXP + 1] = 0;
	put32(CAP_EXP + 4, 1u << 28); /* FLR offered */
	memcpy(exp_cap_before, config + CAP_EXP, sizeof(exp_cap_before));
}

static bool guest_destination(uint64_t addr, uint32_t data)
{
	uint32_t dest = (uint32_t)(addr >> 12) & 0xff;

	return (addr & ~0xff000ULL) == 0xfee00000u && (dest == 3 || dest == 5) && (data & 0xff) >= 32 &&
	       !(data & ~0xffu);
}

/* What the device may send, given what the hypervisor wrote into it. */
static void check_message(uint64_t addr, uint32_t data, const char *what)
{
	if (remapping) {
		FUZZ_CHECK(addr == 0xfee00000u && data < REMAP_ENTRIES && remap[data].set,
			   "%s sends %#llx/%#x, no entry of its own", what, (unsigned long long)addr, data);
		return;
	}
	FUZZ_CHECK(guest_destination(addr, data), "%s sends %#llx/%#x", what, (unsigned long long)addr, data);
}

static void check_device(unsigned int entries)
{
	uint16_t msi_ctrl;

	memcpy(&msi_ctrl, config + CAP_MSI + 2, 2);
	if (msi_ctrl & 1) {
		FUZZ_CHECK(!(msi_ctrl & (7 << 4)), "MSI with more than one vector");
		check_message(get32(config + CAP_MSI + 4) | (uint64_t)get32(config + CAP_MSI + 8) << 32,
			      get32(config + CAP_MSI + 12) & 0xffff, "MSI");
	}
	for (unsigned int i = 0; i < entries; i++) {
		const uint8_t *e = table_page + 16 * i;

		if (!(get32(e + 12) & 1))
			check_message(get32(e) | (uint64_t)get32(e + 4) << 32, get32(e + 8), "an MSI-X entry");
	}
	FUZZ_CHECK(get32(config + 0x10) == ((uint32_t)BAR0 | 0x4) && get32(config + 0x14) == 0, "the BAR moved");
	FUZZ_CHECK(config[0x04] & 0x2, "memory decoding off");
	FUZZ_CHECK(!memcmp(exp_cap_before, config + CAP_EXP, sizeof(exp_cap_before)), "PCI Express changed");
}

/* ---- the guest -------------------------------------------------------------------- */

/* Input: port, size, direction, value, then a selector; 0 mod 4: a well-formed address instead. */
static void config_access(struct vcpu *v, struct fuzz_in *in)
{
	static const uint8_t sizes[] = { 1, 2, 4 };
	struct io_access a = { 0 };

	a.port = (uint16_t)(0xcf8 + fuzz_u8(in) % 8);
	a.size = sizes[fuzz_u8(in) % 3];
	a.in = fuzz_u8(in) & 1;
	a.value = fuzz_u32(in);
	if (fuzz_u8(in) % 4 == 0) { /* the bridge (slot 0), the function (1), virtio's, the segment's, nothing */
		uint32_t slot = fuzz_u8(in) % 6;

		a.port = 0xcf8;
		a.size = 4;
		a.in = false;
		a.value = 0x80000000u | slot << 11 | (fuzz_u8(in) & 0xfcu);
	}
	FUZZ_CHECK(io.fn(v, &a, io.opaque) == VDEV_IO_DONE, "a port access not done");
}

/* Input: size, an offset in or around the trapped pages, a selector (odd: an entry's field), value. */
static void table_store(struct vcpu *v, struct fuzz_in *in)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int size = sizes[fuzz_u8(in) % 4];
	uint64_t at = gpa_addr(mmio.base) + fuzz_u16(in) % (mmio.size + 16);

	if (fuzz_u8(in) & 1) {
		uint64_t entry = fuzz_u16(in) % 64;

		at = gpa_addr(mmio.base) + entry * 16 + (fuzz_u8(in) % 4) * 4;
	}
	mmio.store_fn(v, gpa_init(at), fuzz_u64(in), size, mmio.opaque);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct domain d;
	static struct vcpu vcpus[NR_CPUS];
	uint8_t mode = fuzz_u8(&in);
	unsigned int entries = 1 + fuzz_u16(&in) % 300;

	clock_us = 0;
	fuzzed_domain = &d;
	int err;

	remapping = mode & 1;
	memset(remap, 0, sizeof(remap));
	memset(&d, 0, sizeof(d));
	d.id = 7;
	strcpy(d.name, "fuzzed");
	d.nr_vcpus = NR_CPUS;
	for (unsigned int i = 0; i < NR_CPUS; i++) {
		vcpus[i] = (struct vcpu){ .domain = &d, .id = i, .pcpu = i + 1 };
		d.vcpus[i] = &vcpus[i];
	}
	d.nr_pci = 1;
	d.pci[0] = (struct domain_pci){ .segment = 0, .bdf = BDF };
	d.pci[0].bar[0] = BAR0;
	d.pci[0].bar_size[0] = BAR0_SIZE;
	make_function(entries);
	if (!table_page)
		table_page = malloc(2 * PAGE_SIZE);
	memset(table_page, 0, 2 * PAGE_SIZE);
	memset(&io, 0, sizeof(io));
	memset(&mmio, 0, sizeof(mmio));

	err = guest_pci_init(&d);
	FUZZ_CHECK(!err && io.fn && mmio.store_fn, "guest_pci_init() %d", err);
	{
		struct xl_shm_mapping m = { .name = "fuzzring", .gpa = XL_SHM_GPA_BASE, .size = 3 << 20 };

		memset(&shm_regs, 0, sizeof(shm_regs));
		add_virtio(&d, &in); /* at ADD, before the guest first runs: before its segments */
		guest_shm_pci_take(&d, &m, 1, SHM_REGS, &shm_ops);
		FUZZ_CHECK(shm_regs.fn && shm_regs.read_fn, "the segment's registers not registered");
	}
	for (unsigned int i = 0; i < (entries < 256 ? entries : 256); i++)
		FUZZ_CHECK(get32(table_page + 16 * i + 12) & 1, "entry %u not masked at the start", i);
	while (in.len) {
		struct vcpu *v = &vcpus[fuzz_u8(&in) % NR_CPUS];

		uint8_t what = fuzz_u8(&in) % 6;

		if (what < 2) {
			raise_allowed = true; /* a virtio function's MSI-X enabled: what it held goes */
			config_access(v, &in);
			raise_allowed = false;
		} else if (what == 2) {
			table_store(v, &in);
		} else if (what == 3) {
			shm_register_access(v, &in);
		} else if (what == 4) {
			virtio_access(v, &in);
		} else {
			virtio_core(&d, &in);
		}
		check_device(entries);
		check_virtio(&d);
	}
	guest_pci_free(&d);
	return 0;
}
