/*
 * xl-lite: xen-lite's control tool in dom0 (Documentation/tools.md).
 *
 *   xl-lite info | list | dmesg [--json]     xl-lite help [COMMAND]
 *
 * Talks to the hypervisor through /dev/xenlite (libxl-lite); the output is
 * made by xl-lite-fmt.c. Exit status: 0 done, 1 the hypervisor or the driver
 * failed, 2 usage error.
 */
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include "libxl-lite.h"
#include "../pv-drivers/xenlite/xenlite-ioctl.h"
#include "xl-lite-fmt.h"

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

static bool parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && *s && !*end && *out <= max;
}

static int cmd_create_elf(struct xl_handle *h, const struct xl_args *a)
{
	static char image[XL_IOCTL_MAX_LEN];
	unsigned long long mem = 2, cpu = 0;
	size_t size;
	FILE *f;
	int64_t id;

	if ((a->nargs > 2 && !parse_number(a->args[2], 1ULL << 20, &mem)) ||
	    (a->nargs > 3 && !parse_number(a->args[3], 4095, &cpu))) {
		fprintf(stderr, "xl-lite: create-elf: MEM_MIB and CPU must be numbers\n");
		return XL_EXIT_USAGE;
	}
	f = fopen(a->args[1], "rb");
	if (!f) {
		fprintf(stderr, "xl-lite: %s: %s\n", a->args[1], strerror(errno));
		return XL_EXIT_ERROR;
	}
	size = fread(image, 1, sizeof(image), f);
	if (!feof(f) || ferror(f)) {
		fprintf(stderr, "xl-lite: %s: unreadable or larger than %zu bytes\n", a->args[1],
			sizeof(image) - sizeof(struct xl_domctl_create));
		fclose(f);
		return XL_EXIT_ERROR;
	}
	fclose(f);
	id = xl_create_elf(h, a->args[0], image, size, mem << 20, a->nargs > 3 ? (int)cpu : -1);
	if (id < 0)
		return report(&h->err);
	printf("%lld\n", (long long)id);
	return XL_EXIT_OK;
}

static int cmd_domctl(struct xl_handle *h, const struct xl_args *a, uint32_t op, const char *call)
{
	unsigned long long id;

	if (!parse_number(a->args[0], 0xffffffffULL, &id)) {
		fprintf(stderr, "xl-lite: '%s' is not a domain id\n", a->args[0]);
		return XL_EXIT_USAGE;
	}
	if (xl_domctl(h, call, op, (uint32_t)id) < 0)
		return report(&h->err);
	return XL_EXIT_OK;
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
	switch (a.cmd) {
	case XL_CMD_INFO:
		rc = cmd_info(&h, a.json);
		break;
	case XL_CMD_LIST:
		rc = cmd_list(&h, a.json);
		break;
	case XL_CMD_DMESG:
		rc = cmd_dmesg(&h, a.json);
		break;
	case XL_CMD_CREATE_ELF:
		rc = cmd_create_elf(&h, &a);
		break;
	case XL_CMD_DESTROY:
		rc = cmd_domctl(&h, &a, XL_DOMCTL_DESTROY, "XL_DOMCTL_DESTROY");
		break;
	case XL_CMD_PAUSE:
		rc = cmd_domctl(&h, &a, XL_DOMCTL_PAUSE, "XL_DOMCTL_PAUSE");
		break;
	case XL_CMD_UNPAUSE:
		rc = cmd_domctl(&h, &a, XL_DOMCTL_UNPAUSE, "XL_DOMCTL_UNPAUSE");
		break;
	default:
		rc = XL_EXIT_USAGE;
		break;
	}
	xl_close(&h);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("xl-lite: stdout");
		return XL_EXIT_ERROR;
	}
	return rc;
}
