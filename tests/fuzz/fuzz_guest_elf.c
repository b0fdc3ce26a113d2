/*
 * Fuzz the ELF guest loader, guest_load_elf() (xen-lite/guest_loader.c),
 * against a fake domain as tests/unit/test_guest_loader.c builds it: guest
 * memory is an anonymous mapping reserved without backing, and
 * copy_to_guest() checks and records every copy.
 *
 * Input: two bytes choosing the domain's memory size, a flags byte (bits
 * 0-1 zero: no vCPU), a command-line length byte and the command line,
 * then the image.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_loader.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/heap.h>
#include <xen-lite/shm.h>

#include "support.h"

#define AREA XL_START_AREA_SIZE
#define MAX_COPIES 64

static struct domain dom;
static struct vcpu vcpu0;
static uint8_t *mem; /* GUEST_START_MAX_MEM bytes reserved at guest-physical 0 */

static struct {
	uint64_t gpa, len;
} copies[MAX_COPIES];
static unsigned int nr_copies, start_calls, live_allocs;
static uint64_t start_rip, start_cr3;

int copy_to_guest(struct domain *d, gpa_t at, const void *src, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	FUZZ_CHECK(d == &dom, "copy to another domain");
	/* the loader checks every segment before the first copy */
	FUZZ_CHECK(gpa <= d->mem_size && len <= d->mem_size - gpa,
		   "copy of %#llx bytes to %#llx, outside %#llx bytes of guest memory",
		   (unsigned long long)len, (unsigned long long)gpa, (unsigned long long)d->mem_size);
	FUZZ_CHECK(nr_copies < MAX_COPIES, "more than %u copies", MAX_COPIES);
	copies[nr_copies].gpa = gpa;
	copies[nr_copies].len = len;
	nr_copies++;
	memcpy(mem + gpa, src, len);
	return 0;
}

void arch_vcpu_set_start_state(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gdt_base,
			       uint16_t gdt_limit, uint64_t rdi)
{
	FUZZ_CHECK(v == &vcpu0, "start state for another vCPU");
	start_calls++;
	start_rip = rip;
	start_cr3 = cr3;
}

uint64_t arch_tsc_khz(void)
{
	return 2000000;
}

/* no segment attached: the loader writes what this says into the start info */
unsigned int shm_domain_mappings(struct domain *d, struct xl_shm_mapping *out, unsigned int max)
{
	FUZZ_CHECK(d == &dom && max == XL_SHM_MAX_PER_DOMAIN, "mappings of another domain, or %u of them", max);
	return 0;
}

void *xl_zalloc(size_t size)
{
	void *p = size ? calloc(1, size) : NULL;

	if (p)
		live_allocs++;
	return p;
}

void xl_free(void *p)
{
	if (p)
		live_allocs--;
	free(p);
}

/* Give back the pages an input touched, so that memory does not fill up over a run. */
static void forget_copies(void)
{
	for (unsigned int i = 0; i < nr_copies; i++) {
		uint64_t start = ALIGN_DOWN(copies[i].gpa, PAGE_SIZE);
		uint64_t end = ALIGN_UP(copies[i].gpa + copies[i].len, PAGE_SIZE);

		madvise(mem + start, end - start, MADV_DONTNEED);
	}
	nr_copies = 0;
}

static uint64_t pick_mem_size(uint16_t v)
{
	if (v & 0x8000) /* up to 32 GiB, in MiB: the limits */
		return (uint64_t)(v & 0x7fff) << 20;
	return 2 * AREA + (uint64_t)(v & 0xff) * AREA + (v & 0x100 ? 0x1000 : 0);
}

/* On success: the segments below the start area, then the start area; vCPU 0 at the entry. */
static void check_loaded(const uint8_t *image, size_t size)
{
	uint64_t base = dom.mem_size - AREA, entry;

	FUZZ_CHECK(start_calls == 1 && start_cr3 == base, "start state not set as documented");
	FUZZ_CHECK(nr_copies >= 1 && copies[nr_copies - 1].gpa == base &&
			   copies[nr_copies - 1].len == AREA,
		   "start area not written");
	for (unsigned int i = 0; i + 1 < nr_copies; i++)
		FUZZ_CHECK(copies[i].gpa + copies[i].len <= base,
			   "segment [%#llx, +%#llx) overlaps the start area at %#llx",
			   (unsigned long long)copies[i].gpa, (unsigned long long)copies[i].len,
			   (unsigned long long)base);
	memcpy(&entry, image + 24, 8);
	FUZZ_CHECK(start_rip == entry && entry < base, "entry %#llx", (unsigned long long)start_rip);
	(void)size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	char cmdline[300];
	const uint8_t *p;
	uint8_t *image;
	size_t n;
	uint8_t flags;
	int err;

	if (!mem) {
		mem = mmap(NULL, GUEST_START_MAX_MEM, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		FUZZ_CHECK(mem != MAP_FAILED, "cannot reserve guest memory");
	}
	memset(&dom, 0, sizeof(dom));
	memset(&vcpu0, 0, sizeof(vcpu0));
	dom.id = 5;
	dom.mem_size = pick_mem_size(fuzz_u16(&in));
	flags = fuzz_u8(&in);
	dom.nr_vcpus = flags & 3 ? 1 : 0;
	dom.vcpus[0] = &vcpu0;
	vcpu0.domain = &dom;
	n = fuzz_bytes(&in, fuzz_u8(&in), &p);
	memcpy(cmdline, p, n);
	cmdline[n] = '\0';
	start_calls = 0;

	/* the image in a buffer of exactly its size, aligned as the domain's images are */
	n = fuzz_bytes(&in, in.len, &p);
	image = malloc(n ? n : 1);
	memcpy(image, p, n);
	err = guest_load_elf(&dom, image, n, cmdline);
	FUZZ_CHECK(live_allocs == 0, "start area buffer leaked");
	if (err) {
		FUZZ_CHECK(err == -ENOEXEC || err == -EINVAL || err == -E2BIG, "error %d", err);
		FUZZ_CHECK(start_calls == 0, "a failed load set the start state");
	} else {
		check_loaded(image, n);
	}
	free(image);
	forget_copies();
	return 0;
}
