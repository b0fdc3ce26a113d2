/*
 * edu_dma: an ELF guest given QEMU's `edu` device (pci = [ ... ] in its
 * configuration, Documentation/iommu.md) drives its DMA engine, as a guest
 * driving its own NIC would:
 *
 *  - finds the device in its start info, maps BAR0 (its registers) into its
 *    page tables at the address the hypervisor mapped it (its own);
 *  - DMA of a pattern from one of its pages into the device and back into
 *    another: the device reaches the guest's memory at guest-physical
 *    addresses ("edu_dma: own memory ok");
 *  - then a DMA of the device's buffer to each address of "target=A,B" on
 *    its command line (outside its memory: the IOMMU must block it) and
 *    "edu_dma: wrote 4095 bytes to A";
 *  - waits two seconds and passes: with on_dma_fault = "crash" it must have
 *    been crashed before.
 *
 * edu: 0x80 source, 0x88 destination, 0x90 count, 0x98 command (bit 0
 * start, bit 1 device to RAM); its buffer is at device address 0x40000.
 */
#include "guest.h"

#define EDU_BUFFER 0x40000ul
#define EDU_MAX 4095u
#define REG_SRC 0x80
#define REG_DST 0x88
#define REG_COUNT 0x90
#define REG_CMD 0x98
#define CMD_START 1ul
#define CMD_TO_RAM 2ul
#define PTE_P 0x1ul
#define PTE_RW 0x2ul
#define PTE_PWT 0x8ul
#define PTE_PCD 0x10ul
#define PTE_PS 0x80ul

static uint8_t src[PAGE_4K] __attribute__((aligned(PAGE_4K)));
static uint8_t dst[PAGE_4K] __attribute__((aligned(PAGE_4K)));
static uint64_t bar_pd[512] __attribute__((aligned(PAGE_4K)));
static volatile uint8_t *regs;

/* Map the 2 MiB around bar, uncached, through a page directory of ours. */
static void map_bar(uint64_t bar)
{
	uint64_t cr3, *pml4, *pdpt;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (uint64_t *)(uintptr_t)(cr3 & ~0xffful);
	CHECK(pml4[(bar >> 39) & 511] & PTE_P, "no PML4 entry for BAR0 at 0x%lx", bar);
	pdpt = (uint64_t *)(uintptr_t)(pml4[(bar >> 39) & 511] & 0x000ffffffffff000ul);
	CHECK(!(pdpt[(bar >> 30) & 511] & PTE_P), "BAR0 at 0x%lx shares a gigabyte with the guest's memory", bar);
	bar_pd[(bar >> 21) & 511] = (bar & ~(PAGE_2M - 1)) | PTE_P | PTE_RW | PTE_PS | PTE_PCD | PTE_PWT;
	pdpt[(bar >> 30) & 511] = (uint64_t)(uintptr_t)bar_pd | PTE_P | PTE_RW;
	__asm__ volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
	regs = (volatile uint8_t *)(uintptr_t)bar;
}

static void reg64(unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(regs + off) = v;
}

/* It ignores its registers while a transfer is pending (one of a guest before us): wait. */
static void transfer(uint64_t from, uint64_t to, bool to_ram)
{
	uint64_t start = rdtsc();

	while (*(volatile uint64_t *)(regs + REG_CMD) & CMD_START)
		CHECK(tsc_ms(rdtsc() - start) < 30000, "the device stayed busy for 30 s");
	reg64(REG_SRC, from);
	reg64(REG_DST, to);
	reg64(REG_COUNT, EDU_MAX);
	reg64(REG_CMD, CMD_START | (to_ram ? CMD_TO_RAM : 0));
	while (*(volatile uint64_t *)(regs + REG_CMD) & CMD_START)
		CHECK(tsc_ms(rdtsc() - start) < 30000, "the transfer did not end in 30 s");
}

static uint64_t hex(const char **s)
{
	uint64_t v = 0;

	if ((*s)[0] == '0' && ((*s)[1] == 'x' || (*s)[1] == 'X'))
		*s += 2;
	for (;; (*s)++) {
		char c = **s;
		unsigned int d = c >= '0' && c <= '9' ? (unsigned int)(c - '0')
				 : c >= 'a' && c <= 'f' ? (unsigned int)(c - 'a' + 10)
							: 16;

		if (d == 16)
			return v;
		v = v * 16 + d;
	}
}

static const char *find(const char *s, const char *key)
{
	size_t n = strlen(key);

	for (; *s; s++)
		if (!strncmp(s, key, n))
			return s;
	return NULL;
}

void guest_main(const struct xl_start_info *si)
{
	const char *t = si->cmdline;
	uint64_t start;

	CHECK(si->nr_pci >= 1, "no PCI function in the start info");
	CHECK(si->pci[0].bar[0] && si->pci[0].bar_size[0] >= PAGE_4K, "no memory BAR0");
	gprintf("edu_dma: %04x:%02x:%02x.%u, BAR0 at 0x%lx (%lu KiB)\n", si->pci[0].segment,
		si->pci[0].bdf >> 8, (si->pci[0].bdf >> 3) & 0x1f, si->pci[0].bdf & 7,
		(unsigned long)si->pci[0].bar[0], (unsigned long)(si->pci[0].bar_size[0] >> 10));
	map_bar(si->pci[0].bar[0]);
	CHECK(*(volatile uint32_t *)regs == 0x010000edu, "BAR0 does not read as edu (0x%x)",
	      *(volatile uint32_t *)regs);
	for (unsigned int i = 0; i < EDU_MAX; i++)
		src[i] = (uint8_t)"EDU-DMA!"[i % 8];
	transfer((uint64_t)(uintptr_t)src, EDU_BUFFER, false);
	transfer(EDU_BUFFER, (uint64_t)(uintptr_t)dst, true);
	for (unsigned int i = 0; i < EDU_MAX; i++)
		CHECK(dst[i] == src[i], "own memory: byte %u came back as 0x%x", i, dst[i]);
	gprintf("edu_dma: own memory ok\n");
	while ((t = find(t, "target=")) != NULL) {
		t += 7;
		for (;;) {
			uint64_t a = hex(&t);

			transfer(EDU_BUFFER, a, true);
			gprintf("edu_dma: wrote %u bytes to 0x%lx\n", EDU_MAX, (unsigned long)a);
			if (*t != ',')
				break;
			t++;
		}
	}
	start = rdtsc();
	while (tsc_ms(rdtsc() - start) < 2000)
		;
	pass("edu_dma: still running 2 s later");
}
