/*
 * Who owns each physical CPU (include/xen-lite/pcpu.h). Claims and releases
 * happen on the control CPU while domains are built and destroyed; the
 * table is read from anywhere (dom0's node information).
 */
#include <xen-lite/arch/cpu.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/pcpu.h>
#include <xen-lite/spinlock.h>

static spinlock_t pcpu_lock = SPINLOCK_INIT;
/* which domain owns each physical CPU (NULL: free); CPU 0 is never a guest's */
static struct domain *pcpu_owner[MAX_CPUS];

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

int pcpu_owner_id(unsigned int cpu)
{
	struct domain *d = cpu < MAX_CPUS ? pcpu_owner[cpu] : NULL;

	return d ? (int)d->id : -1;
}

int pcpu_claim(unsigned int cpu, struct domain *d)
{
	int err = -EBUSY;

	spin_lock(&pcpu_lock);
	/* CPU 0 is never a guest's; it is dom0's to run on */
	if (pcpu_is_free(cpu) || (d->privileged && cpu == 0 && !pcpu_owner[0])) {
		pcpu_owner[cpu] = d;
		err = 0;
	}
	spin_unlock(&pcpu_lock);
	return err;
}

void pcpu_release(unsigned int cpu)
{
	spin_lock(&pcpu_lock);
	pcpu_owner[cpu] = NULL;
	spin_unlock(&pcpu_lock);
}

int pcpu_choose(const int32_t *want, unsigned int n, unsigned int *out)
{
	bool taken[MAX_CPUS] = { false };
	unsigned int next = 1;

	for (unsigned int i = 0; i < n; i++) {
		if (want[i] == -1)
			continue;
		if (want[i] < 0 || (want[i] < MAX_CPUS && taken[want[i]]))
			return -EINVAL;
		if (want[i] >= MAX_CPUS || !pcpu_is_free((unsigned int)want[i]))
			return -EBUSY; /* taken, or no such CPU */
		taken[want[i]] = true;
		out[i] = (unsigned int)want[i];
	}
	for (unsigned int i = 0; i < n; i++) {
		if (want[i] != -1)
			continue;
		while (next < MAX_CPUS && (taken[next] || !pcpu_is_free(next)))
			next++;
		if (next == MAX_CPUS)
			return -EBUSY;
		taken[next] = true;
		out[i] = next;
	}
	return 0;
}
