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

static int add_mmio(struct domain *d, const struct vdev_mmio_range *r)
{
	struct vdev_table *t = &d->arch.vdev;
	int err;

	if (t->nr_mmio == VDEV_MAX_MMIO)
		return -ENOSPC;
	/* reads stay native; each write faults and comes to vdev_mmio_write() */
	err = vmm->protect(d, r->base, r->size, GUEST_PERM_READ);
	if (!err) /* a range that could not be protected is nobody's */
		t->mmio[t->nr_mmio++] = *r;
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

int vdev_poll_register(struct domain *d, vdev_poll_fn fn, void *opaque)
{
	struct vdev_table *t = &d->arch.vdev;

	if (t->nr_poll == VDEV_MAX_POLL)
		return -ENOSPC;
	t->poll[t->nr_poll++] = (struct vdev_poll){ fn, opaque };
	return 0;
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

bool vdev_mmio_write(struct vcpu *v, gpa_t gpa, bool during_event_delivery)
{
	const struct vdev_table *t = &v->domain->arch.vdev;

	for (unsigned int i = 0; i < t->nr_mmio; i++) {
		const struct vdev_mmio_range *r = &t->mmio[i];
		struct mmio_store st;
		uint32_t value;
		unsigned int length;

		if (gpa_addr(gpa) - gpa_addr(r->base) >= r->size)
			continue;
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
	return false;
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
