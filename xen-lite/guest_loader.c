/* ELF guest loader (see include/xen-lite/guest_loader.h). */
#include <xen-lite-abi.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/guest.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_loader.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/heap.h>
#include <xen-lite/shm.h>
#include <xen-lite/string.h>

#define EM_X86_64 62
#define ET_EXEC 2
#define PT_LOAD 1

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/* Layout of the start area at the top of guest memory (offsets from its base). */
#define AREA_PML4 0x0000 /* then the PDPT and a page directory per GiB */
#define AREA_GDT 0xE000
#define AREA_INFO 0xF000

_Static_assert(AREA_PML4 + ARCH_BOOT_TABLES_PAGES(GUEST_START_MAX_MEM) * 0x1000 <= AREA_GDT,
	       "start area layout");
_Static_assert(sizeof(struct xl_start_info) <= XL_START_AREA_SIZE - AREA_INFO, "start info fits");

static int check_header(const struct elf64_ehdr *eh, uint64_t size)
{
	if (size < sizeof(*eh) || memcmp(eh->ident, "\x7f" "ELF", 4) || eh->ident[4] != 2 ||
	    eh->ident[5] != 1 || eh->machine != EM_X86_64 || eh->type != ET_EXEC)
		return -ENOEXEC;
	if (eh->phentsize != sizeof(struct elf64_phdr) || !eh->phnum || eh->phoff > size ||
	    (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > size - eh->phoff)
		return -ENOEXEC;
	return 0;
}

static int check_segment(const struct elf64_phdr *ph, uint64_t size, uint64_t limit)
{
	if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset)
		return -ENOEXEC;
	if (ph->paddr > limit || ph->memsz > limit - ph->paddr)
		return -EINVAL;
	return 0;
}

static int load_segments(struct domain *d, const uint8_t *image, uint64_t size, uint64_t *entry)
{
	const struct elf64_ehdr *eh = (const void *)image;
	uint64_t limit = d->mem_size - XL_START_AREA_SIZE;
	bool entry_ok = false;
	int err = check_header(eh, size);

	for (unsigned int i = 0; !err && i < eh->phnum; i++) {
		struct elf64_phdr ph;

		memcpy(&ph, image + eh->phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type != PT_LOAD)
			continue;
		err = check_segment(&ph, size, limit);
		if (err)
			break;
		entry_ok |= eh->entry >= ph.paddr && eh->entry < ph.paddr + ph.memsz;
	}
	if (!err && !entry_ok)
		err = -ENOEXEC;
	/* everything is checked: now copy (the domain's memory is already zero) */
	for (unsigned int i = 0; !err && i < eh->phnum; i++) {
		struct elf64_phdr ph;

		memcpy(&ph, image + eh->phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type == PT_LOAD)
			err = copy_to_guest(d, gpa_init(ph.paddr), image + ph.offset, ph.filesz);
	}
	if (!err) /* not before the header is known to be there */
		*entry = eh->entry;
	return err;
}

/* Page tables identity-mapping [0, mem) with 2 MiB pages, a GDT and the start info. */
static void build_start_area(struct domain *d, uint8_t *area, uint64_t base, const char *cmdline)
{
	struct xl_start_info *si = (struct xl_start_info *)(area + AREA_INFO);

	arch_guest_boot_tables(area + AREA_PML4, base + AREA_PML4, d->mem_size);
	arch_guest_boot_gdt((uint64_t *)(area + AREA_GDT), XL_SEL_CODE, XL_SEL_DATA);
	si->magic = XL_START_INFO_MAGIC;
	si->version = XL_ABI_VERSION;
	si->mem_size = d->mem_size;
	si->domain_id = d->id;
	si->vcpu_id = 0;
	si->tsc_khz = arch_tsc_khz();
	memcpy(si->cmdline, cmdline, MIN(strlen(cmdline), sizeof(si->cmdline) - 1));
	si->nr_pci = d->nr_pci;
	for (unsigned int i = 0; i < d->nr_pci; i++) {
		si->pci[i].segment = d->pci[i].segment;
		si->pci[i].bdf = d->pci[i].bdf;
		memcpy(si->pci[i].bar, d->pci[i].bar, sizeof(si->pci[i].bar));
		memcpy(si->pci[i].bar_size, d->pci[i].bar_size, sizeof(si->pci[i].bar_size));
	}
	si->nr_shm = shm_domain_mappings(d, si->shm, XL_SHM_MAX_PER_DOMAIN);
	d->start_info_gpa = base + AREA_INFO;
}

int guest_load_elf(struct domain *d, const void *image, uint64_t size, const char *cmdline)
{
	uint64_t entry, base = d->mem_size - XL_START_AREA_SIZE;
	uint8_t *area;
	int err;

	if (!d->nr_vcpus || d->mem_size < 2 * XL_START_AREA_SIZE)
		return -EINVAL;
	if (d->mem_size > GUEST_START_MAX_MEM)
		return -E2BIG;
	err = load_segments(d, image, size, &entry);
	if (err)
		return err;
	area = xl_zalloc(XL_START_AREA_SIZE);
	if (!area)
		return -ENOMEM;
	build_start_area(d, area, base, cmdline);
	err = copy_to_guest(d, gpa_init(base), area, XL_START_AREA_SIZE);
	xl_free(area);
	if (!err)
		arch_vcpu_set_start_state(d->vcpus[0], entry, base + AREA_PML4, base + AREA_GDT,
					  3 * 8 - 1, base + AREA_INFO);
	return err;
}
