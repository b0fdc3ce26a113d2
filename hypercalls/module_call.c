/*
 * XL_HC_MODULE: behaviour modules (Documentation/hypercalls.md,
 * Documentation/modules.md). Load, unload and list are dom0's; a module's
 * own operations are open to any domain, and the module decides who may.
 * Every buffer is copied into the hypervisor before use: the module and
 * the loader never read guest memory.
 */
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/heap.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/module.h>
#include <xen-lite/module_loader.h>
#include <xen-lite/string.h>

#define WHY_OFFSET_LOAD __builtin_offsetof(struct xl_module_load, why)
#define WHY_OFFSET_UNLOAD __builtin_offsetof(struct xl_module_unload, why)

/* Give the caller the reason of a refusal; the result stands whatever the copy does. */
static int64_t answer_why(struct domain *d, gpa_t why_gpa, const char *why, int64_t ret)
{
	if (ret < 0)
		copy_to_guest(d, why_gpa, why, XL_MODULE_WHY_LEN);
	return ret;
}

static int64_t module_load(struct domain *d, gpa_t buf, uint64_t size)
{
	struct xl_module_load h;
	char why[XL_MODULE_WHY_LEN] = "";
	void *chunk = NULL;
	int64_t ret;

	if (size < sizeof(h) || copy_from_guest(d, &h, buf, sizeof(h)))
		return size < sizeof(h) ? -EINVAL : -EFAULT;
	if (h.reserved || h.length > size - sizeof(h) || h.length > XL_MODULE_MAX_FILE)
		return -EINVAL;
	h.args[sizeof(h.args) - 1] = '\0';
	if (h.length && !(chunk = xl_zalloc(h.length)))
		return -ENOMEM;
	if (h.length && copy_from_guest(d, chunk, gpa_add(buf, sizeof(h)), h.length)) {
		xl_free(chunk);
		return -EFAULT;
	}
	ret = module_stage(h.total, h.offset, chunk, h.length, why);
	xl_free(chunk);
	if (ret == 1)
		ret = module_load_staged(h.args, why);
	return answer_why(d, gpa_add(buf, WHY_OFFSET_LOAD), why, ret);
}

static int64_t module_unload_call(struct domain *d, gpa_t buf, uint64_t size)
{
	struct xl_module_unload u;
	char why[XL_MODULE_WHY_LEN] = "";

	if (size < sizeof(u))
		return -EINVAL;
	if (copy_from_guest(d, &u, buf, sizeof(u)))
		return -EFAULT;
	u.name[sizeof(u.name) - 1] = '\0';
	return answer_why(d, gpa_add(buf, WHY_OFFSET_UNLOAD), why, module_unload(u.name, why));
}

#define LIST_MAX 16

static int64_t module_list_call(struct domain *d, gpa_t buf, uint64_t size)
{
	unsigned int fit = (unsigned int)MIN(size / sizeof(struct xl_module_entry), (uint64_t)LIST_MAX);
	struct xl_module_entry *e = xl_zalloc(LIST_MAX * sizeof(*e));
	int n;

	if (!e)
		return -ENOMEM;
	n = module_list(e, fit);
	if (copy_to_guest(d, buf, e, MIN((unsigned int)n, fit) * sizeof(*e)))
		n = -EFAULT;
	xl_free(e);
	return n;
}

static int64_t module_call_op(struct vcpu *v, gpa_t buf, uint64_t size, uint64_t arg)
{
	struct xl_module_call_header h;
	struct xl_module_call c;
	uint64_t data_size;
	void *data = NULL;
	bool answered;
	int64_t ret;

	if (size < sizeof(h) || size - sizeof(h) > XL_MODULE_MAX_CALL)
		return -EINVAL;
	if (copy_from_guest(v->domain, &h, buf, sizeof(h)))
		return -EFAULT;
	if (h.reserved)
		return -EINVAL;
	h.name[sizeof(h.name) - 1] = '\0';
	data_size = size - sizeof(h);
	if (data_size && !(data = xl_zalloc(data_size)))
		return -ENOMEM;
	if (data_size && copy_from_guest(v->domain, data, gpa_add(buf, sizeof(h)), data_size)) {
		xl_free(data);
		return -EFAULT;
	}
	c = (struct xl_module_call){
		.caller_domain = v->domain->id,
		.caller_privileged = v->domain->privileged,
		.op = h.op,
		.arg = arg,
		.buf = data,
		.size = data_size,
	};
	ret = module_call(h.name, &c, &answered);
	/* only a module's answer goes back: the guest may have changed the buffer meanwhile */
	if (answered && data_size && copy_to_guest(v->domain, gpa_add(buf, sizeof(h)), data, data_size))
		ret = -EFAULT;
	xl_free(data);
	return ret;
}

int64_t module_hypercall(struct vcpu *v, uint64_t op, gpa_t buf, uint64_t size, uint64_t arg)
{
	struct domain *d = v->domain;

	if (op == XL_MODULE_CALL)
		return module_call_op(v, buf, size, arg);
	if (op > XL_MODULE_CALL)
		return -EINVAL;
	if (!d->privileged)
		return -EPERM;
	if (!domain_range_is_ram(d, buf, size))
		return -EFAULT;
	switch (op) {
	case XL_MODULE_LOAD:
		return module_load(d, buf, size);
	case XL_MODULE_UNLOAD:
		return module_unload_call(d, buf, size);
	default:
		return module_list_call(d, buf, size);
	}
}
