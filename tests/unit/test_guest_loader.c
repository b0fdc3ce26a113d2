/*
 * Host tests for the ELF guest loader, guest_load_elf() in
 * xen-lite/guest_loader.c, and the start area it builds (the boot state in
 * hypercalls/xen-lite-abi.h).
 *
 * The domain is a fake: its guest memory is an anonymous mapping reserved
 * without backing (so a 12 GiB guest costs only the pages touched), and
 * copy_to_guest() checks every access against mem_size and records it.
 * Images are built in buffers of exactly their size, so AddressSanitizer
 * flags any read past the end of an image. The other hooks the loader calls
 * (arch_vcpu_set_start_state, arch_tsc_khz, xl_zalloc/xl_free) are fakes
 * that record what they were given.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include <arch/page_table.h>
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_loader.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/heap.h>

#include "log_capture.h"

#define AREA XL_START_AREA_SIZE
#define FAKE_TSC_KHZ 2893456ULL
#define JUNK 0xee

/* ---- fake domain and hooks ----------------------------------------------------- */

static struct domain dom;
static struct vcpu vcpu0;
static uint8_t *mem; /* guest-physical 0 */
static uint64_t mapped; /* bytes of mem mapped (0 when there is no memory) */

static struct copy {
	uint64_t gpa, len;
} copies[16];
static unsigned int nr_copies, bad_copies;

static struct start_state {
	unsigned int calls;
	struct vcpu *v;
	uint64_t rip, cr3, gdt_base, rdi;
	uint16_t gdt_limit;
} start;

static unsigned int zallocs, frees;

/* one segment attached before the guest is built: the start info must list it */
unsigned int shm_domain_mappings(struct domain *d, struct xl_shm_mapping *out, unsigned int max)
{
	assert_true(max >= 1);
	memset(out, 0, sizeof(*out));
	strcpy(out[0].name, "ring");
	out[0].gpa = XL_SHM_GPA_BASE;
	out[0].size = 0x200000;
	out[0].flags = XL_SHM_READ_ONLY;
	return 1;
}
static bool zalloc_fails;

int copy_to_guest(struct domain *d, gpa_t at, const void *src, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	assert_ptr_equal(d, &dom);
	if (gpa > dom.mem_size || len > dom.mem_size - gpa || !mem) {
		bad_copies++;
		return -EFAULT;
	}
	if (nr_copies < ARRAY_SIZE(copies))
		copies[nr_copies] = (struct copy){ gpa, len };
	nr_copies++;
	memcpy(mem + gpa, src, len);
	return 0;
}

void arch_vcpu_set_start_state(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gdt_base,
			       uint16_t gdt_limit, uint64_t rdi)
{
	start.calls++;
	start.v = v;
	start.rip = rip;
	start.cr3 = cr3;
	start.gdt_base = gdt_base;
	start.gdt_limit = gdt_limit;
	start.rdi = rdi;
}

uint64_t arch_tsc_khz(void)
{
	return FAKE_TSC_KHZ;
}

void *xl_zalloc(size_t size)
{
	if (zalloc_fails || !size)
		return NULL;
	zallocs++;
	return calloc(1, size);
}

void xl_free(void *p)
{
	if (p)
		frees++;
	free(p);
}

/* A domain of mem_size bytes with one vCPU; memory is filled with junk if asked (small sizes only). */
static void domain_setup(uint64_t mem_size, bool junk)
{
	memset(&dom, 0, sizeof(dom));
	memset(&vcpu0, 0, sizeof(vcpu0));
	dom.id = 5;
	dom.mem_size = mem_size;
	dom.nr_vcpus = 1;
	dom.vcpus[0] = &vcpu0;
	vcpu0.domain = &dom;
	mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	assert_true(mem != MAP_FAILED);
	mapped = mem_size;
	if (junk)
		memset(mem, JUNK, mem_size);
	nr_copies = bad_copies = 0;
	memset(&start, 0, sizeof(start));
	zallocs = frees = 0;
	zalloc_fails = false;
}

/* A domain whose memory is never touched (for checks made before any copy). */
static void domain_setup_nomem(uint64_t mem_size)
{
	memset(&dom, 0, sizeof(dom));
	memset(&vcpu0, 0, sizeof(vcpu0));
	dom.id = 5;
	dom.mem_size = mem_size;
	dom.nr_vcpus = 1;
	dom.vcpus[0] = &vcpu0;
	vcpu0.domain = &dom;
	mem = NULL;
	mapped = 0;
	nr_copies = bad_copies = 0;
	memset(&start, 0, sizeof(start));
	zallocs = frees = 0;
	zalloc_fails = false;
}

static int teardown(void **state)
{
	if (mem)
		munmap(mem, mapped);
	mem = NULL;
	mapped = 0;
	return 0;
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;

	assert_true(gpa <= dom.mem_size - 8);
	memcpy(&v, mem + gpa, 8);
	return v;
}

/* ---- ELF images ---------------------------------------------------------------- */

#define MAX_PH 4
#define PAYLOAD_MAX 512

struct elf_spec {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[MAX_PH];
	unsigned int nph; /* written at eh.e_phoff */
	uint8_t payload[PAYLOAD_MAX]; /* written after the program headers */
	size_t payload_len;
	size_t extra; /* bytes added to (or, if truncate, removed from) the computed size */
	bool truncate;
};

#define PH_OFF sizeof(Elf64_Ehdr)
#define PAYLOAD_OFF(s) (PH_OFF + (s)->nph * sizeof(Elf64_Phdr))

/*
 * The standard image: a text segment at 0x1000 (40 bytes in the file, 8 KiB
 * in memory: the rest is .bss), a PT_NOTE with nonsense fields that must be
 * ignored, and a data segment at 0x8000 (24 bytes). All below 64 KiB, so it
 * fits even the smallest guest (128 KiB).
 */
static void elf_default(struct elf_spec *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->eh.e_ident, ELFMAG, SELFMAG);
	s->eh.e_ident[EI_CLASS] = ELFCLASS64;
	s->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	s->eh.e_ident[EI_VERSION] = EV_CURRENT;
	s->eh.e_type = ET_EXEC;
	s->eh.e_machine = EM_X86_64;
	s->eh.e_version = EV_CURRENT;
	s->eh.e_entry = 0x1010;
	s->eh.e_phoff = PH_OFF;
	s->eh.e_ehsize = sizeof(Elf64_Ehdr);
	s->eh.e_phentsize = sizeof(Elf64_Phdr);
	s->eh.e_phnum = 3;
	s->nph = 3;
	s->payload_len = 64;
	for (size_t i = 0; i < s->payload_len; i++)
		s->payload[i] = (uint8_t)(0x40 + i);
	s->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
				 .p_offset = PAYLOAD_OFF(s), .p_vaddr = 0x1000, .p_paddr = 0x1000,
				 .p_filesz = 40, .p_memsz = 0x2000, .p_align = 0x1000 };
	s->ph[1] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = ~0ULL, .p_paddr = ~0ULL,
				 .p_filesz = 0x100000, .p_memsz = 5 };
	s->ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
				 .p_offset = PAYLOAD_OFF(s) + 40, .p_vaddr = 0x8000, .p_paddr = 0x8000,
				 .p_filesz = 24, .p_memsz = 24, .p_align = 0x1000 };
}

static size_t elf_size(const struct elf_spec *s)
{
	size_t n = PAYLOAD_OFF(s) + s->payload_len;

	return s->truncate ? n - s->extra : n + s->extra;
}

/* A malloc'd image of exactly elf_size() bytes. */
static uint8_t *elf_build(const struct elf_spec *s, size_t *size)
{
	size_t full = PAYLOAD_OFF(s) + s->payload_len;
	uint8_t *tmp = calloc(1, full + s->extra + 1);
	uint8_t *img;

	assert_non_null(tmp);
	memcpy(tmp, &s->eh, sizeof(s->eh));
	memcpy(tmp + PH_OFF, s->ph, s->nph * sizeof(Elf64_Phdr));
	memcpy(tmp + PAYLOAD_OFF(s), s->payload, s->payload_len);
	*size = elf_size(s);
	img = malloc(*size ? *size : 1);
	assert_non_null(img);
	memcpy(img, tmp, *size);
	free(tmp);
	return img;
}

static int load(const struct elf_spec *s, const char *cmdline)
{
	size_t size;
	uint8_t *img = elf_build(s, &size);
	int err = guest_load_elf(&dom, img, size, cmdline);

	free(img);
	return err;
}

/* A failed load must not have touched the guest or the vCPU. */
static void expect_fail(const struct elf_spec *s, int want)
{
	int err = load(s, "x");

	assert_int_equal(err, want);
	assert_int_equal(nr_copies, 0);
	assert_int_equal(bad_copies, 0);
	assert_int_equal(start.calls, 0);
	assert_int_equal(zallocs, frees);
}

/* ---- checking the start area --------------------------------------------------- */

/* Walk the guest's page tables from cr3; returns the physical address or ~0 if unmapped. */
static uint64_t translate(uint64_t cr3, uint64_t va)
{
	uint64_t e = rd64((cr3 & PTE_ADDR_MASK) + ((va >> 39) & 511) * 8);

	if (!(e & PTE_P))
		return ~0ULL;
	e = rd64((e & PTE_ADDR_MASK) + ((va >> 30) & 511) * 8);
	if (!(e & PTE_P) || (e & PTE_PS))
		return ~0ULL; /* the loader uses 2 MiB pages only */
	e = rd64((e & PTE_ADDR_MASK) + ((va >> 21) & 511) * 8);
	if (!(e & PTE_P) || !(e & PTE_PS))
		return ~0ULL;
	return (e & PTE_ADDR_MASK & ~(SIZE_2M - 1)) + (va & (SIZE_2M - 1));
}

static bool in_area(uint64_t gpa, uint64_t len)
{
	uint64_t base = dom.mem_size - AREA;

	return gpa >= base && len <= AREA && gpa - base <= AREA - len;
}

/* Identity map of every 2 MiB page that starts below mem_size, nothing else. */
static void check_page_tables(void)
{
	uint64_t cr3 = start.cr3, pml4e, gib = (dom.mem_size + SIZE_1G - 1) >> 30;

	assert_true(in_area(cr3, PAGE_SIZE));
	assert_int_equal(cr3 & (PAGE_SIZE - 1), 0);
	pml4e = rd64(cr3);
	assert_int_equal(pml4e & (PTE_P | PTE_W | PTE_PS), PTE_P | PTE_W);
	assert_true(in_area(pml4e & PTE_ADDR_MASK, PAGE_SIZE));
	for (unsigned int i = 1; i < 512; i++)
		if (rd64(cr3 + i * 8))
			fail_msg("PML4[%u] = %#llx: only the first 512 GiB exist", i,
				 (unsigned long long)rd64(cr3 + i * 8));
	for (uint64_t g = 0; g < 512; g++) {
		uint64_t pdpte = rd64((pml4e & PTE_ADDR_MASK) + g * 8);

		if (g >= gib) {
			if (pdpte)
				fail_msg("PDPT[%llu] = %#llx beyond memory", (unsigned long long)g,
					 (unsigned long long)pdpte);
			continue;
		}
		if ((pdpte & (PTE_P | PTE_W | PTE_PS)) != (PTE_P | PTE_W))
			fail_msg("PDPT[%llu] = %#llx", (unsigned long long)g, (unsigned long long)pdpte);
		assert_true(in_area(pdpte & PTE_ADDR_MASK, PAGE_SIZE));
		for (uint64_t i = 0; i < 512; i++) {
			uint64_t gpa = (g << 30) + (i << 21);
			uint64_t pde = rd64((pdpte & PTE_ADDR_MASK) + i * 8);

			if (gpa >= dom.mem_size) {
				if (pde)
					fail_msg("PD entry for %#llx = %#llx beyond memory",
						 (unsigned long long)gpa, (unsigned long long)pde);
			} else if ((pde & (PTE_P | PTE_W | PTE_PS | PTE_U | PTE_NX)) !=
					   (PTE_P | PTE_W | PTE_PS) ||
				   (pde & PTE_ADDR_MASK) != gpa) {
				fail_msg("PD entry for %#llx = %#llx", (unsigned long long)gpa,
					 (unsigned long long)pde);
			}
		}
	}
	/* the guest reaches its own start area and the last byte of memory */
	assert_int_equal(translate(cr3, start.rdi), start.rdi);
	assert_int_equal(translate(cr3, start.gdt_base), start.gdt_base);
	assert_int_equal(translate(cr3, dom.mem_size - 1), dom.mem_size - 1);
	assert_int_equal(translate(cr3, 0), 0);
}

/* Descriptor bits (Intel SDM 3.4.5 / AMD APM 4.8). */
#define DESC_TYPE_ACCESSED (1ULL << 40)
#define DESC_RW (1ULL << 41)
#define DESC_CODE (1ULL << 43)
#define DESC_S (1ULL << 44)
#define DESC_DPL (3ULL << 45)
#define DESC_P (1ULL << 47)
#define DESC_L (1ULL << 53)
#define DESC_DB (1ULL << 54)

static void check_gdt(void)
{
	uint64_t code, data;

	assert_true(in_area(start.gdt_base, 3 * 8));
	assert_int_equal(start.gdt_base & 7, 0);
	assert_int_equal(start.gdt_limit, 3 * 8 - 1);
	assert_int_equal(XL_SEL_CODE / 8, 1);
	assert_int_equal(XL_SEL_DATA / 8, 2);
	assert_int_equal(rd64(start.gdt_base), 0);
	code = rd64(start.gdt_base + XL_SEL_CODE);
	data = rd64(start.gdt_base + XL_SEL_DATA);
	/* 64-bit code: present, DPL 0, code, readable, L set and D clear */
	assert_int_equal(code & (DESC_P | DESC_S | DESC_CODE | DESC_DPL | DESC_L | DESC_DB | DESC_RW),
			 DESC_P | DESC_S | DESC_CODE | DESC_L | DESC_RW);
	/* data: present, DPL 0, writable, not code */
	assert_int_equal(data & (DESC_P | DESC_S | DESC_CODE | DESC_DPL | DESC_RW),
			 DESC_P | DESC_S | DESC_RW);
	assert_int_equal(code, 0x00AF9B000000FFFFULL);
	assert_int_equal(data, 0x00CF93000000FFFFULL);
}

static const struct xl_start_info *start_info(void)
{
	assert_true(in_area(start.rdi, sizeof(struct xl_start_info)));
	assert_int_equal(start.rdi % 8, 0);
	return (const struct xl_start_info *)(mem + start.rdi);
}

/* Everything a successful load of the standard image must have done. */
static void check_loaded(const struct elf_spec *s, const char *cmdline)
{
	const struct xl_start_info *si;
	uint64_t base = dom.mem_size - AREA;

	assert_int_equal(start.calls, 1);
	assert_ptr_equal(start.v, &vcpu0);
	assert_int_equal(start.rip, s->eh.e_entry);
	assert_int_equal(bad_copies, 0);
	assert_int_equal(zallocs, 1);
	assert_int_equal(frees, 1);
	/* the start area is written once, whole, at the top of memory */
	assert_int_equal(copies[nr_copies - 1].gpa, base);
	assert_int_equal(copies[nr_copies - 1].len, AREA);
	assert_true(in_area(start.cr3, PAGE_SIZE));
	/* page tables, GDT and start info do not overlap */
	assert_true(start.gdt_base >= start.cr3 + 3 * PAGE_SIZE || start.gdt_base + 24 <= start.cr3);
	assert_true(start.rdi >= start.gdt_base + 24 || start.rdi + sizeof(*si) <= start.gdt_base);

	si = start_info();
	assert_int_equal(si->magic, XL_START_INFO_MAGIC);
	assert_int_equal(si->version, XL_ABI_VERSION);
	assert_int_equal(si->mem_size, dom.mem_size);
	assert_int_equal(si->domain_id, dom.id);
	assert_int_equal(si->vcpu_id, 0);
	assert_int_equal(si->tsc_khz, FAKE_TSC_KHZ);
	assert_string_equal(si->cmdline, cmdline);
	/* the segments attached to it, and where the hypervisor finds the start info to refresh them */
	assert_int_equal(si->nr_shm, 1);
	assert_string_equal(si->shm[0].name, "ring");
	assert_int_equal(si->shm[0].gpa, XL_SHM_GPA_BASE);
	assert_int_equal(si->shm[0].flags, XL_SHM_READ_ONLY);
	assert_int_equal(dom.start_info_gpa, start.rdi);
	check_gdt();
	check_page_tables();
}

/* The standard image's bytes, exactly filesz of each PT_LOAD, nothing around them. */
static void check_segments_junk(void)
{
	for (unsigned int i = 0; i < 40; i++)
		assert_int_equal(mem[0x1000 + i], 0x40 + i);
	for (unsigned int i = 0; i < 24; i++)
		assert_int_equal(mem[0x8000 + i], 0x40 + 40 + i);
	/* the loader copies filesz bytes and leaves the (already zero) rest alone */
	assert_int_equal(mem[0x0fff], JUNK);
	assert_int_equal(mem[0x1000 + 40], JUNK);
	assert_int_equal(mem[0x2fff], JUNK);
	assert_int_equal(mem[0x7fff], JUNK);
	assert_int_equal(mem[0x8000 + 24], JUNK);
	/* and writes nothing else below the start area */
	for (uint64_t a = 0x9000; a < dom.mem_size - AREA; a++)
		if (mem[a] != JUNK)
			fail_msg("byte at %#llx was written", (unsigned long long)a);
}

/* ---- tests --------------------------------------------------------------------- */

static void test_valid_image(void **state)
{
	struct elf_spec s;

	domain_setup(4ULL << 20, true);
	elf_default(&s);
	assert_int_equal(load(&s, "hello world"), 0);
	/* two segments and the start area */
	assert_int_equal(nr_copies, 3);
	assert_int_equal(copies[0].gpa, 0x1000);
	assert_int_equal(copies[0].len, 40);
	assert_int_equal(copies[1].gpa, 0x8000);
	assert_int_equal(copies[1].len, 24);
	check_segments_junk();
	check_loaded(&s, "hello world");
	/* the documented layout: info at base + 0xF000, GDT at + 0xE000, CR3 at the base */
	assert_int_equal(start.rdi, dom.mem_size - AREA + 0xF000);
	assert_int_equal(start.gdt_base, dom.mem_size - AREA + 0xE000);
	assert_int_equal(start.cr3, dom.mem_size - AREA);
}

static void test_memory_sizes(void **state)
{
	static const uint64_t sizes[] = {
		2 * AREA,		   /* the smallest: one 2 MiB page, start area at 64 KiB */
		2ULL << 20,		   3ULL << 20, /* the last 2 MiB page is only partly memory */
		(1ULL << 30) - (2ULL << 20), 1ULL << 30,
		(1ULL << 30) + (2ULL << 20), /* a second PD with a single entry */
		5ULL << 30,		   GUEST_START_MAX_MEM, /* every PD page the area has */
	};
	struct elf_spec s;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		domain_setup(sizes[i], false);
		elf_default(&s);
		if (load(&s, ""))
			fail_msg("load into %#llx bytes failed", (unsigned long long)sizes[i]);
		assert_int_equal(mem[0x1000], 0x40);
		assert_int_equal(mem[0x8000 + 23], 0x40 + 40 + 23);
		check_loaded(&s, "");
		teardown(NULL);
	}
}

static void test_segment_reaching_start_area(void **state)
{
	struct elf_spec s;
	uint64_t limit = (4ULL << 20) - AREA;

	/* a .bss ending exactly where the start area begins is fine */
	domain_setup(4ULL << 20, true);
	elf_default(&s);
	s.ph[2].p_paddr = 0x100000;
	s.ph[2].p_memsz = limit - 0x100000;
	assert_int_equal(load(&s, "x"), 0);
	for (unsigned int i = 0; i < 24; i++)
		assert_int_equal(mem[0x100000 + i], 0x40 + 40 + i);
	check_loaded(&s, "x");
	teardown(NULL);

	/* one byte more overlaps it */
	domain_setup(4ULL << 20, true);
	s.ph[2].p_memsz++;
	expect_fail(&s, -EINVAL);
	/* a segment inside the start area, or one starting right at it */
	s.ph[2].p_paddr = limit;
	s.ph[2].p_memsz = 24;
	expect_fail(&s, -EINVAL);
	s.ph[2].p_paddr = (4ULL << 20) - 24;
	expect_fail(&s, -EINVAL);
	/* the text segment's file part fits, its .bss does not */
	elf_default(&s);
	s.ph[0].p_paddr = limit - 0x1000;
	s.eh.e_entry = limit - 0x1000;
	expect_fail(&s, -EINVAL);
}

static void test_segment_beyond_memory(void **state)
{
	struct elf_spec s;

	domain_setup(4ULL << 20, false);
	elf_default(&s);
	s.ph[2].p_paddr = 4ULL << 20;
	expect_fail(&s, -EINVAL);
	s.ph[2].p_paddr = 1ULL << 40;
	expect_fail(&s, -EINVAL);
	s.ph[2].p_paddr = ~0ULL - 8;
	expect_fail(&s, -EINVAL);
	/* paddr + memsz wraps around to a small number */
	elf_default(&s);
	s.ph[2].p_memsz = ~0ULL - 0x7000;
	expect_fail(&s, -EINVAL);
	s.ph[2].p_memsz = ~0ULL;
	expect_fail(&s, -EINVAL);
	/* the entry's segment too */
	elf_default(&s);
	s.ph[0].p_paddr = 0x1000;
	s.ph[0].p_memsz = -0x1000ULL;
	expect_fail(&s, -EINVAL);
}

static void test_entry_outside_segments(void **state)
{
	struct elf_spec s;

	domain_setup(4ULL << 20, false);
	elf_default(&s);
	s.eh.e_entry = 0x1000 + 0x2000; /* one past the text segment's end */
	expect_fail(&s, -ENOEXEC);
	s.eh.e_entry = 0xfff;
	expect_fail(&s, -ENOEXEC);
	s.eh.e_entry = 0x8000 + 24;
	expect_fail(&s, -ENOEXEC);
	s.eh.e_entry = 0;
	expect_fail(&s, -ENOEXEC);
	s.eh.e_entry = ~0ULL;
	expect_fail(&s, -ENOEXEC);
	/* inside a segment that is not PT_LOAD */
	s.ph[1].p_paddr = 0x20000;
	s.eh.e_entry = 0x20002;
	expect_fail(&s, -ENOEXEC);
	/* the first and last bytes of a segment (in .bss, or the second one) are fine */
	elf_default(&s);
	s.eh.e_entry = 0x1000;
	assert_int_equal(load(&s, "x"), 0);
	assert_int_equal(start.rip, 0x1000);
	teardown(NULL);
	domain_setup(4ULL << 20, false);
	s.eh.e_entry = 0x2fff;
	assert_int_equal(load(&s, "x"), 0);
	assert_int_equal(start.rip, 0x2fff);
	teardown(NULL);
	domain_setup(4ULL << 20, false);
	s.eh.e_entry = 0x8017;
	assert_int_equal(load(&s, "x"), 0);
	assert_int_equal(start.rip, 0x8017);
	check_loaded(&s, "x");
}

static void test_bad_header(void **state)
{
	struct elf_spec s;

	domain_setup(4ULL << 20, false);
	elf_default(&s);
	s.eh.e_ident[EI_MAG0] = 0x7e;
	expect_fail(&s, -ENOEXEC);
	elf_default(&s);
	s.eh.e_ident[EI_MAG3] = 'f';
	expect_fail(&s, -ENOEXEC);
	elf_default(&s);
	s.eh.e_ident[EI_CLASS] = ELFCLASS32;
	expect_fail(&s, -ENOEXEC);
	elf_default(&s);
	s.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	expect_fail(&s, -ENOEXEC);
	elf_default(&s);
	s.eh.e_machine = EM_386;
	expect_fail(&s, -ENOEXEC);
	elf_default(&s);
	s.eh.e_machine = EM_AARCH64;
	expect_fail(&s, -ENOEXEC);
	elf_default(&s);
	s.eh.e_type = ET_DYN;
	expect_fail(&s, -ENOEXEC);
	elf_default(&s);
	s.eh.e_type = ET_REL;
	expect_fail(&s, -ENOEXEC);
}

static void test_bad_program_headers(void **state)
{
	struct elf_spec s;
	size_t size;

	domain_setup(4ULL << 20, false);
	elf_default(&s);
	s.eh.e_phnum = 0;
	expect_fail(&s, -ENOEXEC);
	elf_default(&s);
	s.eh.e_phentsize = sizeof(Elf64_Phdr) - 1;
	expect_fail(&s, -ENOEXEC);
	s.eh.e_phentsize = sizeof(Elf64_Phdr) + 8;
	expect_fail(&s, -ENOEXEC);
	s.eh.e_phentsize = 0;
	expect_fail(&s, -ENOEXEC);
	/* phoff beyond the image, at its very end, and huge */
	elf_default(&s);
	size = elf_size(&s);
	s.eh.e_phoff = size + 1;
	expect_fail(&s, -ENOEXEC);
	s.eh.e_phoff = size;
	expect_fail(&s, -ENOEXEC);
	s.eh.e_phoff = ~0ULL - 8;
	expect_fail(&s, -ENOEXEC);
	/* the table runs past the end: one more entry than there is room for */
	elf_default(&s);
	s.eh.e_phnum = (uint16_t)((size - PH_OFF) / sizeof(Elf64_Phdr) + 1);
	expect_fail(&s, -ENOEXEC);
	s.eh.e_phnum = 0xffff;
	expect_fail(&s, -ENOEXEC);
	/* an image cut short in the middle of its program headers */
	elf_default(&s);
	s.payload_len = 0;
	s.truncate = true;
	s.extra = 8;
	expect_fail(&s, -ENOEXEC);
}

static void test_bad_segments(void **state)
{
	struct elf_spec s;
	size_t size;

	domain_setup(4ULL << 20, false);
	/* filesz > memsz */
	elf_default(&s);
	s.ph[2].p_memsz = s.ph[2].p_filesz - 1;
	expect_fail(&s, -ENOEXEC);
	/* file bytes past the end of the image */
	elf_default(&s);
	size = elf_size(&s);
	s.ph[2].p_offset = size - 8;
	expect_fail(&s, -ENOEXEC);
	s.ph[2].p_offset = size + 1;
	expect_fail(&s, -ENOEXEC);
	s.ph[2].p_offset = ~0ULL - 4; /* offset + filesz wraps */
	expect_fail(&s, -ENOEXEC);
	elf_default(&s);
	s.ph[2].p_filesz = s.ph[2].p_memsz = ~0ULL - 4; /* offset + filesz wraps to a small number */
	expect_fail(&s, -ENOEXEC);
	elf_default(&s);
	s.ph[0].p_filesz = 0x1000; /* more than the whole image */
	expect_fail(&s, -ENOEXEC);
	/* the last segment cut short by a truncated image */
	elf_default(&s);
	s.truncate = true;
	s.extra = 1;
	expect_fail(&s, -ENOEXEC);
	/* exactly up to the end of the image is fine */
	elf_default(&s);
	s.ph[2].p_offset = size - 24;
	assert_int_equal(load(&s, "x"), 0);
	assert_int_equal(mem[0x8000], 0x40 + s.payload_len - 24);
	assert_int_equal(start.calls, 1);
}

static void test_tiny_images(void **state)
{
	static const size_t sizes[] = { 0, 1, 4, 16, 32, sizeof(Elf64_Ehdr) - 1 };
	struct elf_spec s;

	domain_setup(4ULL << 20, false);
	elf_default(&s);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* the buffer is exactly that small: ASan flags any read past it */
		uint8_t *img = malloc(sizes[i] ? sizes[i] : 1);
		int err;

		assert_non_null(img);
		memcpy(img, &s.eh, sizes[i]);
		err = guest_load_elf(&dom, img, sizes[i], "x");
		free(img);
		if (err != -ENOEXEC)
			fail_msg("%zu-byte image: %d, want -ENOEXEC", sizes[i], err);
	}
	assert_int_equal(nr_copies, 0);
	assert_int_equal(start.calls, 0);
}

static void test_domain_checks(void **state)
{
	struct elf_spec s;

	elf_default(&s);
	domain_setup_nomem(GUEST_START_MAX_MEM + (2ULL << 20));
	expect_fail(&s, -E2BIG);
	domain_setup_nomem(64ULL << 30);
	expect_fail(&s, -E2BIG);
	/* no vCPU */
	domain_setup_nomem(4ULL << 20);
	dom.nr_vcpus = 0;
	dom.vcpus[0] = NULL;
	expect_fail(&s, -EINVAL);
	/* too little memory for the start area and anything else */
	domain_setup_nomem(2 * AREA - PAGE_SIZE);
	expect_fail(&s, -EINVAL);
	domain_setup_nomem(0);
	expect_fail(&s, -EINVAL);
}

static void test_out_of_memory(void **state)
{
	struct elf_spec s;

	domain_setup(4ULL << 20, false);
	elf_default(&s);
	zalloc_fails = true;
	assert_int_equal(load(&s, "x"), -ENOMEM);
	assert_int_equal(start.calls, 0);
}

static void test_cmdline(void **state)
{
	char line[400];
	char want[256];
	struct elf_spec s;
	const struct xl_start_info *si;

	elf_default(&s);
	/* 255 characters fit */
	memset(line, 'a', 255);
	line[255] = '\0';
	domain_setup(2ULL << 20, true);
	assert_int_equal(load(&s, line), 0);
	check_loaded(&s, line);
	teardown(NULL);

	/* longer is cut to 255, NUL-terminated */
	for (size_t i = 0; i < sizeof(line) - 1; i++)
		line[i] = (char)('a' + i % 26);
	line[sizeof(line) - 1] = '\0';
	memcpy(want, line, 255);
	want[255] = '\0';
	domain_setup(2ULL << 20, true);
	assert_int_equal(load(&s, line), 0);
	si = start_info();
	assert_int_equal(si->cmdline[255], '\0');
	assert_string_equal(si->cmdline, want);
	check_loaded(&s, want);
	teardown(NULL);

	/* 256 exactly: the last character goes */
	line[256] = '\0';
	domain_setup(2ULL << 20, true);
	assert_int_equal(load(&s, line), 0);
	check_loaded(&s, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_valid_image, teardown),
		cmocka_unit_test_teardown(test_memory_sizes, teardown),
		cmocka_unit_test_teardown(test_segment_reaching_start_area, teardown),
		cmocka_unit_test_teardown(test_segment_beyond_memory, teardown),
		cmocka_unit_test_teardown(test_entry_outside_segments, teardown),
		cmocka_unit_test_teardown(test_bad_header, teardown),
		cmocka_unit_test_teardown(test_bad_program_headers, teardown),
		cmocka_unit_test_teardown(test_bad_segments, teardown),
		cmocka_unit_test_teardown(test_tiny_images, teardown),
		cmocka_unit_test_teardown(test_domain_checks, teardown),
		cmocka_unit_test_teardown(test_out_of_memory, teardown),
		cmocka_unit_test_teardown(test_cmdline, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
