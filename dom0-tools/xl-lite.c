/*
 * xl-lite: xen-lite's control tool in dom0 (Documentation/tools.md).
 *
 *   xl-lite info | list | dmesg [--json]     xl-lite help [COMMAND]
 *   xl-lite pci-assignable-add | -remove BDF, pci-assignable-list (xl-pci.c)
 *
 * Talks to the hypervisor through /dev/xenlite (libxl-lite); the output is
 * made by xl-lite-fmt.c. Exit status: 0 done, 1 the hypervisor or the driver
 * failed, 2 usage error.
 */
#include <errno.h>
#include <string.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "libxl-lite.h"
#include "../pv-drivers/xenlite/xenlite-ioctl.h"
#include "xl-cfg.h"
#include "xl-lite-fmt.h"
#include "xl-pci.h"

/* domains asked for per XL_SYSCTL_DOMAIN_LIST (64 bytes each: 16 KiB) */
#define LIST_MAX 256

static int report(const struct xl_error *e)
{
	char msg[256];

	fprintf(stderr, "xl-lite: %s\n", xl_error_message(e, msg, sizeof(msg)));
	return XL_EXIT_ERROR;
}

static int cmd_info(struct xl_handle *h, bool json)
{
	static struct xl_sysinfo si;

	if (xl_sysinfo(h, &si) < 0)
		return report(&h->err);
	if (si.abi_version >> 16 != XL_ABI_VERSION_MAJOR) {
		fprintf(stderr, "xl-lite: hypervisor ABI %u.%u, xl-lite speaks %u.%u\n",
			si.abi_version >> 16, si.abi_version & 0xffff, XL_ABI_VERSION_MAJOR,
			XL_ABI_VERSION_MINOR);
		return XL_EXIT_ERROR;
	}
	xl_print_info(stdout, &si, json);
	return XL_EXIT_OK;
}

static int cmd_list(struct xl_handle *h, bool json)
{
	static struct xl_domain_info doms[LIST_MAX];
	int n = xl_domain_list(h, doms, LIST_MAX);

	if (n < 0)
		return report(&h->err);
	xl_print_domains(stdout, doms, (unsigned int)n, json);
	return XL_EXIT_OK;
}

static int64_t read_log(void *ctx, uint64_t pos, struct xl_log_chunk *chunk, size_t size)
{
	return xl_log_read(ctx, pos, chunk, size);
}

static int cmd_dmesg(struct xl_handle *h, bool json)
{
	/* the largest buffer the driver takes: the whole 64 KiB ring in two reads */
	struct xl_log_chunk *chunk = malloc(XL_IOCTL_MAX_LEN);

	if (!chunk) {
		perror("xl-lite");
		return XL_EXIT_ERROR;
	}
	if (xl_dmesg(stdout, stderr, read_log, h, chunk, XL_IOCTL_MAX_LEN, json) < 0) {
		fflush(stdout);
		free(chunk);
		return report(&h->err);
	}
	free(chunk);
	return XL_EXIT_OK;
}

/* Decimal digits only: never octal ("010" is 10) nor hex, as in a configuration file. */
static bool parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && *s >= '0' && *s <= '9' && !*end && *out <= max;
}

/* "64 MiB", "64 KiB" or "65240 bytes": a size limit for messages */
static const char *size_text(size_t n, char *buf, size_t size)
{
	if (n && n % (1u << 20) == 0)
		snprintf(buf, size, "%zu MiB", n >> 20);
	else if (n && n % 1024 == 0)
		snprintf(buf, size, "%zu KiB", n >> 10);
	else
		snprintf(buf, size, "%zu bytes", n);
	return buf;
}

/*
 * Read a whole file of at most max bytes (NUL-terminated, for text). The
 * buffer starts at the file's size (stat) and grows only for files whose
 * size is not known in advance, so tens of MiB cost one allocation. NULL
 * with "xl-lite: WHATPATH: why" on stderr on failure; what prefixes the
 * path, e.g. "/etc/g.cfg: kernel " ("" for none).
 */
static char *read_file(const char *path, const char *what, size_t max, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = max < 64 * 1024 ? max : 64 * 1024, len = 0;
	char limit[32], *buf, *bigger;
	struct stat st;
	int c;

	if (!f) {
		fprintf(stderr, "xl-lite: %s%s: %s\n", what, path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
		if ((uint64_t)st.st_size > max)
			goto too_large;
		cap = (size_t)st.st_size;
	}
	buf = malloc(cap + 1);
	if (!buf)
		goto no_memory;
	for (;;) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap || (c = fgetc(f)) == EOF)
			break; /* the end of the file, or an error */
		/* more than the file's size said (or a pipe): grow, up to max */
		if (len >= max)
			goto too_large_free;
		cap = cap < 2048 ? 4096 : cap * 2;
		if (cap > max)
			cap = max;
		bigger = realloc(buf, cap + 1);
		if (!bigger)
			goto no_memory_free;
		buf = bigger;
		buf[len++] = (char)c;
	}
	if (ferror(f)) {
		fprintf(stderr, "xl-lite: %s%s: %s\n", what, path, strerror(errno));
		goto out_free;
	}
	fclose(f);
	buf[len] = '\0';
	*size = len;
	return buf;

too_large_free:
	free(buf);
too_large:
	fprintf(stderr, "xl-lite: %s%s: larger than %s\n", what, path,
		size_text(max, limit, sizeof(limit)));
	fclose(f);
	return NULL;
no_memory_free:
	free(buf);
no_memory:
	fprintf(stderr, "xl-lite: %s%s: cannot allocate %zu bytes to read it\n", what, path,
		cap + 1);
	fclose(f);
	return NULL;
out_free:
	free(buf);
	fclose(f);
	return NULL;
}

static int cmd_create_elf(struct xl_handle *h, const struct xl_args *a)
{
	unsigned long long mem = 2, cpu = 0;
	size_t size;
	char *image;
	int64_t id;

	if (xl_domain_name_problem(a->args[0])) {
		fprintf(stderr, "xl-lite: create-elf: NAME %s\n", xl_domain_name_problem(a->args[0]));
		return XL_EXIT_USAGE;
	}
	if ((a->nargs > 2 && !parse_number(a->args[2], 1ULL << 20, &mem)) ||
	    (a->nargs > 3 && !parse_number(a->args[3], 4095, &cpu))) {
		fprintf(stderr, "xl-lite: create-elf: MEM_MIB and CPU must be numbers\n");
		return XL_EXIT_USAGE;
	}
	image = read_file(a->args[1], "", XL_IOCTL_MAX_LEN - sizeof(struct xl_domctl_create), &size);
	if (!image)
		return XL_EXIT_ERROR;
	id = xl_create_elf(h, a->args[0], image, size, mem << 20, a->nargs > 3 ? (int)cpu : -1);
	free(image);
	if (id < 0)
		return report(&h->err);
	printf("%lld\n", (long long)id);
	return XL_EXIT_OK;
}

/*
 * xl-lite create FILE: the configuration, then the kernel and ramdisk it
 * names, sent with the staged create (CREATE, LOAD chunks, START) whatever
 * the guest type, so images are not limited by the driver's buffer.
 */
static int cmd_create(struct xl_handle *h, const struct xl_args *a)
{
	struct xl_domctl_create req;
	struct xl_cfg cfg;
	char err[256], what[300], *text, *kernel, *ramdisk = NULL;
	size_t size, kernel_size, ramdisk_size = 0;
	int64_t id;

	text = read_file(a->args[0], "", 64 * 1024, &size);
	if (!text)
		return XL_EXIT_ERROR;
	if (xl_cfg_parse(text, &cfg, err, sizeof(err))) {
		fprintf(stderr, "xl-lite: %s: %s\n", a->args[0], err);
		free(text);
		return XL_EXIT_USAGE;
	}
	free(text);
	snprintf(what, sizeof(what), "%s: kernel ", a->args[0]);
	kernel = read_file(cfg.kernel, what, XL_DOMCTL_MAX_IMAGE, &kernel_size);
	if (!kernel)
		return XL_EXIT_ERROR;
	if (!kernel_size) {
		fprintf(stderr, "xl-lite: %s%s: empty file\n", what, cfg.kernel);
		free(kernel);
		return XL_EXIT_ERROR;
	}
	if (cfg.ramdisk[0]) {
		snprintf(what, sizeof(what), "%s: ramdisk ", a->args[0]);
		ramdisk = read_file(cfg.ramdisk, what, XL_DOMCTL_MAX_RAMDISK, &ramdisk_size);
		if (ramdisk && !ramdisk_size) /* asked for, so not meant to be nothing */
			fprintf(stderr, "xl-lite: %s%s: empty file\n", what, cfg.ramdisk);
		if (!ramdisk || !ramdisk_size) {
			free(ramdisk);
			free(kernel);
			return XL_EXIT_ERROR;
		}
	}
	xl_cfg_to_create(&cfg, &req);
	id = xl_create_staged(h, &req, kernel, kernel_size, ramdisk, ramdisk_size);
	free(kernel);
	free(ramdisk);
	if (id < 0)
		return report(&h->err);
	printf("%lld\n", (long long)id);
	return XL_EXIT_OK;
}

static int cmd_domctl(struct xl_handle *h, const struct xl_args *a, uint32_t op, const char *call)
{
	if (xl_domctl(h, call, op, a->domid) < 0)
		return report(&h->err);
	return XL_EXIT_OK;
}

#define DETACH_KEY 0x1d /* Ctrl-] */
#define QUIET_MS 1000 /* non-interactive: leave once the guest is this quiet after the input */

/* Print what the guest wrote since the last read; returns bytes, or -1 on error. */
#define CONSOLE_CHUNK_BYTES 8192

static int64_t drain_console(struct xl_handle *h, uint32_t id, struct xl_console_chunk *chunk)
{
	int64_t n = xl_console_read(h, id, chunk, CONSOLE_CHUNK_BYTES);

	if (n < 0)
		return -1;
	if (chunk->dropped)
		fprintf(stderr, "\r\nxl-lite: [%llu bytes of output lost before this]\r\n",
			(unsigned long long)chunk->dropped);
	fwrite(chunk->data, 1, (size_t)n, stdout);
	fflush(stdout);
	return n;
}

static int cmd_console(struct xl_handle *h, const struct xl_args *a)
{
	static _Alignas(struct xl_console_chunk) char chunk_mem[CONSOLE_CHUNK_BYTES];
	struct xl_console_chunk *chunk = (struct xl_console_chunk *)chunk_mem;
	bool tty = isatty(STDIN_FILENO), input_done = false;
	struct termios saved, raw;
	uint32_t id = a->domid;
	int quiet_ms = 0, rc = XL_EXIT_OK;

	if (id == 0) {
		fprintf(stderr, "xl-lite: '%s' is dom0, not a guest: it has no console here\n",
			a->args[0]);
		return XL_EXIT_USAGE;
	}
	if (tty) {
		tcgetattr(STDIN_FILENO, &saved);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		fprintf(stderr, "xl-lite: attached to domain %u's console; Ctrl-] detaches\r\n", id);
	}
	for (;;) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int64_t out = drain_console(h, id, chunk);

		if (out < 0) {
			rc = report(&h->err);
			break;
		}
		quiet_ms = out ? 0 : quiet_ms + 50;
		if (!tty && input_done && quiet_ms >= QUIET_MS)
			break;
		if (!input_done && poll(&pfd, 1, 50) > 0) {
			char buf[256];
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			char *detach = n > 0 && tty ? memchr(buf, DETACH_KEY, (size_t)n) : NULL;

			if (detach)
				n = detach - buf;
			if (n > 0 && xl_console_write(h, id, buf, (size_t)n) < 0) {
				rc = report(&h->err);
				break;
			}
			if (detach)
				break;
			if (n <= 0)
				input_done = true;
		} else if (input_done) {
			usleep(50000);
		}
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		fprintf(stderr, "\nxl-lite: detached\n");
	}
	return rc;
}

static int list_domains(void *h, struct xl_domain_info *doms, unsigned int max)
{
	return xl_domain_list(h, doms, max);
}

/* The domain a command's first argument names, by id or by name, into a->domid. */
static int find_domain(struct xl_handle *h, struct xl_args *a)
{
	static struct xl_domain_info doms[LIST_MAX];
	enum xl_domain_lookup r = xl_find_domain(a->args[0], list_domains, h, doms, LIST_MAX,
						 &a->domid);

	if (r == XL_DOMAIN_LIST_FAILED)
		return report(&h->err);
	return xl_domain_lookup_error(stderr, r, a->args[0]);
}

static int run_command(struct xl_handle *h, const struct xl_args *a)
{
	switch (a->cmd) {
	case XL_CMD_INFO:
		return cmd_info(h, a->json);
	case XL_CMD_LIST:
		return cmd_list(h, a->json);
	case XL_CMD_DMESG:
		return cmd_dmesg(h, a->json);
	case XL_CMD_CREATE_ELF:
		return cmd_create_elf(h, a);
	case XL_CMD_DESTROY:
		return cmd_domctl(h, a, XL_DOMCTL_DESTROY, "XL_DOMCTL_DESTROY");
	case XL_CMD_PAUSE:
		return cmd_domctl(h, a, XL_DOMCTL_PAUSE, "XL_DOMCTL_PAUSE");
	case XL_CMD_UNPAUSE:
		return cmd_domctl(h, a, XL_DOMCTL_UNPAUSE, "XL_DOMCTL_UNPAUSE");
	case XL_CMD_SHUTDOWN:
		return cmd_domctl(h, a, XL_DOMCTL_SHUTDOWN, "XL_DOMCTL_SHUTDOWN");
	case XL_CMD_CONSOLE:
		return cmd_console(h, a);
	case XL_CMD_CREATE:
		return cmd_create(h, a);
	case XL_CMD_PCI_ASSIGNABLE_ADD:
	case XL_CMD_PCI_ASSIGNABLE_REMOVE:
	case XL_CMD_PCI_ASSIGNABLE_LIST:
	case XL_CMD_PCI_LIST:
		return xl_cmd_pci(h, a);
	default:
		return XL_EXIT_USAGE;
	}
}

int main(int argc, char **argv)
{
	struct xl_handle h;
	struct xl_args a;
	int rc;

	rc = xl_parse_args(argc, argv, &a, stderr);
	if (rc != XL_EXIT_OK)
		return rc;
	if (a.cmd == XL_CMD_HELP) {
		xl_print_help(stdout, a.topic);
		return XL_EXIT_OK;
	}
	if (xl_open(&h) < 0)
		return report(&h.err);
	rc = xl_cmd_takes_domain(a.cmd) ? find_domain(&h, &a) : XL_EXIT_OK;
	if (rc == XL_EXIT_OK)
		rc = run_command(&h, &a);
	xl_close(&h);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("xl-lite: stdout");
		return XL_EXIT_ERROR;
	}
	return rc;
}
