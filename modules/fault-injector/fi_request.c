/* The fault injector's requests checked (see fi_request.h). */
#include <xen-lite/errno.h>

#include "fi_request.h"

/* The request fields, as bits, for "which ones may be set". */
enum field {
	F_KIND = 1 << 0, F_DOMAIN = 1 << 1, F_VCPU = 1 << 2, F_ADDR = 1 << 3, F_BIT = 1 << 4,
	F_REG = 1 << 5, F_COUNT = 1 << 6, F_MATCH = 1 << 7, F_VALUE = 1 << 8, F_FLAGS = 1 << 9,
	F_ID = 1 << 10, F_FROM = 1 << 11,
};

#define F_INJECT (F_KIND | F_DOMAIN | F_FLAGS)

static const uint32_t kind_fields[XL_FI_NR_KINDS] = {
	[XL_FI_MEM_FLIP] = F_INJECT | F_ADDR | F_BIT,
	[XL_FI_REG_FLIP] = F_INJECT | F_VCPU | F_REG | F_BIT | F_COUNT,
	[XL_FI_HC_FAIL] = F_INJECT | F_MATCH | F_VALUE | F_COUNT,
	[XL_FI_IO_CORRUPT] = F_INJECT | F_MATCH | F_VALUE | F_COUNT,
	[XL_FI_IPI_DROP] = F_INJECT | F_COUNT,
	[XL_FI_IPI_DUP] = F_INJECT | F_COUNT,
};

static const char *const kind_names[XL_FI_NR_KINDS] = XL_FI_KIND_NAMES;

const char *fi_kind_name(uint32_t kind)
{
	return kind < XL_FI_NR_KINDS ? kind_names[kind] : "?";
}

bool fi_kind_is_armed(uint32_t kind)
{
	return kind != XL_FI_MEM_FLIP && kind < XL_FI_NR_KINDS;
}

static uint32_t fields_set(const struct xl_fi_request *r)
{
	return (r->kind ? F_KIND : 0) | (r->domain ? F_DOMAIN : 0) | (r->vcpu ? F_VCPU : 0) |
	       (r->addr ? F_ADDR : 0) | (r->bit ? F_BIT : 0) | (r->reg ? F_REG : 0) |
	       (r->count ? F_COUNT : 0) | (r->match ? F_MATCH : 0) | (r->value ? F_VALUE : 0) |
	       (r->flags ? F_FLAGS : 0) | (r->id ? F_ID : 0) | (r->from_seq ? F_FROM : 0);
}

/* The fields operation op (and, for INJECT, the kind) may set. */
static uint32_t fields_allowed(uint32_t op, const struct xl_fi_request *r)
{
	switch (op) {
	case XL_FI_OP_INJECT:
		return r->kind < XL_FI_NR_KINDS ? kind_fields[r->kind] : 0;
	case XL_FI_OP_DISARM:
		return F_ID;
	case XL_FI_OP_EVENTS:
		return F_FROM;
	default:
		return 0;
	}
}

/* An injection's values within their ranges (the kind's fields only are set). */
static bool in_range(const struct xl_fi_request *r)
{
	if (r->flags & ~XL_FI_UNSAFE)
		return false;
	switch (r->kind) {
	case XL_FI_MEM_FLIP:
		return r->bit <= 7;
	case XL_FI_REG_FLIP:
		return r->vcpu <= XL_FI_MAX_VCPU && r->reg < XL_FI_NR_GPRS && r->bit <= 63 &&
		       r->count >= 1 && r->count <= XL_FI_MAX_COUNT;
	case XL_FI_HC_FAIL:
		return r->value >= 1 && r->value <= XL_FI_MAX_ERRNO && r->count >= 1 &&
		       r->count <= XL_FI_MAX_COUNT;
	case XL_FI_IO_CORRUPT:
		return (r->match <= 0xffff || r->match == XL_FI_ANY) && r->value && r->count >= 1 &&
		       r->count <= XL_FI_MAX_COUNT;
	default:
		return r->count >= 1 && r->count <= XL_FI_MAX_COUNT;
	}
}

/* dom0 as the target: only when the operator said so, and never for what could not apply. */
static int check_target(const struct xl_fi_request *r)
{
	if (r->domain != FI_DOM0)
		return 0;
	if (!(r->flags & XL_FI_UNSAFE))
		return -EPERM;
	return r->kind == XL_FI_IPI_DROP || r->kind == XL_FI_IPI_DUP ? -EOPNOTSUPP : 0;
}

int fi_check_request(uint32_t op, const struct xl_fi_request *r)
{
	if (op >= XL_FI_NR_OPS)
		return -EINVAL;
	if (r->version != XL_FI_FORMAT_VERSION)
		return -EPROTO;
	if (op == XL_FI_OP_INJECT && r->kind >= XL_FI_NR_KINDS)
		return -EINVAL;
	if (fields_set(r) & ~fields_allowed(op, r))
		return -EINVAL;
	if (op != XL_FI_OP_INJECT)
		return 0;
	return in_range(r) ? check_target(r) : -EINVAL;
}
