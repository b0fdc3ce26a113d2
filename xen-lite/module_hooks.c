/*
 * The hooks behaviour modules install, and the quiescence that makes
 * unloading safe. Every hook call is bracketed by the calling CPU's
 * sequence counter (odd while inside); unload clears a module's hooks, then
 * waits until every CPU that was inside when they were cleared has come
 * out. No lock is taken on the exit path: a slot is published by storing
 * its functions, and cleared by storing NULL.
 */
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/relax.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/module_hooks.h>
#include <xen-lite-abi.h>

#define MAX_HOOK_MODULES 16

struct hook_slot {
	struct loaded_module *owner; /* NULL: free */
	/* the module's functions, copied: the core never reads the module's memory to find them */
	int (*before)(struct vcpu *v, const struct xl_exit_event *e);
	void (*after)(struct vcpu *v, const struct xl_exit_event *e);
	uint32_t reasons;
	struct xl_domain_hooks domain;
	int64_t (*call)(struct xl_module_call *c);
	struct xl_policy_hooks policy;
	void (*tick)(uint32_t cpu, uint64_t tsc);
	uint64_t tick_cycles; /* the period in TSC cycles */
	uint32_t kinds; /* XL_MODULE_HOOK_* */
	bool published;
};

static struct hook_slot slots[MAX_HOOK_MODULES];
uint32_t module_exit_hooks_installed;
uint32_t module_policy_hooks_installed;

/*
 * The module whose init is running (the loader holds its lock), the slot
 * kept for it, and what its init asks for: copied into the slot only when
 * init has succeeded, so that no hook of a failed init ever runs.
 */
static struct loaded_module *initialising;
static struct hook_slot *initialising_slot;
static struct hook_slot pending;
static unsigned int initialising_cpu;

/* Per CPU, odd while the CPU is inside a hook; on its own cache line. */
static struct {
	uint64_t seq;
	uint8_t pad[56];
} cpu_seq[MAX_CPUS] __attribute__((aligned(64)));

/* Per CPU and slot: the TSC from which that CPU may run that slot's tick again. */
static uint64_t next_tick[MAX_CPUS][MAX_HOOK_MODULES];

static void hook_enter(void)
{
	/* a full barrier: the slot is read after the mark is visible to unload */
	__atomic_fetch_add(&cpu_seq[arch_cpu_index()].seq, 1, __ATOMIC_SEQ_CST);
}

static void hook_leave(void)
{
	__atomic_fetch_add(&cpu_seq[arch_cpu_index()].seq, 1, __ATOMIC_SEQ_CST);
}

static bool wants(const struct hook_slot *s, uint32_t reason)
{
	return !s->reasons || (reason < 32 && (s->reasons & (1u << reason)));
}

bool module_exit_before(struct vcpu *v, const struct xl_exit_event *e)
{
	bool handled = false;

	hook_enter();
	for (unsigned int i = 0; i < MAX_HOOK_MODULES && !handled; i++) {
		int (*fn)(struct vcpu *, const struct xl_exit_event *) =
			__atomic_load_n(&slots[i].before, __ATOMIC_ACQUIRE);

		if (fn && wants(&slots[i], e->reason))
			handled = fn(v, e) == XL_EXIT_HANDLED;
	}
	hook_leave();
	return handled;
}

/* The ticks due on this CPU (after an exit's hooks: the CPU is in the hypervisor anyway). */
static void run_due_ticks(void)
{
	unsigned int cpu = arch_cpu_index();
	uint64_t now = 0;

	for (unsigned int i = 0; i < MAX_HOOK_MODULES; i++) {
		void (*fn)(uint32_t, uint64_t) = __atomic_load_n(&slots[i].tick, __ATOMIC_ACQUIRE);

		if (!fn)
			continue;
		if (!now)
			now = arch_tsc();
		if (now < next_tick[cpu][i])
			continue;
		next_tick[cpu][i] = now + slots[i].tick_cycles;
		fn(cpu, now);
	}
}

void module_exit_after(struct vcpu *v, const struct xl_exit_event *e)
{
	hook_enter();
	for (unsigned int i = 0; i < MAX_HOOK_MODULES; i++) {
		void (*fn)(struct vcpu *, const struct xl_exit_event *) =
			__atomic_load_n(&slots[i].after, __ATOMIC_ACQUIRE);

		if (fn && wants(&slots[i], e->reason))
			fn(v, e);
	}
	run_due_ticks();
	hook_leave();
}

/* One walk over the slots for the hooks that take no verdict: field names the hook. */
#define FOR_EACH_HOOK(field, ...)                                                           \
	do {                                                                                \
		hook_enter();                                                               \
		for (unsigned int i = 0; i < MAX_HOOK_MODULES; i++) {                        \
			__typeof__(slots[i].field) fn =                                     \
				__atomic_load_n(&slots[i].field, __ATOMIC_ACQUIRE);         \
			if (fn)                                                             \
				fn(__VA_ARGS__);                                            \
		}                                                                           \
		hook_leave();                                                               \
	} while (0)

/* The same for hooks that may refuse: *allowed false at the first refusal (the rest are not asked). */
#define ALL_ALLOW(allowed, field, ...)                                                      \
	do {                                                                                \
		*(allowed) = true;                                                          \
		hook_enter();                                                               \
		for (unsigned int i = 0; i < MAX_HOOK_MODULES && *(allowed); i++) {          \
			__typeof__(slots[i].field) fn =                                     \
				__atomic_load_n(&slots[i].field, __ATOMIC_ACQUIRE);         \
			if (fn)                                                             \
				*(allowed) = fn(__VA_ARGS__);                               \
		}                                                                           \
		hook_leave();                                                               \
	} while (0)

void module_domain_created(uint32_t id, const char *name)
{
	FOR_EACH_HOOK(domain.created, id, name);
}

void module_domain_started(uint32_t id)
{
	FOR_EACH_HOOK(domain.started, id);
}

void module_domain_crashed(uint32_t id, const char *why)
{
	FOR_EACH_HOOK(domain.crashed, id, why);
}

void module_domain_destroyed(uint32_t id)
{
	FOR_EACH_HOOK(domain.destroyed, id);
}

void module_domain_restarted(uint32_t old_id, uint32_t new_id)
{
	FOR_EACH_HOOK(domain.restarted, old_id, new_id);
}

void module_vcpu_started(uint32_t domain_id, uint32_t vcpu_id, uint32_t cpu)
{
	FOR_EACH_HOOK(domain.vcpu_started, domain_id, vcpu_id, cpu);
}

void module_vcpu_stopped(uint32_t domain_id, uint32_t vcpu_id, uint32_t cpu)
{
	FOR_EACH_HOOK(domain.vcpu_stopped, domain_id, vcpu_id, cpu);
}

void module_policy_cpuid(uint32_t domain_id, uint32_t leaf, uint32_t subleaf, struct xl_cpuid_regs *r)
{
	FOR_EACH_HOOK(policy.cpuid, domain_id, leaf, subleaf, r);
}

bool module_policy_msr_read(uint32_t domain_id, uint32_t msr, uint64_t *value)
{
	bool allowed;

	ALL_ALLOW(&allowed, policy.msr_read, domain_id, msr, value);
	return allowed;
}

bool module_policy_msr_write(uint32_t domain_id, uint32_t msr, uint64_t value)
{
	bool allowed;

	ALL_ALLOW(&allowed, policy.msr_write, domain_id, msr, value);
	return allowed;
}

unsigned int module_policy_ipi(uint32_t domain_id, uint32_t vcpu_id, uint32_t vector, uint32_t dest)
{
	unsigned int copies = 2, asked = 0;

	hook_enter();
	for (unsigned int i = 0; i < MAX_HOOK_MODULES; i++) {
		__typeof__(slots[i].policy.ipi) fn = __atomic_load_n(&slots[i].policy.ipi, __ATOMIC_ACQUIRE);

		if (fn) {
			copies = MIN(copies, fn(domain_id, vcpu_id, vector, dest));
			asked++;
		}
	}
	hook_leave();
	return asked ? copies : 1;
}

void module_hooks_begin(struct loaded_module *m)
{
	initialising = m;
	initialising_cpu = arch_cpu_index();
	initialising_slot = NULL;
	for (unsigned int i = 0; i < MAX_HOOK_MODULES && !initialising_slot; i++)
		if (!slots[i].owner)
			initialising_slot = &slots[i];
	if (initialising_slot)
		*initialising_slot = (struct hook_slot){ .owner = m };
	pending = (struct hook_slot){ .owner = m };
}

void module_hooks_end(void)
{
	if (initialising_slot && !initialising_slot->published)
		*initialising_slot = (struct hook_slot){ 0 }; /* init failed: nothing was published */
	initialising = NULL;
	initialising_slot = NULL;
}

/* The slot of the module whose init is running on this CPU, or an error for the caller. */
static int slot_for_init(struct hook_slot **s, uint32_t kind)
{
	if (!initialising || initialising_cpu != arch_cpu_index())
		return -EINVAL; /* hooks are installed from init only (not from another CPU's hook) */
	if (!initialising_slot)
		return -ENOSPC;
	if (pending.kinds & kind)
		return -EEXIST;
	*s = &pending;
	return 0;
}

int xl_hook_exits(const struct xl_exit_hooks *h)
{
	struct hook_slot *s;
	int err = slot_for_init(&s, XL_MODULE_HOOK_EXIT);

	if (err)
		return err;
	if (!h || (!h->before && !h->after) || (h->reasons >> EXIT_REASON_COUNT))
		return -EINVAL;
	s->before = h->before;
	s->after = h->after;
	s->reasons = h->reasons;
	s->kinds |= XL_MODULE_HOOK_EXIT;
	return 0;
}

int xl_hook_domains(const struct xl_domain_hooks *h)
{
	struct hook_slot *s;
	int err = slot_for_init(&s, XL_MODULE_HOOK_DOMAIN);

	if (err)
		return err;
	if (!h || (!h->created && !h->started && !h->crashed && !h->destroyed && !h->restarted &&
		   !h->vcpu_started && !h->vcpu_stopped))
		return -EINVAL;
	s->domain = *h;
	s->kinds |= XL_MODULE_HOOK_DOMAIN;
	return 0;
}

int xl_hook_policy(const struct xl_policy_hooks *h)
{
	struct hook_slot *s;
	int err = slot_for_init(&s, XL_MODULE_HOOK_POLICY);

	if (err)
		return err;
	if (!h || (!h->cpuid && !h->msr_read && !h->msr_write && !h->ipi))
		return -EINVAL;
	s->policy = *h;
	s->kinds |= XL_MODULE_HOOK_POLICY;
	return 0;
}

int xl_hook_tick(void (*tick)(uint32_t cpu, uint64_t tsc), uint32_t period_us)
{
	struct hook_slot *s;
	int err = slot_for_init(&s, XL_MODULE_HOOK_TICK);

	if (err)
		return err;
	if (!tick || period_us < 1000 || period_us > 10000000)
		return -EINVAL;
	s->tick = tick;
	s->tick_cycles = arch_tsc_khz() * period_us / 1000;
	s->kinds |= XL_MODULE_HOOK_TICK;
	return 0;
}

int xl_module_ops(int64_t (*call)(struct xl_module_call *c))
{
	struct hook_slot *s;
	int err = slot_for_init(&s, XL_MODULE_HOOK_OPS);

	if (err)
		return err;
	if (!call)
		return -EINVAL;
	s->call = call;
	s->kinds |= XL_MODULE_HOOK_OPS;
	return 0;
}

static struct hook_slot *slot_of(const struct loaded_module *m)
{
	for (unsigned int i = 0; i < MAX_HOOK_MODULES; i++)
		if (slots[i].owner == m)
			return &slots[i];
	return NULL;
}

#define PUBLISH(field) __atomic_store_n(&s->field, pending.field, __ATOMIC_RELEASE)

void module_hooks_publish(struct loaded_module *m)
{
	struct hook_slot *s = slot_of(m);

	if (!s || s != initialising_slot)
		return;
	/* what the functions read first, then the functions: the exit path takes no lock */
	s->reasons = pending.reasons;
	s->tick_cycles = pending.tick_cycles;
	s->kinds = pending.kinds;
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		next_tick[c][s - slots] = 0; /* a new module's first tick comes at once */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	PUBLISH(before);
	PUBLISH(after);
	PUBLISH(tick);
	PUBLISH(call);
	PUBLISH(domain.created);
	PUBLISH(domain.started);
	PUBLISH(domain.crashed);
	PUBLISH(domain.destroyed);
	PUBLISH(domain.restarted);
	PUBLISH(domain.vcpu_started);
	PUBLISH(domain.vcpu_stopped);
	PUBLISH(policy.cpuid);
	PUBLISH(policy.msr_read);
	PUBLISH(policy.msr_write);
	PUBLISH(policy.ipi);
	s->published = true;
	if (s->kinds & (XL_MODULE_HOOK_EXIT | XL_MODULE_HOOK_TICK))
		__atomic_fetch_add(&module_exit_hooks_installed, 1, __ATOMIC_SEQ_CST);
	if (s->kinds & XL_MODULE_HOOK_POLICY)
		__atomic_fetch_add(&module_policy_hooks_installed, 1, __ATOMIC_SEQ_CST);
}

uint32_t module_hooks_of(const struct loaded_module *m)
{
	const struct hook_slot *s = slot_of(m);

	return s ? s->kinds : 0;
}

/* Until each CPU that was inside a hook at the snapshot has left it (its count moved on). */
static int wait_for_quiescence(uint64_t timeout_us)
{
	static uint64_t snapshot[MAX_CPUS];
	unsigned int n = arch_cpus_online();
	uint64_t start = time_since_boot_us();

	for (unsigned int c = 0; c < n; c++)
		snapshot[c] = __atomic_load_n(&cpu_seq[c].seq, __ATOMIC_SEQ_CST);
	for (unsigned int c = 0; c < n; c++) {
		if (c == arch_cpu_index() || !(snapshot[c] & 1))
			continue;
		while (__atomic_load_n(&cpu_seq[c].seq, __ATOMIC_ACQUIRE) == snapshot[c]) {
			if (time_since_boot_us() - start > timeout_us) {
				log_err("module: CPU %u stayed inside a module hook for %llu us\n", c,
					(unsigned long long)timeout_us);
				return -EBUSY;
			}
			cpu_relax();
		}
	}
	return 0;
}

int module_hooks_remove(struct loaded_module *m, uint64_t timeout_us)
{
	struct hook_slot *s = slot_of(m);
	bool had_exit_hooks, had_policy_hooks;

	if (!s)
		return 0;
	had_exit_hooks = s->published && (s->kinds & (XL_MODULE_HOOK_EXIT | XL_MODULE_HOOK_TICK));
	had_policy_hooks = s->published && (s->kinds & XL_MODULE_HOOK_POLICY);
	__atomic_store_n(&s->before, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->after, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->domain.created, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->domain.started, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->domain.crashed, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->domain.destroyed, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->domain.restarted, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->domain.vcpu_started, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->domain.vcpu_stopped, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->call, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->tick, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->policy.cpuid, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->policy.msr_read, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->policy.msr_write, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->policy.ipi, NULL, __ATOMIC_SEQ_CST);
	if (had_exit_hooks)
		__atomic_fetch_sub(&module_exit_hooks_installed, 1, __ATOMIC_SEQ_CST);
	if (had_policy_hooks)
		__atomic_fetch_sub(&module_policy_hooks_installed, 1, __ATOMIC_SEQ_CST);
	if (wait_for_quiescence(timeout_us))
		return -EBUSY; /* the slot stays owned: m's memory must not be reused */
	*s = (struct hook_slot){ 0 };
	return 0;
}

int64_t module_hooks_call(struct loaded_module *m, struct xl_module_call *c)
{
	struct hook_slot *s = slot_of(m);
	int64_t (*fn)(struct xl_module_call *);
	int64_t ret = -ENOSYS;

	hook_enter();
	fn = s ? __atomic_load_n(&s->call, __ATOMIC_ACQUIRE) : NULL;
	if (fn)
		ret = fn(c);
	hook_leave();
	return ret;
}
