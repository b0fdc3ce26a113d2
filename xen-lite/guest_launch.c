/*
 * Running the boot modules' xl-guest entries: each gets a free CPU of its
 * own (queued while none is free), is watched from the boot CPU, reported
 * when it ends, destroyed, and its resources checked back into the pool.
 */
#include <xen-lite-abi.h>
#include <xen-lite/arch/boot.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/errstr.h>
#include <xen-lite/event_channel.h>
#include <xen-lite/format.h>
#include <xen-lite/guest.h>
#include <xen-lite/guest_launch.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/pcpu.h>

#define MAX_LAUNCH BOOT_MAX_MODULES

struct launch {
	struct guest_spec spec;
	struct domain *d;
	uint64_t started_us;
	uint64_t paused_us; /* 0: not paused */
	bool pause_done;
	bool done;
};

struct launch_stats {
	unsigned int run, powered_off, crashed, timed_out, failed;
};

static int pick_cpu(const struct guest_spec *s)
{
	if (s->cpu >= 0)
		return pcpu_is_free((unsigned int)s->cpu) ? s->cpu : -1;
	for (unsigned int c = 1; c < arch_cpus_online(); c++)
		if (pcpu_is_free(c))
			return (int)c;
	return -1;
}

static int apply_page_rules(struct domain *d, const struct guest_spec *s)
{
	int err = 0;

	if (s->readonly_gpa != GUEST_NO_GPA)
		err = domain_protect(d, gpa_init(s->readonly_gpa), PAGE_SIZE,
				     GUEST_PERM_READ | GUEST_PERM_EXEC);
	if (!err && s->noexec_gpa != GUEST_NO_GPA)
		err = domain_protect(d, gpa_init(s->noexec_gpa), PAGE_SIZE,
				     GUEST_PERM_READ | GUEST_PERM_WRITE);
	if (!err && s->unmap_gpa != GUEST_NO_GPA)
		err = domain_unmap(d, gpa_init(s->unmap_gpa), PAGE_SIZE);
	return err;
}

static int build(struct launch *l, const struct boot_info *bi, unsigned int cpu)
{
	const struct boot_module *m = &bi->modules[l->spec.module];
	struct guest_config c = { .name = l->spec.name, .type = XL_GUEST_ELF, .mem = l->spec.mem,
				  .cmdline = "", .cpus = &cpu, .nr_vcpus = 1 };
	int err;

	l->d = guest_create(&c, &err);
	if (!l->d)
		return err;
	err = guest_build(l->d, phys_to_virt(m->start), m->end - m->start, NULL, 0, m->cmdline);
	if (!err)
		err = apply_page_rules(l->d, &l->spec);
	return err ? err : guest_start(l->d);
}

static void start(struct launch *l, const struct boot_info *bi, unsigned int cpu,
		  struct launch_stats *st)
{
	int err = build(l, bi, cpu);

	if (err) {
		log_err("domain %s: cannot start: %s (%d)\n", l->spec.name, errstr(err), err);
		if (l->d)
			domain_destroy(l->d);
		l->d = NULL;
		l->done = true;
		st->failed++;
		return;
	}
	l->started_us = time_since_boot_us();
	st->run++;
}

static void finish(struct launch *l, struct launch_stats *st, bool timed_out)
{
	struct domain *d = l->d;

	if (timed_out) {
		log_info("domain d%u (%s) destroyed: timeout after %llu ms\n", d->id, d->name,
			 (unsigned long long)l->spec.timeout_ms);
		st->timed_out++;
	} else if (d->state == DOMAIN_CRASHED) {
		st->crashed++; /* domain_crash() already said why */
	} else {
		log_info("domain d%u (%s) %s\n", d->id, d->name,
			 d->shutdown_reason == XL_SHUTDOWN_REBOOT ? "asked to reboot (not restarted)" : "powered off");
		st->powered_off++;
	}
	domain_log_exits(d);
	if (domain_destroy(d))
		log_err("domain d%u could not be destroyed\n", d->id);
	l->done = true;
}

/* pause_at=: exercise the running -> paused -> running transitions */
static void pause_step(struct launch *l)
{
	uint64_t now = time_since_boot_us();

	if (!l->paused_us && now - l->started_us > l->spec.pause_at_ms * 1000) {
		if (!domain_pause(l->d)) {
			l->paused_us = now;
			log_info("domain d%u (%s) paused\n", l->d->id, l->d->name);
		}
	} else if (l->paused_us && now - l->paused_us > GUEST_PAUSE_MS * 1000) {
		if (!domain_unpause(l->d))
			log_info("domain d%u (%s) unpaused after %llu ms\n", l->d->id, l->d->name,
				 (unsigned long long)((now - l->paused_us) / 1000));
		l->pause_done = true;
	}
}

/* One pass: start what can start, end what has ended or overstayed. Returns true while work remains. */
/* Every running guest's vCPUs' wake state: when one times out, those it waited for may say why */
static void log_wake_states(struct launch *ls, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (ls[i].d && !ls[i].done && !domain_has_ended(ls[i].d)) {
			event_log_state(ls[i].d);
			for (unsigned int v = 0; v < ls[i].d->nr_vcpus; v++)
				arch_vcpu_log_wake_state(ls[i].d->vcpus[v]);
		}
}

static bool step(struct launch *ls, unsigned int n, const struct boot_info *bi,
		 struct launch_stats *st)
{
	bool busy = false, woke_logged = false;

	for (unsigned int i = 0; i < n; i++) {
		struct launch *l = &ls[i];
		int cpu;

		if (l->done)
			continue;
		busy = true;
		if (!l->d) {
			if ((cpu = pick_cpu(&l->spec)) >= 0)
				start(l, bi, (unsigned int)cpu, st);
			continue;
		}
		if (domain_has_ended(l->d))
			finish(l, st, false);
		else if (l->spec.pause_at_ms && !l->pause_done)
			pause_step(l);
		else if (time_since_boot_us() - l->started_us > l->spec.timeout_ms * 1000) {
			if (!woke_logged)
				log_wake_states(ls, n);
			woke_logged = true;
			finish(l, st, true);
		}
	}
	return busy;
}

static unsigned int collect(const struct boot_info *bi, struct launch *ls)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < bi->module_count; i++) {
		struct guest_spec s;
		int err = guest_spec_parse(bi->modules[i].cmdline, &s);

		if (err == -ENOENT)
			continue;
		if (err) {
			log_err("module %u: not started (bad xl-guest line, see above)\n", i);
			continue;
		}
		if (s.cpu == 0 || (s.cpu > 0 && (unsigned int)s.cpu >= arch_cpus_online())) {
			log_err("module %u: guest %s: CPU %d is not available to guests\n", i, s.name, s.cpu);
			continue;
		}
		s.module = i;
		ls[n++] = (struct launch){ .spec = s };
	}
	return n;
}

void guests_launch_from_modules(const struct boot_info *bi)
{
	static struct launch ls[MAX_LAUNCH];
	struct launch_stats st = { 0 };
	unsigned int n = collect(bi, ls);
	uint64_t free_before = phys_free_pages(), cpus_before = pcpus_free();

	if (!n)
		return;
	if (!arch_virt_ready()) {
		log_err("%u guest module(s) not started: no usable SVM\n", n);
		return;
	}
	if (arch_cpus_online() < 2) {
		log_err("%u guest module(s) not started: no CPU besides the boot CPU\n", n);
		return;
	}
	while (step(ls, n, bi, &st))
		udelay(1000);
	log_info("test guests: %u run, %u powered off, %u crashed, %u timed out%s\n", st.run,
		 st.powered_off, st.crashed, st.timed_out, st.failed ? ", some failed to start" : "");
	log_info("resources after the guests: %llu pages free (%llu before), %u CPUs free (%llu before)\n",
		 (unsigned long long)phys_free_pages(), (unsigned long long)free_before, pcpus_free(),
		 (unsigned long long)cpus_before);
}
