/*
 * Guests' lifecycle (include/xen-lite/guest.h): every guest, from dom0 or
 * from a boot module, is created, built, started, restarted and reaped
 * here.
 */
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/errstr.h>
#include <xen-lite/guest.h>
#include <xen-lite/guest_linux.h>
#include <xen-lite/guest_loader.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/log.h>
#include <xen-lite/pci_devices.h>
#include <xen-lite/mm.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

_Static_assert(sizeof(((struct domain *)0)->cmdline) == XL_CMDLINE_MAX,
	       "a restart keeps the whole command line");

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
	d->destroy_on_crash = c->destroy_on_crash;
	d->restart_on_crash = c->restart_on_crash;
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
		 "zeroed in %u step(s)\n",
		 d->id, d->name, (unsigned long long)(d->mem_size >> 20), (unsigned long long)c.n1g,
		 (unsigned long long)c.n2m, (unsigned long long)c.n4k, d->scrub_steps);
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

	if (!d->restart_on_crash)
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
 * on_crash=restart: the same images, memory, CPUs, command line and PCI
 * functions in a fresh domain. The functions go back to the assignable list
 * with the old domain (quiesced, reset where they can be) and are given to
 * the new one before it starts.
 */
static void restart(struct domain *old)
{
	char name[DOMAIN_NAME_MAX], cmdline[XL_CMDLINE_MAX];
	unsigned int cpus[DOMAIN_MAX_VCPUS], old_id = old->id, nr_pci = old->nr_pci;
	uint32_t sbdf[DOMAIN_MAX_PCI];
	bool dma_fault_log = old->dma_fault_log;
	struct guest_config c = { .name = name, .type = old->guest_type, .mem = old->mem_size,
				  .cmdline = cmdline, .restart_on_crash = true, .cpus = cpus,
				  .nr_vcpus = old->nr_vcpus };
	uint64_t ksize = old->kernel_size, rsize = old->ramdisk_size;
	void *images = old->images;
	struct domain *d;
	int err;

	memcpy(name, old->name, sizeof(name));
	memcpy(cmdline, old->cmdline, sizeof(cmdline));
	for (unsigned int i = 0; i < c.nr_vcpus; i++)
		cpus[i] = old->vcpus[i]->pcpu;
	for (unsigned int i = 0; i < nr_pci; i++)
		sbdf[i] = (uint32_t)old->pci[i].segment << 16 | old->pci[i].bdf;
	old->images = NULL; /* taken over before the old domain goes */
	if (domain_destroy(old)) {
		free_pages(images, ksize + rsize);
		return;
	}
	d = guest_create(&c, &err);
	if (!d) {
		free_pages(images, ksize + rsize);
		log_warn("domain %s: restart failed: %s (%d)\n", name, errstr(err), err);
		return;
	}
	d->images = images;
	d->kernel_size = ksize;
	d->ramdisk_size = rsize;
	d->dma_fault_log = dma_fault_log;
	err = pci_assign_to_domain(d, sbdf, nr_pci);
	if (err) {
		log_warn("domain %s: restart failed: its PCI functions cannot be given again: %s (%d)\n", name,
			 errstr(err), err);
		domain_destroy(d); /* the images with it */
		return;
	}
	if (!guest_launch(d))
		log_info("domain d%u (%s) restarted as d%u (on_crash=restart)\n", old_id, name, d->id);
}

void guest_reap_crashed(void)
{
	struct domain *d;
	unsigned int restarts = 0;

	/* one restart per request: a guest that crashes at once does not spin here */
	for (unsigned int n = 0; n < MAX_DOMAINS && (d = domain_find_crashed_to_reap()); n++) {
		if (d->restart_on_crash && d->images) {
			if (restarts++)
				break;
			restart(d);
			continue;
		}
		log_info("domain d%u (%s) destroyed (on_crash=destroy)\n", d->id, d->name);
		domain_destroy(d);
	}
}

void guests_reap(void)
{
	guest_lifecycle_lock();
	guest_reap_crashed();
	guest_lifecycle_unlock();
}

int guest_request_shutdown(struct domain *d)
{
	if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED)
		return -EINVAL;
	d->shutdown_requested = true;
	log_info("domain d%u (%s): shutdown requested by dom0\n", d->id, d->name);
	return 0;
}
