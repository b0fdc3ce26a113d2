/*
 * The addresses the hypervisor handles are of three kinds, and they are
 * three types: guest-physical (what a guest calls physical: gpa_t),
 * host-physical (the machine's: hpa_t) and hypervisor-virtual (plain
 * pointers). Passing one where another belongs - the two addresses of a
 * map call swapped, a guest's number used as a machine address - does not
 * compile. Conversions are explicit and happen at the edges: where a guest
 * hands over a number (hypercall arguments, exit information), where a
 * firmware table or boot protocol gives one, and where memory is reached
 * (hpa_to_virt() in mm.h).
 */
#ifndef XEN_LITE_ADDR_H
#define XEN_LITE_ADDR_H

#include <xen-lite/types.h>

typedef struct {
	uint64_t addr;
} gpa_t;

typedef struct {
	uint64_t addr;
} hpa_t;

static inline gpa_t gpa_init(uint64_t addr)
{
	return (gpa_t){ addr };
}

static inline uint64_t gpa_addr(gpa_t gpa)
{
	return gpa.addr;
}

static inline gpa_t gpa_add(gpa_t gpa, uint64_t offset)
{
	return (gpa_t){ gpa.addr + offset };
}

static inline hpa_t hpa_init(uint64_t addr)
{
	return (hpa_t){ addr };
}

static inline uint64_t hpa_addr(hpa_t hpa)
{
	return hpa.addr;
}

static inline hpa_t hpa_add(hpa_t hpa, uint64_t offset)
{
	return (hpa_t){ hpa.addr + offset };
}

/* Memory given to a domain at the same address it has in the machine (dom0's). */
static inline hpa_t gpa_to_hpa_identity(gpa_t gpa)
{
	return (hpa_t){ gpa.addr };
}

#endif
