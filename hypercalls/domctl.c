/*
 * XL_HC_DOMCTL: dom0 creates and controls guests (xl-lite create-elf,
 * destroy, pause, unpause). Every field of the request is checked before
 * anything is allocated, and a create that fails part-way leaves nothing.
 */
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/domctl.h>
#include <xen-lite/errno.h>
#include <xen-lite/errstr.h>
#include <xen-lite/guest_launch.h>
#include <xen-lite/guest_linux.h>
#include <xen-lite/guest_loader.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

static bool nul_terminated(const char *s, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if (!s[i])
			return true;
	return false;
}

/*
 * Choose vCPU i's physical CPU for each entry of want (-1: any free one).
 * The named CPUs must be free (-EBUSY, also for one that does not exist)
 * and distinct (-EINVAL); the others take the lowest free CPUs nobody named.
 */
static int assign_cpus(const int32_t *want, unsigned int n, unsigned int *out)
{
	bool taken[XL_SYSINFO_MAX_CPUS] = { false };
	unsigned int next = 1;

	for (unsigned int i = 0; i < n; i++) {
		if (want[i] == -1)
			continue;
		if (want[i] < 0 || (want[i] < XL_SYSINFO_MAX_CPUS && taken[want[i]]))
			return -EINVAL;
		if (want[i] >= XL_SYSINFO_MAX_CPUS || !pcpu_is_free((unsigned int)want[i]))
			return -EBUSY; /* taken, or no such CPU */
		taken[want[i]] = true;
		out[i] = (unsigned int)want[i];
	}
	for (unsigned int i = 0; i < n; i++) {
		if (want[i] != -1)
			continue;
		while (next < XL_SYSINFO_MAX_CPUS && (taken[next] || !pcpu_is_free(next)))
			next++;
		if (next == XL_SYSINFO_MAX_CPUS)
			return -EBUSY;
		taken[next] = true;
		out[i] = next;
	}
	return 0;
}

/*
 * A building domain with its memory and CPUs, waiting for its images. Its
 * settings come from a validated request, or from the crashed domain it
 * replaces (on_crash=restart).
 */
static struct domain *create_domain(const char *name, uint32_t type, uint64_t mem, uint32_t flags,
				    const char *cmdline, const unsigned int *cpus, unsigned int n,
				    int *err)
{
	struct domain *d = domain_create(name, false, err);

	if (!d)
		return NULL;
	d->guest_type = type;
	d->direct_apic = type == XL_GUEST_LINUX; /* before the vCPUs: it sets their intercepts */
	d->destroy_on_crash = flags & XL_CREATE_DESTROY_ON_CRASH;
	d->restart_on_crash = flags & XL_CREATE_RESTART_ON_CRASH;
	memcpy(d->cmdline, cmdline, strlen(cmdline) + 1);
	*err = type == XL_GUEST_LINUX ? guest_linux_alloc_memory(d, mem) : domain_alloc_memory(d, mem);
	for (unsigned int i = 0; !*err && i < n; i++)
		*err = domain_add_vcpu(d, cpus[i]);
	if (*err) {
		domain_destroy(d);
		return NULL;
	}
	return d;
}

static void free_images(struct domain *d)
{
	if (d->images)
		free_pages(d->images, d->kernel_size + d->ramdisk_size);
	d->images = NULL;
}

/*
 * Build the guest from its loaded images and run it. The images are kept
 * for on_crash=restart and freed otherwise. A domain that cannot start is
 * destroyed: nothing is left behind.
 */
static int start_loaded(struct domain *d)
{
	const uint8_t *img = d->images;
	int err;

	domain_scrub(d, UINT64_MAX); /* what XL_DOMCTL_PREPARE has not zeroed yet */
	if (d->guest_type == XL_GUEST_LINUX)
		err = guest_linux_build(d, img, d->kernel_size, img + d->kernel_size, d->ramdisk_size,
					d->cmdline);
	else
		err = guest_load_elf(d, img, d->kernel_size, d->cmdline);
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

_Static_assert(sizeof(((struct domain *)0)->cmdline) == XL_CMDLINE_MAX,
	       "a restart keeps the whole command line");

/* on_crash=restart: the same images, memory, CPUs and command line in a fresh domain. */
static void restart(struct domain *old)
{
	char name[DOMAIN_NAME_MAX], cmdline[XL_CMDLINE_MAX];
	unsigned int cpus[DOMAIN_MAX_VCPUS], n = old->nr_vcpus, old_id = old->id;
	uint64_t mem = old->mem_size, ksize = old->kernel_size, rsize = old->ramdisk_size;
	uint32_t type = old->guest_type;
	void *images = old->images;
	struct domain *d;
	int err;

	memcpy(name, old->name, sizeof(name));
	memcpy(cmdline, old->cmdline, sizeof(cmdline));
	for (unsigned int i = 0; i < n; i++)
		cpus[i] = old->vcpus[i]->pcpu;
	old->images = NULL; /* taken over before the old domain goes */
	if (domain_destroy(old)) {
		free_pages(images, ksize + rsize);
		return;
	}
	d = create_domain(name, type, mem, XL_CREATE_RESTART_ON_CRASH, cmdline, cpus, n, &err);
	if (!d) {
		free_pages(images, ksize + rsize);
		log_warn("domain %s: restart failed: %s (%d)\n", name, errstr(err), err);
		return;
	}
	d->images = images;
	d->kernel_size = ksize;
	d->ramdisk_size = rsize;
	if (!start_loaded(d))
		log_info("domain d%u (%s) restarted as d%u (on_crash=restart)\n", old_id, name, d->id);
}

/*
 * Copy the request from dom0 and make the checks CREATE and CREATE_ELF
 * share; what is particular to each is checked by it.
 */
static int read_request(struct vcpu *v, uint64_t gpa, uint64_t size, struct xl_domctl_create *req)
{
	uint64_t min_mem;

	if (size < sizeof(*req))
		return -EINVAL;
	if (copy_from_guest(v->domain, req, gpa, sizeof(*req)))
		return -EFAULT;
	min_mem = req->type == XL_GUEST_LINUX ? GUEST_LINUX_MIN_MEM : (2ULL << 20);
	if (!req->image_size || req->image_size > XL_DOMCTL_MAX_IMAGE)
		return -EINVAL;
	if (!req->name[0] || !nul_terminated(req->name, sizeof(req->name)) ||
	    !nul_terminated(req->cmdline, sizeof(req->cmdline)))
		return -EINVAL;
	if (req->flags & ~(XL_CREATE_DESTROY_ON_CRASH | XL_CREATE_RESTART_ON_CRASH) ||
	    (req->flags & XL_CREATE_DESTROY_ON_CRASH && req->flags & XL_CREATE_RESTART_ON_CRASH))
		return -EINVAL;
	if (req->type != XL_GUEST_ELF && req->type != XL_GUEST_LINUX)
		return -EINVAL;
	if (req->mem_bytes < min_mem || req->mem_bytes & (PAGE_SIZE - 1) ||
	    req->mem_bytes > (1ULL << 40))
		return -EINVAL;
	if (req->mem_bytes > (req->type == XL_GUEST_LINUX ? GUEST_LINUX_MAX_MEM : GUEST_START_MAX_MEM))
		return -E2BIG; /* before any of it is allocated and zeroed */
	return 0;
}

/* XL_DOMCTL_CREATE_ELF: the whole ELF image in the request; built and started at once. */
static int64_t create_elf(struct vcpu *v, uint64_t gpa, uint64_t size)
{
	struct xl_domctl_create req;
	struct domain *d;
	unsigned int cpu;
	int err;

	err = read_request(v, gpa, size, &req);
	if (err)
		return err;
	if (req.type != XL_GUEST_ELF || req.nr_vcpus > 1 || req.ramdisk_size ||
	    size - sizeof(req) < req.image_size)
		return -EINVAL;
	err = assign_cpus(&req.cpu, 1, &cpu);
	if (err)
		return err;
	d = create_domain(req.name, XL_GUEST_ELF, req.mem_bytes, req.flags, req.cmdline, &cpu, 1, &err);
	if (!d)
		goto fail;
	d->images = alloc_pages(req.image_size);
	d->kernel_size = req.image_size;
	err = d->images ? copy_from_guest(v->domain, d->images, gpa + sizeof(req), req.image_size) :
			  -ENOMEM;
	if (err) {
		domain_destroy(d);
		goto fail;
	}
	err = start_loaded(d);
	if (!err)
		return d->id;
fail:
	log_warn("dom0: creating %s failed: %s (%d)\n", req.name, errstr(err), err);
	return err;
}

/* XL_DOMCTL_CREATE: memory and CPUs now, images through LOAD, then START. */
static int64_t create(struct vcpu *v, uint64_t gpa, uint64_t size)
{
	struct xl_domctl_create req;
	unsigned int cpus[XL_MAX_GUEST_VCPUS];
	struct domain *d;
	int err;

	err = read_request(v, gpa, size, &req);
	if (err)
		return err;
	if (!req.nr_vcpus || req.nr_vcpus > XL_MAX_GUEST_VCPUS ||
	    (req.type == XL_GUEST_ELF && (req.nr_vcpus != 1 || req.ramdisk_size)) ||
	    req.ramdisk_size > XL_DOMCTL_MAX_RAMDISK)
		return -EINVAL;
	err = assign_cpus(req.cpus, req.nr_vcpus, cpus);
	if (err)
		return err;
	d = create_domain(req.name, req.type, req.mem_bytes, req.flags, req.cmdline, cpus,
			  req.nr_vcpus, &err);
	if (!d)
		return err;
	d->kernel_size = req.image_size;
	d->ramdisk_size = req.ramdisk_size;
	d->images = alloc_pages(d->kernel_size + d->ramdisk_size);
	if (!d->images) {
		domain_destroy(d);
		return -ENOMEM;
	}
	memset(d->images, 0, d->kernel_size + d->ramdisk_size); /* what LOAD never sends reads as 0 */
	log_info("dom0: domain d%u (%s) created, %u vCPU(s), waiting for %llu bytes of images\n", d->id,
		 d->name, d->nr_vcpus, (unsigned long long)(d->kernel_size + d->ramdisk_size));
	return d->id;
}

/* XL_DOMCTL_LOAD: a piece of the images of a domain still building. */
static int64_t load(struct vcpu *v, struct domain *d, uint64_t gpa, uint64_t size)
{
	struct xl_domctl_load hdr;
	uint64_t total = d->kernel_size + d->ramdisk_size;

	if (d->state != DOMAIN_BUILDING || !d->images)
		return -EINVAL;
	if (size < sizeof(hdr))
		return -EINVAL;
	if (copy_from_guest(v->domain, &hdr, gpa, sizeof(hdr)))
		return -EFAULT;
	if (hdr.reserved || !hdr.len || hdr.len > size - sizeof(hdr) || hdr.offset > total ||
	    hdr.len > total - hdr.offset)
		return -EINVAL;
	if (copy_from_guest(v->domain, (uint8_t *)d->images + hdr.offset, gpa + sizeof(hdr), hdr.len))
		return -EFAULT;
	return hdr.len;
}

/* XL_DOMCTL_PREPARE: the next step of zeroing a building domain's memory. */
static int64_t prepare(struct domain *d)
{
	if (d->state != DOMAIN_BUILDING)
		return -EINVAL;
	return (int64_t)domain_scrub(d, XL_PREPARE_STEP);
}

static int64_t start(struct domain *d)
{
	if (d->state != DOMAIN_BUILDING || !d->images)
		return -EINVAL;
	return start_loaded(d);
}

#define CONSOLE_CHUNK_MAX 4096

static int64_t console_read(struct vcpu *v, struct domain *d, uint64_t gpa, uint64_t size)
{
	struct xl_console_chunk hdr = { 0 };
	char buf[CONSOLE_CHUNK_MAX];
	size_t n;

	if (size <= sizeof(hdr))
		return -ENOSPC;
	if (!domain_range_is_ram(v->domain, gpa, size))
		return -EFAULT;
	n = domain_console_take(d, buf, MIN(size - sizeof(hdr), (uint64_t)sizeof(buf)), &hdr.dropped);
	hdr.len = (uint32_t)n;
	/* checked above: these copies cannot fail half-way through dom0's RAM holes */
	if (copy_to_guest(v->domain, gpa + sizeof(hdr), buf, n) ||
	    copy_to_guest(v->domain, gpa, &hdr, sizeof(hdr)))
		return -EFAULT;
	return (int64_t)n;
}

static int64_t console_type(struct vcpu *v, struct domain *d, uint64_t gpa, uint64_t size)
{
	char buf[DOMAIN_CONSOLE_INPUT];

	size = MIN(size, (uint64_t)sizeof(buf));
	if (copy_from_guest(v->domain, buf, gpa, size))
		return -EFAULT;
	return (int64_t)domain_console_type(d, buf, size);
}

/*
 * One request at a time (dom0 may have several vCPUs): a domain found here
 * cannot be destroyed under the caller by another request.
 */
static spinlock_t domctl_lock = SPINLOCK_INIT;

static void reap_crashed(void)
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

/* Only a guest that can still act on it is asked; it decides when (XL_SHUTDOWN_QUERY). */
static int64_t request_shutdown(struct domain *d)
{
	if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED)
		return -EINVAL;
	d->shutdown_requested = true;
	log_info("domain d%u (%s): shutdown requested by dom0\n", d->id, d->name);
	return 0;
}

static int64_t on_domain(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg)
{
	struct domain *d = arg <= UINT32_MAX ? domain_find((uint32_t)arg) : NULL;

	if (!d || d->privileged)
		return -ENOENT; /* dom0 itself is not controlled this way */
	switch (op) {
	case XL_DOMCTL_DESTROY:
		domain_log_exits(d);
		return domain_destroy(d);
	case XL_DOMCTL_PAUSE:
		return domain_pause(d);
	case XL_DOMCTL_UNPAUSE:
		/* a building domain starts only through START (or CREATE_ELF): it is not built yet */
		return d->state == DOMAIN_BUILDING ? -EINVAL : domain_unpause(d);
	case XL_DOMCTL_CONSOLE_READ:
		return console_read(v, d, gpa, size);
	case XL_DOMCTL_CONSOLE_WRITE:
		return console_type(v, d, gpa, size);
	case XL_DOMCTL_SHUTDOWN:
		return request_shutdown(d);
	case XL_DOMCTL_LOAD:
		return load(v, d, gpa, size);
	case XL_DOMCTL_START:
		return start(d);
	case XL_DOMCTL_PREPARE:
		return prepare(d);
	default:
		return -EINVAL;
	}
}

void domctl_reap(void)
{
	spin_lock(&domctl_lock);
	reap_crashed();
	spin_unlock(&domctl_lock);
}

int64_t domctl_dispatch(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg)
{
	int64_t ret;

	spin_lock(&domctl_lock);
	reap_crashed();
	if (op == XL_DOMCTL_CREATE_ELF)
		ret = create_elf(v, gpa, size);
	else if (op == XL_DOMCTL_CREATE)
		ret = create(v, gpa, size);
	else
		ret = on_domain(v, op, gpa, size, arg);
	spin_unlock(&domctl_lock);
	return ret;
}
