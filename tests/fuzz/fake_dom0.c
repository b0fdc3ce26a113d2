/* The fake node of the hypercall harnesses: see fake_dom0.h. */
#include "fake_dom0.h"
#include "fake_pool.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen-lite-abi.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/console.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest.h>
#include <xen-lite/guest_linux.h>
#include <xen-lite/guest_loader.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/heap.h>
#include <xen-lite/mm.h>
#include <xen-lite/pcpu.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/iommu.h>
#include <xen-lite/pci_devices.h>

#define NR_CPUS 8
#define MAX_GUESTS 6
#define DOM0_VCPUS 4
#define IMAGES_KEPT_MAX (1u << 20) /* larger images are only bounds-checked, not allocated */
#define HOLE 0x1000 /* between dom0's two blocks, when it has two */
#define POOL_PAGES 1280 /* 5 MiB of guest pool: two 2 MiB blocks, then pages */

/* flags byte */
#define F_HOLE 0x01
/* failures to inject (second byte) */
#define FAIL_CREATE 0x01
#define FAIL_IMAGES 0x02
#define FAIL_LAUNCH 0x04

static struct domain dom0;
static struct vcpu dom0_vcpus[DOM0_VCPUS];
static uint8_t *ram; /* dom0's RAM, at host-physical 0 */
static size_t ram_size;
static struct domain *guests[MAX_GUESTS];
static bool locked;
static uint32_t next_id;
static uint8_t fail;
static uint64_t log_head, clock_us;
static char images_not_kept; /* d->images of a domain whose images are only bounds-checked */

/* ---- memory ------------------------------------------------------------------ */

void *phys_to_virt(uint64_t pa)
{
	void *pool = fake_pool_virt(pa); /* the guest pool: shared segments' memory */

	if (pool)
		return pool;
	FUZZ_CHECK(pa <= ram_size, "phys_to_virt(%#llx) outside dom0's RAM and the pool", (unsigned long long)pa);
	return ram + pa;
}

void *xl_zalloc(size_t size)
{
	FUZZ_CHECK(size <= (1u << 20), "xl_zalloc(%zu)", size);
	return size ? calloc(1, size) : NULL;
}

void xl_free(void *p)
{
	free(p);
}

void mm_get_stats(struct mm_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->managed = 8ULL << 30;
	s->free = 4ULL << 30;
}

uint64_t domain_memory(const struct domain *d)
{
	return d->mem_size;
}

/* ---- CPUs, time, the log ring -------------------------------------------------- */

unsigned int arch_cpus_online(void)
{
	return NR_CPUS;
}

uint32_t arch_cpu_apic_id(unsigned int cpu)
{
	FUZZ_CHECK(cpu < NR_CPUS, "arch_cpu_apic_id(%u)", cpu);
	return 2 * cpu;
}

uint64_t arch_tsc_khz(void)
{
	return 2000000;
}

uint64_t time_since_boot_us(void)
{
	return clock_us += 10;
}

uint64_t log_ring_head(void)
{
	return log_head;
}

/* xen-lite/console.c's reading rules; the text is all 'L' */
size_t log_ring_read(uint64_t *pos, char *buf, size_t len)
{
	size_t n = 0;

	if (log_head - *pos > LOG_RING_SIZE)
		*pos = log_head - LOG_RING_SIZE;
	while (n < len && *pos < log_head) {
		buf[n++] = 'L';
		(*pos)++;
	}
	return n;
}

/* ---- domains ------------------------------------------------------------------ */

static struct domain **slot_of(const struct domain *d)
{
	for (unsigned int i = 0; i < MAX_GUESTS; i++)
		if (guests[i] && guests[i] == d)
			return &guests[i];
	return NULL;
}

static void free_images(struct domain *d)
{
	if (d->images != &images_not_kept)
		free(d->images);
	d->images = NULL;
}

static void (*teardown)(struct domain *d);

void fake_node_set_teardown(void (*fn)(struct domain *d))
{
	teardown = fn;
}

static void free_guest(struct domain *d)
{
	if (teardown)
		teardown(d); /* as the real destroy: before anything of it goes */
	/* as the real destroy: the guest's devices back into the empty space first */
	FUZZ_CHECK(!pci_release_domain(d), "a guest's devices could not be taken back");
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		pcpu_release(d->vcpus[i]->pcpu);
		free(d->vcpus[i]);
	}
	free_images(d);
	*slot_of(d) = NULL;
	free(d);
}

/* A guest on these CPUs (all free), in a free slot; NULL if none is left. */
static struct domain *new_guest(const char *name, uint32_t type, uint64_t mem,
				const unsigned int *cpus, unsigned int nr_vcpus)
{
	struct domain **slot = NULL, *d;

	for (unsigned int i = 0; i < MAX_GUESTS && !slot; i++)
		if (!guests[i])
			slot = &guests[i];
	if (!slot)
		return NULL;
	d = calloc(1, sizeof(*d));
	FUZZ_CHECK(d, "out of memory");
	d->id = next_id++;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->guest_type = type;
	d->mem_size = d->mem_end = d->unscrubbed = mem;
	d->created_us = clock_us;
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		d->vcpus[i] = calloc(1, sizeof(struct vcpu));
		FUZZ_CHECK(d->vcpus[i], "out of memory");
		d->vcpus[i]->domain = d;
		d->vcpus[i]->id = i;
		d->vcpus[i]->pcpu = cpus[i];
		d->vcpus[i]->exits[EXIT_HYPERCALL] = i + 1;
		FUZZ_CHECK(pcpu_claim(cpus[i], d) == 0, "CPU %u given to d%u is not free", cpus[i], d->id);
	}
	d->nr_vcpus = nr_vcpus;
	*slot = d;
	return d;
}

struct domain *domain_find(uint32_t id)
{
	if (id == dom0.id)
		return &dom0;
	for (unsigned int i = 0; i < MAX_GUESTS; i++)
		if (guests[i] && guests[i]->id == id)
			return guests[i];
	return NULL;
}

/* xen-lite/domain.c's rules: a dying domain is not found */
int domain_call_locked(uint32_t id, int (*fn)(struct domain *d, void *ctx), void *ctx)
{
	struct domain *d = domain_find(id);

	return !d || d->state == DOMAIN_DYING ? -ENOENT : fn(d, ctx);
}

int domain_call(uint32_t id, int (*fn)(struct domain *d, void *ctx), void *ctx)
{
	return domain_call_locked(id, fn, ctx);
}

bool domain_name_taken(const char *name)
{
	if (!strncmp(dom0.name, name, sizeof(dom0.name)))
		return true;
	for (unsigned int i = 0; i < MAX_GUESTS; i++)
		if (guests[i] && !strncmp(guests[i]->name, name, sizeof(guests[i]->name)))
			return true;
	return false;
}

void domain_for_each(void (*fn)(const struct domain *d, void *ctx), void *ctx)
{
	fn(&dom0, ctx);
	for (unsigned int i = 0; i < MAX_GUESTS; i++)
		if (guests[i])
			fn(guests[i], ctx);
}

void domains_memory(uint64_t *d0, uint64_t *others)
{
	*d0 = dom0.mem_size;
	*others = 0;
	for (unsigned int i = 0; i < MAX_GUESTS; i++)
		if (guests[i])
			*others += guests[i]->mem_size;
}

static void check_guest(const struct domain *d, const char *what)
{
	FUZZ_CHECK(d != &dom0 && !d->privileged, "%s dom0", what);
	FUZZ_CHECK(slot_of(d), "%s a domain that does not exist", what);
}

int domain_destroy(struct domain *d)
{
	check_guest(d, "domain_destroy():");
	free_guest(d);
	return 0;
}

void domain_log_exits(const struct domain *d)
{
	(void)d;
}

int domain_pause(struct domain *d)
{
	check_guest(d, "domain_pause():");
	if (d->state != DOMAIN_RUNNING)
		return -EINVAL;
	d->state = DOMAIN_PAUSED;
	return 0;
}

int domain_unpause(struct domain *d)
{
	check_guest(d, "domain_unpause():");
	/* a building domain starts only once built (START, CREATE_ELF) */
	FUZZ_CHECK(d->state != DOMAIN_BUILDING, "domain_unpause() of a domain still building");
	if (d->state != DOMAIN_PAUSED)
		return -EINVAL;
	d->state = DOMAIN_RUNNING;
	return 0;
}

uint64_t domain_scrub(struct domain *d, uint64_t budget)
{
	check_guest(d, "domain_scrub():");
	FUZZ_CHECK(d->state == DOMAIN_BUILDING, "domain_scrub() of a domain that runs");
	d->unscrubbed -= MIN(budget, d->unscrubbed);
	return d->unscrubbed;
}

bool domain_has_ended(const struct domain *d)
{
	return d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_CRASHED || d->state == DOMAIN_DYING;
}

void domain_shutdown(struct domain *d, int reason)
{
	FUZZ_CHECK(reason == XL_SHUTDOWN_POWEROFF || reason == XL_SHUTDOWN_REBOOT,
		   "domain_shutdown(%d)", reason);
	d->shutdown_reason = reason;
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->crash_reason, sizeof(d->crash_reason), fmt, ap);
	va_end(ap);
}

/* ---- the guest lifecycle (xen-lite/guest.c): what the DOMCTL handlers must have checked ---- */

void guest_lifecycle_lock(void)
{
	FUZZ_CHECK(!locked, "the lifecycle lock taken twice");
	locked = true;
}

void guest_lifecycle_unlock(void)
{
	FUZZ_CHECK(locked, "the lifecycle lock released but not held");
	locked = false;
}

static size_t bounded_len(const char *s, size_t max)
{
	const char *nul = s ? memchr(s, '\0', max) : NULL;

	return nul ? (size_t)(nul - s) : max;
}

struct domain *guest_create(const struct guest_config *c, int *err)
{
	bool linux = c->type == XL_GUEST_LINUX;
	struct domain *d;

	FUZZ_CHECK(locked, "guest_create() without the lock");
	FUZZ_CHECK(c->name && c->name[0] && bounded_len(c->name, DOMAIN_NAME_MAX) < DOMAIN_NAME_MAX,
		   "guest_create(): bad name");
	FUZZ_CHECK(c->cmdline && bounded_len(c->cmdline, XL_CMDLINE_MAX) < XL_CMDLINE_MAX,
		   "guest_create(): command line too long");
	FUZZ_CHECK(c->type == XL_GUEST_ELF || linux, "guest_create(): type %u", c->type);
	FUZZ_CHECK(c->mem % PAGE_SIZE == 0 && c->mem >= (linux ? GUEST_LINUX_MIN_MEM : 2ULL << 20) &&
			   c->mem <= (linux ? GUEST_LINUX_MAX_MEM : GUEST_START_MAX_MEM),
		   "guest_create(): %#llx bytes of memory for a %s guest", (unsigned long long)c->mem,
		   linux ? "Linux" : "ELF");
	FUZZ_CHECK(c->end_actions.on_poweroff <= GUEST_END_RESTART &&
			   c->end_actions.on_reboot <= GUEST_END_RESTART &&
			   c->end_actions.on_crash <= GUEST_END_RESTART,
		   "guest_create(): an end action out of range");
	FUZZ_CHECK(c->nr_vcpus >= 1 && c->nr_vcpus <= XL_MAX_GUEST_VCPUS && (linux || c->nr_vcpus == 1),
		   "guest_create(): %u vCPUs", c->nr_vcpus);
	for (unsigned int i = 0; i < c->nr_vcpus; i++) {
		FUZZ_CHECK(pcpu_is_free(c->cpus[i]), "guest_create(): CPU %u is not free", c->cpus[i]);
		for (unsigned int j = 0; j < i; j++)
			FUZZ_CHECK(c->cpus[i] != c->cpus[j], "guest_create(): CPU %u twice", c->cpus[i]);
	}
	d = fail & FAIL_CREATE ? NULL : new_guest(c->name, c->type, c->mem, c->cpus, c->nr_vcpus);
	if (!d) {
		*err = -ENOMEM;
		return NULL;
	}
	snprintf(d->cmdline, sizeof(d->cmdline), "%s", c->cmdline);
	d->end_actions = c->end_actions;
	return d;
}

int guest_alloc_images(struct domain *d, uint64_t kernel_size, uint64_t ramdisk_size)
{
	uint64_t total = kernel_size + ramdisk_size;

	check_guest(d, "guest_alloc_images():");
	FUZZ_CHECK(locked && d->state == DOMAIN_BUILDING && !d->images,
		   "guest_alloc_images() for a domain not building or with images");
	FUZZ_CHECK(kernel_size >= 1 && kernel_size <= XL_DOMCTL_MAX_IMAGE &&
			   ramdisk_size <= XL_DOMCTL_MAX_RAMDISK,
		   "guest_alloc_images(%#llx, %#llx)", (unsigned long long)kernel_size,
		   (unsigned long long)ramdisk_size);
	if (fail & FAIL_IMAGES)
		return -ENOMEM;
	d->images = total <= IMAGES_KEPT_MAX ? calloc(1, total) : &images_not_kept;
	FUZZ_CHECK(d->images, "out of memory");
	d->kernel_size = kernel_size;
	d->ramdisk_size = ramdisk_size;
	return 0;
}

int guest_load_images(struct domain *d, uint64_t offset, struct domain *from, gpa_t src,
		      uint64_t len)
{
	uint64_t total = d->kernel_size + d->ramdisk_size;

	check_guest(d, "guest_load_images():");
	FUZZ_CHECK(locked && d->state == DOMAIN_BUILDING && d->images,
		   "guest_load_images() into a domain not building or without images");
	FUZZ_CHECK(from == &dom0, "guest_load_images() from another domain than the caller");
	/* guest.c copies straight to images + offset: the handler must have bounded it */
	FUZZ_CHECK(offset <= total && len <= total - offset,
		   "guest_load_images(): %#llx bytes at offset %#llx of %#llx bytes of images",
		   (unsigned long long)len, (unsigned long long)offset, (unsigned long long)total);
	if (d->images != &images_not_kept)
		return copy_from_guest(from, (uint8_t *)d->images + offset, src, len);
	return domain_range_is_ram(from, src, len) ? 0 : -EFAULT;
}

int guest_launch(struct domain *d)
{
	check_guest(d, "guest_launch():");
	FUZZ_CHECK(locked && d->state == DOMAIN_BUILDING && d->images,
		   "guest_launch() of a domain not building or without images");
	if (fail & FAIL_LAUNCH) {
		free_guest(d); /* a domain that cannot start is destroyed */
		return -ENOEXEC;
	}
	d->state = DOMAIN_RUNNING;
	if (!guest_end_restarts(&d->end_actions))
		free_images(d);
	return 0;
}

int guest_request_shutdown(struct domain *d, uint64_t flags)
{
	int reason = flags & XL_SHUTDOWN_REBOOT_FLAG ? XL_SHUTDOWN_REBOOT : XL_SHUTDOWN_POWEROFF;

	check_guest(d, "guest_request_shutdown():");
	FUZZ_CHECK(locked, "guest_request_shutdown() without the lock");
	FUZZ_CHECK(!(flags & ~(XL_SHUTDOWN_REBOOT_FLAG | XL_SHUTDOWN_HARD_FLAG | XL_SHUTDOWN_ASKABLE_FLAG)),
		   "guest_request_shutdown(%#llx)", (unsigned long long)flags);
	if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED)
		return -EINVAL;
	if (flags & XL_SHUTDOWN_HARD_FLAG) {
		domain_shutdown(d, reason);
		d->state = DOMAIN_SHUTDOWN;
		return 0;
	}
	if (reason == XL_SHUTDOWN_REBOOT && !d->takes_reboot_requests)
		return -EOPNOTSUPP;
	if ((flags & XL_SHUTDOWN_ASKABLE_FLAG) && !d->takes_shutdown_requests)
		return -EOPNOTSUPP;
	d->shutdown_asked = reason == XL_SHUTDOWN_REBOOT ? XL_ASKED_REBOOT : XL_ASKED_POWEROFF;
	return 0;
}

/* ---- the node -------------------------------------------------------------------- */

static void add_block(uint64_t gpa, uint64_t hpa, uint64_t size)
{
	struct mem_block *b = &dom0.blocks[dom0.nr_blocks++];

	b->gpa = gpa_init(gpa);
	b->hpa = hpa_init(hpa);
	b->size = size;
	dom0.mem_end = gpa + size;
}

/* A guest that was there before the calls: its state, vCPUs, images and console from the input. */
static void take_guest(struct fuzz_in *in)
{
	unsigned int cpus[3], n = 1 + fuzz_u8(in) % 3, got = 0;
	uint8_t how = fuzz_u8(in);
	struct domain *d;

	for (unsigned int c = 1; c < NR_CPUS && got < n; c++)
		if (pcpu_is_free(c))
			cpus[got++] = c;
	d = got == n ? new_guest("guest", how & 0x40 ? XL_GUEST_LINUX : XL_GUEST_ELF, 64ULL << 20,
				 cpus, n) :
		       NULL;
	if (!d)
		return;
	d->state = (enum domain_state)(how % 6);
	/* the same action for every end: what the DOMCTL handlers see of them is alike */
	d->end_actions.on_crash = how & 0x08 ? GUEST_END_DESTROY : how & 0x10 ? GUEST_END_RESTART :
						 GUEST_END_PRESERVE;
	d->end_actions.on_poweroff = d->end_actions.on_reboot = d->end_actions.on_crash;
	d->takes_reboot_requests = how & 0x04;
	d->takes_shutdown_requests = d->takes_reboot_requests || (how & 0x02);
	if (how & 0x20) {
		d->kernel_size = 1 + fuzz_u16(in);
		d->ramdisk_size = how & 0x80 ? fuzz_u16(in) : 0;
		d->images = calloc(1, d->kernel_size + d->ramdisk_size);
	}
	d->console_head = fuzz_u16(in) % (2 * DOMAIN_CONSOLE_RING);
	d->console_read = d->console_head - MIN(d->console_head, DOMAIN_CONSOLE_RING);
	d->console_in_count = fuzz_u8(in);
}

static struct vcpu *fake_node_begin(const uint8_t *data, size_t size, struct fuzz_in *in)
{
	uint8_t flags;
	unsigned int n;

	in->p = data;
	in->len = size;
	flags = fuzz_u8(in);
	fail = fuzz_u8(in);
	ram = malloc(size ? size : 1); /* exactly the input: ASan sees any access past it */
	FUZZ_CHECK(ram, "out of memory");
	memcpy(ram, data, size);
	ram_size = size;

	fake_pool_reset(POOL_PAGES);
	memset(&dom0, 0, sizeof(dom0));
	memset(dom0_vcpus, 0, sizeof(dom0_vcpus));
	strcpy(dom0.name, "dom0");
	dom0.privileged = true;
	dom0.state = DOMAIN_RUNNING;
	dom0.mem_size = size;
	dom0.nr_vcpus = 1 + (flags >> 4) % DOM0_VCPUS;
	for (unsigned int i = 0; i < dom0.nr_vcpus; i++) {
		dom0_vcpus[i].domain = &dom0;
		dom0_vcpus[i].id = i;
		dom0_vcpus[i].pcpu = i;
		dom0.vcpus[i] = &dom0_vcpus[i];
		FUZZ_CHECK(pcpu_claim(i, &dom0) == 0, "dom0 cannot have CPU %u", i);
	}
	if (flags & F_HOLE) {
		uint64_t split = (uint64_t)(fuzz_u8(in) + 1) * 256;

		split = MIN(split, (uint64_t)size);
		add_block(0, 0, split);
		if (size > split)
			add_block(split + HOLE, split, size - split);
	} else if (size) {
		add_block(0, 0, size);
	}
	next_id = 1;
	n = fuzz_u8(in) % 4;
	for (unsigned int i = 0; i < n; i++)
		take_guest(in);
	log_head = fuzz_number(in, LOG_RING_SIZE);
	clock_us = 1000;
	locked = false;
	if (fuzz_verbose()) {
		fprintf(stderr, "node: dom0 RAM %zu bytes, %u vCPUs, failures %#x, log head %#llx\n",
			size, dom0.nr_vcpus, fail, (unsigned long long)log_head);
		for (unsigned int i = 0; i < dom0.nr_blocks; i++)
			fprintf(stderr, "  dom0 block [%#llx, +%#llx) at %#llx\n",
				(unsigned long long)gpa_addr(dom0.blocks[i].gpa),
				(unsigned long long)dom0.blocks[i].size,
				(unsigned long long)hpa_addr(dom0.blocks[i].hpa));
		for (unsigned int i = 0; i < MAX_GUESTS; i++)
			if (guests[i])
				fprintf(stderr, "  d%u: state %u, %u vCPUs, images %llu+%llu\n",
					guests[i]->id, guests[i]->state, guests[i]->nr_vcpus,
					(unsigned long long)guests[i]->kernel_size,
					(unsigned long long)guests[i]->ramdisk_size);
	}
	return &dom0_vcpus[0];
}

uint64_t fake_dom0_mem_end(void)
{
	return dom0.mem_end;
}

const uint8_t *fake_dom0_ram(size_t *size)
{
	*size = ram_size;
	return ram;
}

static fake_dispatch_fn request_dispatch;

static int64_t request(struct vcpu *v, struct fuzz_in *in)
{
	uint64_t a[4];

	a[0] = fuzz_number(in, 0);
	a[1] = fuzz_number(in, dom0.mem_end);
	a[2] = fuzz_number(in, dom0.mem_end);
	a[3] = fuzz_number(in, next_id);
	if (fuzz_verbose())
		fprintf(stderr, "request: op %#llx, buffer %#llx, size %#llx, arg %#llx\n",
			(unsigned long long)a[0], (unsigned long long)a[1], (unsigned long long)a[2],
			(unsigned long long)a[3]);
	return request_dispatch(v, a[0], a[1], a[2], a[3]);
}

static void fake_node_check(int64_t ret)
{
	if (fuzz_verbose())
		fprintf(stderr, "  returned %lld\n", (long long)ret);
	FUZZ_CHECK(!locked, "a handler returned with the lifecycle lock held");
	FUZZ_CHECK(dom0.privileged && dom0.state == DOMAIN_RUNNING && !dom0.shutdown_asked,
		   "dom0 controlled by a request");
	FUZZ_CHECK(ret > -4096, "returned %lld, not an errno", (long long)ret);
}

/* ---- the IOMMU and bus 0: a host bridge at 00:00.0, an endpoint at 00:02.0, an IOMMU at 00:03.0 ---- */

static uint16_t fake_command[256];
static uint32_t fake_bar0 = 0xfea00000; /* 00:02.0's BAR0: 1 MiB of 32-bit memory */
static bool fake_bar0_sizing;

static uint32_t fake_class(uint16_t bdf)
{
	return bdf == 0x00 ? 0x0600 : bdf == 0x10 ? 0x00ff : bdf == 0x18 ? 0x0806 : 0;
}

uint32_t arch_pci_config_read(uint16_t bdf, unsigned int offset, unsigned int size)
{
	FUZZ_CHECK(offset < 256 && size && size <= 4 && !(offset & (size - 1)), "bad config read");
	if (bdf >> 8 || !fake_class(bdf))
		return size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
	if (offset == 0x04)
		return fake_command[bdf];
	if (offset == 0x10 && bdf == 0x10)
		return fake_bar0_sizing ? 0xfff00000u : fake_bar0;
	if (offset > 0x10 && offset < 0x28)
		return 0; /* no other BAR */
	return offset == 0x08 ? fake_class(bdf) << 16 : 0x1234;
}

void arch_pci_config_write(uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value)
{
	/* only a function that passed the checks is written: its command register and BARs */
	FUZZ_CHECK(bdf == 0x10 && ((offset == 0x04 && size == 2) || (offset >= 0x10 && offset < 0x28 && size == 4)),
		   "config write to %#x+%#x", bdf, offset);
	if (offset == 0x04)
		fake_command[bdf] = (uint16_t)value;
	else if (offset == 0x10)
		fake_bar0_sizing = value == 0xffffffffu;
}

int arch_domain_map(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size)
{
	FUZZ_CHECK(!d->privileged && gpa_addr(gpa) == hpa_addr(hpa) && gpa_addr(gpa) >= d->mem_end,
		   "a BAR mapped into dom0, elsewhere than at its address, or on the guest's RAM");
	return 0;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	snprintf(dst, size, "%s", src);
	return strlen(src);
}

void udelay(uint64_t us)
{
}

struct domain *iommu_dom0_domain(void)
{
	return &dom0;
}

int iommu_domain_attach(struct domain *d, uint16_t segment, uint16_t bdf)
{
	FUZZ_CHECK(!d->privileged && !segment && bdf == 0x10, "attached %x:%#x to d%u", segment, bdf, d->id);
	return 0;
}

void iommu_domain_space_free(struct domain *d)
{
}

static const struct iommu_driver fake_iommu = { .name = "fake" };

const struct iommu_driver *iommu_active_driver(void)
{
	return &fake_iommu;
}

int iommu_quarantine_device(uint16_t segment, uint16_t bdf)
{
	FUZZ_CHECK(!segment && bdf == 0x10, "quarantined %x:%#x, which the checks should refuse", segment, bdf);
	return 0;
}

int iommu_return_device(uint16_t segment, uint16_t bdf)
{
	FUZZ_CHECK(!segment && bdf == 0x10, "returned %x:%#x, which was never taken", segment, bdf);
	return 0;
}

void iommu_poll_faults(bool now)
{
}

void iommu_get_status(struct iommu_status *st)
{
	*st = (struct iommu_status){ .driver = "fake", .units = 1, .dma_remap = true };
}

/* what a run took from dom0 is given back: the next run starts from the same node */
static void give_back_devices(void)
{
	struct pci_device_entry e[PCI_MAX_TAKEN];
	unsigned int n = pci_devices_list(e, PCI_MAX_TAKEN);

	for (unsigned int i = 0; i < n && i < PCI_MAX_TAKEN; i++)
		FUZZ_CHECK(!pci_assignable_remove(e[i].segment, e[i].bdf), "cannot give back");
}

static void fake_node_end(void)
{
	for (unsigned int i = 0; i < MAX_GUESTS; i++)
		if (guests[i])
			free_guest(guests[i]); /* their devices back to the assignable list */
	give_back_devices();
	if (teardown)
		teardown(&dom0);
	for (unsigned int i = 0; i < dom0.nr_vcpus; i++)
		pcpu_release(i);
	free(ram);
	ram = NULL;
}

int fake_node_run(const uint8_t *data, size_t size, fake_call_fn call)
{
	struct fuzz_in in;
	struct vcpu *v = fake_node_begin(data, size, &in);
	unsigned int calls = 1 + fuzz_u8(&in) % 8;

	for (unsigned int i = 0; i < calls; i++)
		fake_node_check(call(v, &in));
	fake_node_end();
	return 0;
}

int fake_node_run_requests(const uint8_t *data, size_t size, fake_dispatch_fn dispatch)
{
	request_dispatch = dispatch;
	return fake_node_run(data, size, request);
}
