/*
 * xl-lite's commands that live outside xl-lite.c, one concern per file:
 * create and create-elf (xl-create.c), console (xl-console.c), module
 * (xl-module.c), profile (xl-profile.c), cpu-policy (xl-cpu-policy.c), introspect
 * (xl-introspect.c), inject (xl-inject.c), shared memory and events (xl-shm.c). Each returns the exit status (XL_EXIT_*).
 */
#ifndef XL_CMDS_H
#define XL_CMDS_H

#include "libxl-lite.h"
#include "xl-args.h"
#include "xl-cfg-cpuid.h"
#include "xl-cfg-msr.h"

/* domains asked for per XL_SYSCTL_DOMAIN_LIST (64 bytes each: 16 KiB) */
#define XL_LIST_MAX 256

/* "xl-lite: CAUSE" on stderr; returns XL_EXIT_ERROR. */
int xl_report(const struct xl_error *e);

/*
 * A whole file of at most max bytes, NUL-terminated (xl-create.c); NULL
 * after "xl-lite: WHATPATH: why" on stderr. what prefixes the path ("" for none).
 */
char *xl_read_file(const char *path, const char *what, size_t max, size_t *size);

int xl_cmd_create(struct xl_handle *h, const struct xl_args *a);
int xl_cmd_create_elf(struct xl_handle *h, const struct xl_args *a);
/* Attach to domain domid's console (named as the user named it, for messages). */
int xl_cmd_console(struct xl_handle *h, uint32_t domid, const char *named);
/* run DOMAIN -- COMMAND [ARG...] (xl-run.c): the command's exit status, 255 if it did not run. */
int xl_cmd_run(struct xl_handle *h, const struct xl_args *a);
/* module load | unload | list (xl-module.c), profile (xl-profile.c). */
int xl_cmd_module(struct xl_handle *h, const struct xl_args *a);
int xl_cmd_profile(struct xl_handle *h, const struct xl_args *a);
/* cpu-policy [-j] [-r] DOMAIN: the domain's policy printed (-r: then removed). */
int xl_cmd_cpu_policy(struct xl_handle *h, const struct xl_args *a);
/*
 * For create with a `cpuid` or `msr` key (file: the configuration, key:
 * the key named, for messages): whether the cpu-policy module is loaded (if
 * not, says so with the command that loads it), and the policy - the CPUID
 * and MSR rules together - sent as domid's (SET; a refusal reported, with
 * the module's reason from the hypervisor's log).
 */
int xl_cpu_policy_module_ready(struct xl_handle *h, const char *file, const char *key);
int xl_cpu_policy_set(struct xl_handle *h, uint32_t domid, const struct xl_cpuid_policy *p,
		      const struct xl_msr_policy *m);
/* introspect (xl-introspect.c). */
int xl_cmd_introspect(struct xl_handle *h, const struct xl_args *a);
/* shm-create ... shm-write, event-connect, notify (xl-shm.c). */
int xl_cmd_shm(struct xl_handle *h, const struct xl_args *a);
/*
 * For create with a `shm` key (file: the configuration, for messages): each
 * segment created (XL_SHM_AUTO) unless it exists with the key's size, then
 * attached to domid in its mode. On a failure (said on stderr) the segment
 * it created and could not attach is destroyed; the caller destroys the
 * guest, which detaches the others. The exit status.
 */
struct xl_cfg;
int xl_shm_give(struct xl_handle *h, uint32_t domid, const struct xl_cfg *cfg, const char *file);

/*
 * The disk key (xl-disk.c): one xl-vblk per disk of cfg for the paused
 * domain domid, in order (xl-backend.h: found next to xl-lite or in PATH,
 * each in its own session, logging to /var/log/xen-lite/vblk-NAME-VDEV.log,
 * else /tmp/, waited for until its device is added, XL_VBLK_READY_TIMEOUT_S,
 * default 10 s), each added to started. A failure says which disk and why,
 * with the end of its log; the caller ends those started and destroys the
 * guest. The exit status.
 */
struct xl_backends;
int xl_disks_start(uint32_t domid, const struct xl_cfg *cfg, const char *file, struct xl_backends *started);

/*
 * The vif key (xl-vif.c): the same with one xl-vnet per interface
 * (--index I, and --mac, --bridge, --tap as the key says), logging to
 * vnet-NAME-I.log in the same directory, XL_VNET_READY_TIMEOUT_S.
 */
int xl_vifs_start(uint32_t domid, const struct xl_cfg *cfg, const char *file, struct xl_backends *started);
/* inject [-n] [-u] [-j] CAMPAIGN (xl-inject.c). */
int xl_cmd_inject(struct xl_handle *h, const struct xl_args *a);
/*
 * The loaded module named name (or, name NULL, the one with this id) into
 * *found: 1, 0 when none is, -1 when XL_MODULE_LIST failed (h->err).
 */
int xl_module_lookup(struct xl_handle *h, const char *name, uint32_t id, struct xl_module_entry *found);
/* Whether path exists (for xl_module_path()). */
bool xl_file_exists(const char *path);

#endif
