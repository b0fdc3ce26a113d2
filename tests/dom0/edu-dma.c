/*
 * Drives QEMU's `edu` test device (1234:11e8) from dom0 to DMA where the
 * tests say, as a buggy or hostile driver in dom0 could: the IOMMU must let
 * it reach dom0's own memory and nothing else (Documentation/iommu.md).
 *
 *   edu-dma own          DMA a pattern from one of dom0's pages into the
 *                        device and back into another: "edu-dma: own memory ok"
 *   edu-dma write ADDR   DMA 4095 bytes of "EDU-DMA!" to physical ADDR:
 *                        "edu-dma: wrote 4095 bytes to ADDR" (whether they
 *                        landed is for the test to find out)
 *
 * edu: BAR0 registers 0x80 source, 0x88 destination, 0x90 count, 0x98
 * command (bit 0 start, bit 1 device to RAM); its buffer is at device
 * address 0x40000 and a transfer of all 4096 bytes is refused (use 4095).
 * Exit status 0, or 1 with what failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define EDU_BUFFER 0x40000ULL
#define EDU_MAX 4095u
#define REG_SRC 0x80
#define REG_DST 0x88
#define REG_COUNT 0x90
#define REG_CMD 0x98
#define CMD_START 1u
#define CMD_TO_RAM 2u
#define PCI_COMMAND 4
#define PCI_COMMAND_MEMORY 2u
#define PCI_COMMAND_MASTER 4u

static volatile uint8_t *regs;

static int fail(const char *what)
{
	fprintf(stderr, "edu-dma: %s: %s\n", what, errno ? strerror(errno) : "failed");
	return 1;
}

static int find_edu(char *dir, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int found = -1;

	while (d && (e = readdir(d)) && found) {
		char path[512], id[32] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", e->d_name);
		f = fopen(path, "r");
		if (f && fgets(id, sizeof(id), f) && !strncmp(id, "0x11e8", 6)) {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", e->d_name);
			fclose(f);
			f = fopen(path, "r");
			if (f && fgets(id, sizeof(id), f) && !strncmp(id, "0x1234", 6)) {
				snprintf(dir, len, "/sys/bus/pci/devices/%s", e->d_name);
				found = 0;
			}
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

/* Memory decoding and bus mastering on, through the config space file; then BAR0 mapped. */
static int open_edu(void)
{
	char dir[300], path[320];
	uint16_t cmd;
	int fd;

	if (find_edu(dir, sizeof(dir)))
		return fail("no edu device (1234:11e8)");
	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &cmd, 2, PCI_COMMAND) != 2)
		return fail("reading its command register");
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(fd, &cmd, 2, PCI_COMMAND) != 2)
		return fail("enabling bus mastering");
	close(fd);
	snprintf(path, sizeof(path), "%s/resource0", dir);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return fail("opening BAR0");
	regs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (regs == MAP_FAILED)
		return fail("mapping BAR0");
	return 0;
}

static void reg64(unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(regs + off) = v;
}

static bool idle(void)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 3000; i++) {
		if (!(*(volatile uint64_t *)(regs + REG_CMD) & CMD_START))
			return true;
		nanosleep(&pause, NULL);
	}
	return false;
}

/*
 * One transfer; the device runs it 100 ms (virtual) later and clears the
 * start bit. It ignores its registers while a transfer is pending - one a
 * guest started just before it was destroyed, say - so first it must be idle.
 */
static int transfer(uint64_t src, uint64_t dst, uint32_t count, bool to_ram)
{
	if (!idle()) {
		errno = EBUSY;
		return fail("the device stays busy");
	}
	reg64(REG_SRC, src);
	reg64(REG_DST, dst);
	reg64(REG_COUNT, count);
	reg64(REG_CMD, CMD_START | (to_ram ? CMD_TO_RAM : 0));
	if (idle())
		return 0;
	errno = ETIMEDOUT;
	return fail("the transfer did not end");
}

/* A locked page of this process and its physical address (root reads /proc/self/pagemap). */
static void *pinned_page(uint64_t *pa)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t entry = 0;
	int fd;

	if (p == MAP_FAILED || mlock(p, 4096))
		return NULL;
	memset(p, 0, 4096);
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &entry, 8, (off_t)((uintptr_t)p / 4096 * 8)) != 8 || !(entry >> 63)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	close(fd);
	*pa = (entry & ((1ULL << 55) - 1)) * 4096;
	return *pa ? p : NULL;
}

static void fill_pattern(uint8_t *p)
{
	for (unsigned int i = 0; i < EDU_MAX; i++)
		p[i] = (uint8_t)"EDU-DMA!"[i % 8];
}

static int own_memory(void)
{
	uint64_t pa_src, pa_dst;
	uint8_t *src = pinned_page(&pa_src), *dst = pinned_page(&pa_dst);

	if (!src || !dst)
		return fail("no pinned page with a physical address");
	fill_pattern(src);
	if (transfer(pa_src, EDU_BUFFER, EDU_MAX, false) || transfer(EDU_BUFFER, pa_dst, EDU_MAX, true))
		return 1;
	if (memcmp(src, dst, EDU_MAX)) {
		errno = 0;
		return fail("own memory: the pattern did not come back");
	}
	printf("edu-dma: own memory ok (%#llx -> device -> %#llx)\n", (unsigned long long)pa_src,
	       (unsigned long long)pa_dst);
	return 0;
}

static int write_to(uint64_t target)
{
	uint64_t pa;
	uint8_t *src = pinned_page(&pa);

	if (!src)
		return fail("no pinned page with a physical address");
	fill_pattern(src);
	if (transfer(pa, EDU_BUFFER, EDU_MAX, false) || transfer(EDU_BUFFER, target, EDU_MAX, true))
		return 1;
	printf("edu-dma: wrote %u bytes to %#llx\n", EDU_MAX, (unsigned long long)target);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2 || (strcmp(argv[1], "own") && (strcmp(argv[1], "write") || argc < 3))) {
		fprintf(stderr, "usage: edu-dma own | write ADDR\n");
		return 2;
	}
	if (open_edu())
		return 1;
	if (!strcmp(argv[1], "own"))
		return own_memory();
	return write_to(strtoull(argv[2], NULL, 0));
}
