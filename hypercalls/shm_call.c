/*
 * XL_HC_SHM: shared memory segments (Documentation/hypercalls.md,
 * Documentation/composition.md). All but QUERY are dom0's and run under the
 * guest lifecycle lock, as domain control does: no domain comes or goes
 * meanwhile. Each request is copied in whole before it is used.
 */
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/heap.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/shm.h>
#include <xen-lite/string.h>

/* The request at gpa, exactly its size at least; its name NUL-terminated within it. */
static int copy_request(struct domain *d, void *req, size_t len, uint64_t gpa, uint64_t size)
{
	if (size < len)
		return -EINVAL;
	if (copy_from_guest(d, req, gpa_init(gpa), len))
		return -EFAULT;
	for (size_t i = 0; i < XL_SHM_NAME_MAX; i++) /* names come first */
		if (!((const char *)req)[i])
			return 0;
	return -EINVAL;
}

static int64_t create(struct domain *d, uint64_t gpa, uint64_t size)
{
	struct xl_shm_create c;
	int err = copy_request(d, &c, sizeof(c), gpa, size);

	if (err)
		return err;
	return c.reserved ? -EINVAL : shm_create(c.name, c.size, c.flags);
}

static int64_t destroy(struct domain *d, uint64_t gpa, uint64_t size)
{
	struct xl_shm_name n;
	int err = copy_request(d, &n, sizeof(n), gpa, size);

	return err ? err : shm_destroy(n.name);
}

static int64_t attach(struct domain *d, uint64_t op, uint64_t gpa, uint64_t size)
{
	struct xl_shm_attach a;
	int err = copy_request(d, &a, sizeof(a), gpa, size);

	if (err)
		return err;
	if (op == XL_SHM_DETACH)
		return shm_detach(a.name, a.domid);
	err = shm_attach(a.name, a.domid, a.flags, &a.gpa);
	if (err)
		return err;
	/* attached whatever the copy does: LIST and QUERY tell where */
	copy_to_guest(d, gpa_init(gpa + offsetof(struct xl_shm_attach, gpa)), &a.gpa, sizeof(a.gpa));
	return 0;
}

/* Copy the first MIN(n, max) entries of an answer to the caller; returns n (how many there are). */
static int64_t copy_answer(struct domain *d, uint64_t gpa, const void *buf, unsigned int n, unsigned int max,
			   size_t each)
{
	if (MIN(n, max) && copy_to_guest(d, gpa_init(gpa), buf, MIN(n, max) * each))
		return -EFAULT;
	return n;
}

/* QUERY, any domain's: at most XL_SHM_MAX_PER_DOMAIN entries, on the stack (no heap on a guest's path). */
static int64_t query(struct domain *d, uint64_t gpa, uint64_t size)
{
	struct xl_shm_mapping m[XL_SHM_MAX_PER_DOMAIN];
	unsigned int max = (unsigned int)MIN(size / sizeof(m[0]), (uint64_t)XL_SHM_MAX_PER_DOMAIN);

	return copy_answer(d, gpa, m, shm_domain_mappings(d, m, max), max, sizeof(m[0]));
}

/* LIST, dom0's: the whole table's worth (a few KiB) from the heap. */
static int64_t list(struct domain *d, uint64_t gpa, uint64_t size)
{
	unsigned int max = (unsigned int)MIN(size / sizeof(struct xl_shm_info), (uint64_t)XL_SHM_MAX_SEGMENTS);
	struct xl_shm_info *buf = xl_zalloc(XL_SHM_MAX_SEGMENTS * sizeof(*buf));
	int64_t ret;

	if (!buf)
		return -ENOMEM;
	ret = copy_answer(d, gpa, buf, shm_list(buf, max), max, sizeof(*buf));
	xl_free(buf);
	return ret;
}

int64_t shm_hypercall(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg)
{
	struct domain *d = v->domain;
	int64_t ret;

	if (arg)
		return -EINVAL; /* for later use */
	if (op == XL_SHM_QUERY)
		return query(d, gpa, size);
	if (op > XL_SHM_QUERY)
		return -EINVAL;
	if (!d->privileged)
		return -EPERM;
	guest_lifecycle_lock();
	switch (op) {
	case XL_SHM_CREATE:
		ret = create(d, gpa, size);
		break;
	case XL_SHM_DESTROY:
		ret = destroy(d, gpa, size);
		break;
	case XL_SHM_ATTACH:
	case XL_SHM_DETACH:
		ret = attach(d, op, gpa, size);
		break;
	default:
		ret = list(d, gpa, size);
		break;
	}
	guest_lifecycle_unlock();
	return ret;
}
