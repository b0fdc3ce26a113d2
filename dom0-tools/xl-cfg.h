/*
 * Guest configuration files for `xl-lite create FILE`, in xl.cfg's syntax:
 * `key = value` settings ended by a newline or a ';', `#` comments, values
 * in single or double quotes (with backslash escapes), bare, or lists that
 * may span lines. Documentation/config.md is the reference.
 */
#ifndef XL_CFG_H
#define XL_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen-lite-abi.h"
#include "xl-cfg-cpuid.h"
#include "xl-cfg-disk.h"
#include "xl-cfg-msr.h"
#include "xl-cfg-vif.h"

/* What the hypervisor does when the guest ends (on_poweroff, on_reboot, on_crash). */
enum xl_end_action { XL_ACTION_PRESERVE, XL_ACTION_DESTROY, XL_ACTION_RESTART };

#define XL_CFG_PATH_MAX 256 /* kernel and ramdisk paths, NUL included */
#define XL_CFG_MAX_CPU 4095 /* the largest physical CPU number `cpus` accepts */
#define XL_LINUX_MIN_MEMORY_MIB 64 /* the least memory a Linux guest is given */
#define XL_LINUX_MAX_MEMORY_MIB 524288 /* 512 GiB: GUEST_LINUX_MAX_MEM in the hypervisor */

/* One segment of the shm key: created (XL_SHM_AUTO) if missing, attached at create. */
struct xl_cfg_shm {
	char name[XL_SHM_NAME_MAX];
	uint64_t size;
	bool read_only; /* mode=ro */
};

struct xl_cfg {
	char name[XL_DOMAIN_NAME_MAX];
	uint32_t type; /* XL_GUEST_ELF (default) or XL_GUEST_LINUX */
	char kernel[XL_CFG_PATH_MAX];
	char ramdisk[XL_CFG_PATH_MAX]; /* Linux only; "" when none */
	char cmdline[XL_CMDLINE_MAX];
	bool have_cmdline;
	uint64_t memory_mib;
	unsigned int vcpus; /* 1 to XL_MAX_GUEST_VCPUS; ELF guests: 1 */
	/*
	 * cpus[i]: vCPU i's physical CPU, or -1 for any free one (every entry
	 * from vcpus on is -1). nr_cpus: how many CPUs `cpus` named (then equal
	 * to vcpus), 0 when it was absent or "any".
	 */
	int cpus[XL_MAX_GUEST_VCPUS];
	unsigned int nr_cpus;
	int cpu; /* vCPU 0's physical CPU (cpus[0]): -1 for any free CPU */
	/* xl's defaults: on_poweroff destroy, on_reboot restart, on_crash destroy */
	enum xl_end_action on_poweroff, on_reboot, on_crash;
	uint32_t pci[XL_MAX_GUEST_PCI]; /* pci = [ "SSSS:BB:DD.F", ... ]: segment << 16 | bdf */
	unsigned int nr_pci;
	uint32_t on_dma_fault; /* XL_DMA_FAULT_CRASH (default) or XL_DMA_FAULT_LOG */
	/* cpuid: the rules of the domain's cpu-policy policy; none (nr 0) without the key */
	struct xl_cpuid_policy cpuid;
	/* msr: the MSR rules of the same policy; none (nr 0) without the key */
	struct xl_msr_policy msr;
	/* shm = [ "name=NAME,size=SIZE[,mode=rw|ro]", ... ]: none (nr_shm 0) without the key */
	struct xl_cfg_shm shm[XL_SHM_MAX_PER_DOMAIN];
	unsigned int nr_shm;
	/*
	 * disk = [ "TARGET[,VDEV[,ACCESS]]", ... ]: Linux guests only, each served
	 * by an xl-vblk that create starts; every vdev set (a free xvdX when the
	 * string gave none); none (nr_disk 0) without the key
	 */
	struct xl_cfg_disk disk[XL_VIRTIO_MAX_DEVICES];
	unsigned int nr_disk;
	/*
	 * vif = [ "mac=..,bridge=..,vifname=..", ... ]: Linux guests only, each
	 * served by an xl-vnet that create starts (after the disks'); none
	 * (nr_vif 0) without the key. nr_disk + nr_vif <= XL_VIRTIO_MAX_DEVICES.
	 */
	struct xl_cfg_vif vif[XL_VIRTIO_MAX_DEVICES];
	unsigned int nr_vif;
};

/*
 * Why a domain name cannot be used, or NULL: 1 to 31 visible ASCII
 * characters (what the hypervisor takes), and not only digits, which
 * xl-lite would read as a domain id.
 */
const char *xl_domain_name_problem(const char *name);

/*
 * A PCI function as "SSSS:BB:DD.F" or "BB:DD.F" (hex; device 0-1f, function
 * 0-7): true with *segment and *bdf set, false for anything else.
 */
bool xl_parse_bdf(const char *s, uint16_t *segment, uint16_t *bdf);

/*
 * Parse a configuration file's text. Returns 0, or -1 with a message in
 * err: "line 3, column 13: unexpected 'b' after the value" for the syntax,
 * "line 3: unknown key 'memroy'" for a key or its value, each key at most
 * once. Required: name, kernel, memory.
 * Checked once the whole file is read (the message names the line of the
 * key at fault): a ramdisk or more than one vCPU only with type "linux",
 * cpus naming exactly vcpus CPUs, at least 64 MiB for a Linux guest, disk
 * and vif only with type "linux", at most XL_VIRTIO_MAX_DEVICES disks and
 * interfaces together (the message points at the first interface past it).
 */
int xl_cfg_parse(const char *text, struct xl_cfg *cfg, char *err, size_t err_size);

/*
 * The same, with n settings from the command line after the file
 * (`xl-lite create g.cfg memory=512 'name="x"'`): each in the file's syntax
 * (one or more settings), read after the file and in order, each replacing
 * what was given for its key before. Errors name the setting:
 * "setting 'memory=1x': memory must be ...". The checks on the whole file
 * run once, on the result.
 */
int xl_cfg_parse_with(const char *text, const char *const *settings, unsigned int n,
		      struct xl_cfg *cfg, char *err, size_t err_size);

/*
 * The XL_DOMCTL_CREATE request for a parsed configuration: name, type,
 * memory in bytes, vCPUs and their CPUs (unused entries -1, `cpu` =
 * cpus[0]), the command line (default: "xl-guest name=NAME" for an ELF
 * guest, empty for Linux), the flags of on_poweroff, on_reboot and on_crash
 * (preserve is neither flag of its pair). image_size and ramdisk_size
 * are left 0: xl_create_staged() sets them from the files it sends.
 */
void xl_cfg_to_create(const struct xl_cfg *cfg, struct xl_domctl_create *req);

#endif
