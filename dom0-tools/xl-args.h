/*
 * xl-lite's command line: the commands, their options (getopt_long), the
 * help text made from the same tables. No device access: the host unit
 * tests (tests/unit/test_xl_lite.c) link it directly. Documentation/tools.md.
 */
#ifndef XL_ARGS_H
#define XL_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xl-intro-args.h"
#include "xl-shm-args.h"

#define XL_EXIT_OK 0
#define XL_EXIT_ERROR 1 /* the hypervisor or the driver failed */
#define XL_EXIT_USAGE 2

enum xl_cmd {
	XL_CMD_NONE,
	XL_CMD_HELP,
	XL_CMD_INFO,
	XL_CMD_LIST,
	XL_CMD_DMESG,
	XL_CMD_CREATE_ELF,
	XL_CMD_DESTROY,
	XL_CMD_PAUSE,
	XL_CMD_UNPAUSE,
	XL_CMD_SHUTDOWN,
	XL_CMD_CONSOLE,
	XL_CMD_CREATE,
	XL_CMD_PCI_ASSIGNABLE_ADD,
	XL_CMD_PCI_ASSIGNABLE_REMOVE,
	XL_CMD_PCI_ASSIGNABLE_LIST,
	XL_CMD_PCI_LIST,
	XL_CMD_VCPU_LIST,
	XL_CMD_REBOOT,
	XL_CMD_MODULE,
	XL_CMD_PROFILE,
	XL_CMD_CPU_POLICY,
	XL_CMD_INTROSPECT,
	XL_CMD_INJECT,
	XL_CMD_SHM_CREATE,
	XL_CMD_SHM_DESTROY,
	XL_CMD_SHM_ATTACH,
	XL_CMD_SHM_DETACH,
	XL_CMD_SHM_LIST,
	XL_CMD_SHM_READ,
	XL_CMD_SHM_WRITE,
	XL_CMD_EVENT_CONNECT,
	XL_CMD_NOTIFY,
	XL_CMD_EVENT_WAIT,
	XL_CMD_EVENT_CLOSE,
	XL_CMD_RUN,
	XL_CMD_DOMID,
	XL_CMD_DOMNAME, /* the last that fits xl-args.c's 64-bit command masks: at most 63 */
};

/* xl-lite module SUBCOMMAND */
enum xl_module_sub {
	XL_MODULE_SUB_NONE,
	XL_MODULE_SUB_LOAD, /* load FILE [ARGS...] */
	XL_MODULE_SUB_UNLOAD, /* unload NAME */
	XL_MODULE_SUB_LIST, /* list */
};

/* create FILE and up to this many key=value settings after it */
#define XL_MAX_ARGS 32

struct xl_args {
	enum xl_cmd cmd;
	enum xl_cmd topic; /* XL_CMD_HELP: the command asked about, or XL_CMD_NONE */
	bool json; /* -j: JSON instead of text */
	bool long_list; /* list -l: one block per domain */
	bool dry_run; /* create -n: check everything, create nothing; inject -n: the plan, nothing injected */
	bool console; /* create -c: attach to the console once created */
	bool paused; /* create -p: built and left paused */
	bool wait; /* shutdown, reboot -w: until the domain has ended */
	bool all; /* shutdown, reboot -a: every guest */
	bool force; /* reboot -F: reset a guest that cannot be asked */
	bool reset; /* profile -r: the counts back to zero once printed; cpu-policy -r: the policy removed */
	bool follow; /* introspect exits -f: new exits as they come */
	bool unsafe; /* inject -u: the campaign may aim at dom0 (when it says unsafe = 1 too) */
	bool read_only; /* shm-attach -r: the domain may read the segment, not write it */
	bool nul; /* shm-write -z: a NUL after the string */
	enum xl_module_sub module_sub; /* module: what args[0] asks */
	struct xl_intro_args intro; /* introspect: its subcommand and arguments, checked */
	/* shm-create SIZE, shm-read and shm-write OFFSET and LENGTH, notify PORT: checked */
	uint64_t size, offset, length;
	bool have_length; /* shm-read's LENGTH was given */
	uint32_t port;
	uint32_t timeout_ms; /* event-wait's, XL_EVENT_WAIT_DEFAULT_MS when not given */
#define XL_EVENT_WAIT_DEFAULT_MS 10000
	/* run --user UID[:GID] (checked into run_uid, run_gid), --cwd DIR, --env NAME=VALUE ... */
	const char *run_user, *run_cwd;
	uint32_t run_uid, run_gid;
#define XL_RUN_MAX_ENV 64
	const char *run_env[XL_RUN_MAX_ENV];
	unsigned int run_nenv;
	const char *args[XL_MAX_ARGS]; /* the command's own arguments, in order */
	unsigned int nargs;
	uint32_t domid; /* a command taking a domain: the one args[0] names, once found */
};

/*
 * Parse argv (getopt_long: options before or after the command). Returns
 * XL_EXIT_OK with *a filled in, or XL_EXIT_USAGE after printing
 * "xl-lite: WHY" and a hint to err. argv's order may be changed.
 */
int xl_parse_args(int argc, char *argv[], struct xl_args *a, FILE *err);

/* Whether the command's first argument names a domain (destroy, pause, console, ...). */
bool xl_cmd_takes_domain(enum xl_cmd cmd);

/* Whether these arguments name a domain in args[0] (vcpu-list's is optional, shutdown -a and reboot -a have none). */
bool xl_args_name_domain(const struct xl_args *a);

/* The help text: general (XL_CMD_NONE or XL_CMD_HELP) or one command's. */
void xl_print_help(FILE *f, enum xl_cmd topic);

#endif
