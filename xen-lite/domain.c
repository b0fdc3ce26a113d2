/* Domain lifecycle and resource ownership (see include/xen-lite/domain.h). */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <xen-lite-abi.h>
#include <xen-lite/arch.h>
#include <xen-lite/assert.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/format.h>
#include <xen-lite/heap.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>
#include <xen-lite/time.h>

#include <stdarg.h>

#define DESTROY_TIMEOUT_US 2000000

static spinlock_t domains_lock = SPINLOCK_INIT;
static struct domain *domains[MAX_DOMAINS];
static uint32_t next_domain_id = 1;
/* which domain owns each physical CPU (NULL: free); CPU 0 is never given out */
static struct domain *pcpu_owner[MAX_CPUS];

static const char *const exit_names[EXIT_REASON_COUNT] = {
	[EXIT_HYPERCALL] = "hypercall", [EXIT_CPUID] = "cpuid", [EXIT_MSR_READ] = "msr-read",
	[EXIT_MSR_WRITE] = "msr-write", [EXIT_IO] = "io", [EXIT_NPF] = "npf",
	[EXIT_HLT] = "hlt", [EXIT_INTR] = "intr", [EXIT_NMI] = "nmi",
	[EXIT_SHUTDOWN] = "shutdown", [EXIT_EXCEPTION] = "exception",
	[EXIT_SVM_INSN] = "svm-insn", [EXIT_XSETBV] = "xsetbv", [EXIT_OTHER] = "other",
};

static const char *const state_names[] = {
	[DOMAIN_BUILDING] = "building", [DOMAIN_RUNNING] = "running", [DOMAIN_PAUSED] = "paused",
	[DOMAIN_SHUTDOWN] = "shutdown", [DOMAIN_CRASHED] = "crashed", [DOMAIN_DYING] = "dying",
};

const char *exit_reason_name(enum exit_reason r)
{
	return r < EXIT_REASON_COUNT ? exit_names[r] : "?";
}

const char *domain_state_name(enum domain_state s)
{
	return s <= DOMAIN_DYING ? state_names[s] : "?";
}

bool pcpu_is_free(unsigned int cpu)
{
	return cpu > 0 && cpu < arch_cpus_online() && !pcpu_owner[cpu];
}

unsigned int pcpus_free(void)
{
	unsigned int n = 0;

	for (unsigned int c = 1; c < arch_cpus_online(); c++)
		n += pcpu_is_free(c);
	return n;
}

struct domain *domain_create(const char *name, bool privileged, int *err)
{
	/* larger than the heap's size classes, so it is whole pages given back on destroy */
	struct domain *d = xl_zalloc(sizeof(*d));
	unsigned int slot;

	*err = -ENOMEM;
	if (!d)
		return NULL;
	spin_lock(&domains_lock);
	for (slot = 0; slot < MAX_DOMAINS && domains[slot]; slot++)
		;
	for (unsigned int i = 0; privileged && i < MAX_DOMAINS; i++)
		if (domains[i] && domains[i]->privileged)
			slot = MAX_DOMAINS; /* there is one dom0 */
	if (slot < MAX_DOMAINS) {
		domains[slot] = d;
		d->id = privileged ? 0 : next_domain_id++;
	}
	spin_unlock(&domains_lock);
	if (slot == MAX_DOMAINS) {
		xl_free(d);
		*err = -ENOSPC;
		return NULL;
	}
	memcpy(d->name, name, MIN(strlen(name), sizeof(d->name) - 1));
	d->state = DOMAIN_BUILDING;
	d->privileged = privileged;
	d->direct_apic = privileged;
	d->created_us = time_since_boot_us();
	*err = arch_domain_init(d);
	if (*err) {
		domain_destroy(d);
		return NULL;
	}
	return d;
}

/* The largest block size that fits at gpa with remaining bytes left. */
static uint64_t block_size_for(uint64_t gpa, uint64_t remaining)
{
	if (IS_ALIGNED(gpa, SIZE_1G) && remaining >= SIZE_1G)
		return SIZE_1G;
	if (IS_ALIGNED(gpa, SIZE_2M) && remaining >= SIZE_2M)
		return SIZE_2M;
	return PAGE_SIZE;
}

static int add_block(struct domain *d, uint64_t gpa, uint64_t size)
{
	uint64_t hpa = 0;
	int err;

	/* fall back to smaller blocks when memory is too fragmented for large ones */
	for (; size >= PAGE_SIZE; size = size == SIZE_1G ? SIZE_2M : PAGE_SIZE) {
		hpa = page_alloc_range(&phys_pages, size, size, 0, UINT64_MAX);
		if (hpa || size == PAGE_SIZE)
			break;
	}
	if (!hpa)
		return -ENOMEM;
	if (d->nr_blocks == DOMAIN_MAX_BLOCKS) {
		page_free(&phys_pages, hpa, size);
		return -ENOSPC;
	}
	err = arch_domain_map(d, gpa, hpa, size);
	if (err) {
		page_free(&phys_pages, hpa, size);
		return err;
	}
	d->blocks[d->nr_blocks++] = (struct mem_block){ gpa, hpa, size };
	d->unscrubbed += size; /* zeroed later, in bounded steps: domain_scrub() */
	return (int)(size >> PAGE_SHIFT);
}

int domain_alloc_memory_at(struct domain *d, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;

	if (!size || !IS_ALIGNED(size | gpa, PAGE_SIZE) || end < gpa || gpa < d->mem_end ||
	    d->state != DOMAIN_BUILDING)
		return -EINVAL;
	if ((size >> PAGE_SHIFT) > phys_pages.free_pages)
		return -ENOMEM; /* fail at once rather than after zeroing what there is */
	while (gpa < end) {
		int pages = add_block(d, gpa, block_size_for(gpa, end - gpa));

		if (pages < 0)
			return pages; /* what was added stays owned by d and goes with it */
		gpa += (uint64_t)pages << PAGE_SHIFT;
	}
	d->mem_size += size;
	d->mem_end = end;
	return 0;
}

int domain_alloc_memory(struct domain *d, uint64_t size)
{
	return domain_alloc_memory_at(d, d->mem_end, size);
}

/*
 * Memory is zeroed before its domain can see it (never leaking another
 * owner's data), but not when it is allocated: a large guest takes seconds,
 * which dom0 would spend in one hypercall. The builder zeroes it in bounded
 * steps (XL_DOMCTL_PREPARE), and what is left before the guest is built.
 */
uint64_t domain_scrub(struct domain *d, uint64_t budget)
{
	if (d->unscrubbed && budget)
		d->scrub_steps++;
	while (d->unscrubbed && budget) {
		const struct mem_block *b = &d->blocks[d->scrub_block];
		uint64_t n = MIN(budget, b->size - d->scrub_offset);

		memset(phys_to_virt(b->hpa + d->scrub_offset), 0, n);
		d->scrub_offset += n;
		d->unscrubbed -= n;
		budget -= n;
		if (d->scrub_offset == b->size) {
			d->scrub_block++;
			d->scrub_offset = 0;
		}
	}
	return d->unscrubbed;
}

static const struct mem_block *block_at(const struct domain *d, uint64_t gpa)
{
	for (unsigned int i = 0; i < d->nr_blocks; i++)
		if (gpa - d->blocks[i].gpa < d->blocks[i].size)
			return &d->blocks[i];
	return NULL;
}

bool domain_is_ram(const struct domain *d, uint64_t gpa)
{
	return block_at(d, gpa) != NULL;
}

bool domain_range_is_ram(const struct domain *d, uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len;

	if (end < gpa || end > d->mem_end)
		return false; /* also an empty range beyond the end, as the hypercall ABI says */
	while (gpa < end) {
		const struct mem_block *b = block_at(d, gpa);

		if (!b)
			return false;
		gpa = b->gpa + b->size;
	}
	return true;
}

int domain_add_vcpu(struct domain *d, unsigned int pcpu)
{
	struct vcpu *v;
	int err = -EBUSY;

	if (d->nr_vcpus == DOMAIN_MAX_VCPUS || d->state != DOMAIN_BUILDING)
		return -EINVAL;
	/* whole pages, not the heap: a destroyed domain gives back exactly what it took */
	_Static_assert(sizeof(*v) <= PAGE_SIZE, "struct vcpu fits a page");
	v = alloc_page_zeroed();
	if (!v)
		return -ENOMEM;
	spin_lock(&domains_lock);
	/* CPU 0 is never a guest's; it is dom0's to run on */
	if (pcpu_is_free(pcpu) || (d->privileged && pcpu == 0 && !pcpu_owner[0])) {
		pcpu_owner[pcpu] = d;
		err = 0;
	}
	spin_unlock(&domains_lock);
	if (!err) {
		v->domain = d;
		v->id = d->nr_vcpus;
		v->pcpu = pcpu;
		err = arch_vcpu_init(v);
		spin_lock(&domains_lock); /* a snapshot reads vcpus[] under it */
		if (err)
			pcpu_owner[pcpu] = NULL;
		else
			d->vcpus[d->nr_vcpus++] = v;
		spin_unlock(&domains_lock);
		if (!err)
			return 0;
	}
	free_pages(v, PAGE_SIZE);
	return err;
}

static void kick_vcpus(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i]->pcpu != arch_cpu_index())
			arch_kick_cpu(d->vcpus[i]->pcpu);
}

void domain_run_vcpu(struct vcpu *v)
{
	percpu_area[v->pcpu].run_vcpu = v;
	arch_kick_cpu(v->pcpu);
}

int domain_pause(struct domain *d)
{
	if (d->state != DOMAIN_RUNNING)
		return -EINVAL;
	d->state = DOMAIN_PAUSED;
	kick_vcpus(d);
	return 0;
}

int domain_unpause(struct domain *d)
{
	if (d->state == DOMAIN_PAUSED) {
		/* its vCPUs are blocked in their run loops and see the change */
		d->state = DOMAIN_RUNNING;
		kick_vcpus(d);
		return 0;
	}
	ASSERT_MSG(!d->unscrubbed, "domain d%u started with %llu bytes not zeroed", d->id,
		   (unsigned long long)d->unscrubbed);
	if (d->state != DOMAIN_BUILDING || !d->nr_vcpus || !d->mem_size)
		return -EINVAL;
	d->state = DOMAIN_RUNNING;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		domain_run_vcpu(d->vcpus[i]);
	return 0;
}

bool domain_has_ended(const struct domain *d)
{
	return d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_CRASHED || d->state == DOMAIN_DYING;
}


void domain_shutdown(struct domain *d, int reason)
{
	if (domain_has_ended(d))
		return;
	d->shutdown_reason = reason;
	d->state = DOMAIN_SHUTDOWN;
	kick_vcpus(d);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	if (domain_has_ended(d))
		return;
	va_start(ap, fmt);
	xl_vsnprintf(d->crash_reason, sizeof(d->crash_reason), fmt, ap);
	va_end(ap);
	d->state = DOMAIN_CRASHED;
	log_warn("domain d%u (%s) crashed: %s\n", d->id, d->name, d->crash_reason);
	kick_vcpus(d);
}

static bool wait_vcpus_stopped(struct domain *d)
{
	uint64_t start = time_since_boot_us();

	for (;;) {
		bool running = false;

		for (unsigned int i = 0; i < d->nr_vcpus; i++)
			running |= d->vcpus[i]->run_state == VCPU_RUNNING ||
				   percpu_area[d->vcpus[i]->pcpu].run_vcpu == d->vcpus[i];
		if (!running)
			return true;
		if (time_since_boot_us() - start > DESTROY_TIMEOUT_US)
			return false;
		cpu_relax();
	}
}

int domain_destroy(struct domain *d)
{
	unsigned int nr_vcpus;

	d->state = DOMAIN_DYING;
	kick_vcpus(d);
	if (!wait_vcpus_stopped(d)) {
		log_err("domain d%u (%s): a CPU did not leave the guest; resources kept\n", d->id,
			d->name);
		return -EBUSY;
	}
	/* a snapshot (dom0's list, on another CPU) reads the vCPUs under the lock: hide them first */
	spin_lock(&domains_lock);
	nr_vcpus = d->nr_vcpus;
	d->nr_vcpus = 0;
	spin_unlock(&domains_lock);
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		arch_vcpu_free(v);
		pcpu_owner[v->pcpu] = NULL;
		free_pages(v, PAGE_SIZE);
	}
	for (unsigned int i = 0; i < d->nr_blocks; i++)
		page_free(&phys_pages, d->blocks[i].hpa, d->blocks[i].size);
	if (d->images)
		free_pages(d->images, d->kernel_size + d->ramdisk_size);
	arch_domain_free(d);
	spin_lock(&domains_lock);
	for (unsigned int slot = 0; slot < MAX_DOMAINS; slot++)
		if (domains[slot] == d)
			domains[slot] = NULL;
	spin_unlock(&domains_lock);
	xl_free(d);
	return 0;
}

/* Walk guest-physical [gpa, gpa + len) block by block; -EFAULT if any part is not guest RAM. */
static int guest_access(struct domain *d, uint64_t gpa, void *buf, uint64_t len, bool to_guest)
{
	uint8_t *p = buf;

	if (gpa + len < gpa || gpa + len > d->mem_end)
		return -EFAULT;
	while (len) {
		const struct mem_block *b = block_at(d, gpa);
		uint64_t n;

		if (!b)
			return -EFAULT;
		n = MIN(len, b->gpa + b->size - gpa);
		if (to_guest)
			memcpy(phys_to_virt(b->hpa + (gpa - b->gpa)), p, n);
		else
			memcpy(p, phys_to_virt(b->hpa + (gpa - b->gpa)), n);
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int copy_from_guest(struct domain *d, void *dst, uint64_t gpa, uint64_t len)
{
	return guest_access(d, gpa, dst, len, false);
}

int copy_to_guest(struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
	return guest_access(d, gpa, (void *)src, len, true);
}

static void console_flush(struct domain *d)
{
	d->console_line[d->console_len] = '\0';
	log_info("(d%u %s) %s\n", d->id, d->name, d->console_line);
	d->console_len = 0;
}

static spinlock_t console_lock = SPINLOCK_INIT;

static void ring_put(struct domain *d, char c)
{
	d->console_ring[d->console_head % DOMAIN_CONSOLE_RING] = c;
	d->console_head++;
	if (d->console_head - d->console_read > DOMAIN_CONSOLE_RING) {
		d->console_read++; /* the oldest unread byte is overwritten */
		d->console_dropped++;
	}
}

size_t domain_console_take(struct domain *d, char *buf, size_t len, uint64_t *dropped)
{
	size_t n = 0;

	spin_lock(&console_lock);
	while (n < len && d->console_read < d->console_head)
		buf[n++] = d->console_ring[d->console_read++ % DOMAIN_CONSOLE_RING];
	*dropped = d->console_dropped;
	d->console_dropped = 0;
	spin_unlock(&console_lock);
	return n;
}

size_t domain_console_type(struct domain *d, const char *buf, size_t len)
{
	size_t n = 0;

	spin_lock(&console_lock);
	for (; n < len && d->console_in_count < DOMAIN_CONSOLE_INPUT; n++) {
		d->console_input[(d->console_in_head + d->console_in_count) % DOMAIN_CONSOLE_INPUT] = buf[n];
		d->console_in_count++;
	}
	spin_unlock(&console_lock);
	return n;
}

size_t domain_console_input(struct domain *d, char *buf, size_t len)
{
	size_t n = 0;

	spin_lock(&console_lock);
	for (; n < len && d->console_in_count; n++) {
		buf[n] = d->console_input[d->console_in_head];
		d->console_in_head = (d->console_in_head + 1) % DOMAIN_CONSOLE_INPUT;
		d->console_in_count--;
	}
	spin_unlock(&console_lock);
	return n;
}

void domain_console_write(struct domain *d, const char *buf, size_t len)
{
	/* under the lock: dom0's vCPUs may write at the same time, and they share the line */
	spin_lock(&console_lock);
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		ring_put(d, c);

		if (c == '\n') {
			console_flush(d);
			continue;
		}
		if (c == '\r')
			continue; /* a serial console's line end: the log has its own */
		/* guest text must not drive the operator's terminal */
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			c = '?';
		d->console_line[d->console_len++] = c;
		if (d->console_len >= DOMAIN_CONSOLE_LINE - 1)
			console_flush(d);
	}
	spin_unlock(&console_lock);
}

static bool inside_memory(struct domain *d, uint64_t gpa, uint64_t size)
{
	return size && IS_ALIGNED(gpa | size, PAGE_SIZE) && gpa + size > gpa &&
	       gpa + size <= d->mem_end;
}

int domain_protect(struct domain *d, uint64_t gpa, uint64_t size, unsigned int perms)
{
	if (!inside_memory(d, gpa, size) || !(perms & GUEST_PERM_READ) ||
	    (perms & ~(GUEST_PERM_READ | GUEST_PERM_WRITE | GUEST_PERM_EXEC)))
		return -EINVAL; /* a page without read access is an unmapped page */
	return arch_domain_protect(d, gpa, size, perms);
}

int domain_unmap(struct domain *d, uint64_t gpa, uint64_t size)
{
	if (!inside_memory(d, gpa, size))
		return -EINVAL;
	return arch_domain_unmap(d, gpa, size);
}

void domain_page_counts(struct domain *d, struct npt_page_counts *c)
{
	arch_domain_page_counts(d, c);
}

int pcpu_owner_id(unsigned int cpu)
{
	struct domain *d = cpu < MAX_CPUS ? pcpu_owner[cpu] : NULL;

	return d ? (int)d->id : -1;
}

static uint64_t domain_bytes(const struct domain *d)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < d->nr_blocks; i++)
		sum += d->blocks[i].size;
	return sum;
}

void domains_memory(uint64_t *dom0, uint64_t *guests)
{
	*dom0 = *guests = 0;
	spin_lock(&domains_lock);
	for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
		if (!domains[i])
			continue;
		if (domains[i]->privileged)
			*dom0 += domain_bytes(domains[i]);
		else
			*guests += domain_bytes(domains[i]);
	}
	spin_unlock(&domains_lock);
}

unsigned int domains_snapshot(struct xl_domain_info *out, unsigned int cap, unsigned int *total)
{
	unsigned int n = 0;

	*total = 0;
	spin_lock(&domains_lock);
	for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
		const struct domain *d = domains[i];
		struct xl_domain_info *o = &out[n];
		uint64_t exits = 0;

		if (!d)
			continue;
		(*total)++;
		if (n == cap)
			continue;
		memset(o, 0, sizeof(*o));
		o->domid = d->id;
		o->state = (uint32_t)d->state; /* enum domain_state matches XL_DOMAIN_* */
		memcpy(o->name, d->name, sizeof(o->name) - 1);
		o->mem_bytes = domain_bytes(d);
		o->nr_vcpus = d->nr_vcpus;
		o->first_cpu = d->nr_vcpus ? d->vcpus[0]->pcpu : 0;
		for (unsigned int v = 0; v < d->nr_vcpus; v++) {
			uint64_t sum = 0;

			for (unsigned int r = 0; r < EXIT_REASON_COUNT; r++)
				sum += d->vcpus[v]->exits[r];
			if (v < XL_MAX_GUEST_VCPUS)
				o->vcpu_exits[v] = sum;
			exits += sum;
		}
		o->exits = exits;
		o->uptime_us = time_since_boot_us() - d->created_us;
		n++;
	}
	spin_unlock(&domains_lock);
	return n;
}

_Static_assert(DOMAIN_BUILDING == XL_DOMAIN_BUILDING && DOMAIN_RUNNING == XL_DOMAIN_RUNNING &&
		       DOMAIN_PAUSED == XL_DOMAIN_PAUSED && DOMAIN_SHUTDOWN == XL_DOMAIN_SHUTDOWN &&
		       DOMAIN_CRASHED == XL_DOMAIN_CRASHED && DOMAIN_DYING == XL_DOMAIN_DYING,
	       "domain states are the ABI's");
_Static_assert(DOMAIN_NAME_MAX == XL_DOMAIN_NAME_MAX, "domain names are the ABI's");

struct domain *domain_find(uint32_t id)
{
	struct domain *found = NULL;

	spin_lock(&domains_lock);
	for (unsigned int i = 0; i < MAX_DOMAINS && !found; i++)
		if (domains[i] && domains[i]->id == id)
			found = domains[i];
	spin_unlock(&domains_lock);
	return found;
}

struct domain *domain_find_crashed_to_reap(void)
{
	struct domain *found = NULL;

	spin_lock(&domains_lock);
	for (unsigned int i = 0; i < MAX_DOMAINS && !found; i++) {
		struct domain *d = domains[i];

		if (d && (d->destroy_on_crash || d->restart_on_crash) && d->state == DOMAIN_CRASHED)
			found = d;
	}
	spin_unlock(&domains_lock);
	return found;
}

uint64_t domain_exits(const struct domain *d, enum exit_reason r)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		sum += d->vcpus[i]->exits[r];
	return sum;
}

void domain_log_exits(const struct domain *d)
{
	char line[256];
	unsigned int n = 0;

	for (unsigned int r = 0; r < EXIT_REASON_COUNT && n < sizeof(line) - 40; r++) {
		uint64_t count = domain_exits(d, (enum exit_reason)r);

		if (count)
			n += (unsigned int)xl_snprintf(line + n, sizeof(line) - n, " %s %llu",
						       exit_reason_name((enum exit_reason)r),
						       (unsigned long long)count);
	}
	line[n] = '\0';
	log_info("domain d%u (%s) exits:%s\n", d->id, d->name, n ? line : " none");
}
