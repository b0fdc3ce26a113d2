/*
 * guest-peek: dom0's view of a guest's RAM through /dev/xenlite
 * (XL_IOCTL_GUEST_MAP, pv-drivers/README.md), as a virtio back-end has it.
 *
 * guest-peek DOMID GPA LEN
 *   takes a view of domain DOMID's RAM, checks that a second XL_IOCTL_GUEST_MAP
 *   of the same guest on the same file is refused ("guest-peek: second map:
 *   EEXIST"), prints "guest-peek: N extents, M MiB", maps the page-aligned
 *   range of the extent that holds [GPA, GPA + LEN), prints those bytes in
 *   hex (the first 64 at most), writes the same LEN bytes back (a read-write
 *   mapping: "guest-peek: write ok"), unmaps and exits 0. The bytes are
 *   written back as read: a guest writing them in between loses its write,
 *   so peek at memory the guest leaves alone meanwhile.
 *
 * guest-peek --hold DOMID SECONDS
 *   takes the view, maps every extent, prints "guest-peek: holding ...",
 *   then reads the first byte of each extent once a second for SECONDS
 *   (or until SIGTERM), prints "guest-peek: done" and exits 0: a guest
 *   destroyed meanwhile must keep its memory, held for dom0, until this
 *   process has exited (its file released).
 *
 * Exits 1 on any error (one "guest-peek: ..." line on stderr), 2 on bad
 * arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xen-lite-abi.h"
#include "../../pv-drivers/xenlite/xenlite-ioctl.h"

#define MAX_EXTENTS 512 /* DOMAIN_MAX_BLOCKS: as many as a domain can have */
#define SHOW_MAX 64

static struct xl_mem_extent extents[MAX_EXTENTS];
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: guest-peek DOMID GPA LEN\n"
			"       guest-peek --hold DOMID SECONDS\n");
	return 2;
}

static int parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return !*s || *end || errno || *s == '-' ? -1 : 0;
}

/* A view of domid's RAM on fd: the number of extents kept, or -1 (reported). */
static int guest_map(int fd, uint32_t domid)
{
	struct xl_ioctl_guest_map gm = {
		.domid = domid,
		.max = MAX_EXTENTS,
		.extents = (uint64_t)(uintptr_t)extents,
	};

	if (ioctl(fd, XL_IOCTL_GUEST_MAP, &gm) < 0) {
		fprintf(stderr, "guest-peek: XL_IOCTL_GUEST_MAP of d%u: %s\n", domid, strerror(errno));
		return -1;
	}
	if (gm.ret <= 0) {
		fprintf(stderr, "guest-peek: the hypervisor refused a view of d%u: %s (%lld)\n", domid,
			gm.ret < 0 ? strerror((int)-gm.ret) : "no extents", (long long)gm.ret);
		return -1;
	}
	if (gm.ret > MAX_EXTENTS)
		fprintf(stderr, "guest-peek: d%u has %lld extents, only %d seen\n", domid, (long long)gm.ret,
			MAX_EXTENTS);
	return gm.ret > MAX_EXTENTS ? MAX_EXTENTS : (int)gm.ret;
}

/* A second view of the same guest on the same file: EEXIST, nothing else. */
static int second_map(int fd, uint32_t domid)
{
	struct xl_mem_extent one;
	struct xl_ioctl_guest_map gm = { .domid = domid, .max = 1, .extents = (uint64_t)(uintptr_t)&one };

	if (ioctl(fd, XL_IOCTL_GUEST_MAP, &gm) == 0) {
		fprintf(stderr, "guest-peek: second map of d%u accepted (ret %lld), want EEXIST\n", domid,
			(long long)gm.ret);
		return -1;
	}
	if (errno != EEXIST) {
		fprintf(stderr, "guest-peek: second map of d%u: %s, want EEXIST\n", domid, strerror(errno));
		return -1;
	}
	printf("guest-peek: second map: EEXIST\n");
	return 0;
}

static void print_size(int n)
{
	unsigned long long total = 0;

	for (int i = 0; i < n; i++)
		total += extents[i].size;
	printf("guest-peek: %d extents, %llu MiB\n", n, total >> 20);
}

/* [start, end) rounded out to whole pages: the offset and length to mmap */
static void page_range(uint64_t start, uint64_t len, uint64_t page, uint64_t *off, uint64_t *maplen)
{
	*off = start & ~(page - 1);
	*maplen = ((start + len + page - 1) & ~(page - 1)) - *off;
}

static int peek(int fd, uint32_t domid, uint64_t gpa, uint64_t len, uint64_t page)
{
	const struct xl_mem_extent *e = NULL;
	unsigned char show[SHOW_MAX];
	uint64_t hpa, off, maplen;
	volatile unsigned char *p;
	unsigned char *map;
	int n = guest_map(fd, domid);

	if (n < 0)
		return 1;
	if (second_map(fd, domid))
		return 1;
	print_size(n);
	for (int i = 0; i < n && !e; i++)
		if (gpa >= extents[i].gpa && gpa - extents[i].gpa < extents[i].size &&
		    len <= extents[i].size - (gpa - extents[i].gpa))
			e = &extents[i];
	if (!e) {
		fprintf(stderr, "guest-peek: no extent of d%u holds [%#llx, %#llx + %#llx)\n", domid,
			(unsigned long long)gpa, (unsigned long long)gpa, (unsigned long long)len);
		return 1;
	}
	hpa = e->hpa + (gpa - e->gpa);
	page_range(hpa, len, page, &off, &maplen);
	map = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	if (map == MAP_FAILED) {
		fprintf(stderr, "guest-peek: mmap of %#llx bytes at dom0 %#llx: %s\n", (unsigned long long)maplen,
			(unsigned long long)off, strerror(errno));
		return 1;
	}
	p = map + (hpa - off);

	printf("guest-peek: d%u %#llx (dom0 %#llx), %llu bytes:", domid, (unsigned long long)gpa,
	       (unsigned long long)hpa, (unsigned long long)len);
	for (uint64_t i = 0; i < len && i < SHOW_MAX; i++) {
		show[i] = p[i];
		printf(" %02x", show[i]);
	}
	printf("%s\n", len > SHOW_MAX ? " ..." : "");
	fflush(stdout);

	for (uint64_t i = 0; i < len; i++) /* the same bytes back, each as read */
		p[i] = p[i];
	printf("guest-peek: write ok\n");

	if (munmap(map, maplen)) {
		fprintf(stderr, "guest-peek: munmap: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static int hold(int fd, uint32_t domid, unsigned long long seconds, uint64_t page)
{
	static volatile unsigned char *maps[MAX_EXTENTS];
	static uint64_t lens[MAX_EXTENTS];
	int n = guest_map(fd, domid);

	if (n < 0)
		return 1;
	print_size(n);
	for (int i = 0; i < n; i++) {
		uint64_t off;
		void *m;

		page_range(extents[i].hpa, extents[i].size, page, &off, &lens[i]);
		if (off != extents[i].hpa || lens[i] != extents[i].size) {
			fprintf(stderr, "guest-peek: extent %d (dom0 %#llx, %#llx bytes) is not page-aligned\n", i,
				(unsigned long long)extents[i].hpa, (unsigned long long)extents[i].size);
			return 1;
		}
		m = mmap(NULL, lens[i], PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
		if (m == MAP_FAILED) {
			fprintf(stderr, "guest-peek: mmap of extent %d (dom0 %#llx, %#llx bytes): %s\n", i,
				(unsigned long long)off, (unsigned long long)lens[i], strerror(errno));
			return 1;
		}
		maps[i] = m;
	}
	signal(SIGTERM, on_term);
	printf("guest-peek: holding d%u's %d extents for %llu s\n", domid, n, seconds);
	fflush(stdout);
	for (unsigned long long s = 0; s < seconds && !stop; s++) {
		for (int i = 0; i < n; i++)
			(void)maps[i][0]; /* dom0 would end here if the memory had gone from under it */
		sleep(1);
	}
	for (int i = 0; i < n; i++)
		munmap((void *)maps[i], lens[i]);
	printf("guest-peek: done\n");
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long domid, a, b;
	long page = sysconf(_SC_PAGESIZE);
	bool holding = argc == 4 && !strcmp(argv[1], "--hold");
	int fd, ret;

	if (argc != 4)
		return usage();
	if (parse_u64(argv[1 + holding], &domid) || domid > UINT32_MAX ||
	    parse_u64(argv[2 + holding], &a) || (!holding && parse_u64(argv[3], &b)))
		return usage();
	if (!holding && (!b || a + b < a)) {
		fprintf(stderr, "guest-peek: LEN must be positive and GPA + LEN must not wrap\n");
		return 2;
	}
	if (page <= 0)
		page = 4096;
	fd = open(XL_DEVICE_PATH, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "guest-peek: %s: %s\n", XL_DEVICE_PATH, strerror(errno));
		return 1;
	}
	ret = holding ? hold(fd, (uint32_t)domid, a, (uint64_t)page)
		      : peek(fd, (uint32_t)domid, a, b, (uint64_t)page);
	close(fd);
	return ret;
}
