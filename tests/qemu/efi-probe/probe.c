/*
 * A stand-in "hypervisor" for testing xen-lite.efi on its own: embedded into
 * build/efi/xen-lite-probe.efi instead of xen-lite.elf, it checks the entry
 * contract and the multiboot2 information structure the loader built,
 * prints what it found on COM1 ("probe: ..." lines, grepped by
 * tests/qemu/t-efi.sh) and leaves QEMU through isa-debug-exit at 0xf4:
 * exit status 1 for PASS, 3 for FAIL.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_MAGIC 0x36d76289u
#define EFI_ST_SIGNATURE 0x5453595320494249ull /* "IBI SYST" */

void probe_main(uint64_t magic, uint64_t info, uint64_t rflags, uint64_t loader_rsp);

static volatile uint8_t zero_check[65536]; /* bss: the loader must zero-fill it */
static volatile uint32_t data_word = 0x5a5aa5a5; /* .data: file-backed part of the same segment */
static unsigned int failures;
static volatile uintptr_t marker_pa = 0x260000; /* see probe.ld */

extern char _probe_start[], _probe_end[];

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc_(char c)
{
	for (int i = 0; i < 100000 && !(inb(0x3fd) & 0x20); i++)
		;
	outb(0x3f8, (uint8_t)c);
}

static void puts_(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_('\r');
		putc_(*s);
	}
}

/* print at most n bytes of s, stopping at NUL or a line end */
static void putsn(const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i] && s[i] != '\n' && s[i] != '\r'; i++)
		putc_((s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?');
}

static void puthex(uint64_t v)
{
	int shift = 60;

	puts_("0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		putc_("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void putdec(uint64_t v)
{
	char d[21];
	int n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc_(d[--n]);
}

static void fail(const char *what)
{
	puts_("probe: FAIL: ");
	puts_(what);
	puts_("\n");
	failures++;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* memory map of the info, for "is this range available?" */
static const uint8_t *mmap_entries;
static uint32_t mmap_count;

static bool range_available(uint64_t start, uint64_t end)
{
	for (uint32_t i = 0; i < mmap_count; i++) {
		const uint8_t *e = mmap_entries + i * 24;
		uint64_t b = rd64(e), l = rd64(e + 8);

		if (rd32(e + 16) == 1 && start >= b && end <= b + l)
			return true;
	}
	return false;
}

static void check_mmap(const uint8_t *t, uint32_t size)
{
	uint32_t entry_size = rd32(t + 8), version = rd32(t + 12);
	uint64_t avail = 0, prev_end = 0;

	if (entry_size != 24 || version != 0 || size < 16 || (size - 16) % 24) {
		fail("memory map tag: bad entry_size/version/size");
		return;
	}
	mmap_entries = t + 16;
	mmap_count = (size - 16) / 24;
	for (uint32_t i = 0; i < mmap_count; i++) {
		const uint8_t *e = mmap_entries + i * 24;
		uint64_t b = rd64(e), l = rd64(e + 8);
		uint32_t type = rd32(e + 16);

		if (!l || type < 1 || type > 5 || rd32(e + 20))
			fail("memory map: empty entry, bad type or nonzero reserved field");
		if (i && b < prev_end)
			fail("memory map: not sorted or overlapping");
		prev_end = b + l;
		if (type == 1)
			avail += l;
	}
	puts_("probe: mmap ");
	putdec(mmap_count);
	puts_(" entries, ");
	putdec(avail >> 20);
	puts_(" MiB available\n");
	if (avail < (64u << 20))
		fail("memory map: less than 64 MiB available");
}

static void check_rsdp(const uint8_t *r, uint32_t len)
{
	uint8_t sum = 0, ext = 0;

	for (uint32_t i = 0; i < 20; i++)
		sum += r[i];
	for (uint32_t i = 0; len >= 36 && i < 36; i++)
		ext += r[i];
	if (rd64(r) != 0x2052545020445352ull) /* "RSD PTR " */
		fail("ACPI tag: no RSDP signature");
	else if (sum || ext)
		fail("ACPI tag: bad checksum");
	puts_("probe: acpi rsdp revision ");
	putdec(r[15]);
	puts_(" len ");
	putdec(len);
	puts_("\n");
}

void probe_main(uint64_t magic, uint64_t info, uint64_t rflags, uint64_t loader_rsp)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)info;
	uint32_t total;
	unsigned int modules = 0;
	bool have_mmap = false, have_name = false, have_cmdline = false, have_efi = false;
	bool have_end = false;

	puts_("probe: entered, magic ");
	puthex(magic);
	puts_(" info ");
	puthex(info);
	puts_("\n");
	if (magic != MB2_MAGIC)
		fail("RDI is not the multiboot2 magic");
	if (rflags & (1u << 9))
		fail("interrupts enabled at entry");
	if (!info || info & 7 || info >= (1ull << 32)) {
		fail("RSI: info missing, misaligned or above 4 GiB");
		goto out;
	}
	if (!loader_rsp)
		fail("no stack");
	for (size_t i = 0; i < sizeof(zero_check); i++)
		if (zero_check[i]) {
			fail("bss not zeroed");
			break;
		}
	if (data_word != 0x5a5aa5a5)
		fail(".data not loaded");
	if (!streq((const char *)(uintptr_t)marker_pa, "xen-lite probe marker"))
		fail("segment not loaded at its physical address (p_paddr)");

	total = rd32(p);
	if (total < 16 || rd32(p + 4) != 0) {
		fail("bad total_size or reserved field");
		goto out;
	}
	for (uint32_t off = 8; off < total;) {
		const uint8_t *t = p + off;
		uint32_t type, size;

		if (off + 8 > total) {
			fail("tag header runs past total_size");
			break;
		}
		type = rd32(t);
		size = rd32(t + 4);
		if (size < 8 || size > total - off) {
			fail("tag size out of bounds");
			break;
		}
		if (type == 0) {
			if (size != 8 || off + 8 != total)
				fail("end tag is not the last 8 bytes");
			have_end = true;
			break;
		}
		switch (type) {
		case 1:
			have_cmdline = true;
			puts_("probe: cmdline '");
			putsn((const char *)t + 8, size - 8);
			puts_("'\n");
			break;
		case 2:
			have_name = streq((const char *)t + 8, "xen-lite.efi");
			if (!have_name)
				fail("boot loader name is not xen-lite.efi");
			break;
		case 3: {
			uint32_t s = rd32(t + 8), e = rd32(t + 12);

			modules++;
			puts_("probe: module ");
			putdec(modules);
			puts_(" ");
			puthex(s);
			puts_("-");
			puthex(e);
			puts_(" cmdline '");
			putsn((const char *)t + 16, size - 16);
			puts_("' data '");
			putsn((const char *)(uintptr_t)s, e - s < 60 ? e - s : 60);
			puts_("'\n");
			if (s & 0xfff || e <= s)
				fail("module not page aligned or empty");
			break;
		}
		case 6:
			have_mmap = true;
			check_mmap(t, size);
			break;
		case 8:
			puts_("probe: framebuffer ");
			putdec(rd32(t + 20));
			puts_("x");
			putdec(rd32(t + 24));
			puts_(" bpp ");
			putdec(t[28]);
			puts_(" type ");
			putdec(t[29]);
			puts_("\n");
			if (size < 38 || t[29] != 1 || t[28] != 32)
				fail("framebuffer tag: bad size/type/bpp");
			break;
		case 12: {
			uint64_t st = rd64(t + 8);

			have_efi = true;
			if (size != 16 || !st || rd64((const uint8_t *)(uintptr_t)st) != EFI_ST_SIGNATURE)
				fail("EFI64 system table tag: bad size or no system table there");
			else
				puts_("probe: efi64 system table ok\n");
			break;
		}
		case 14:
		case 15:
			if (size != 8 + (type == 15 ? 36u : 20u))
				fail("ACPI tag: wrong size");
			else
				check_rsdp(t + 8, size - 8);
			break;
		default:
			puts_("probe: unexpected tag ");
			putdec(type);
			puts_("\n");
			break;
		}
		off += (size + 7) & ~7u;
	}
	if (!have_end)
		fail("no end tag");
	if (!have_cmdline || !have_name || !have_mmap || !have_efi)
		fail("missing cmdline, loader name, memory map or EFI64 tag");
	if (have_mmap) {
		if (!range_available((uintptr_t)_probe_start, (uintptr_t)0x261000))
			fail("memory map: the loaded image is not in available memory");
		if (!range_available(info, info + total))
			fail("memory map: the information structure is not in available memory");
	}
	puts_("probe: ");
	putdec(modules);
	puts_(" module(s)\n");

out:
	puts_(failures ? "probe: FAIL\n" : "probe: PASS\n");
	outb(0xf4, failures ? 1 : 0); /* isa-debug-exit: QEMU exits with (v << 1) | 1 */
	for (;;)
		__asm__ volatile("cli; hlt");
}
