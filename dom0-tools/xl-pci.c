/*
 * The PCI commands (Documentation/tools.md): dom0's side of taking a
 * function away from it. The hypervisor is asked first whether it would
 * take the function (XL_PCI_CHECK_ONLY), so that a refused one keeps its
 * driver; then dom0's driver is unbound through sysfs, the function reset
 * when Linux offers a reset for it, and the hypervisor takes it. Giving it
 * back asks Linux to probe a driver for it again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl-cfg.h"
#include "xl-pci.h"

#define SYSFS_PCI "/sys/bus/pci"
#define LIST_MAX 64

/* Write text to a sysfs file; 0 or an errno value. */
static int sysfs_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return errno;
	if (fputs(text, f) < 0)
		err = errno;
	if (fclose(f) && !err)
		err = errno;
	return err;
}

static const char *refusal(int err, bool add)
{
	switch (err) {
	case ENODEV: return "no such PCI function";
	case EXDEV: return "not on the root bus: whether a bridge isolates it is not checked";
	case EPERM: return "a bridge or an IOMMU cannot be given to a guest";
	case EBUSY: return add ? "already assignable" : "a guest has it: destroy the guest first";
	case ENXIO: return "no IOMMU translates DMA on this node (none, or iommu=off): assignment needs one";
	case ENOENT: return add ? "not found" : "not assignable (dom0 has it)";
	default: return NULL;
	}
}

static int refused(struct xl_handle *h, const char *bdf, bool add)
{
	const char *why = h->err.source == XL_ERR_HYPERVISOR ? refusal(h->err.err, add) : NULL;
	char msg[256];

	if (!why)
		why = xl_error_message(&h->err, msg, sizeof(msg));
	fprintf(stderr, "xl-lite: %s: %s\n", bdf, why);
	return XL_EXIT_ERROR;
}

/* Unbind dom0's driver, if one is bound; prints which. 0 or an errno value. */
static int unbind_driver(const char *bdf)
{
	char link[256], target[256], path[300];
	ssize_t n;
	const char *driver;
	int err;

	snprintf(link, sizeof(link), SYSFS_PCI "/devices/%s/driver", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return errno == ENOENT ? 0 : errno; /* no driver bound */
	target[n] = '\0';
	driver = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	snprintf(path, sizeof(path), "%s/unbind", link);
	err = sysfs_write(path, bdf);
	if (!err)
		printf("%s: unbound from dom0's driver %s\n", bdf, driver);
	return err;
}

static int add(struct xl_handle *h, const char *bdf, uint64_t arg)
{
	char path[256];
	int err;

	if (xl_pci_assignable(h, XL_DOMCTL_PCI_ASSIGNABLE_ADD, arg | XL_PCI_CHECK_ONLY) < 0)
		return refused(h, bdf, true);
	err = unbind_driver(bdf);
	if (err) {
		fprintf(stderr, "xl-lite: %s: cannot unbind dom0's driver: %s\n", bdf, strerror(err));
		return XL_EXIT_ERROR;
	}
	snprintf(path, sizeof(path), SYSFS_PCI "/devices/%s/reset", bdf);
	if (!access(path, W_OK) && (err = sysfs_write(path, "1")))
		fprintf(stderr, "xl-lite: %s: reset failed (%s); going on\n", bdf, strerror(err));
	if (xl_pci_assignable(h, XL_DOMCTL_PCI_ASSIGNABLE_ADD, arg) < 0)
		return refused(h, bdf, true);
	printf("%s: assignable\n", bdf);
	return XL_EXIT_OK;
}

static int remove_one(struct xl_handle *h, const char *bdf, uint64_t arg)
{
	int err;

	if (xl_pci_assignable(h, XL_DOMCTL_PCI_ASSIGNABLE_REMOVE, arg) < 0)
		return refused(h, bdf, false);
	err = sysfs_write(SYSFS_PCI "/drivers_probe", bdf);
	printf("%s: given back to dom0%s\n", bdf, err ? " (no driver probed)" : "");
	return XL_EXIT_OK;
}

int xl_cmd_pci(struct xl_handle *h, const struct xl_args *a)
{
	struct xl_pci_device d[LIST_MAX];
	uint16_t segment, bdf;
	char name[16];
	int n;

	if (a->cmd == XL_CMD_PCI_ASSIGNABLE_LIST || a->cmd == XL_CMD_PCI_LIST) {
		unsigned int kept = 0;

		n = xl_pci_list(h, d, LIST_MAX);
		if (n < 0) {
			char msg[256];

			fprintf(stderr, "xl-lite: %s\n", xl_error_message(&h->err, msg, sizeof(msg)));
			return XL_EXIT_ERROR;
		}
		for (int i = 0; i < n && i < LIST_MAX; i++)
			if (a->cmd == XL_CMD_PCI_ASSIGNABLE_LIST || (d[i].state == XL_PCI_ASSIGNED && d[i].domid == a->domid))
				d[kept++] = d[i];
		xl_print_pci_list(stdout, d, kept, a->json);
		return XL_EXIT_OK;
	}
	if (!xl_parse_bdf(a->args[0], &segment, &bdf)) {
		fprintf(stderr, "xl-lite: '%s' is not a PCI function (SSSS:BB:DD.F or BB:DD.F)\n", a->args[0]);
		return XL_EXIT_USAGE;
	}
	xl_format_bdf(segment, bdf, name, sizeof(name));
	if (a->cmd == XL_CMD_PCI_ASSIGNABLE_ADD)
		return add(h, name, XL_PCI_SBDF(segment, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7));
	return remove_one(h, name, XL_PCI_SBDF(segment, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7));
}
