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

static int pick_free_cpu(int wanted)
{
	if (wanted >= 0)
		return pcpu_is_free((unsigned int)wanted) ? wanted : -EBUSY;
	for (unsigned int c = 1; c < XL_SYSINFO_MAX_CPUS; c++)
		if (pcpu_is_free(c))
			return (int)c;
	return -EBUSY;
}

_Static_assert(sizeof(((struct domain *)0)->restart_cmdline) == XL_CMDLINE_MAX,
	       "a restart keeps the whole command line");

/*
 * Build and start an ELF domain. The image is always consumed: kept by the
 * domain for on_crash=restart, freed otherwise. Returns the domain or NULL
 * with *err set; a domain that fails part-way is destroyed.
 */
static struct domain *launch_elf(const char *name, uint64_t mem, unsigned int cpu, void *image,
				 uint64_t size, const char *cmdline, uint32_t flags, int *err)
{
	struct domain *d = NULL;

	*err = guest_build_elf(name, mem, cpu, image, size, cmdline, &d);
	if (!*err) {
		d->destroy_on_crash = flags & XL_CREATE_DESTROY_ON_CRASH;
		if (flags & XL_CREATE_RESTART_ON_CRASH) {
			d->restart_image = image; /* freed by domain_destroy() from here on */
			d->restart_image_size = size;
			memcpy(d->restart_cmdline, cmdline, strlen(cmdline) + 1);
			image = NULL;
		}
		*err = guest_start(d);
	}
	if (*err && d) {
		domain_destroy(d);
		d = NULL;
	}
	if (image)
		free_pages(image, size);
	return d;
}

/* on_crash=restart: the same image, memory, CPU and command line in a fresh domain. */
static void restart(struct domain *old)
{
	char name[DOMAIN_NAME_MAX], cmdline[sizeof(old->restart_cmdline)];
	void *image = old->restart_image;
	uint64_t size = old->restart_image_size, mem = old->mem_size;
	unsigned int cpu = old->vcpus[0]->pcpu, old_id = old->id;
	struct domain *d;
	int err;

	memcpy(name, old->name, sizeof(name));
	memcpy(cmdline, old->restart_cmdline, sizeof(cmdline));
	old->restart_image = NULL; /* taken over before the old domain goes */
	if (domain_destroy(old)) {
		free_pages(image, size);
		return;
	}
	d = launch_elf(name, mem, cpu, image, size, cmdline, XL_CREATE_RESTART_ON_CRASH, &err);
	if (d)
		log_info("domain d%u (%s) restarted as d%u (on_crash=restart)\n", old_id, name, d->id);
	else
		log_warn("domain %s: restart failed: %s (%d)\n", name, errstr(err), err);
}

static int64_t create_elf(struct vcpu *v, uint64_t gpa, uint64_t size)
{
	struct xl_domctl_create req;
	struct domain *d;
	void *image;
	int cpu, err;

	if (size < sizeof(req))
		return -EINVAL;
	if (copy_from_guest(v->domain, &req, gpa, sizeof(req)))
		return -EFAULT;
	if (!req.name[0] || !nul_terminated(req.name, sizeof(req.name)) ||
	    !nul_terminated(req.cmdline, sizeof(req.cmdline)))
		return -EINVAL;
	if (req.flags & ~(XL_CREATE_DESTROY_ON_CRASH | XL_CREATE_RESTART_ON_CRASH) || req.reserved ||
	    (req.flags & XL_CREATE_DESTROY_ON_CRASH && req.flags & XL_CREATE_RESTART_ON_CRASH))
		return -EINVAL;
	if (!req.image_size || req.image_size > XL_DOMCTL_MAX_IMAGE ||
	    size - sizeof(req) < req.image_size)
		return -EINVAL;
	if (req.mem_bytes < (2ULL << 20) || req.mem_bytes & (PAGE_SIZE - 1) ||
	    req.mem_bytes > (1ULL << 40))
		return -EINVAL;
	cpu = pick_free_cpu(req.cpu);
	if (cpu < 0)
		return cpu;
	image = alloc_pages(req.image_size);
	if (!image)
		return -ENOMEM;
	err = copy_from_guest(v->domain, image, gpa + sizeof(req), req.image_size);
	if (err) {
		free_pages(image, req.image_size);
		return err;
	}
	d = launch_elf(req.name, req.mem_bytes, (unsigned int)cpu, image, req.image_size, req.cmdline,
		       req.flags, &err);
	if (!d) {
		log_warn("dom0: creating %s failed: %s (%d)\n", req.name, errstr(err), err);
		return err;
	}
	return d->id;
}

#define CONSOLE_CHUNK_MAX 4096

static int64_t console_read(struct vcpu *v, struct domain *d, uint64_t gpa, uint64_t size)
{
	struct xl_console_chunk hdr = { 0 };
	char buf[CONSOLE_CHUNK_MAX];
	size_t n;

	if (size <= sizeof(hdr))
		return -ENOSPC;
	if (gpa + size < gpa || gpa + size > v->domain->mem_size)
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
		if (d->restart_image) {
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
		return domain_destroy(d);
	case XL_DOMCTL_PAUSE:
		return domain_pause(d);
	case XL_DOMCTL_UNPAUSE:
		return domain_unpause(d);
	case XL_DOMCTL_CONSOLE_READ:
		return console_read(v, d, gpa, size);
	case XL_DOMCTL_CONSOLE_WRITE:
		return console_type(v, d, gpa, size);
	case XL_DOMCTL_SHUTDOWN:
		return request_shutdown(d);
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
	ret = op == XL_DOMCTL_CREATE_ELF ? create_elf(v, gpa, size) : on_domain(v, op, gpa, size, arg);
	spin_unlock(&domctl_lock);
	return ret;
}
