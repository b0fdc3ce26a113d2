/*
 * xl-lite create [-n] [-c] [-p] FILE [KEY=VALUE ...] and create-elf: the
 * configuration (with the command line's settings), the images it names,
 * then the staged create (libxl-lite), or with -n only the checks that need
 * no change to the node (xl-create-check.c). The `cpuid` and `msr` keys'
 * policy goes to the cpu-policy module (xl-cpu-policy.c), in one SET, a
 * `shm` key's segments are made and attached (xl-shm.c), and a `disk` and a
 * `vif` key's back-ends started (xl-disk.c, xl-vif.c), before the guest runs
 * an instruction.
 * Documentation/tools.md.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../pv-drivers/xenlite/xenlite-ioctl.h"
#include "xl-backend.h"
#include "xl-cfg.h"
#include "xl-cmds.h"
#include "xl-create-check.h"

/* The key that makes the guest a cpu-policy policy ("cpuid", else "msr"), or NULL when it has none. */
static const char *policy_key(const struct xl_cfg *cfg)
{
	return cfg->cpuid.nr ? "cpuid" : cfg->msr.nr ? "msr" : NULL;
}

/* Whether the new domain is given something while paused, before its first instruction. */
static bool given_paused(const struct xl_cfg *cfg)
{
	return policy_key(cfg) || cfg->nr_shm || cfg->nr_disk || cfg->nr_vif;
}

/* PCI functions asked for per XL_SYSCTL_PCI_LIST for a dry run */
#define PCI_LIST_MAX 64

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
char *xl_read_file(const char *path, const char *what, size_t max, size_t *size)
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

int xl_cmd_create_elf(struct xl_handle *h, const struct xl_args *a)
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
	image = xl_read_file(a->args[1], "", XL_IOCTL_MAX_LEN - sizeof(struct xl_domctl_create), &size);
	if (!image)
		return XL_EXIT_ERROR;
	id = xl_create_elf(h, a->args[0], image, size, mem << 20, a->nargs > 3 ? (int)cpu : -1);
	free(image);
	if (id < 0)
		return xl_report(&h->err);
	printf("%lld\n", (long long)id);
	return XL_EXIT_OK;
}

/* The images a configuration names, read whole: kernel (not empty) and ramdisk (if any). */
struct images {
	char *kernel, *ramdisk;
	size_t kernel_size, ramdisk_size;
};

static void free_images(struct images *im)
{
	free(im->kernel);
	free(im->ramdisk);
}

static int read_images(const char *file, const struct xl_cfg *cfg, struct images *im)
{
	char what[300];

	*im = (struct images){ NULL, NULL, 0, 0 };
	snprintf(what, sizeof(what), "%s: kernel ", file);
	im->kernel = xl_read_file(cfg->kernel, what, XL_DOMCTL_MAX_IMAGE, &im->kernel_size);
	if (!im->kernel)
		return XL_EXIT_ERROR;
	if (!im->kernel_size) {
		fprintf(stderr, "xl-lite: %s%s: empty file\n", what, cfg->kernel);
		free_images(im);
		return XL_EXIT_ERROR;
	}
	if (!cfg->ramdisk[0])
		return XL_EXIT_OK;
	snprintf(what, sizeof(what), "%s: ramdisk ", file);
	im->ramdisk = xl_read_file(cfg->ramdisk, what, XL_DOMCTL_MAX_RAMDISK, &im->ramdisk_size);
	if (im->ramdisk && !im->ramdisk_size) /* asked for, so not meant to be nothing */
		fprintf(stderr, "xl-lite: %s%s: empty file\n", what, cfg->ramdisk);
	if (!im->ramdisk || !im->ramdisk_size) {
		free_images(im);
		return XL_EXIT_ERROR;
	}
	return XL_EXIT_OK;
}

/* The file, then the settings after it on the command line; a bad one is a usage error. */
static int read_config(const struct xl_args *a, struct xl_cfg *cfg)
{
	char err[256], *text;
	size_t size;
	int rc;

	text = xl_read_file(a->args[0], "", 64 * 1024, &size);
	if (!text)
		return XL_EXIT_ERROR;
	rc = xl_cfg_parse_with(text, a->args + 1, a->nargs - 1, cfg, err, sizeof(err));
	free(text);
	if (rc) {
		fprintf(stderr, "xl-lite: %s: %s\n", a->args[0], err);
		return XL_EXIT_USAGE;
	}
	return XL_EXIT_OK;
}

/*
 * create -n: what the node says now (its CPUs, free memory, assignable PCI
 * functions), read-only; prints the guest that would be created. Exit 1
 * when the node could not take it.
 */
static int dry_run(struct xl_handle *h, const char *file, const struct xl_cfg *cfg,
		   const struct images *im)
{
	static struct xl_sysinfo si;
	struct xl_pci_device pci[PCI_LIST_MAX];
	unsigned int problems;
	int nr_pci = 0;

	if (xl_sysinfo(h, &si) < 0)
		return xl_report(&h->err);
	/* a hypervisor without PCI assignment (ABI < 0.4) has none assignable */
	if (cfg->nr_pci && (nr_pci = xl_pci_list(h, pci, PCI_LIST_MAX)) < 0)
		return xl_report(&h->err);
	if (nr_pci > PCI_LIST_MAX)
		nr_pci = PCI_LIST_MAX;
	problems = xl_create_check(stderr, file, cfg, &si, pci, (unsigned int)nr_pci);
	if (cfg->nr_shm) {
		static struct xl_shm_info segs[XL_SHM_MAX_SEGMENTS];
		int n = xl_shm_list(h, segs, XL_SHM_MAX_SEGMENTS);

		if (n < 0)
			return xl_report(&h->err);
		problems += xl_create_check_shm(stderr, file, cfg, segs, (unsigned int)n);
	}
	/*
	 * the policy is checked already (parsed): what is left is whether a
	 * module would take it (whether the guest reaches its MSRs, only the
	 * module can tell, for a domain that exists)
	 */
	if (policy_key(cfg) && xl_cpu_policy_module_ready(h, file, policy_key(cfg)) != XL_EXIT_OK)
		problems++;
	if (cfg->nr_disk) {
		char vblk[PATH_MAX];

		problems += xl_create_check_disks(stderr, file, cfg,
						  xl_backend_find("xl-vblk", vblk, sizeof(vblk)) ? NULL : vblk);
	}
	if (cfg->nr_vif) {
		char vnet[PATH_MAX];

		problems += xl_create_check_vifs(stderr, file, cfg,
						 xl_backend_find("xl-vnet", vnet, sizeof(vnet)) ? NULL : vnet,
						 "/sys/class/net", "/dev/net/tun");
	}
	if (problems) {
		fprintf(stderr, "xl-lite: %s: dry run: the guest could not be created now\n", file);
		return XL_EXIT_ERROR;
	}
	xl_print_create_plan(stdout, cfg, im->kernel_size, im->ramdisk_size);
	printf("dry run: nothing created\n");
	return XL_EXIT_OK;
}

/*
 * The new domain, paused before its first instruction, gets its policy, its
 * segments, its disks' back-ends and its interfaces', then runs unless -p.
 * When any of it fails it is destroyed: nothing is left behind, as for any
 * other failed create (its segments are detached with it, one the key made
 * goes with its last domain; the back-ends started are ended).
 */
static int give_paused(struct xl_handle *h, uint32_t id, const struct xl_cfg *cfg, const char *file,
		       bool paused)
{
	int rc = policy_key(cfg) ? xl_cpu_policy_set(h, id, &cfg->cpuid, &cfg->msr) : XL_EXIT_OK;
	struct xl_backends started = { .n = 0 };

	if (rc == XL_EXIT_OK && cfg->nr_shm)
		rc = xl_shm_give(h, id, cfg, file);
	if (rc == XL_EXIT_OK && cfg->nr_disk)
		rc = xl_disks_start(id, cfg, file, &started);
	if (rc == XL_EXIT_OK && cfg->nr_vif)
		rc = xl_vifs_start(id, cfg, file, &started);

	if (rc == XL_EXIT_OK && !paused && xl_domctl(h, "XL_DOMCTL_UNPAUSE", XL_DOMCTL_UNPAUSE, id) < 0)
		rc = xl_report(&h->err);
	if (rc != XL_EXIT_OK) {
		xl_backends_stop(&started);
		xl_domctl(h, "XL_DOMCTL_DESTROY", XL_DOMCTL_DESTROY, id);
	}
	return rc;
}

/*
 * xl-lite create FILE [KEY=VALUE ...]: the configuration, then the kernel
 * and ramdisk it names, sent with the staged create (CREATE, LOAD chunks,
 * START) whatever the guest type, so images are not limited by the driver's
 * buffer. -n stops before creating; -c attaches to the console after. With
 * a cpuid or msr key: refused at once without the cpu-policy module. With
 * a cpuid, msr, shm, disk or vif key: created paused whatever -p says, given
 * its policy, its segments and its back-ends, then unpaused unless -p.
 */
int xl_cmd_create(struct xl_handle *h, const struct xl_args *a)
{
	struct xl_domctl_create req;
	struct images im;
	struct xl_cfg cfg;
	int64_t id;
	int rc;

	rc = read_config(a, &cfg);
	if (rc == XL_EXIT_OK)
		rc = read_images(a->args[0], &cfg, &im);
	if (rc != XL_EXIT_OK)
		return rc;
	if (a->dry_run) {
		rc = dry_run(h, a->args[0], &cfg, &im);
		free_images(&im);
		return rc;
	}
	/* before anything is created: a policy nothing would apply is refused */
	if (policy_key(&cfg) && (rc = xl_cpu_policy_module_ready(h, a->args[0], policy_key(&cfg))) != XL_EXIT_OK) {
		free_images(&im);
		return rc;
	}
	xl_cfg_to_create(&cfg, &req);
	if (a->paused || given_paused(&cfg))
		req.flags |= XL_CREATE_PAUSED;
	id = xl_create_staged(h, &req, im.kernel, im.kernel_size, im.ramdisk, im.ramdisk_size);
	free_images(&im);
	if (id < 0)
		return xl_report(&h->err);
	if (given_paused(&cfg) &&
	    (rc = give_paused(h, (uint32_t)id, &cfg, a->args[0], a->paused)) != XL_EXIT_OK)
		return rc;
	printf("%lld\n", (long long)id);
	if (!a->console)
		return XL_EXIT_OK;
	fflush(stdout);
	return xl_cmd_console(h, (uint32_t)id, cfg.name);
}
