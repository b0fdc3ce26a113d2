/* The hypervisor's page tables: image, direct map and MMIO window (see arch/paging.h). */
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/page_table.h>
#include <arch/paging.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/panic.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

#define BOOT_IDENTITY_LIMIT (4ULL << 30)

extern char _image_start_phys[], _boot_end_phys[], _image_end_phys[];
extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[], _data_start[],
	_image_end[];

static bool direct_map_ready;
static uint64_t kernel_root;
static uint64_t mmio_next = MMIO_BASE;
static spinlock_t mmio_lock = SPINLOCK_INIT;

void *phys_to_virt(uint64_t pa)
{
	if (direct_map_ready)
		return (void *)(uintptr_t)(DIRECTMAP_BASE + pa);
	if (pa >= BOOT_IDENTITY_LIMIT)
		panic("phys_to_virt(%#llx) before the direct map exists", (unsigned long long)pa);
	return (void *)(uintptr_t)pa;
}

uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)(uintptr_t)va;

	if (v >= KERNEL_VBASE)
		return v - KERNEL_VBASE;
	if (v >= DIRECTMAP_BASE && v < DIRECTMAP_BASE + DIRECTMAP_SIZE)
		return v - DIRECTMAP_BASE;
	if (!direct_map_ready)
		return v;
	panic("virt_to_phys(%p): not a direct-map or image address", va);
}

bool cpu_has_nx(void)
{
	return cpuid(0x80000000).eax >= 0x80000001 && (cpuid(0x80000001).edx & (1u << 20));
}

static bool cpu_has_1g_pages(void)
{
	return cpuid(0x80000000).eax >= 0x80000001 && (cpuid(0x80000001).edx & (1u << 26));
}

void arch_image_range(uint64_t *start, uint64_t *end)
{
	*start = (uint64_t)(uintptr_t)_image_start_phys;
	*end = (uint64_t)(uintptr_t)_image_end_phys;
}

uint64_t arch_kernel_root(void)
{
	return kernel_root;
}

static uint64_t alloc_table(void *ctx)
{
	/* before the switch only the boot identity map reaches a new table */
	uint64_t limit = direct_map_ready ? UINT64_MAX : BOOT_IDENTITY_LIMIT;
	uint64_t pa = hpa_addr(phys_alloc_page_below(0, limit));

	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

static uint64_t *table_ptr(uint64_t pa, void *ctx)
{
	return phys_to_virt(pa);
}

static struct pt_ops ops = { .alloc_table = alloc_table, .table_ptr = table_ptr };

static uint64_t nx(void)
{
	return cpu_has_nx() ? PTE_NX : 0;
}

static void map_or_panic(uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs, const char *what)
{
	int err = pt_map_range(&ops, kernel_root, va, pa, size, attrs);

	if (err)
		panic("paging: cannot map %s [%#llx-%#llx): error %d", what, (unsigned long long)pa,
		      (unsigned long long)(pa + size), err);
}

static void map_image_section(char *start, char *end, uint64_t attrs, const char *what)
{
	uint64_t va = (uint64_t)(uintptr_t)start;

	map_or_panic(va, va - KERNEL_VBASE, ALIGN_UP((uint64_t)(uintptr_t)end, PAGE_SIZE) - va,
		     attrs, what);
}

static void map_image(void)
{
	uint64_t boot_pa = (uint64_t)(uintptr_t)_image_start_phys;

	map_or_panic(KERNEL_VBASE + boot_pa, boot_pa, (uint64_t)(uintptr_t)_boot_end_phys - boot_pa,
		     nx(), "boot section");
	map_image_section(_text_start, _text_end, 0, "text");
	map_image_section(_rodata_start, _rodata_end, nx(), "rodata");
	map_image_section(_data_start, _image_end, PTE_W | nx(), "data");
}

#define MAX_DIRECT_RANGES (BOOT_MAX_MEM_REGIONS + 1)
#define LEGACY_AREA_END 0x100000

static struct {
	uint64_t start, end;
} direct_ranges[MAX_DIRECT_RANGES];
static unsigned int direct_count;

bool phys_is_mapped(uint64_t pa, uint64_t len)
{
	if (pa + len < pa)
		return false;
	if (!direct_map_ready)
		return pa + len <= BOOT_IDENTITY_LIMIT;
	for (unsigned int i = 0; i < direct_count; i++)
		if (direct_ranges[i].start <= pa && pa + len <= direct_ranges[i].end)
			return true;
	return false;
}

static void map_direct_range(uint64_t start, uint64_t end)
{
	map_or_panic(DIRECTMAP_BASE + start, start, end - start, PTE_W | nx(), "direct map");
	direct_ranges[direct_count].start = start;
	direct_ranges[direct_count].end = end;
	direct_count++;
}

/*
 * Map every region of the map, rounded out to pages and coalesced, into the
 * direct map. The first MiB is always included: firmware tables (the legacy
 * RSDP area) and the AP trampoline live there even where the map has holes.
 */
static void map_direct(const struct mem_region *map, unsigned int count)
{
	uint64_t start = 0, end = LEGACY_AREA_END;

	for (unsigned int i = 0; i <= count; i++) {
		uint64_t s = i < count ? ALIGN_DOWN(map[i].base, PAGE_SIZE) : UINT64_MAX;
		uint64_t e = i < count ? ALIGN_UP(map[i].base + map[i].size, PAGE_SIZE) : UINT64_MAX;

		if (i < count && e > DIRECTMAP_SIZE) {
			log_warn("paging: [%#llx-%#llx) is beyond the direct map, not mapped\n",
				 (unsigned long long)map[i].base,
				 (unsigned long long)(map[i].base + map[i].size));
			continue;
		}
		if (end && s <= end) {
			end = MAX(end, e);
			continue;
		}
		if (end > start)
			map_direct_range(start, end);
		start = s;
		end = e;
	}
}

void arch_paging_init(const struct mem_region *map, unsigned int count)
{
	ops.allow_1g = cpu_has_1g_pages();
	kernel_root = alloc_table(NULL);
	if (!kernel_root)
		panic("paging: no memory below 4 GiB for the page tables");
	map_image();
	map_direct(map, count);
	write_cr3(kernel_root);
	direct_map_ready = true;
	log_info("paging: image at %#llx, direct map at %#llx (%s pages), low identity map dropped\n",
		 (unsigned long long)KERNEL_VBASE, (unsigned long long)DIRECTMAP_BASE,
		 ops.allow_1g ? "1 GiB" : "2 MiB");
}

void *arch_mmio_map(uint64_t pa, uint64_t size)
{
	uint64_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	uint64_t len = ALIGN_UP(pa + size, PAGE_SIZE) - base, va;
	int err;

	spin_lock(&mmio_lock);
	va = mmio_next;
	err = mmio_next + len <= MMIO_BASE + MMIO_SIZE ?
		      pt_map_range(&ops, kernel_root, va, base, len, PTE_W | PTE_PCD | PTE_PWT | nx()) :
		      -1;
	if (!err)
		mmio_next += len;
	spin_unlock(&mmio_lock);
	if (err) {
		log_err("paging: cannot map MMIO [%#llx-%#llx): error %d\n", (unsigned long long)base,
			(unsigned long long)(base + len), err);
		return NULL;
	}
	return (void *)(uintptr_t)(va + (pa - base));
}

void arch_module_window(uint64_t *start, uint64_t *end)
{
	*start = MODULE_AREA_BASE;
	*end = MODULE_AREA_END;
}

int arch_module_map(uint64_t va, uint64_t pa, uint64_t size, unsigned int perms)
{
	uint64_t attrs = perms & ARCH_MODULE_WRITE ? PTE_W : 0;

	if (!(perms & ARCH_MODULE_EXEC))
		attrs |= nx();
	if ((perms & ARCH_MODULE_WRITE) && (perms & ARCH_MODULE_EXEC))
		return -EINVAL;
	if (va < MODULE_AREA_BASE || size > MODULE_AREA_END - va || (va | pa | size) & (PAGE_SIZE - 1))
		return -EINVAL;
	return pt_map_range(&ops, kernel_root, va, pa, size, attrs);
}

void arch_module_unmap(uint64_t va, uint64_t size)
{
	if (va < MODULE_AREA_BASE || size > MODULE_AREA_END - va)
		return;
	pt_unmap_range(&ops, kernel_root, va, size);
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		invlpg((const void *)(uintptr_t)(va + off));
}

uint64_t arch_make_trampoline_root(void)
{
	uint64_t root = hpa_addr(phys_alloc_page_below(0, BOOT_IDENTITY_LIMIT));
	uint64_t *t;

	if (!root)
		return 0;
	t = phys_to_virt(root);
	memcpy(t, phys_to_virt(kernel_root), PAGE_SIZE);
	t[0] = 0;
	if (pt_map_range(&ops, root, 0, 0, SIZE_2M, PTE_W)) {
		phys_free(hpa_init(root), PAGE_SIZE);
		return 0;
	}
	return root;
}

void arch_free_trampoline_root(uint64_t root)
{
	uint64_t *pml4 = phys_to_virt(root);

	/* only the low identity part is the trampoline's own; the rest is shared with the kernel's */
	if (pml4[0] & PTE_P) {
		uint64_t *pdpt = phys_to_virt(pml4[0] & PTE_ADDR_MASK);

		if ((pdpt[0] & PTE_P) && !(pdpt[0] & PTE_PS))
			phys_free(hpa_init(pdpt[0] & PTE_ADDR_MASK), PAGE_SIZE);
		phys_free(hpa_init(pml4[0] & PTE_ADDR_MASK), PAGE_SIZE);
	}
	phys_free(hpa_init(root), PAGE_SIZE);
}
