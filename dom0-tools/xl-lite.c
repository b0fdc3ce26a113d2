/*
 * xl-lite: xen-lite's control tool in dom0 (Documentation/tools.md).
 *
 *   xl-lite info | list | dmesg [--json]     xl-lite help [COMMAND]
 *
 * Talks to the hypervisor through /dev/xenlite (libxl-lite); the output is
 * made by xl-lite-fmt.c. Exit status: 0 done, 1 the hypervisor or the driver
 * failed, 2 usage error.
 */
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
