/* xl-lite create -n: the node's checks and the plan (see xl-create-check.h). */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl-cpu-policy-fmt.h"
#include "xl-create-check.h"
#include "xl-shm-fmt.h"
#include "xl-lite-fmt.h"

/* "dom0", "d3" or "free": who owns a CPU (buf: at least 16 bytes) */
static const char *owner_name(int32_t owner, char *buf, size_t size)
{
	if (owner == XL_CPU_FREE)
		return "free";
	if (owner == 0)
		return "dom0";
	snprintf(buf, size, "d%d", owner);
	return buf;
}

/* The CPUs cfg names: each exists and is free. */
static unsigned int check_named_cpus(FILE *out, const char *prefix, const struct xl_cfg *cfg,
				     const struct xl_sysinfo *si)
{
	unsigned int problems = 0;
	char who[16];

	for (unsigned int i = 0; i < cfg->nr_cpus; i++) {
		unsigned int cpu = (unsigned int)cfg->cpus[i];

		if (cpu >= si->nr_cpus) {
			fprintf(out, "xl-lite: %s: cpus: CPU %u does not exist (the node has %u)\n",
				prefix, cpu, si->nr_cpus);
			problems++;
		} else if (cpu < xl_listed_cpus(si) && si->cpu_owner[cpu] != XL_CPU_FREE) {
			fprintf(out, "xl-lite: %s: cpus: CPU %u is not free (%s has it)\n", prefix, cpu,
				owner_name(si->cpu_owner[cpu], who, sizeof(who)));
			problems++;
		}
	}
	return problems;
}

/* vCPUs on "any": as many free CPUs as vCPUs (the hypervisor never gives CPU 0) */
static unsigned int check_free_cpus(FILE *out, const char *prefix, const struct xl_cfg *cfg,
				    const struct xl_sysinfo *si)
{
	unsigned int free_cpus = 0;

	if (cfg->nr_cpus)
		return 0;
	for (unsigned int c = 1; c < xl_listed_cpus(si); c++)
		free_cpus += si->cpu_owner[c] == XL_CPU_FREE;
	if (free_cpus >= cfg->vcpus)
		return 0;
	fprintf(out, "xl-lite: %s: vcpus: %u vCPU%s on any free CPU, but %u CPU%s free\n", prefix,
		cfg->vcpus, cfg->vcpus == 1 ? "" : "s", free_cpus, free_cpus == 1 ? " is" : "s are");
	return 1;
}

static unsigned int check_memory(FILE *out, const char *prefix, const struct xl_cfg *cfg,
				 const struct xl_sysinfo *si)
{
	if (cfg->memory_mib <= si->mem_free >> 20)
		return 0;
	fprintf(out, "xl-lite: %s: memory: %llu MiB asked for, %llu MiB free\n", prefix,
		(unsigned long long)cfg->memory_mib, (unsigned long long)(si->mem_free >> 20));
	return 1;
}

static const struct xl_pci_device *find_pci(uint32_t sbdf, const struct xl_pci_device *pci,
					    unsigned int nr_pci)
{
	for (unsigned int i = 0; i < nr_pci; i++)
		if (((uint32_t)pci[i].segment << 16 | pci[i].bdf) == sbdf)
			return &pci[i];
	return NULL;
}

/* Each function named is assignable: taken from dom0, no guest's. */
static unsigned int check_pci(FILE *out, const char *prefix, const struct xl_cfg *cfg,
			      const struct xl_pci_device *pci, unsigned int nr_pci)
{
	unsigned int problems = 0;

	for (unsigned int i = 0; i < cfg->nr_pci; i++) {
		const struct xl_pci_device *d = find_pci(cfg->pci[i], pci, nr_pci);
		char bdf[16];

		xl_format_bdf((uint16_t)(cfg->pci[i] >> 16), (uint16_t)cfg->pci[i], bdf, sizeof(bdf));
		if (d && d->state == XL_PCI_ASSIGNABLE)
			continue;
		problems++;
		if (!d)
			fprintf(out, "xl-lite: %s: pci: %s is not assignable (xl-lite "
				"pci-assignable-add %s takes it from dom0)\n", prefix, bdf, bdf);
		else
			fprintf(out, "xl-lite: %s: pci: %s is not free (d%u has it)\n", prefix, bdf,
				d->domid);
	}
	return problems;
}

unsigned int xl_create_check(FILE *out, const char *prefix, const struct xl_cfg *cfg,
			     const struct xl_sysinfo *si, const struct xl_pci_device *pci,
			     unsigned int nr_pci)
{
	return check_named_cpus(out, prefix, cfg, si) + check_free_cpus(out, prefix, cfg, si) +
	       check_memory(out, prefix, cfg, si) + check_pci(out, prefix, cfg, pci, nr_pci);
}

static void print_cpus(FILE *f, const struct xl_domctl_create *req)
{
	fputs("cpus:         ", f);
	for (unsigned int v = 0; v < req->nr_vcpus; v++) {
		if (req->cpus[v] < 0)
			fprintf(f, "%sany", v ? "," : "");
		else
			fprintf(f, "%s%d", v ? "," : "", req->cpus[v]);
	}
	fputc('\n', f);
}

static void print_pci(FILE *f, const struct xl_domctl_create *req)
{
	char bdf[16];

	fputs("pci:          ", f);
	if (!req->nr_pci)
		fputs("none", f);
	for (unsigned int i = 0; i < req->nr_pci; i++)
		fprintf(f, "%s%s", i ? "," : "",
			xl_format_bdf((uint16_t)(req->pci[i] >> 16), (uint16_t)req->pci[i], bdf,
				      sizeof(bdf)));
	fputc('\n', f);
}

static const char *action_name(enum xl_end_action a)
{
	return a == XL_ACTION_DESTROY ? "destroy" : a == XL_ACTION_RESTART ? "restart" : "preserve";
}

/* cpuid: one line per rule of the policy, in the xend form, with the features it changes */
static void print_cpuid(FILE *f, const struct xl_cpuid_policy *p)
{
	char text[XL_CPUID_RULE_TEXT];

	if (!p->nr)
		fputs("cpuid:        none\n", f);
	for (unsigned int i = 0; i < p->nr; i++) {
		fprintf(f, "cpuid:        %s (", xl_cpuid_rule_text(&p->rule[i], text, sizeof(text)));
		xl_print_cpuid_changes(f, &p->rule[i]);
		fputs(")\n", f);
	}
}

/* msr: one line per MSR rule, as the key writes it */
static void print_msr(FILE *f, const struct xl_msr_policy *m)
{
	char text[XL_MSR_RULE_TEXT];

	if (!m->nr)
		fputs("msr:          none\n", f);
	for (unsigned int i = 0; i < m->nr; i++)
		fprintf(f, "msr:          %s (%s)\n", xl_msr_rule_text(&m->rule[i], text, sizeof(text)),
			xl_msr_action_name(m->rule[i].action));
}

/* shm: one line per segment, with its size and mode */
static void print_shm(FILE *f, const struct xl_cfg *cfg)
{
	char size[24];

	if (!cfg->nr_shm)
		fputs("shm:          none\n", f);
	for (unsigned int i = 0; i < cfg->nr_shm; i++)
		fprintf(f, "shm:          %s %s %s\n", cfg->shm[i].name,
			xl_shm_size_text(cfg->shm[i].size, size, sizeof(size)), cfg->shm[i].read_only ? "ro" : "rw");
}

unsigned int xl_create_check_shm(FILE *out, const char *prefix, const struct xl_cfg *cfg,
				 const struct xl_shm_info *segs, unsigned int n)
{
	unsigned int problems = 0, missing = 0;
	char want[24], have[24];

	for (unsigned int i = 0; i < cfg->nr_shm; i++) {
		const struct xl_cfg_shm *seg = &cfg->shm[i];
		const struct xl_shm_info *s = NULL;

		for (unsigned int j = 0; j < n && !s; j++)
			if (!(segs[j].flags & XL_SHM_DESTROYED) && !strncmp(segs[j].name, seg->name, sizeof(segs[j].name)))
				s = &segs[j];
		if (!s) {
			missing++;
		} else if (s->size != seg->size) {
			fprintf(out, "xl-lite: %s: shm '%s' exists with size %s, the configuration says %s\n", prefix,
				seg->name, xl_shm_size_text(s->size, have, sizeof(have)),
				xl_shm_size_text(seg->size, want, sizeof(want)));
			problems++;
		} else if (s->nr_attached >= XL_SHM_MAX_ATTACH) {
			fprintf(out, "xl-lite: %s: shm '%s' is attached to %d domains already, the most a segment "
				"takes\n", prefix, seg->name, XL_SHM_MAX_ATTACH);
			problems++;
		}
	}
	/* destroyed segments still attached somewhere count against the node's limit too */
	if (missing && n + missing > XL_SHM_MAX_SEGMENTS) {
		fprintf(out, "xl-lite: %s: shm: the node has %u segments, no room for %u more (at most %d)\n",
			prefix, n, missing, XL_SHM_MAX_SEGMENTS);
		problems++;
	}
	return problems;
}

unsigned int xl_create_check_disks(FILE *out, const char *prefix, const struct xl_cfg *cfg, const char *vblk)
{
	unsigned int problems = 0;

	for (unsigned int i = 0; i < cfg->nr_disk; i++) {
		const struct xl_cfg_disk *d = &cfg->disk[i];
		const char *why = NULL;
		struct stat st;

		if (stat(d->target, &st))
			why = strerror(errno);
		else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
			why = "neither a file nor a block device";
		else if (S_ISREG(st.st_mode) && st.st_size < 512)
			why = "smaller than a sector (512 bytes)";
		else if (access(d->target, d->read_only ? R_OK : R_OK | W_OK))
			why = d->read_only ? "cannot be read" : "cannot be read and written (access=ro for a read-only disk)";
		if (why) {
			fprintf(out, "xl-lite: %s: disk %s: %s: %s\n", prefix, d->vdev, d->target, why);
			problems++;
		}
	}
	if (cfg->nr_disk && !vblk) {
		fprintf(out, "xl-lite: %s: disk: no xl-vblk (the disks' back-end) next to xl-lite nor in PATH\n",
			prefix);
		problems++;
	}
	return problems;
}

/* disk: one line per disk, as its back-end would serve it */
static void print_disks(FILE *f, const struct xl_cfg *cfg)
{
	if (!cfg->nr_disk)
		fputs("disk:         none\n", f);
	for (unsigned int i = 0; i < cfg->nr_disk; i++)
		fprintf(f, "disk:         %s as %s, %s\n", cfg->disk[i].target, cfg->disk[i].vdev,
			cfg->disk[i].read_only ? "read-only" : "read-write");
}

unsigned int xl_create_check_vifs(FILE *out, const char *prefix, const struct xl_cfg *cfg, const char *vnet,
				  const char *sys_net, const char *tun)
{
	unsigned int problems = 0;
	char path[PATH_MAX];
	struct stat st;

	for (unsigned int i = 0; i < cfg->nr_vif; i++) {
		const char *bridge = cfg->vif[i].bridge;
		bool named_before = false;

		for (unsigned int j = 0; j < i; j++)
			named_before |= !strcmp(cfg->vif[j].bridge, bridge);
		if (!bridge[0] || named_before)
			continue;
		snprintf(path, sizeof(path), "%s/%s/bridge", sys_net, bridge);
		if (!stat(path, &st))
			continue;
		snprintf(path, sizeof(path), "%s/%s", sys_net, bridge);
		if (!stat(path, &st))
			fprintf(out, "xl-lite: %s: vif %u: %s is an interface but not a bridge\n", prefix, i, bridge);
		else
			fprintf(out, "xl-lite: %s: vif %u: bridge %s does not exist (make it first: ip link add %s "
				"type bridge)\n", prefix, i, bridge, bridge);
		problems++;
	}
	if (cfg->nr_vif && stat(tun, &st)) {
		fprintf(out, "xl-lite: %s: vif: no %s (TAP devices need dom0's tun module: modprobe tun)\n", prefix,
			tun);
		problems++;
	}
	if (cfg->nr_vif && !vnet) {
		fprintf(out, "xl-lite: %s: vif: no xl-vnet (the interfaces' back-end) next to xl-lite nor in PATH\n",
			prefix);
		problems++;
	}
	return problems;
}

/* vif: one line per interface: its TAP device (D: the domain's id, not known yet), MAC and bridge */
static void print_vifs(FILE *f, const struct xl_cfg *cfg)
{
	char mac[XL_VIF_MAC_TEXT];

	if (!cfg->nr_vif)
		fputs("vif:          none\n", f);
	for (unsigned int i = 0; i < cfg->nr_vif; i++) {
		const struct xl_cfg_vif *v = &cfg->vif[i];

		fputs("vif:          ", f);
		if (v->vifname[0])
			fputs(v->vifname, f);
		else
			fprintf(f, "xlvD.%u", i);
		fprintf(f, " (MAC %s), ", v->have_mac ? xl_mac_text(v->mac, mac) : "default");
		if (v->bridge[0])
			fprintf(f, "bridge %s\n", v->bridge);
		else
			fputs("no bridge\n", f);
	}
}

void xl_print_create_plan(FILE *f, const struct xl_cfg *cfg, size_t kernel_size,
			  size_t ramdisk_size)
{
	struct xl_domctl_create req;

	xl_cfg_to_create(cfg, &req);
	fprintf(f, "name:         %s\n", req.name);
	fprintf(f, "type:         %s\n", req.type == XL_GUEST_LINUX ? "linux" : "elf");
	fprintf(f, "kernel:       %s (%zu bytes)\n", cfg->kernel, kernel_size);
	if (cfg->ramdisk[0])
		fprintf(f, "ramdisk:      %s (%zu bytes)\n", cfg->ramdisk, ramdisk_size);
	else
		fputs("ramdisk:      none\n", f);
	fprintf(f, "memory:       %llu MiB\n", (unsigned long long)cfg->memory_mib);
	fprintf(f, "vcpus:        %u\n", req.nr_vcpus);
	print_cpus(f, &req);
	fputs("cmdline:      ", f);
	xl_json_string(f, req.cmdline, strnlen(req.cmdline, sizeof(req.cmdline)));
	fputc('\n', f);
	print_pci(f, &req);
	fprintf(f, "on_poweroff:  %s\n", action_name(cfg->on_poweroff));
	fprintf(f, "on_reboot:    %s\n", action_name(cfg->on_reboot));
	fprintf(f, "on_crash:     %s\n", action_name(cfg->on_crash));
	fprintf(f, "on_dma_fault: %s\n", req.on_dma_fault == XL_DMA_FAULT_LOG ? "log" : "crash");
	print_cpuid(f, &cfg->cpuid);
	print_msr(f, &cfg->msr);
	print_shm(f, cfg);
	print_disks(f, cfg);
	print_vifs(f, cfg);
}
