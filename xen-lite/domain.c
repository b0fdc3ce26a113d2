/* Domain lifecycle and resource ownership (see include/xen-lite/domain.h). */
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/relax.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/assert.h>
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/errno.h>
#include <xen-lite/format.h>
#include <xen-lite/heap.h>
#include <xen-lite/log.h>
#include <xen-lite/module_hooks.h>
#include <xen-lite/pci_devices.h>
#include <xen-lite/mm.h>
#include <xen-lite/pcpu.h>
#include <xen-lite/run_slot.h>
#include <xen-lite/guest_view.h>
#include <xen-lite/shm.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

#include <stdarg.h>

#define DESTROY_TIMEOUT_US 2000000

static spinlock_t domains_lock = SPINLOCK_INIT;
static struct domain *domains[MAX_DOMAINS];
static uint32_t next_domain_id = 1;

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
	/* names are printed on the operator's terminal: nothing there may drive it */
	for (size_t i = 0; i < MIN(strlen(name), sizeof(d->name) - 1); i++)
		d->name[i] = name[i] < 0x20 || name[i] > 0x7e ? '?' : name[i];
	d->state = DOMAIN_BUILDING;
	d->privileged = privileged;
	d->direct_apic = privileged;
	d->created_us = time_since_boot_us();
	domain_console_init(d);
	*err = arch_domain_init(d);
	if (*err) {
		domain_destroy(d);
		return NULL;
	}
	module_domain_created(d->id, d->name);
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

static int add_block(struct domain *d, gpa_t gpa, uint64_t size)
{
	hpa_t hpa = hpa_init(0);
	int err;

	/* fall back to smaller blocks when memory is too fragmented for large ones */
	for (; size >= PAGE_SIZE; size = size == SIZE_1G ? SIZE_2M : PAGE_SIZE) {
		hpa = phys_alloc_aligned(size);
		if (hpa_addr(hpa) || size == PAGE_SIZE)
			break;
	}
	if (!hpa_addr(hpa))
		return -ENOMEM;
	if (d->nr_blocks == DOMAIN_MAX_BLOCKS) {
		phys_free(hpa, size);
		return -ENOSPC;
	}
	err = arch_domain_map(d, gpa, hpa, size);
	if (err) {
		phys_free(hpa, size);
		return err;
	}
	d->blocks[d->nr_blocks++] = (struct mem_block){ gpa, hpa, size };
	d->unscrubbed += size; /* zeroed later, in bounded steps: domain_scrub() */
	return (int)(size >> PAGE_SHIFT);
}

int domain_alloc_memory_at(struct domain *d, gpa_t start, uint64_t size)
{
	uint64_t at = gpa_addr(start), end = at + size;

	if (!size || !IS_ALIGNED(size | at, PAGE_SIZE) || end < at || at < d->mem_end ||
	    d->state != DOMAIN_BUILDING)
		return -EINVAL;
	if ((size >> PAGE_SHIFT) > phys_free_pages())
		return -ENOMEM; /* fail at once rather than after zeroing what there is */
	uint64_t t0 = time_since_boot_us();
	while (at < end) {
		int pages = add_block(d, gpa_init(at), block_size_for(at, end - at));

		if (pages < 0)
			return pages; /* what was added stays owned by d and goes with it */
		at += (uint64_t)pages << PAGE_SHIFT;
	}
	d->alloc_us += time_since_boot_us() - t0;
	d->mem_size += size;
	d->mem_end = end;
	return 0;
}

int domain_alloc_memory(struct domain *d, uint64_t size)
{
	return domain_alloc_memory_at(d, gpa_init(d->mem_end), size);
}

/*
 * Memory is zeroed before its domain can see it (never leaking another
 * owner's data), but not when it is allocated: a large guest takes seconds,
 * which dom0 would spend in one hypercall. The builder zeroes it in bounded
 * steps (XL_DOMCTL_PREPARE), and what is left before the guest is built.
 */
uint64_t domain_scrub(struct domain *d, uint64_t budget)
{
	uint64_t t0 = time_since_boot_us();

	if (d->unscrubbed && budget)
		d->scrub_steps++;
	while (d->unscrubbed && budget) {
		const struct mem_block *b = &d->blocks[d->scrub_block];
		uint64_t n = MIN(budget, b->size - d->scrub_offset);

		memset(hpa_to_virt(hpa_add(b->hpa, d->scrub_offset)), 0, n);
		d->scrub_offset += n;
		d->unscrubbed -= n;
		budget -= n;
		if (d->scrub_offset == b->size) {
			d->scrub_block++;
			d->scrub_offset = 0;
		}
	}
	d->scrub_us += time_since_boot_us() - t0;
	return d->unscrubbed;
}

int domain_add_vcpu(struct domain *d, unsigned int pcpu)
{
	struct vcpu *v;
	int err;

	if (d->nr_vcpus == DOMAIN_MAX_VCPUS || d->state != DOMAIN_BUILDING)
		return -EINVAL;
	/* whole pages, not the heap: a destroyed domain gives back exactly what it took */
	_Static_assert(sizeof(*v) <= PAGE_SIZE, "struct vcpu fits a page");
	v = alloc_page_zeroed();
	if (!v)
		return -ENOMEM;
	err = pcpu_claim(pcpu, d);
	if (err)
		goto out;
	v->domain = d;
	v->id = d->nr_vcpus;
	v->pcpu = pcpu;
	err = arch_vcpu_init(v);
	if (err) {
		pcpu_release(pcpu);
		goto out;
	}
	spin_lock(&domains_lock); /* a snapshot reads vcpus[] under it */
	d->vcpus[d->nr_vcpus++] = v;
	spin_unlock(&domains_lock);
	return 0;
out:
	free_pages(v, PAGE_SIZE);
	return err;
}

void domain_kick_vcpus(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i]->pcpu != arch_cpu_index())
			arch_kick_cpu(d->vcpus[i]->pcpu);
}

static bool state_has_ended(enum domain_state s)
{
	return s == DOMAIN_SHUTDOWN || s == DOMAIN_CRASHED || s == DOMAIN_DYING;
}

/*
 * State changes race with the domain's own vCPUs (a crash, a shutdown) on
 * other CPUs: each is one compare-and-swap, so none overwrites another.
 */
static bool change_state(struct domain *d, enum domain_state from, enum domain_state to)
{
	return __atomic_compare_exchange_n(&d->state, &from, to, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/*
 * The first end of a domain (a crash, a shutdown) claims it: only that one
 * writes its reason, before the state says the domain has ended, so whoever
 * sees the end reads the reason that goes with it.
 */
static bool claim_end(struct domain *d)
{
	return !domain_has_ended(d) && !__atomic_exchange_n(&d->end_claimed, true, __ATOMIC_ACQ_REL);
}

/* Building, running or paused -> to (a destroy's dying is left alone); after claim_end(). */
static bool end_state(struct domain *d, enum domain_state to)
{
	enum domain_state now = __atomic_load_n(&d->state, __ATOMIC_SEQ_CST);

	do {
		if (state_has_ended(now))
			return false;
	} while (!__atomic_compare_exchange_n(&d->state, &now, to, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	return true;
}

int domain_pause(struct domain *d)
{
	if (!change_state(d, DOMAIN_RUNNING, DOMAIN_PAUSED))
		return -EINVAL;
	domain_kick_vcpus(d);
	return 0;
}

int domain_unpause(struct domain *d)
{
	/* before its vCPUs can enter it: what it finds of its segments is fixed from then on */
	if (!d->ran && (d->state == DOMAIN_PAUSED || (d->state == DOMAIN_BUILDING && !d->start_paused)))
		shm_domain_first_run(d);
	if (change_state(d, DOMAIN_PAUSED, DOMAIN_RUNNING)) {
		d->ran = true; /* (dom0's callers hold the lifecycle lock, as its segment attaches do) */
		/* its vCPUs are blocked in their run loops and see the change */
		domain_kick_vcpus(d);
		return 0;
	}
	ASSERT_MSG(!d->unscrubbed, "domain d%u started with %llu bytes not zeroed", d->id,
		   (unsigned long long)d->unscrubbed);
	/* the first start; a guest created paused has its vCPUs wait in their run loops */
	if (!d->nr_vcpus || !d->mem_size ||
	    !change_state(d, DOMAIN_BUILDING, d->start_paused ? DOMAIN_PAUSED : DOMAIN_RUNNING))
		return -EINVAL;
	d->ran = !d->start_paused;
	module_domain_started(d->id);
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		run_slot_give(d->vcpus[i]);
	return 0;
}

bool domain_has_ended(const struct domain *d)
{
	return state_has_ended(d->state);
}

void domain_shutdown(struct domain *d, int reason)
{
	if (!claim_end(d))
		return; /* only the first end counts: a crash is not overwritten */
	d->shutdown_reason = reason;
	if (end_state(d, DOMAIN_SHUTDOWN))
		domain_kick_vcpus(d);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	if (!claim_end(d))
		return; /* it ended already (another vCPU crashed it, or it shut down) */
	va_start(ap, fmt);
	xl_vsnprintf(d->crash_reason, sizeof(d->crash_reason), fmt, ap);
	va_end(ap);
	if (!end_state(d, DOMAIN_CRASHED))
		return; /* being destroyed meanwhile */
	log_warn("domain d%u (%s) crashed: %s\n", d->id, d->name, d->crash_reason);
	module_domain_crashed(d->id, d->crash_reason);
	domain_kick_vcpus(d);
}

static bool wait_vcpus_stopped(struct domain *d)
{
	uint64_t start = time_since_boot_us();

	for (;;) {
		bool running = false;

		for (unsigned int i = 0; i < d->nr_vcpus; i++)
			running |= d->vcpus[i]->run_state == VCPU_RUNNING ||
				   run_slot_holds(d->vcpus[i]);
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
	uint32_t id = d->id;
	bool deferred = d->destroyed_hook_deferred;

	d->state = DOMAIN_DYING;
	domain_kick_vcpus(d);
	event_domain_destroyed(d); /* no notification reaches it from here on */
	if (!wait_vcpus_stopped(d)) {
		log_err("domain d%u (%s): a CPU did not leave the guest; resources kept\n", d->id,
			d->name);
		return -EBUSY;
	}
	shm_domain_destroyed(d); /* its vCPUs are out: nothing uses the mappings */
	/* its devices first: none may reach its memory once that is reused */
	if (pci_release_domain(d)) {
		log_err("domain d%u (%s): its devices were not confirmed out of its memory; resources kept\n",
			d->id, d->name);
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
		pcpu_release(v->pcpu);
		free_pages(v, PAGE_SIZE);
	}
	/* dom0's view of it (a virtio back-end's) keeps its memory until dom0 lets go */
	if (!guest_view_domain_destroyed(d))
		for (unsigned int i = 0; i < d->nr_blocks; i++)
			phys_free(d->blocks[i].hpa, d->blocks[i].size);
	if (d->images)
		free_pages(d->images, d->kernel_size + d->ramdisk_size);
	arch_domain_free(d);
	spin_lock(&domains_lock);
	for (unsigned int slot = 0; slot < MAX_DOMAINS; slot++)
		if (domains[slot] == d)
			domains[slot] = NULL;
	spin_unlock(&domains_lock);
	if (!deferred)
		module_domain_destroyed(id);
	xl_free(d);
	return 0;
}

static bool inside_memory(struct domain *d, gpa_t start, uint64_t size)
{
	uint64_t gpa = gpa_addr(start);

	return size && IS_ALIGNED(gpa | size, PAGE_SIZE) && gpa + size > gpa &&
	       gpa + size <= d->mem_end;
}

int domain_protect(struct domain *d, gpa_t gpa, uint64_t size, unsigned int perms)
{
	if (!inside_memory(d, gpa, size) || !(perms & GUEST_PERM_READ) ||
	    (perms & ~(GUEST_PERM_READ | GUEST_PERM_WRITE | GUEST_PERM_EXEC)))
		return -EINVAL; /* a page without read access is an unmapped page */
	return arch_domain_protect(d, gpa, size, perms);
}

int domain_unmap(struct domain *d, gpa_t gpa, uint64_t size)
{
	if (!inside_memory(d, gpa, size))
		return -EINVAL;
	return arch_domain_unmap(d, gpa, size);
}

void domain_page_counts(struct domain *d, struct npt_page_counts *c)
{
	arch_domain_page_counts(d, c);
}

uint64_t domain_memory(const struct domain *d)
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
			*dom0 += domain_memory(domains[i]);
		else
			*guests += domain_memory(domains[i]);
	}
	spin_unlock(&domains_lock);
}

void domain_for_each(void (*fn)(const struct domain *d, void *ctx), void *ctx)
{
	spin_lock(&domains_lock);
	for (unsigned int i = 0; i < MAX_DOMAINS; i++)
		if (domains[i])
			fn(domains[i], ctx);
	spin_unlock(&domains_lock);
}

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

int domain_call_locked(uint32_t id, int (*fn)(struct domain *d, void *ctx), void *ctx)
{
	for (unsigned int i = 0; i < MAX_DOMAINS; i++)
		if (domains[i] && domains[i]->id == id)
			return domains[i]->state == DOMAIN_DYING ? -ENOENT : fn(domains[i], ctx);
	return -ENOENT;
}

int domain_call(uint32_t id, int (*fn)(struct domain *d, void *ctx), void *ctx)
{
	int ret;

	spin_lock(&domains_lock);
	ret = domain_call_locked(id, fn, ctx);
	spin_unlock(&domains_lock);
	return ret;
}

bool domain_name_taken(const char *name)
{
	bool taken = false;

	spin_lock(&domains_lock);
	for (unsigned int i = 0; i < MAX_DOMAINS && !taken; i++)
		taken = domains[i] && !strncmp(domains[i]->name, name, sizeof(domains[i]->name));
	spin_unlock(&domains_lock);
	return taken;
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
