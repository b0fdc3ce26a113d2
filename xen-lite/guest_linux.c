/*
 * Building a Linux guest (include/xen-lite/guest_linux.h). Guest-physical
 * layout:
 *
 *   [0, 0x9F000)          RAM; the boot area (zero page, command line, GDT,
 *                         page tables) at GUEST_BOOT_AREA
 *   [0x9F000, 0x100000)   reserved; the ACPI tables at GUEST_ACPI_BASE
 *   [0x100000, mem)       RAM: the kernel where its header asks, the
 *                         initramfs at the top
 *   the local APIC page   mapped read-only (writes filtered), above mem
 */
#include <xen-lite-abi.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/guest.h>
#include <xen-lite/errno.h>
#include <xen-lite/format.h>
#include <xen-lite/guest_acpi.h>
#include <xen-lite/guest_linux.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/linux_boot.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/shm.h>
#include <xen-lite/string.h>

#define GUEST_BOOT_AREA 0x10000ULL
#define GUEST_CONV_RAM_END 0x9F000ULL
#define GUEST_ACPI_BASE 0xE0000ULL
#define GUEST_EXT_RAM 0x100000ULL
#define GUEST_UART_PORT 0x3F8
#define GUEST_CMDLINE_MAX 512

_Static_assert(GUEST_BOOT_AREA + LINUX_BOOT_AREA_PAGES * PAGE_SIZE <= GUEST_CONV_RAM_END,
	       "the boot area fits in low RAM");

/*
 * The user's command line, what a guest without timer devices needs to
 * calibrate, noapic: there is no I/O APIC, and without it Linux would
 * leave the x2APIC mode its CPUs start in for want of interrupt remapping;
 * and reboot=acpi: on hardware-reduced ACPI Linux otherwise reboots through
 * EFI, and without EFI falls back to the BIOS's reset code in real mode,
 * which a guest does not have - it would hang there, never reaching the
 * FADT's reset register.
 */
static int make_cmdline(char *out, const char *cmdline)
{
	int n = xl_snprintf(out, GUEST_CMDLINE_MAX, "%s%stsc_early_khz=%llu tsc=reliable noapic reboot=acpi", cmdline,
			    *cmdline ? " " : "", (unsigned long long)arch_tsc_khz());

	return n < 0 || n >= GUEST_CMDLINE_MAX ? -E2BIG : n;
}

/* Where RAM below the hole ends. */
static uint64_t low_ram_end(const struct domain *d)
{
	return MIN(d->mem_size, GUEST_LINUX_HOLE_START);
}

int guest_linux_alloc_memory(struct domain *d, uint64_t size)
{
	uint64_t low = MIN(size, GUEST_LINUX_HOLE_START);
	int err = domain_alloc_memory_at(d, gpa_init(0), low);

	if (!err && size > low)
		err = domain_alloc_memory_at(d, gpa_init(GUEST_LINUX_HOLE_END), size - low);
	return err;
}

/* The layout guest_linux_alloc_memory() makes, and nothing else. */
static bool memory_laid_out(const struct domain *d)
{
	uint64_t high = d->mem_size - low_ram_end(d);

	return d->mem_end == (high ? GUEST_LINUX_HOLE_END + high : d->mem_size);
}

static unsigned int make_e820(const struct domain *d, struct e820_entry *e820)
{
	uint64_t high = d->mem_size - low_ram_end(d);

	e820[0] = (struct e820_entry){ 0, GUEST_CONV_RAM_END, E820_RAM };
	e820[1] = (struct e820_entry){ GUEST_CONV_RAM_END, GUEST_EXT_RAM - GUEST_CONV_RAM_END,
				       E820_RESERVED };
	e820[2] = (struct e820_entry){ GUEST_EXT_RAM, low_ram_end(d) - GUEST_EXT_RAM, E820_RAM };
	if (!high)
		return 3;
	e820[3] = (struct e820_entry){ GUEST_LINUX_HOLE_END, high, E820_RAM };
	return 4;
}

/*
 * The initramfs at the top of RAM below the hole (where every kernel can
 * reach it), clear of the kernel's [load_addr, load_addr + init_size).
 */
static int place_ramdisk(const struct domain *d, const struct linux_load_plan *plan, uint64_t size,
			 uint64_t *at)
{
	uint64_t top = low_ram_end(d);

	*at = 0;
	if (!size)
		return 0;
	if (size > top - GUEST_EXT_RAM)
		return -ENOMEM;
	*at = ALIGN_DOWN(top - size, PAGE_SIZE);
	if (*at < plan->load_addr + plan->init_size) {
		log_warn("d%u: no room for a %llu KiB initramfs above the kernel in %llu MiB\n", d->id,
			 (unsigned long long)(size >> 10), (unsigned long long)(d->mem_size >> 20));
		return -ENOMEM;
	}
	return 0;
}

/*
 * The windows of its root bus: its PCI functions' memory BARs, and where
 * its virtio devices and its segments' functions will be (their registers
 * and the slots): which it has is known only when it first runs.
 */
static void pci_windows(const struct domain *d, struct guest_acpi_pci *pci)
{
	uint64_t regs, slots, slots_size;

	pci->nr_windows = 0;
	for (unsigned int i = 0; i < d->nr_pci; i++)
		for (unsigned int b = 0; b < 6; b++)
			if (d->pci[i].bar_size[b] && pci->nr_windows < GUEST_ACPI_MAX_WINDOWS)
				pci->windows[pci->nr_windows++] =
					(struct guest_acpi_window){ d->pci[i].bar[b], d->pci[i].bar_size[b] };
	if (shm_guest_pci_layout(d, &regs, &slots, &slots_size) && pci->nr_windows < GUEST_ACPI_MAX_WINDOWS)
		pci->windows[pci->nr_windows++] = (struct guest_acpi_window){
			regs - GUEST_VIRTIO_BARS_SIZE, GUEST_VIRTIO_BARS_SIZE + SHM_PCI_REGS_SIZE + slots_size };
}

static int write_acpi(struct domain *d, gpa_t lapic, uint8_t *page)
{
	uint32_t ids[GUEST_ACPI_MAX_CPUS];
	struct guest_acpi_pci pci;
	int err;

	_Static_assert(DOMAIN_MAX_PCI * 6 + 1 <= GUEST_ACPI_MAX_WINDOWS, "a window for every BAR, and the segments'");
	if (d->nr_vcpus > GUEST_ACPI_MAX_CPUS)
		return -E2BIG;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		ids[i] = arch_cpu_apic_id(d->vcpus[i]->pcpu);
	pci_windows(d, &pci);
	err = guest_acpi_build(page, GUEST_ACPI_BASE, gpa_addr(lapic), ids, d->nr_vcpus, GUEST_UART_PORT,
			       &pci);
	return err ? err : copy_to_guest(d, gpa_init(GUEST_ACPI_BASE), page, GUEST_ACPI_SIZE);
}

/* Scratch: the boot area as it will be in the guest, then one page for the ACPI tables. */
#define SCRATCH_SIZE ((LINUX_BOOT_AREA_PAGES + 1) * PAGE_SIZE)

static int build(struct domain *d, const uint8_t *kernel, uint64_t ksize, const void *ramdisk,
		 uint64_t rsize, const char *cmdline, uint8_t *area)
{
	struct linux_range ram = { GUEST_EXT_RAM, low_ram_end(d) };
	struct e820_entry e820[4];
	struct linux_load_plan plan;
	struct linux_boot_args args;
	gpa_t lapic_gpa;
	uint64_t rd;
	uint8_t *bp = area + LINUX_AREA_BOOT_PARAMS * PAGE_SIZE;
	char *line = (char *)area + LINUX_AREA_CMDLINE * PAGE_SIZE;
	int n, err;

	err = linux_plan_load(kernel, ksize, &ram, 1, NULL, 0, &plan);
	if (!err)
		err = place_ramdisk(d, &plan, rsize, &rd);
	if (!err)
		err = arch_linux_guest_platform(d, &lapic_gpa);
	if (!err)
		err = write_acpi(d, lapic_gpa, area + LINUX_BOOT_AREA_PAGES * PAGE_SIZE);
	if (err)
		return err;
	linux_write_boot_area(area, GUEST_BOOT_AREA);
	n = make_cmdline(line, cmdline);
	if (n < 0)
		return n;
	args = (struct linux_boot_args){ .bp_pa = GUEST_BOOT_AREA,
					 .cmdline_pa = GUEST_BOOT_AREA + LINUX_AREA_CMDLINE * PAGE_SIZE,
					 .cmdline_len = (uint64_t)n,
					 .initrd_pa = rd,
					 .initrd_size = rsize,
					 .rsdp_pa = GUEST_ACPI_BASE };
	err = linux_fill_boot_params(bp, kernel, ksize, &plan, e820, make_e820(d, e820), &args);
	if (!err)
		err = copy_to_guest(d, gpa_init(plan.load_addr), kernel + plan.setup_size,
				    plan.payload_size);
	if (!err && rsize)
		err = copy_to_guest(d, gpa_init(rd), ramdisk, rsize);
	if (!err)
		err = copy_to_guest(d, gpa_init(GUEST_BOOT_AREA), area,
				    LINUX_BOOT_AREA_PAGES * PAGE_SIZE);
	if (err)
		return err;
	arch_vcpu_set_linux_start(d->vcpus[0], plan.entry64,
				  GUEST_BOOT_AREA + LINUX_AREA_PML4 * PAGE_SIZE,
				  GUEST_BOOT_AREA + LINUX_AREA_GDT * PAGE_SIZE, LINUX_AREA_GDT_LIMIT,
				  GUEST_BOOT_AREA);
	for (unsigned int i = 1; i < d->nr_vcpus; i++)
		arch_vcpu_wait_for_sipi(d->vcpus[i]);
	log_info("d%u (%s): Linux (protocol %u.%u) at %#llx, initramfs %llu KiB at %#llx, %u vCPU(s)\n",
		 d->id, d->name, plan.protocol >> 8, plan.protocol & 0xff,
		 (unsigned long long)plan.load_addr, (unsigned long long)(rsize >> 10),
		 (unsigned long long)rd, d->nr_vcpus);
	return 0;
}

int guest_linux_build(struct domain *d, const void *kernel, uint64_t kernel_size,
		      const void *ramdisk, uint64_t ramdisk_size, const char *cmdline)
{
	uint8_t *scratch;
	int err;

	if (d->mem_size < GUEST_LINUX_MIN_MEM)
		return -EINVAL;
	if (d->mem_size > GUEST_LINUX_MAX_MEM)
		return -E2BIG;
	if (!memory_laid_out(d))
		return -EINVAL;
	scratch = alloc_pages(SCRATCH_SIZE);
	if (!scratch)
		return -ENOMEM;
	err = build(d, kernel, kernel_size, ramdisk, ramdisk_size, cmdline, scratch);
	free_pages(scratch, SCRATCH_SIZE);
	return err;
}
