/*
 * xl-lite: xen-lite's control tool in dom0 (Documentation/tools.md).
 *
 *   xl-lite info | list | vcpu-list | dmesg [-j]     xl-lite help [COMMAND]
 *   xl-lite create (xl-create.c), console (xl-console.c), shutdown and reboot
 *   (xl-end.c, -w: xl-wait.c)
 *   xl-lite pci-assignable-add | -remove BDF, pci-assignable-list (xl-pci.c)
 *   xl-lite module load | unload | list (xl-module.c), profile (xl-profile.c),
 *   cpu-policy (xl-cpu-policy.c)
 *   introspect (xl-introspect.c), inject (xl-inject.c)
 *   shm-create | -destroy | -attach | -detach | -list | -read | -write,
 *   event-connect, notify (xl-shm.c)
 *
 * Talks to the hypervisor through /dev/xenlite (libxl-lite); the command
 * line is read by xl-args.c, the output made by xl-lite-fmt.c and
 * xl-list-fmt.c. Exit status: 0 done, 1 the hypervisor or the driver
 * failed, 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "libxl-lite.h"
#include "../pv-drivers/xenlite/xenlite-ioctl.h"
#include "xl-cmds.h"
#include "xl-end.h"
#include "xl-lite-fmt.h"
#include "xl-list-fmt.h"
#include "xl-pci.h"
#include "xl-wait.h"

int xl_report(const struct xl_error *e)
{
	char msg[256];

	fprintf(stderr, "xl-lite: %s\n", xl_error_message(e, msg, sizeof(msg)));
	return XL_EXIT_ERROR;
}

/* XL_SYSCTL_INFO, refused from a hypervisor of another ABI major version */
static int read_sysinfo(struct xl_handle *h, struct xl_sysinfo *si)
{
	if (xl_sysinfo(h, si) < 0)
		return xl_report(&h->err);
	if (si->abi_version >> 16 != XL_ABI_VERSION_MAJOR) {
		fprintf(stderr, "xl-lite: hypervisor ABI %u.%u, xl-lite speaks %u.%u\n",
			si->abi_version >> 16, si->abi_version & 0xffff, XL_ABI_VERSION_MAJOR,
			XL_ABI_VERSION_MINOR);
		return XL_EXIT_ERROR;
	}
	return XL_EXIT_OK;
}

static int cmd_info(struct xl_handle *h, bool json)
{
	static struct xl_sysinfo si;
	int rc = read_sysinfo(h, &si);

	if (rc == XL_EXIT_OK)
		xl_print_info(stdout, &si, json);
	return rc;
}

static int cmd_list(struct xl_handle *h, const struct xl_args *a)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	int n = xl_domain_list(h, doms, XL_LIST_MAX);

	if (n < 0)
		return xl_report(&h->err);
	if (a->long_list && !a->json)
		xl_print_domains_long(stdout, doms, (unsigned int)n);
	else
		xl_print_domains(stdout, doms, (unsigned int)n, a->json);
	return XL_EXIT_OK;
}

/* vcpu-list [DOMAIN]: the domain list for the vCPUs, the CPU owners for their CPUs */
static int cmd_vcpu_list(struct xl_handle *h, const struct xl_args *a)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	static struct xl_sysinfo si;
	unsigned int kept = 0;
	int n, rc = read_sysinfo(h, &si);

	if (rc != XL_EXIT_OK)
		return rc;
	n = xl_domain_list(h, doms, XL_LIST_MAX);
	if (n < 0)
		return xl_report(&h->err);
	for (int i = 0; i < n; i++)
		if (!a->nargs || doms[i].domid == a->domid)
			doms[kept++] = doms[i];
	if (a->nargs && !kept) {
		fprintf(stderr, "xl-lite: no domain %u\n", a->domid);
		return XL_EXIT_ERROR;
	}
	xl_print_vcpus(stdout, doms, kept, &si, a->json);
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
		return xl_report(&h->err);
	}
	free(chunk);
	return XL_EXIT_OK;
}

static int cmd_domctl(struct xl_handle *h, const struct xl_args *a, uint32_t op, const char *call)
{
	if (xl_domctl(h, call, op, a->domid) < 0)
		return xl_report(&h->err);
	return XL_EXIT_OK;
}

static int list_domains(void *h, struct xl_domain_info *doms, unsigned int max)
{
	return xl_domain_list(h, doms, max);
}

/* The domain a command's first argument names, by id or by name, into a->domid. */
static int find_domain(struct xl_handle *h, struct xl_args *a)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	enum xl_domain_lookup r = xl_find_domain(a->args[0], list_domains, h, doms, XL_LIST_MAX,
						 &a->domid);

	if (r == XL_DOMAIN_LIST_FAILED)
		return xl_report(&h->err);
	return xl_domain_lookup_error(stderr, r, a->args[0]);
}

/* domid DOMAIN, domname DOMAIN: what the other one is, for a domain that exists */
static int cmd_domid_or_name(struct xl_handle *h, const struct xl_args *a, bool name)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	int n = xl_domain_list(h, doms, XL_LIST_MAX);

	if (n < 0)
		return xl_report(&h->err);
	return xl_print_domid_or_name(stdout, stderr, doms, (unsigned int)n < XL_LIST_MAX ? (unsigned int)n : XL_LIST_MAX,
				      a->domid, name, a->args[0]);
}

static void sleep_ms(void *ctx, unsigned int ms)
{
	(void)ctx;
	usleep(ms * 1000u);
}

/* shutdown -w, reboot -w: until each of ids[0..n) has ended, at most XL_SHUTDOWN_WAIT_MS */
static int wait_ended(struct xl_handle *h, const char *cmd, const uint32_t *ids, unsigned int n)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	uint32_t still = 0;

	switch (xl_wait_ended(list_domains, sleep_ms, h, doms, XL_LIST_MAX, ids, n,
			      XL_SHUTDOWN_WAIT_MS, &still)) {
	case XL_WAIT_ENDED:
		return XL_EXIT_OK;
	case XL_WAIT_LIST_FAILED:
		return xl_report(&h->err);
	default:
		fprintf(stderr, "xl-lite: %s: domain %u has not ended after %u s "
			"(xl-lite destroy %u ends it at once)\n", cmd, still, XL_SHUTDOWN_WAIT_MS / 1000, still);
		return XL_EXIT_ERROR;
	}
}

/* XL_DOMCTL_SHUTDOWN through the driver, its refusal as the negative errno (xl-end.h) */
static int request_end(void *ctx, uint32_t domid, uint64_t flags)
{
	struct xl_handle *h = ctx;

	if (xl_shutdown(h, domid, flags) >= 0)
		return 0;
	return h->err.source == XL_ERR_HYPERVISOR ? -h->err.err : XL_END_NO_ANSWER;
}

/* One guest asked to end; what it came to, said when it is not what was asked. */
static int end_one(struct xl_handle *h, const struct xl_args *a, uint32_t domid, bool reboot)
{
	switch (xl_end_domain(request_end, h, domid, reboot, a->force)) {
	case XL_END_ASKED:
		return XL_EXIT_OK;
	case XL_END_FORCED:
		fprintf(stderr, "xl-lite: %s: domain %u cannot be asked to %s: %s (-F)\n",
			reboot ? "reboot" : "shutdown", domid, reboot ? "reboot" : "shut down",
			reboot ? "reset" : "powered off");
		return XL_EXIT_OK;
	case XL_END_CANNOT_ASK:
		fprintf(stderr, "xl-lite: reboot: domain %u cannot be asked to reboot: it has never asked "
			"for reboot requests (a Linux guest without the xenlite-guest module, an ELF guest "
			"that does not query XL_SHUTDOWN_QUERY with XL_QUERY_REASON); xl-lite reboot -F %u "
			"resets it\n", domid, domid);
		return XL_EXIT_ERROR;
	default:
		return xl_report(&h->err);
	}
}

/*
 * shutdown DOMAIN, reboot DOMAIN, or -a: every guest running or paused;
 * -w: then wait for them (a rebooted guest's old id ends, its new one runs)
 */
static int cmd_end(struct xl_handle *h, const struct xl_args *a, bool reboot)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	static uint32_t ids[XL_LIST_MAX];
	unsigned int n = 1, asked = 0;
	int rc = XL_EXIT_OK, nr;

	ids[0] = a->domid;
	if (a->all) {
		nr = xl_domain_list(h, doms, XL_LIST_MAX);
		if (nr < 0)
			return xl_report(&h->err);
		n = xl_live_guests(doms, (unsigned int)nr, ids, XL_LIST_MAX);
	}
	for (unsigned int i = 0; i < n; i++) {
		int one = end_one(h, a, ids[i], reboot);

		if (one == XL_EXIT_OK)
			ids[asked++] = ids[i];
		else
			rc = one; /* the others are still asked */
	}
	if (a->wait && asked) {
		int waited = wait_ended(h, reboot ? "reboot" : "shutdown", ids, asked);

		if (waited != XL_EXIT_OK)
			rc = waited;
	}
	return rc;
}

static int run_command(struct xl_handle *h, const struct xl_args *a)
{
	switch (a->cmd) {
	case XL_CMD_INFO:
		return cmd_info(h, a->json);
	case XL_CMD_LIST:
		return cmd_list(h, a);
	case XL_CMD_VCPU_LIST:
		return cmd_vcpu_list(h, a);
	case XL_CMD_DMESG:
		return cmd_dmesg(h, a->json);
	case XL_CMD_CREATE_ELF:
		return xl_cmd_create_elf(h, a);
	case XL_CMD_DESTROY:
		return cmd_domctl(h, a, XL_DOMCTL_DESTROY, "XL_DOMCTL_DESTROY");
	case XL_CMD_PAUSE:
		return cmd_domctl(h, a, XL_DOMCTL_PAUSE, "XL_DOMCTL_PAUSE");
	case XL_CMD_UNPAUSE:
		return cmd_domctl(h, a, XL_DOMCTL_UNPAUSE, "XL_DOMCTL_UNPAUSE");
	case XL_CMD_SHUTDOWN:
		return cmd_end(h, a, false);
	case XL_CMD_REBOOT:
		return cmd_end(h, a, true);
	case XL_CMD_CONSOLE:
		return xl_cmd_console(h, a->domid, a->args[0]);
	case XL_CMD_RUN:
		return xl_cmd_run(h, a);
	case XL_CMD_DOMID:
		return cmd_domid_or_name(h, a, false);
	case XL_CMD_DOMNAME:
		return cmd_domid_or_name(h, a, true);
	case XL_CMD_CREATE:
		return xl_cmd_create(h, a);
	case XL_CMD_PCI_ASSIGNABLE_ADD:
	case XL_CMD_PCI_ASSIGNABLE_REMOVE:
	case XL_CMD_PCI_ASSIGNABLE_LIST:
	case XL_CMD_PCI_LIST:
		return xl_cmd_pci(h, a);
	case XL_CMD_MODULE:
		return xl_cmd_module(h, a);
	case XL_CMD_PROFILE:
		return xl_cmd_profile(h, a);
	case XL_CMD_CPU_POLICY:
		return xl_cmd_cpu_policy(h, a);
	case XL_CMD_INTROSPECT:
		return xl_cmd_introspect(h, a);
	case XL_CMD_INJECT:
		return xl_cmd_inject(h, a);
	case XL_CMD_SHM_CREATE:
	case XL_CMD_SHM_DESTROY:
	case XL_CMD_SHM_ATTACH:
	case XL_CMD_SHM_DETACH:
	case XL_CMD_SHM_LIST:
	case XL_CMD_SHM_READ:
	case XL_CMD_SHM_WRITE:
	case XL_CMD_EVENT_CONNECT:
	case XL_CMD_NOTIFY:
	case XL_CMD_EVENT_WAIT:
	case XL_CMD_EVENT_CLOSE:
		return xl_cmd_shm(h, a);
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
		return xl_report(&h.err);
	rc = xl_args_name_domain(&a) ? find_domain(&h, &a) : XL_EXIT_OK;
	if (rc == XL_EXIT_OK)
		rc = run_command(&h, &a);
	xl_close(&h);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("xl-lite: stdout");
		return XL_EXIT_ERROR;
	}
	return rc;
}
