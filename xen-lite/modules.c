/* Module checks at boot (see include/xen-lite/modules.h). */
#include <xen-lite/arch/mm.h>
#include <xen-lite/errno.h>
#include <xen-lite/le.h>
#include <xen-lite/log.h>
#include <xen-lite/module_loader.h>
#include <xen-lite/modules.h>
#include <xen-lite/string.h>

#define BZ_BOOT_FLAG 0x1FE /* u16 0xAA55 */
#define BZ_HEADER_MAGIC 0x202 /* "HdrS" */
#define BZ_VERSION 0x206
#define BZ_SETUP_SECTS 0x1F1
#define BZ_LOADFLAGS 0x211
#define BZ_XLOADFLAGS 0x236
#define BZ_MIN_SIZE 0x240
#define LOADED_HIGH 0x01
#define XLF_KERNEL_64 0x01

int bzimage_probe(const void *data, uint64_t size, struct bzimage_info *out)
{
	const uint8_t *p = data;

	memset(out, 0, sizeof(*out));
	if (size < BZ_MIN_SIZE || le16_get(p + BZ_BOOT_FLAG) != 0xAA55 ||
	    memcmp(p + BZ_HEADER_MAGIC, "HdrS", 4))
		return -ENOEXEC;
	out->protocol = le16_get(p + BZ_VERSION);
	out->setup_sects = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;
	out->relocatable = p[0x234] != 0;
	out->xlf_kernel_64 = (le16_get(p + BZ_XLOADFLAGS) & XLF_KERNEL_64) != 0;
	if (out->protocol < BZIMAGE_MIN_PROTOCOL || !(p[BZ_LOADFLAGS] & LOADED_HIGH) ||
	    !out->xlf_kernel_64)
		return -EINVAL;
	if ((uint64_t)(out->setup_sects + 1) * 512 >= size)
		return -EINVAL;
	return 0;
}

static bool inside_available_ram(const struct boot_info *bi, uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < bi->mem_count; i++) {
		const struct mem_region *r = &bi->mem[i];

		if (r->type == MEM_AVAILABLE && r->base <= start && end <= r->base + r->size)
			return true;
	}
	return false;
}

static int check_module(const struct boot_info *bi, unsigned int i)
{
	const struct boot_module *m = &bi->modules[i];
	int problems = 0;

	log_info("module %u: [%#llx-%#llx) %llu bytes '%s'\n", i, (unsigned long long)m->start,
		 (unsigned long long)m->end, (unsigned long long)(m->end - m->start), m->cmdline);
	if (m->end == m->start) {
		log_warn("module %u ('%s') is empty\n", i, m->cmdline);
		problems++;
	} else if (!inside_available_ram(bi, m->start, m->end)) {
		log_warn("module %u ('%s') is not inside available RAM; it will not be used\n", i,
			 m->cmdline);
		problems++;
	}
	for (unsigned int j = 0; j < i; j++) {
		/* an empty module overlaps nothing (it is reported as empty) */
		if (m->start < m->end && bi->modules[j].start < bi->modules[j].end &&
		    m->start < bi->modules[j].end && bi->modules[j].start < m->end) {
			log_warn("module %u overlaps module %u\n", i, j);
			problems++;
		}
	}
	return problems;
}

/* Returns 1 when module 0 cannot be the dom0 kernel (a problem), else 0. */
static int describe_dom0_kernel(const struct boot_info *bi)
{
	const struct boot_module *m = &bi->modules[0];
	struct bzimage_info bz;
	int err;

	if (m->end <= m->start || !inside_available_ram(bi, m->start, m->end))
		return 0; /* already reported by check_module() */
	err = bzimage_probe(phys_to_virt(m->start), m->end - m->start, &bz);
	if (err == -ENOEXEC)
		log_warn("module 0 ('%s') is not a Linux bzImage (no boot flag/HdrS header); "
			 "it cannot be the dom0 kernel\n", m->cmdline);
	else if (err)
		log_warn("module 0 ('%s') is a Linux bzImage with boot protocol %u.%u, which cannot be "
			 "loaded as dom0 (need >= %u.%u with a 64-bit entry point)\n",
			 m->cmdline, bz.protocol >> 8, bz.protocol & 0xff, BZIMAGE_MIN_PROTOCOL >> 8,
			 BZIMAGE_MIN_PROTOCOL & 0xff);
	else
		log_info("module 0: Linux bzImage, boot protocol %u.%u (dom0 kernel)\n",
			 bz.protocol >> 8, bz.protocol & 0xff);
	return err ? 1 : 0;
}

int modules_report(const struct boot_info *bi)
{
	int problems = 0;

	if (!bi->module_count) {
		log_warn("no modules were passed: there is no dom0 kernel to start\n");
		return 1;
	}
	for (unsigned int i = 0; i < bi->module_count; i++)
		problems += check_module(bi, i);
	/* test guests and behaviour modules given first are not meant as dom0's kernel */
	if (strncmp(bi->modules[0].cmdline, "xl-guest", 8) &&
	    !boot_module_is_behaviour_module(bi->modules[0].cmdline))
		problems += describe_dom0_kernel(bi);
	return problems;
}
