/*
 * XL_HC_DOMCTL: dom0 creates and controls guests (xl-lite create, destroy,
 * pause, unpause, console, shutdown). Each operation decodes and checks
 * every field of the request before anything is allocated or changed, then
 * invokes the guest lifecycle (xen-lite/guest.c), whose actions either
 * succeed or leave nothing behind.
 */
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/domctl.h>
#include <xen-lite/errno.h>
#include <xen-lite/errstr.h>
#include <xen-lite/guest.h>
#include <xen-lite/guest_linux.h>
#include <xen-lite/guest_loader.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/guest_view.h>
#include <xen-lite/heap.h>
#include <xen-lite/log.h>
#include <xen-lite/pci_devices.h>
#include <xen-lite/pcpu.h>
#include <xen-lite/string.h>
#include <xen-lite/virtio.h>

static bool nul_terminated(const char *s, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if (!s[i])
			return true;
	return false;
}

/* A name is printed on terminals and parsed from xl-lite list's columns: visible ASCII only. */
static bool name_printable(const char *s)
{
	for (; *s; s++)
		if (*s <= 0x20 || *s > 0x7e)
			return false;
	return true;
}

#define CREATE_FLAGS                                                                              \
	(XL_CREATE_DESTROY_ON_CRASH | XL_CREATE_RESTART_ON_CRASH | XL_CREATE_PAUSED |             \
	 XL_CREATE_DESTROY_ON_POWEROFF | XL_CREATE_RESTART_ON_POWEROFF | XL_CREATE_DESTROY_ON_REBOOT | \
	 XL_CREATE_RESTART_ON_REBOOT)

/* Whether flags has both of two bits that exclude each other (destroy and restart on one end). */
static bool both(uint32_t flags, uint32_t a, uint32_t b)
{
	return (flags & a) && (flags & b);
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
	if (copy_from_guest(v->domain, req, gpa_init(gpa), sizeof(*req)))
		return -EFAULT;
	min_mem = req->type == XL_GUEST_LINUX ? GUEST_LINUX_MIN_MEM : (2ULL << 20);
	if (!req->image_size || req->image_size > XL_DOMCTL_MAX_IMAGE)
		return -EINVAL;
	if (!req->name[0] || !nul_terminated(req->name, sizeof(req->name)) ||
	    !name_printable(req->name) || !nul_terminated(req->cmdline, sizeof(req->cmdline)))
		return -EINVAL;
	if (domain_name_taken(req->name))
		return -EEXIST;
	if (req->flags & ~CREATE_FLAGS || both(req->flags, XL_CREATE_DESTROY_ON_CRASH, XL_CREATE_RESTART_ON_CRASH) ||
	    both(req->flags, XL_CREATE_DESTROY_ON_POWEROFF, XL_CREATE_RESTART_ON_POWEROFF) ||
	    both(req->flags, XL_CREATE_DESTROY_ON_REBOOT, XL_CREATE_RESTART_ON_REBOOT))
		return -EINVAL;
	if (req->type != XL_GUEST_ELF && req->type != XL_GUEST_LINUX)
		return -EINVAL;
	if (req->mem_bytes < min_mem || req->mem_bytes & (PAGE_SIZE - 1) ||
	    req->mem_bytes > (1ULL << 40))
		return -EINVAL;
	if (req->mem_bytes > (req->type == XL_GUEST_LINUX ? GUEST_LINUX_MAX_MEM : GUEST_START_MAX_MEM))
		return -E2BIG; /* before any of it is allocated and zeroed */
	if (req->nr_pci > XL_MAX_GUEST_PCI ||
	    (req->on_dma_fault != XL_DMA_FAULT_CRASH && req->on_dma_fault != XL_DMA_FAULT_LOG))
		return -EINVAL;
	return 0;
}

_Static_assert(XL_MAX_GUEST_PCI == DOMAIN_MAX_PCI, "a guest's PCI functions are the ABI's");

/* The devices the request names, into a domain just created; on an error it is destroyed. */
static int give_devices(struct domain *d, const struct xl_domctl_create *req)
{
	int err;

	d->dma_fault_log = req->on_dma_fault == XL_DMA_FAULT_LOG;
	err = pci_assign_to_domain(d, req->pci, req->nr_pci);
	if (err) {
		log_warn("dom0: %s: its PCI functions cannot be given: %s (%d)\n", d->name, errstr(err), err);
		domain_destroy(d);
	}
	return err;
}

/* One end's action from its two flags (checked: not both); neither is preserve. */
static enum guest_end_action action_of(uint32_t flags, uint32_t destroy, uint32_t restart)
{
	return flags & destroy ? GUEST_END_DESTROY : flags & restart ? GUEST_END_RESTART : GUEST_END_PRESERVE;
}

/* What a validated request asks for, as the lifecycle takes it. */
static struct guest_config config_of(const struct xl_domctl_create *req, const unsigned int *cpus,
				     unsigned int nr_vcpus)
{
	return (struct guest_config){
		.name = req->name,
		.type = req->type,
		.mem = req->mem_bytes,
		.cmdline = req->cmdline,
		.end_actions = {
			.on_poweroff = action_of(req->flags, XL_CREATE_DESTROY_ON_POWEROFF,
						 XL_CREATE_RESTART_ON_POWEROFF),
			.on_reboot = action_of(req->flags, XL_CREATE_DESTROY_ON_REBOOT,
					       XL_CREATE_RESTART_ON_REBOOT),
			.on_crash = action_of(req->flags, XL_CREATE_DESTROY_ON_CRASH, XL_CREATE_RESTART_ON_CRASH),
		},
		.start_paused = req->flags & XL_CREATE_PAUSED,
		.cpus = cpus,
		.nr_vcpus = nr_vcpus,
	};
}

/* XL_DOMCTL_CREATE_ELF: the whole ELF image in the request; built and started at once. */
static int64_t create_elf(struct vcpu *v, uint64_t gpa, uint64_t size)
{
	struct xl_domctl_create req;
	struct guest_config c;
	struct domain *d;
	unsigned int cpu;
	int err;

	err = read_request(v, gpa, size, &req);
	if (err)
		return err;
	if (req.type != XL_GUEST_ELF || req.nr_vcpus > 1 || req.ramdisk_size ||
	    size - sizeof(req) < req.image_size)
		return -EINVAL;
	err = pcpu_choose(&req.cpu, 1, &cpu);
	if (err)
		return err;
	c = config_of(&req, &cpu, 1);
	d = guest_create(&c, &err);
	if (!d || (err = give_devices(d, &req)))
		goto fail;
	err = guest_alloc_images(d, req.image_size, 0);
	if (!err)
		err = guest_load_images(d, 0, v->domain, gpa_init(gpa + sizeof(req)), req.image_size);
	if (err) {
		domain_destroy(d);
		goto fail;
	}
	err = guest_launch(d);
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
	struct guest_config c;
	struct domain *d;
	int err;

	err = read_request(v, gpa, size, &req);
	if (err)
		return err;
	if (!req.nr_vcpus || req.nr_vcpus > XL_MAX_GUEST_VCPUS ||
	    (req.type == XL_GUEST_ELF && (req.nr_vcpus != 1 || req.ramdisk_size)) ||
	    req.ramdisk_size > XL_DOMCTL_MAX_RAMDISK)
		return -EINVAL;
	err = pcpu_choose(req.cpus, req.nr_vcpus, cpus);
	if (err)
		return err;
	c = config_of(&req, cpus, req.nr_vcpus);
	d = guest_create(&c, &err);
	if (!d)
		return err;
	err = give_devices(d, &req);
	if (err)
		return err;
	err = guest_alloc_images(d, req.image_size, req.ramdisk_size);
	if (err) {
		domain_destroy(d);
		return err;
	}
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
	if (d->restarting)
		return -EBUSY; /* the hypervisor builds it from the images it kept */
	if (size < sizeof(hdr))
		return -EINVAL;
	if (copy_from_guest(v->domain, &hdr, gpa_init(gpa), sizeof(hdr)))
		return -EFAULT;
	if (hdr.reserved || !hdr.len || hdr.len > size - sizeof(hdr) || hdr.offset > total ||
	    hdr.len > total - hdr.offset)
		return -EINVAL;
	if (guest_load_images(d, hdr.offset, v->domain, gpa_init(gpa + sizeof(hdr)), hdr.len))
		return -EFAULT;
	return hdr.len;
}

/* XL_DOMCTL_PREPARE: the next step of zeroing a building domain's memory. */
static int64_t prepare(struct domain *d)
{
	if (d->state != DOMAIN_BUILDING)
		return -EINVAL;
	if (d->restarting)
		return -EBUSY; /* its restart zeroes it */
	return (int64_t)domain_scrub(d, XL_PREPARE_STEP);
}

static int64_t start(struct domain *d)
{
	if (d->state != DOMAIN_BUILDING || !d->images)
		return -EINVAL;
	if (d->restarting)
		return -EBUSY; /* its restart starts it */
	return guest_launch(d);
}

#define CONSOLE_CHUNK_MAX 4096

static int64_t console_read(struct vcpu *v, struct domain *d, uint64_t gpa, uint64_t size)
{
	struct xl_console_chunk hdr = { 0 };
	char buf[CONSOLE_CHUNK_MAX];
	size_t n;

	if (size <= sizeof(hdr))
		return -ENOSPC;
	if (!domain_range_is_ram(v->domain, gpa_init(gpa), size))
		return -EFAULT;
	n = domain_console_take(d, buf, MIN(size - sizeof(hdr), (uint64_t)sizeof(buf)), &hdr.dropped);
	hdr.len = (uint32_t)n;
	/* checked above: these copies cannot fail half-way through dom0's RAM holes */
	if (copy_to_guest(v->domain, gpa_init(gpa + sizeof(hdr)), buf, n) ||
	    copy_to_guest(v->domain, gpa_init(gpa), &hdr, sizeof(hdr)))
		return -EFAULT;
	return (int64_t)n;
}

static int64_t console_type(struct vcpu *v, struct domain *d, uint64_t gpa, uint64_t size)
{
	char buf[DOMAIN_CONSOLE_INPUT];

	size = MIN(size, (uint64_t)sizeof(buf));
	if (copy_from_guest(v->domain, buf, gpa_init(gpa), size))
		return -EFAULT;
	return (int64_t)domain_console_type(d, buf, size);
}

/* A guest by the id in arg's low 32 bits; dom0 itself is not controlled this way. */
static struct domain *guest_by_id(uint64_t arg)
{
	struct domain *d = domain_find((uint32_t)arg);

	return d && !d->privileged ? d : NULL;
}

/* XL_DOMCTL_SHUTDOWN: arg = id | XL_SHUTDOWN_*_FLAG bits */
static int64_t shutdown_request(uint64_t arg)
{
	uint64_t flags = arg >> 32 << 32;
	struct domain *d;

	if (flags & ~(XL_SHUTDOWN_REBOOT_FLAG | XL_SHUTDOWN_HARD_FLAG | XL_SHUTDOWN_ASKABLE_FLAG))
		return -EINVAL;
	d = guest_by_id(arg);
	if (!d)
		return -ENOENT;
	return guest_request_shutdown(d, flags);
}

/* XL_DOMCTL_VIRTIO: the request in dom0's buffer, STATE's answer back into it */
static int64_t virtio(struct vcpu *v, struct domain *d, uint64_t gpa, uint64_t size)
{
	struct xl_virtio_op op;
	int64_t ret;

	if (size != sizeof(op))
		return -EINVAL;
	if (copy_from_guest(v->domain, &op, gpa_init(gpa), sizeof(op)))
		return -EFAULT;
	ret = virtio_request(d, &op);
	if (!ret && op.op == XL_VIRTIO_STATE && copy_to_guest(v->domain, gpa_init(gpa), &op, sizeof(op)))
		return -EFAULT;
	return ret;
}

static int64_t on_domain(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg)
{
	struct domain *d = arg <= UINT32_MAX ? guest_by_id(arg) : NULL;

	if (!d)
		return -ENOENT;
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
	case XL_DOMCTL_LOAD:
		return load(v, d, gpa, size);
	case XL_DOMCTL_START:
		return start(d);
	case XL_DOMCTL_PREPARE:
		return prepare(d);
	case XL_DOMCTL_VIRTIO:
		return virtio(v, d, gpa, size);
	default:
		return -EINVAL;
	}
}

/* arg: XL_PCI_SBDF() | XL_PCI_CHECK_ONLY; any other bit set is an error */
static int64_t pci_assignable(uint64_t op, uint64_t arg)
{
	uint16_t segment = (uint16_t)(arg >> 16), bdf = (uint16_t)arg;

	if (arg & ~(XL_PCI_CHECK_ONLY | 0xffffffffULL))
		return -EINVAL;
	if (op == XL_DOMCTL_PCI_ASSIGNABLE_ADD)
		return pci_assignable_add(segment, bdf, arg & XL_PCI_CHECK_ONLY);
	return arg & XL_PCI_CHECK_ONLY ? -EINVAL : pci_assignable_remove(segment, bdf);
}

/* XL_DOMCTL_GUEST_MEMORY_MAP: the extents into dom0's buffer (as many as fit) */
static int64_t view_map(struct vcpu *v, uint64_t gpa, uint64_t size, uint64_t arg)
{
	struct domain *d = arg <= UINT32_MAX ? guest_by_id(arg) : NULL;
	unsigned int max = (unsigned int)MIN(size / sizeof(struct xl_mem_extent), (uint64_t)DOMAIN_MAX_BLOCKS);
	struct xl_mem_extent *out;
	int n;

	if (!d)
		return -ENOENT;
	out = max ? xl_zalloc(max * sizeof(*out)) : NULL;
	if (max && !out)
		return -ENOMEM;
	n = guest_view_map(v->domain, d, out, max);
	if (n > 0 && max && copy_to_guest(v->domain, gpa_init(gpa), out, MIN((unsigned int)n, max) * sizeof(*out))) {
		guest_view_unmap(v->domain, d->id);
		n = -EFAULT;
	}
	xl_free(out);
	return n;
}

int64_t domctl_dispatch(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg)
{
	int64_t ret;

	guest_lifecycle_lock();
	if (op == XL_DOMCTL_CREATE_ELF)
		ret = create_elf(v, gpa, size);
	else if (op == XL_DOMCTL_CREATE)
		ret = create(v, gpa, size);
	else if (op == XL_DOMCTL_PCI_ASSIGNABLE_ADD || op == XL_DOMCTL_PCI_ASSIGNABLE_REMOVE)
		ret = pci_assignable(op, arg);
	else if (op == XL_DOMCTL_SHUTDOWN)
		ret = shutdown_request(arg);
	else if (op == XL_DOMCTL_GUEST_MEMORY_MAP)
		ret = view_map(v, gpa, size, arg);
	else if (op == XL_DOMCTL_GUEST_MEMORY_UNMAP)
		ret = arg <= UINT32_MAX ? guest_view_unmap(v->domain, (uint32_t)arg) : -EINVAL; /* a destroyed one's too */
	else
		ret = on_domain(v, op, gpa, size, arg);
	guest_lifecycle_unlock();
	return ret;
}
