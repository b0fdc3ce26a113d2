/*
 * Guests' lifecycle (include/xen-lite/guest.h): every guest, from dom0 or
 * from a boot module, is created, built, started, restarted and reaped
 * here.
 */
#include <xen-lite-abi.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/errstr.h>
#include <xen-lite/guest.h>
#include <xen-lite/guest_linux.h>
#include <xen-lite/guest_loader.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/log.h>
#include <xen-lite/module_hooks.h>
#include <xen-lite/pci_devices.h>
#include <xen-lite/mm.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

_Static_assert(sizeof(((struct domain *)0)->cmdline) == XL_CMDLINE_MAX,
	       "a restart keeps the whole command line");

/* a restart zeroes the new domain's memory in steps of this, unlocked between them */
#define GUEST_RESTART_SCRUB_STEP XL_PREPARE_STEP

static spinlock_t lifecycle_lock = SPINLOCK_INIT;

void guest_lifecycle_lock(void)
{
	spin_lock(&lifecycle_lock);
}

void guest_lifecycle_unlock(void)
{
	spin_unlock(&lifecycle_lock);
}

struct domain *guest_create(const struct guest_config *c, int *err)
{
	struct domain *d = domain_create(c->name, false, err);

	if (!d)
		return NULL;
	d->guest_type = c->type;
	d->direct_apic = c->type == XL_GUEST_LINUX; /* before the vCPUs: it sets their intercepts */
	d->end_actions = c->end_actions;
	d->start_paused = c->start_paused;
	memcpy(d->cmdline, c->cmdline, MIN(strlen(c->cmdline), sizeof(d->cmdline) - 1));
	*err = c->type == XL_GUEST_LINUX ? guest_linux_alloc_memory(d, c->mem) :
					   domain_alloc_memory(d, c->mem);
	for (unsigned int i = 0; !*err && i < c->nr_vcpus; i++)
		*err = domain_add_vcpu(d, c->cpus[i]);
	if (*err) {
		domain_destroy(d);
		return NULL;
	}
	return d;
}

int guest_alloc_images(struct domain *d, uint64_t kernel_size, uint64_t ramdisk_size)
{
	d->images = alloc_pages(kernel_size + ramdisk_size);
	if (!d->images)
		return -ENOMEM;
	d->kernel_size = kernel_size;
	d->ramdisk_size = ramdisk_size;
	memset(d->images, 0, kernel_size + ramdisk_size); /* what is never loaded reads as 0 */
	return 0;
}

int guest_load_images(struct domain *d, uint64_t offset, struct domain *from, gpa_t src,
		      uint64_t len)
{
	return copy_from_guest(from, (uint8_t *)d->images + offset, src, len);
}

static void free_images(struct domain *d)
{
	if (d->images)
		free_pages(d->images, d->kernel_size + d->ramdisk_size);
	d->images = NULL;
}

int guest_build(struct domain *d, const void *kernel, uint64_t kernel_size, const void *ramdisk,
		uint64_t ramdisk_size, const char *cmdline)
{
	domain_scrub(d, UINT64_MAX); /* what XL_DOMCTL_PREPARE has not zeroed yet */
	if (d->guest_type == XL_GUEST_LINUX)
		return guest_linux_build(d, kernel, kernel_size, ramdisk, ramdisk_size, cmdline);
	return guest_load_elf(d, kernel, kernel_size, cmdline);
}

static void report_memory(struct domain *d)
{
	struct npt_page_counts c;

	domain_page_counts(d, &c);
	log_info("domain d%u (%s) memory: %llu MiB in %llu x 1 GiB, %llu x 2 MiB, %llu x 4 KiB pages, "
		 "zeroed in %u step(s); allocating took %llu us, zeroing %llu us\n",
		 d->id, d->name, (unsigned long long)(d->mem_size >> 20), (unsigned long long)c.n1g,
		 (unsigned long long)c.n2m, (unsigned long long)c.n4k, d->scrub_steps,
		 (unsigned long long)d->alloc_us, (unsigned long long)d->scrub_us);
}

int guest_start(struct domain *d)
{
	report_memory(d);
	log_info("domain d%u (%s) starting on CPU %u%s\n", d->id, d->name, d->vcpus[0]->pcpu,
		 d->start_paused ? ", paused (created so)" : "");
	return domain_unpause(d);
}

int guest_launch(struct domain *d)
{
	const uint8_t *img = d->images;
	int err = guest_build(d, img, d->kernel_size, img + d->kernel_size, d->ramdisk_size,
			      d->cmdline);

	if (!guest_end_restarts(&d->end_actions))
		free_images(d);
	if (!err)
		err = guest_start(d);
	if (err) {
		log_warn("domain d%u (%s): cannot start: %s (%d)\n", d->id, d->name, errstr(err), err);
		domain_destroy(d);
	}
	return err;
}

/*
 * The restart's first half, under the lifecycle lock: a fresh domain with
 * old's images, type, name, memory size, CPUs, command line, end actions
 * and PCI functions, left building (memory not zeroed yet), and old gone.
 * The functions go back to the assignable list with the old domain
 * (quiesced, reset where they can be) and are given to the new one before
 * it starts. Returns the new domain's id, 0 when it could not be had (logged).
 */
static uint32_t replace(struct domain *old)
{
	char name[DOMAIN_NAME_MAX], cmdline[XL_CMDLINE_MAX];
	unsigned int cpus[DOMAIN_MAX_VCPUS], nr_pci = old->nr_pci;
	uint32_t sbdf[DOMAIN_MAX_PCI];
	bool dma_fault_log = old->dma_fault_log;
	struct guest_config c = { .name = name, .type = old->guest_type, .mem = old->mem_size,
				  .cmdline = cmdline, .end_actions = old->end_actions, .cpus = cpus,
				  .nr_vcpus = old->nr_vcpus };
	uint64_t ksize = old->kernel_size, rsize = old->ramdisk_size;
	void *images = old->images;
	uint32_t old_id = old->id;
	struct domain *d;
	int err;

	memcpy(name, old->name, sizeof(name));
	memcpy(cmdline, old->cmdline, sizeof(cmdline));
	for (unsigned int i = 0; i < c.nr_vcpus; i++)
		cpus[i] = old->vcpus[i]->pcpu;
	for (unsigned int i = 0; i < nr_pci; i++)
		sbdf[i] = (uint32_t)old->pci[i].segment << 16 | old->pci[i].bdf;
	old->images = NULL; /* taken over before the old domain goes */
	domain_log_exits(old);
	old->destroyed_hook_deferred = true;
	if (domain_destroy(old)) {
		old->destroyed_hook_deferred = false;
		free_pages(images, ksize + rsize);
		return 0;
	}
	d = guest_create(&c, &err);
	if (!d) {
		module_domain_destroyed(old_id);
		free_pages(images, ksize + rsize);
		log_warn("domain %s: restart failed: %s (%d)\n", name, errstr(err), err);
		return 0;
	}
	/* what modules keep for the old domain may go to the new one, before either is forgotten */
	module_domain_restarted(old_id, d->id);
	module_domain_destroyed(old_id);
	d->images = images;
	d->kernel_size = ksize;
	d->ramdisk_size = rsize;
	d->dma_fault_log = dma_fault_log;
	d->restarting = true;
	err = pci_assign_to_domain(d, sbdf, nr_pci);
	if (err) {
		log_warn("domain %s: restart failed: its PCI functions cannot be given again: %s (%d)\n", name,
			 errstr(err), err);
		domain_destroy(d); /* the images with it */
		return 0;
	}
	return d->id;
}

/*
 * The restart's second half: the new domain's memory zeroed a step at a
 * time, the lifecycle lock let go between steps (dom0's requests wait for
 * one step, never for the whole of a large guest), then built and started.
 * Each step finds the domain again: dom0 may have destroyed it meanwhile.
 */
static void finish_restart(uint32_t old_id, uint32_t id, const char *setting)
{
	for (;;) {
		struct domain *d;
		bool zeroed;

		guest_lifecycle_lock();
		d = domain_find(id);
		if (!d || !d->restarting || d->state != DOMAIN_BUILDING) {
			guest_lifecycle_unlock();
			log_info("domain d%u: its restart as d%u ended: destroyed meanwhile\n", old_id, id);
			return;
		}
		zeroed = !domain_scrub(d, GUEST_RESTART_SCRUB_STEP);
		if (zeroed) {
			d->restarting = false;
			if (!guest_launch(d))
				log_info("domain d%u (%s) restarted as d%u (%s)\n", old_id, d->name, id, setting);
		}
		guest_lifecycle_unlock();
		if (zeroed)
			return;
	}
}

/* A restart waits, on the guest's own CPU and unlocked, until the guest is old enough. */
static void pace_restart(uint32_t id)
{
	uint64_t not_before = 0;
	struct domain *d;

	guest_lifecycle_lock();
	d = domain_find(id);
	if (d && guest_end_action(d) == GUEST_END_RESTART)
		not_before = guest_restart_not_before_us(d);
	guest_lifecycle_unlock();
	/* the domain is not touched while waiting: dom0 may destroy it meanwhile */
	while (time_since_boot_us() < not_before && domain_find(id))
		udelay(1000);
}

void guest_ended(uint32_t id)
{
	const char *setting = "none";
	uint32_t new_id = 0;
	struct domain *d;

	pace_restart(id);
	guest_lifecycle_lock();
	d = domain_find(id);
	switch (d ? guest_end_action(d) : GUEST_END_PRESERVE) {
	case GUEST_END_DESTROY:
		log_info("domain d%u (%s) destroyed (%s)\n", d->id, d->name, guest_end_setting(d));
		domain_log_exits(d);
		domain_destroy(d);
		break;
	case GUEST_END_RESTART:
		if (d->nr_virtio || d->nr_shm) {
			/* dom0's back-ends and the segments stay with this domain: a restart would lose them unseen */
			log_warn("domain d%u (%s) not restarted (%s): its %u virtio device(s) and %u segment(s) "
				 "do not follow a restart; destroyed\n", d->id, d->name, guest_end_setting(d),
				 d->nr_virtio, d->nr_shm);
			domain_log_exits(d);
			domain_destroy(d);
			break;
		}
		setting = guest_end_setting(d); /* a string of its own: it outlives d */
		new_id = replace(d);
		break;
	default:
		break; /* preserved, or dom0 got there first */
	}
	guest_lifecycle_unlock();
	if (new_id)
		finish_restart(id, new_id, setting);
}

int guest_request_shutdown(struct domain *d, uint64_t flags)
{
	int reason = flags & XL_SHUTDOWN_REBOOT_FLAG ? XL_SHUTDOWN_REBOOT : XL_SHUTDOWN_POWEROFF;

	if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED)
		return -EINVAL;
	if (flags & XL_SHUTDOWN_HARD_FLAG) {
		log_info("domain d%u (%s): %s by dom0, without asking the guest\n", d->id, d->name,
			 reason == XL_SHUTDOWN_REBOOT ? "reset" : "powered off");
		domain_shutdown(d, reason);
		return 0;
	}
	if (reason == XL_SHUTDOWN_REBOOT && !d->takes_reboot_requests)
		return -EOPNOTSUPP;
	if ((flags & XL_SHUTDOWN_ASKABLE_FLAG) && !d->takes_shutdown_requests)
		return -EOPNOTSUPP;
	d->shutdown_asked = reason == XL_SHUTDOWN_REBOOT ? XL_ASKED_REBOOT : XL_ASKED_POWEROFF;
	log_info("domain d%u (%s): %s requested by dom0\n", d->id, d->name,
		 reason == XL_SHUTDOWN_REBOOT ? "reboot" : "shutdown");
	return 0;
}
