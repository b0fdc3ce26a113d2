/*
 * The per-domain device registry (arch/vdev.h): which device owns which
 * ports and MMIO ranges. Registration happens while a domain is built;
 * lookups happen on every exit that touches a port or a trapped page, on
 * the exiting vCPU's CPU, and read a table that no longer changes.
 */
#include <arch/emul.h>
#include <arch/vdev.h>
#include <arch/vmm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>

int vdev_io_register(struct domain *d, uint16_t base, uint16_t count, vdev_io_fn fn, void *opaque)
{
	struct vdev_table *t = &d->arch.vdev;

	if (t->nr_io == VDEV_MAX_IO || !count || base + count > 0x10000)
		return -ENOSPC;
	t->io[t->nr_io++] = (struct vdev_io_range){ base, count, fn, opaque };
	vmm->intercept_io(d, base, count);
	return 0;
}

/*
 * Published before the range is made read-only, so that a write that
 * faults on another vCPU meanwhile finds its handler; a range that could
 * not be protected is nobody's.
 */
static int add_mmio(struct domain *d, const struct vdev_mmio_range *r)
{
	struct vdev_table *t = &d->arch.vdev;
	struct vdev_mmio_range *slot = NULL;
	uint64_t flags = spin_lock_irqsave(&t->mmio_lock);
	int err;

	for (unsigned int i = 0; i < t->nr_mmio && !slot; i++)
		if (!__atomic_load_n(&t->mmio[i].size, __ATOMIC_ACQUIRE))
			slot = &t->mmio[i];
	if (!slot && t->nr_mmio < VDEV_MAX_MMIO)
		slot = &t->mmio[t->nr_mmio];
	if (slot) {
		*slot = *r;
		slot->size = 0;
		__atomic_store_n(&slot->size, r->size, __ATOMIC_RELEASE);
		if (slot == &t->mmio[t->nr_mmio])
			__atomic_store_n(&t->nr_mmio, t->nr_mmio + 1, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&t->mmio_lock, flags);
	if (!slot)
		return -ENOSPC;
	/* reads stay native and each write faults - or, emulated, every access does */
	err = r->read_fn || r->load_fn ? vmm->unmap(d, r->base, r->size)
				       : vmm->protect(d, r->base, r->size, GUEST_PERM_READ);
	if (err)
		__atomic_store_n(&slot->size, 0, __ATOMIC_RELEASE);
	return err;
}

int vdev_mmio_register(struct domain *d, gpa_t base, uint64_t size, const char *what,
		       vdev_mmio_write_fn fn, void *opaque)
{
	return add_mmio(d, &(struct vdev_mmio_range){ .base = base, .size = size, .what = what, .fn = fn,
						      .sizes = 4, .opaque = opaque });
}

int vdev_mmio_register_stores(struct domain *d, gpa_t base, uint64_t size, const char *what,
			      unsigned int sizes, vdev_mmio_store_fn fn, void *opaque)
{
	return add_mmio(d, &(struct vdev_mmio_range){ .base = base, .size = size, .what = what,
						      .store_fn = fn, .sizes = sizes, .opaque = opaque });
}

int vdev_mmio_register_emulated(struct domain *d, gpa_t base, uint64_t size, const char *what,
				vdev_mmio_read_fn read_fn, vdev_mmio_write_fn write_fn, void *opaque)
{
	return add_mmio(d, &(struct vdev_mmio_range){ .base = base, .size = size, .what = what, .fn = write_fn,
						      .read_fn = read_fn, .sizes = 4, .opaque = opaque });
}

int vdev_mmio_register_device(struct domain *d, gpa_t base, uint64_t size, const char *what, unsigned int sizes,
			      vdev_mmio_load_fn load_fn, vdev_mmio_store_fn store_fn, void *opaque)
{
	return add_mmio(d, &(struct vdev_mmio_range){ .base = base, .size = size, .what = what, .store_fn = store_fn,
						      .load_fn = load_fn, .sizes = sizes, .opaque = opaque });
}

int vdev_mmio_unregister(struct domain *d, gpa_t base, uint64_t size)
{
	struct vdev_table *t = &d->arch.vdev;
	uint64_t flags = spin_lock_irqsave(&t->mmio_lock);
	int err = -ENOENT;

	for (unsigned int i = 0; i < t->nr_mmio && err == -ENOENT; i++) {
		struct vdev_mmio_range *r = &t->mmio[i];

		if (gpa_addr(r->base) != gpa_addr(base) || __atomic_load_n(&r->size, __ATOMIC_ACQUIRE) != size ||
		    r->read_fn || r->load_fn)
			continue; /* an emulated range's mapping is not the domain's to have back */
		err = vmm->protect(d, base, size, GUEST_PERM_READ | GUEST_PERM_WRITE | GUEST_PERM_EXEC);
		if (!err)
			__atomic_store_n(&r->size, 0, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&t->mmio_lock, flags);
	return err;
}

int vdev_poll_register(struct domain *d, vdev_poll_fn fn, void *opaque)
{
	struct vdev_table *t = &d->arch.vdev;

	if (t->nr_poll == VDEV_MAX_POLL)
		return -ENOSPC;
	t->poll[t->nr_poll++] = (struct vdev_poll){ fn, opaque };
	return 0;
}

int vdev_unmapped_register(struct domain *d, vdev_unmapped_fn fn, void *opaque)
{
	struct vdev_table *t = &d->arch.vdev;

	if (t->unmapped_fn)
		return -EBUSY;
	t->unmapped_opaque = opaque;
	t->unmapped_fn = fn;
	return 0;
}

bool vdev_unmapped(struct vcpu *v, gpa_t gpa)
{
	const struct vdev_table *t = &v->domain->arch.vdev;

	return t->unmapped_fn && t->unmapped_fn(v, gpa, t->unmapped_opaque);
}

enum vdev_io_result vdev_io(struct vcpu *v, struct io_access *io)
{
	const struct vdev_table *t = &v->domain->arch.vdev;
	unsigned int first = io->port, end = first + io->size;

	/* an access that touches any port of a range is the device's, as the intercept bits say */
	for (unsigned int i = 0; i < t->nr_io; i++)
		if (first < t->io[i].base + t->io[i].count && t->io[i].base < end)
			return t->io[i].fn(v, io, t->io[i].opaque);
	return VDEV_IO_UNCLAIMED;
}

static const struct vdev_mmio_range *mmio_range_at(const struct vdev_table *t, gpa_t gpa)
{
	unsigned int n = __atomic_load_n(&t->nr_mmio, __ATOMIC_ACQUIRE);

	for (unsigned int i = 0; i < n; i++) {
		const struct vdev_mmio_range *r = &t->mmio[i];

		if (gpa_addr(gpa) - gpa_addr(r->base) < __atomic_load_n(&r->size, __ATOMIC_ACQUIRE))
			return r;
	}
	return NULL;
}

bool vdev_mmio_emulate(struct vcpu *v, gpa_t gpa, bool write, bool during_event_delivery)
{
	const struct vdev_mmio_range *r = mmio_range_at(&v->domain->arch.vdev, gpa);
	struct mmio_load load;

	if (!r || (!r->read_fn && !r->load_fn))
		return false;
	if (write)
		return vdev_mmio_write(v, gpa, during_event_delivery);
	if (during_event_delivery)
		domain_crash(v->domain, "event delivery read %s", r->what);
	else if (vcpu_decode_mmio_load(v, gpa, r->what, &load)) {
		if (!(r->sizes & load.insn.size))
			domain_crash(v->domain, "a %u-byte read of %s", load.insn.size, r->what);
		else if (r->load_fn)
			vcpu_complete_mmio_load(v, &load, r->load_fn(v, gpa, load.insn.size, r->opaque));
		else
			vcpu_complete_mmio_load(v, &load, r->read_fn(v, gpa, r->opaque));
	}
	return true;
}

bool vdev_mmio_write(struct vcpu *v, gpa_t gpa, bool during_event_delivery)
{
	const struct vdev_mmio_range *r = mmio_range_at(&v->domain->arch.vdev, gpa);
	struct mmio_store st;
	uint32_t value;
	unsigned int length;

	if (!r)
		return false;
	if (r->store_fn) {
		if (vcpu_decode_mmio_store(v, gpa, r->what, during_event_delivery, r->sizes, &st)) {
			r->store_fn(v, gpa, st.value, st.size, r->opaque);
			vcpu_advance_rip(v, st.length);
		}
	} else if (vcpu_decode_mmio_store32(v, gpa, r->what, during_event_delivery, &value, &length)) {
		r->fn(v, gpa, value, r->opaque);
		vcpu_advance_rip(v, length);
	}
	return true;
}

void vdev_poll(struct vcpu *v)
{
	const struct vdev_table *t = &v->domain->arch.vdev;

	for (unsigned int i = 0; i < t->nr_poll; i++)
		t->poll[i].fn(v, t->poll[i].opaque);
}

bool vdev_log_denial(struct vcpu *v)
{
	struct domain *d = v->domain;
	unsigned int n;

	/* the domain's vCPUs exit at once on their CPUs: one count, taken atomically */
	if (__atomic_load_n(&d->arch.denials_logged, __ATOMIC_RELAXED) >= VDEV_LOG_DENIALS)
		return false;
	n = __atomic_add_fetch(&d->arch.denials_logged, 1, __ATOMIC_RELAXED);
	if (n == VDEV_LOG_DENIALS)
		log_debug("d%u: further refused ports and MSRs are not logged\n", d->id);
	return n <= VDEV_LOG_DENIALS;
}
