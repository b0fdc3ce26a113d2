/*
 * xl-lite's command line (see xl-args.h): one table of commands and one of
 * options; getopt_long's option list, the checks and the help all come from
 * them, so a command or an option cannot be added to one and not the others.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xl-args.h"
#include "../pv-drivers/xenlite/xenlite-ioctl.h"
#include "xl-lite-fmt.h"
#include "xl-run-command.h"

#define CMD(c) (1ull << (c))
#define JSON_CMDS                                                                           \
	(CMD(XL_CMD_INFO) | CMD(XL_CMD_LIST) | CMD(XL_CMD_DMESG) | CMD(XL_CMD_VCPU_LIST) | \
	 CMD(XL_CMD_PCI_ASSIGNABLE_LIST) | CMD(XL_CMD_PCI_LIST) | CMD(XL_CMD_MODULE) |          \
	 CMD(XL_CMD_PROFILE) | CMD(XL_CMD_CPU_POLICY) | CMD(XL_CMD_INTROSPECT) | CMD(XL_CMD_INJECT) | \
	 CMD(XL_CMD_SHM_LIST))
/* every command's bit in one unsigned int */
_Static_assert(XL_CMD_DOMNAME < 64, "xl-args.c's command masks are 64 bits: widen them");

static const struct command {
	const char *name;
	enum xl_cmd cmd;
	const char *usage;
	const char *summary; /* one line in the general help */
	const char *what;
	unsigned int min_args, max_args;
	bool takes_domain; /* args[0] names a domain: an id or a name */
} commands[] = {
	{ "info", XL_CMD_INFO, "xl-lite info [-j]",
	  "the hypervisor: version, CPUs and owners, memory, IOMMU",
	  "The hypervisor: its version and ABI, the TSC frequency, every physical CPU\n"
	  "and the domain that owns it (or free), and where the memory went: total,\n"
	  "hypervisor, dom0, guests and free, in MiB; the IOMMU (driver, units,\n"
	  "whether DMA and interrupt remapping are on) and the DMA it blocked.", 0, 0, false },
	{ "list", XL_CMD_LIST, "xl-lite list [-l] [-j]",
	  "the domains: name, id, memory, vCPUs, state, uptime",
	  "The domains, one a line: name, id, memory in MiB, vCPUs, state, uptime\n"
	  "(H:MM:SS), the physical CPU of vCPU 0, the VM exits taken so far and their\n"
	  "average rate, and the DMA of its devices the IOMMU blocked. -l: one block\n"
	  "per domain with everything --json gives (each vCPU's exits too).", 0, 0, false },
	{ "vcpu-list", XL_CMD_VCPU_LIST, "xl-lite vcpu-list [-j] [DOMAIN]",
	  "each vCPU (of DOMAIN): its physical CPU, state, exits",
	  "Each vCPU of every domain, or of DOMAIN: the domain's name and id, the vCPU,\n"
	  "its physical CPU, the domain's state, the vCPU's VM exits, and the CPUs the\n"
	  "domain owns. The CPU and exits of vCPUs past the 16th (dom0's) are '-'.",
	  0, 1, true },
	{ "dmesg", XL_CMD_DMESG, "xl-lite dmesg [-j]", "the hypervisor's log ring",
	  "The hypervisor's log ring, oldest line first: everything it still holds\n"
	  "(the ring keeps the most recent text; older lines are overwritten).", 0, 0, false },
	{ "create", XL_CMD_CREATE, "xl-lite create [-n] [-c] FILE [KEY=VALUE ...]",
	  "create and start a guest from a configuration file",
	  "Create and start a guest from a configuration file (Documentation/config.md):\n"
	  "name, type (elf or linux), kernel, ramdisk, memory (MiB), vcpus, cpus,\n"
	  "cmdline, pci, on_dma_fault, on_poweroff, on_reboot, on_crash, cpuid, msr, shm,\n"
	  "disk, vif. KEY=VALUE settings after the file, in the file's syntax, replace\n"
	  "the file's (memory=512 'name=\"x\"'). A bad file is refused with the line and\n"
	  "the reason, and nothing is created. Prints the new domain's id. With a cpuid,\n"
	  "msr, shm, disk or vif key the guest is created paused, given its policy (the\n"
	  "cpu-policy module must be loaded), its segments (each created if it does not\n"
	  "exist), its disks' xl-vblk and its interfaces' xl-vnet back-ends (logs in\n"
	  "/var/log/xen-lite/), then run (unless -p); if that fails, the guest is\n"
	  "destroyed.",
	  1, XL_MAX_ARGS, false },
	{ "create-elf", XL_CMD_CREATE_ELF, "xl-lite create-elf NAME FILE [MEM_MIB [CPU]]",
	  "create and start a guest from a small ELF image",
	  "Create a guest from a 64-bit ELF image (a lightweight kernel or a test guest)\n"
	  "with MEM_MIB MiB of memory (default 2) on physical CPU CPU (default: any free\n"
	  "one) and start it. Its command line is \"xl-guest name=NAME\". Prints the\n"
	  "new domain's id. The image must fit the driver's 64 KiB transfer.",
	  2, 4, false },
	{ "destroy", XL_CMD_DESTROY, "xl-lite destroy DOMAIN",
	  "stop a domain and give its CPUs and memory back",
	  "Stop DOMAIN and give its CPUs and memory back.", 1, 1, true },
	{ "pause", XL_CMD_PAUSE, "xl-lite pause DOMAIN", "stop a domain's vCPUs where they are",
	  "Stop DOMAIN's vCPUs where they are.", 1, 1, true },
	{ "unpause", XL_CMD_UNPAUSE, "xl-lite unpause DOMAIN", "let a paused domain run again",
	  "Let a paused domain run again.", 1, 1, true },
	{ "shutdown", XL_CMD_SHUTDOWN, "xl-lite shutdown [-w] [-F] DOMAIN | -a [-w] [-F]",
	  "ask a guest (-a: every guest) to shut down",
	  "Ask DOMAIN (-a: every guest that is running or paused) to shut down. The\n"
	  "guest sees the request when it next asks (XL_SHUTDOWN_QUERY) and powers off;\n"
	  "its on_poweroff action follows. One that never asks keeps running, unless\n"
	  "-F: a guest that has never asked is powered off at once instead, as xl's -F\n"
	  "fallback (xl-lite destroy ends any at once). -w waits until each has ended\n"
	  "(shut down, crashed or gone), at most 60 s.",
	  1, 1, true },
	{ "reboot", XL_CMD_REBOOT, "xl-lite reboot [-w] [-F] DOMAIN | -a [-w] [-F]",
	  "ask a guest (-a: every guest) to reboot",
	  "Ask DOMAIN (-a: every guest that is running or paused) to reboot. The guest\n"
	  "sees the request when it next asks (XL_SHUTDOWN_QUERY with XL_QUERY_REASON;\n"
	  "a Linux guest's xenlite-guest module) and reboots; its on_reboot action\n"
	  "follows (restart: a new domain with the same name). A guest that has never\n"
	  "asked so cannot be asked to reboot: refused, unless -F, which resets it - it\n"
	  "ends at once with reason reboot, as xl's -F fallback. -w waits until each has\n"
	  "ended (its old id shut down, crashed or gone), at most 60 s.",
	  1, 1, true },
	{ "console", XL_CMD_CONSOLE, "xl-lite console DOMAIN",
	  "attach to a guest's console (Ctrl-] detaches)",
	  "Attach to DOMAIN's console: its output since the last read, then live;\n"
	  "what you type goes to the guest. Ctrl-] detaches. With standard input not a\n"
	  "terminal, the input is sent and the command returns once the guest has been\n"
	  "quiet for a second after it. Output written while nobody is attached is kept\n"
	  "(the last 16 KiB; bytes lost before that are reported).", 1, 1, true },
	{ "run", XL_CMD_RUN, "xl-lite run [-U UID[:GID]] [-C DIR] [-e NAME=VALUE]... DOMAIN -- COMMAND [ARG...]",
	  "run a command inside a Linux guest that runs the agent",
	  "Run COMMAND with its ARGs (each passed as it is, quoted for the guest's shell;\n"
	  "at most 2048 bytes in all, with what the options ask) inside DOMAIN, a Linux\n"
	  "guest whose initramfs runs xl-agent (guest_agent=1 on its command line),\n"
	  "through its console. Prints the command's output (standard output and error\n"
	  "together, line by line) and exits with its exit status; 255 when it could not\n"
	  "run or the guest ended first. Nothing is read from standard input. While\n"
	  "xl-lited logs the guest, runs of one guest overlap; without it, one at a time.\n"
	  "'--' ends xl-lite's options, so the command's are its own.",
	  2, XL_MAX_ARGS, true },
	{ "domid", XL_CMD_DOMID, "xl-lite domid DOMAIN", "a domain's id, from its name",
	  "Print DOMAIN's id (for scripts, as xl's domid). Fails, printing nothing on\n"
	  "standard output, when no such domain exists.", 1, 1, true },
	{ "domname", XL_CMD_DOMNAME, "xl-lite domname DOMAIN", "a domain's name, from its id",
	  "Print DOMAIN's name (for scripts, as xl's domname; characters other than\n"
	  "printable ASCII as '?'). Fails, printing nothing on standard output, when no\n"
	  "such domain exists.", 1, 1, true },
	{ "pci-assignable-add", XL_CMD_PCI_ASSIGNABLE_ADD, "xl-lite pci-assignable-add BDF",
	  "take a PCI function from dom0 for guests",
	  "Take PCI function BDF (SSSS:BB:DD.F or BB:DD.F) from dom0 so that it can be\n"
	  "given to a guest: the hypervisor checks it first (it exists, on the root bus,\n"
	  "not a bridge nor an IOMMU, an IOMMU translates DMA); then dom0's driver is\n"
	  "unbound, the device reset (when Linux offers a reset for it), and the\n"
	  "hypervisor moves it out of dom0's IO space: its DMA is blocked, its bus\n"
	  "mastering off. A refused function is left as it was.", 1, 1, false },
	{ "pci-assignable-remove", XL_CMD_PCI_ASSIGNABLE_REMOVE, "xl-lite pci-assignable-remove BDF",
	  "give an assignable PCI function back to dom0",
	  "Give an assignable PCI function back to dom0: into dom0's IO space again,\n"
	  "then Linux is asked to bind a driver to it.", 1, 1, false },
	{ "pci-assignable-list", XL_CMD_PCI_ASSIGNABLE_LIST, "xl-lite pci-assignable-list [-j]",
	  "the PCI functions taken from dom0, and their guests",
	  "The PCI functions taken from dom0, one a line: assignable, or assigned and\n"
	  "to which domain.", 0, 0, false },
	{ "pci-list", XL_CMD_PCI_LIST, "xl-lite pci-list [-j] DOMAIN", "the PCI functions a domain has",
	  "The PCI functions DOMAIN has.", 1, 1, true },
	{ "module", XL_CMD_MODULE, "xl-lite module load FILE [ARGS...] | unload NAME | list [-j]",
	  "load, unload or list the hypervisor's behaviour modules",
	  "Behaviour modules of the running hypervisor (Documentation/modules.md).\n"
	  "load FILE [ARGS...]: send the module file FILE (an .xlm built with this\n"
	  "hypervisor; a bare NAME is looked up as /usr/lib/xen-lite/modules/NAME.xlm,\n"
	  "then /lib/xen-lite/modules/NAME.xlm) and start it with ARGS, joined by\n"
	  "blanks, as its argument; prints its id and name. A refusal prints the\n"
	  "hypervisor's reason. unload NAME: stop and remove it (a busy module says\n"
	  "why not). list: name, version, id, hooks, calls answered, sizes, SHA-256.",
	  1, XL_MAX_ARGS, false },
	{ "profile", XL_CMD_PROFILE, "xl-lite profile [-j] [-r | -f] [DOMAIN]",
	  "VM exits per domain and reason, and their cost (exit-profiler)",
	  "The VM exits of every domain (or of DOMAIN) by reason, as the exit-profiler\n"
	  "module counts them (Documentation/modules/exit-profiler.md): count, share of\n"
	  "the domain's exits, mean, min and max cost in TSC cycles and microseconds,\n"
	  "and the median and 99th percentile estimated from its histogram. -r then\n"
	  "sets the counts back to zero, for the next look. -f: a top - every second,\n"
	  "the exits per second and their cost over that second, until interrupted.",
	  0, 1, true },
	{ "cpu-policy", XL_CMD_CPU_POLICY, "xl-lite cpu-policy [-j] [-r] DOMAIN",
	  "a domain's CPUID and MSR policy (cpu-policy module, `cpuid`, `msr` keys)",
	  "The CPUID policy the cpu-policy module applies to DOMAIN\n"
	  "(Documentation/modules/cpu-policy.md), as its configuration's `cpuid` key\n"
	  "gave it: per leaf and register, each bit forced to 0, to 1, or kept (x), the\n"
	  "features it clears (-) and sets (+), and the `cpuid = [...]` line that gives\n"
	  "the same policy; then its MSR rules, as its `msr` key gave them: per MSR\n"
	  "deny, read-only or a mask (AND, OR), and the `msr = [...]` line. A domain\n"
	  "without one gets the hypervisor's own CPUID answers and MSRs. -r then\n"
	  "removes the policy: its next CPUID answers are the hypervisor's (a running\n"
	  "kernel has read its features already).",
	  1, 1, true },
	{ "introspect", XL_CMD_INTROSPECT,
	  "xl-lite introspect regs [-j] DOMAIN [VCPU] | phys [-j] DOMAIN ADDR LEN |\n"
	  "       virt [-j] DOMAIN ADDR LEN [VCPU] | exits [-j] [-f] DOMAIN |\n"
	  "       watch DOMAIN | unwatch DOMAIN | grant OBSERVER TARGET |\n"
	  "       revoke OBSERVER TARGET | list [-j]",
	  "a guest's registers, memory and exits (introspection module)",
	  "Look into a running guest without its help, through the introspection module\n"
	  "(Documentation/modules/introspection.md). watch DOMAIN: record its vCPUs'\n"
	  "registers and its exits from now on; unwatch DOMAIN: stop. regs DOMAIN [VCPU]:\n"
	  "the registers of vCPU VCPU (default 0) at its latest exit, after kicking its\n"
	  "vCPUs out of the guest so that they are fresh. phys DOMAIN ADDR LEN: LEN bytes\n"
	  "(at most 1 MiB) of its memory at guest-physical ADDR, as a hex dump; virt:\n"
	  "at guest-virtual ADDR, through vCPU VCPU's page tables (long mode). exits\n"
	  "DOMAIN: the exits recorded (the last 1024); -f then follows new ones until\n"
	  "interrupted. grant OBSERVER TARGET: domain OBSERVER may read TARGET (from its\n"
	  "own kernel, with XL_MODULE_CALL); revoke: no longer. list: the domains watched\n"
	  "and the grants. ADDR and LEN are decimal, or 0x and hex. Nobody reads dom0.",
	  1, 5, false },
	{ "inject", XL_CMD_INJECT, "xl-lite inject [-n] [-u] [-j] CAMPAIGN",
	  "run a fault campaign against a domain (fault-injector module)",
	  "Run the fault campaign of file CAMPAIGN through the fault-injector module\n"
	  "(Documentation/modules/fault-injector.md): injections one at a time, drawn\n"
	  "from the campaign's seed - bits flipped in the target's memory or registers,\n"
	  "hypercalls failed, port reads corrupted, IPIs dropped or doubled - each\n"
	  "watched for window_ms: the target's console against the workload's patterns,\n"
	  "its state, the other guests, the hypervisor's log and answers, a checksummed\n"
	  "buffer of dom0's. One line per injection with its outcome's zone (masked,\n"
	  "guest-user, guest-kernel, dom0, hypervisor), then the count per zone. A target\n"
	  "that goes down is waited for (restart_ms) before the next. dom0 is a target\n"
	  "only with unsafe = 1 in the campaign and -u; the hypervisor never is. Exit\n"
	  "status 0 when the campaign completed and nothing aimed at a guest reached\n"
	  "dom0 or the hypervisor, 1 otherwise, 2 for a bad campaign file.",
	  1, 1, false },
	{ "shm-create", XL_CMD_SHM_CREATE, "xl-lite shm-create NAME SIZE",
	  "create a shared memory segment",
	  "Create the shared memory segment NAME (1 to 31 characters: letters, digits,\n"
	  "'.', '_', '-') of SIZE bytes, zeroed (Documentation/composition.md). SIZE is\n"
	  "bytes, or with a K, M or G suffix (KiB-based: 2M is 2097152): a multiple of\n"
	  "4 KiB, 4 KiB to 16 GiB. It lives until shm-destroy; domains get it with\n"
	  "shm-attach.", 2, 2, false },
	{ "shm-destroy", XL_CMD_SHM_DESTROY, "xl-lite shm-destroy NAME",
	  "destroy a shared memory segment",
	  "Destroy the segment NAME: the name goes at once (it may be created again);\n"
	  "its memory goes when the last domain that has it attached detaches (or is\n"
	  "destroyed). Says which domains still have it.", 1, 1, false },
	{ "shm-attach", XL_CMD_SHM_ATTACH, "xl-lite shm-attach [-r] NAME DOMAIN",
	  "map a shared memory segment into a domain",
	  "Map the segment NAME into DOMAIN (its id or its name; 0: dom0), read-write,\n"
	  "or read-only with -r, and print the guest-physical address the domain finds\n"
	  "it at (from 0x8000000000 up). A domain has at most 4 segments, a segment at\n"
	  "most 8 domains.", 2, 2, false },
	{ "shm-detach", XL_CMD_SHM_DETACH, "xl-lite shm-detach NAME DOMAIN",
	  "unmap a shared memory segment from a domain",
	  "Unmap the segment NAME from DOMAIN (its id or its name). The last detach of\n"
	  "a destroyed segment, or of one a configuration's shm key made, frees it.", 2, 2, false },
	{ "shm-list", XL_CMD_SHM_LIST, "xl-lite shm-list [-j]", "the shared memory segments",
	  "The shared memory segments, one a line: name, size, flags (destroyed: the\n"
	  "name is gone, domains still have it; auto: made by a configuration's shm\n"
	  "key, freed with its last domain), and the domains it is attached to, as\n"
	  "DOMID:rw|ro@GPA.", 0, 0, false },
	{ "shm-read", XL_CMD_SHM_READ, "xl-lite shm-read NAME [OFFSET [LENGTH]]",
	  "print a segment's bytes as dom0 sees them",
	  "Print the bytes of segment NAME from OFFSET (default 0), at most LENGTH\n"
	  "(default 4096, or to the segment's end), up to the first NUL, as one line of\n"
	  "text: \\\\, \\n, \\t, \\r, and \\xNN for a byte that does not print. OFFSET and\n"
	  "LENGTH are bytes, 0x hex, or with a K, M or G suffix. dom0 must have the\n"
	  "segment attached (xl-lite shm-attach NAME 0): it is read through\n"
	  "/dev/xenlite's mmap.",
	  1, 3, false },
	{ "shm-write", XL_CMD_SHM_WRITE, "xl-lite shm-write [-z] NAME OFFSET STRING",
	  "write a string into a segment as dom0",
	  "Write STRING's bytes into segment NAME at OFFSET, without a NUL unless -z.\n"
	  "dom0 must have it attached read-write (xl-lite shm-attach NAME 0; a read-only\n"
	  "attachment is refused by the driver, EACCES).", 3, 3, false },
	{ "event-connect", XL_CMD_EVENT_CONNECT, "xl-lite event-connect DOMAIN DOMAIN",
	  "join two domains with an event channel",
	  "Join the two domains (ids or names, not the same one) with an event channel\n"
	  "and print each end's port: \"d1 port 0 <-> d2 port 3\". Each domain binds its\n"
	  "port to a vector itself (XL_EVENT_BIND).", 2, 2, false },
	{ "notify", XL_CMD_NOTIFY, "xl-lite notify PORT",
	  "send an event on one of dom0's ports",
	  "Send an event on dom0's port PORT (0 to 63): the other end's domain gets\n"
	  "its bit set and, if it bound the port, its vector.", 1, 1, false },
	{ "event-wait", XL_CMD_EVENT_WAIT, "xl-lite event-wait PORT [TIMEOUT_MS]",
	  "wait for an event on one of dom0's ports",
	  "Wait until an event arrives on dom0's port PORT (0 to 63) that no earlier\n"
	  "event-wait took, at most TIMEOUT_MS milliseconds (default 10000, at most\n"
	  "3600000); exit 0 when one came, 1 when the time ran out. dom0's kernel takes\n"
	  "it as an interrupt (/dev/xenlite binds the port to a vector of its own).", 1, 2, false },
	{ "event-close", XL_CMD_EVENT_CLOSE, "xl-lite event-close PORT", "close one of dom0's ports",
	  "Close dom0's port PORT (0 to 63): its other end, if any, is told (its port\n"
	  "becomes closed and its bit is set). A port whose other end closed or went\n"
	  "stays dom0's until this.", 1, 1, false },
	{ "help", XL_CMD_HELP, "xl-lite help [COMMAND]", "this text, or a command's",
	  "This text, or a command's.", 0, 0, false },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

enum option_id { OPT_JSON, OPT_LONG, OPT_DRY_RUN, OPT_PAUSED, OPT_CONSOLE, OPT_WAIT, OPT_ALL,
		 OPT_FORCE, OPT_RESET, OPT_FOLLOW, OPT_UNSAFE, OPT_READ_ONLY, OPT_NUL, OPT_USER, OPT_CWD, OPT_ENV,
		 OPT_HELP, OPT_COUNT };

/* getopt_long's value for a long option: past every letter, so two options may share a letter */
#define LONG_CODE 256

#define END_CMDS (CMD(XL_CMD_SHUTDOWN) | CMD(XL_CMD_REBOOT))

static const struct option_rule {
	const char *name;
	char letter;
	uint64_t commands; /* CMD() of the commands that take it */
	const char *help;
	const char *value; /* an option that takes a value: its name in the help; NULL for a flag */
} options[OPT_COUNT] = {
	[OPT_JSON] = { "json", 'j', JSON_CMDS, "print one JSON object on one line instead of text" },
	[OPT_LONG] = { "long", 'l', CMD(XL_CMD_LIST),
		       "one block per domain, everything --json gives" },
	[OPT_DRY_RUN] = { "dry-run", 'n', CMD(XL_CMD_CREATE) | CMD(XL_CMD_INJECT),
			  "check the file, the images, the CPUs and the PCI functions;\n"
			  "print what would be created; create nothing (inject: the\n"
			  "injections the campaign would make, none made)" },
	[OPT_PAUSED] = { "paused", 'p', CMD(XL_CMD_CREATE),
			 "leave the guest paused once built (xl-lite unpause runs it)" },
	[OPT_CONSOLE] = { "console", 'c', CMD(XL_CMD_CREATE),
			  "attach to the new guest's console, as xl-lite console" },
	[OPT_WAIT] = { "wait", 'w', END_CMDS, "wait until the domain has ended (at most 60 s)" },
	[OPT_ALL] = { "all", 'a', END_CMDS, "every guest that is running or paused" },
	[OPT_FORCE] = { "force", 'F', END_CMDS,
			"a guest that cannot be asked is reset (reboot) or powered\n"
			"off (shutdown): it ends at once with that reason, and its\n"
			"on_reboot or on_poweroff action follows" },
	[OPT_RESET] = { "reset", 'r', CMD(XL_CMD_PROFILE) | CMD(XL_CMD_CPU_POLICY),
			"once printed: profile's counts (of DOMAIN, or all) back to\n"
			"zero; cpu-policy's policy of DOMAIN removed" },
	[OPT_FOLLOW] = { "follow", 'f', CMD(XL_CMD_INTROSPECT) | CMD(XL_CMD_PROFILE),
			 "(introspect exits) then print new exits as they come, until\n"
			 "interrupted; (profile) every second, its rates, until interrupted" },
	[OPT_UNSAFE] = { "unsafe", 'u', CMD(XL_CMD_INJECT),
			 "a campaign may aim at dom0 (it must say unsafe = 1 too)" },
	/* -r as profile's and cpu-policy's: the command decides which (share_letters()) */
	[OPT_READ_ONLY] = { "read-only", 'r', CMD(XL_CMD_SHM_ATTACH),
			    "the domain may read the segment, not write it" },
	[OPT_NUL] = { "nul", 'z', CMD(XL_CMD_SHM_WRITE), "write a NUL after the string" },
	[OPT_USER] = { "user", 'U', CMD(XL_CMD_RUN),
		       "run the command as this uid and gid (decimal; GID defaults\n"
		       "to UID; supplementary groups: GID alone)", "UID[:GID]" },
	[OPT_CWD] = { "cwd", 'C', CMD(XL_CMD_RUN),
		      "run the command in DIR, an absolute path in the guest (one\n"
		      "the guest does not have: a warning, and / instead)", "DIR" },
	[OPT_ENV] = { "env", 'e', CMD(XL_CMD_RUN),
		      "set this variable for the command (repeatable, at most 64)", "NAME=VALUE" },
	[OPT_HELP] = { "help", 'h', ~0ull, "this help (of the command given)" },
};

static int find_command(const char *name)
{
	for (unsigned int i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return (int)i;
	return -1;
}

static const struct command *command_of(enum xl_cmd cmd)
{
	for (unsigned int i = 0; i < NR_COMMANDS; i++)
		if (commands[i].cmd == cmd)
			return &commands[i];
	return NULL;
}

__attribute__((format(printf, 2, 3))) static int usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;

	fputs("xl-lite: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputs("\nTry 'xl-lite help'.\n", err);
	return XL_EXIT_USAGE;
}

/* What the parse has seen so far, beyond struct xl_args. */
struct parse_state {
	bool help;
	const char *extra; /* the first argument too many */
	char given[OPT_COUNT][32]; /* each option as typed ("-l", "--long"), "" if absent */
};

/* getopt_long's tables from options[]: "-:jl..." (in order, missing values reported) */
static void getopt_tables(char *shortopts, struct option *longopts)
{
	char *s = shortopts;

	*s++ = '-';
	*s++ = ':';
	for (int i = 0; i < OPT_COUNT; i++) {
		if (!memchr(shortopts, options[i].letter, (size_t)(s - shortopts))) {
			*s++ = options[i].letter;
			if (options[i].value)
				*s++ = ':';
		}
		longopts[i] = (struct option){ options[i].name, options[i].value ? required_argument : no_argument,
					       NULL, LONG_CODE + i };
	}
	*s = '\0';
	longopts[OPT_COUNT] = (struct option){ NULL, 0, NULL, 0 };
}

/* The option getopt_long answered code for: a long option's, or the first with that letter. */
static int option_of_letter(int code)
{
	if (code >= LONG_CODE && code < LONG_CODE + OPT_COUNT)
		return code - LONG_CODE;
	for (int i = 0; i < OPT_COUNT; i++)
		if (options[i].letter == code)
			return i;
	return -1;
}

/* A command's name, or its argument; the command first, "help"'s topic second. */
static int take_word(const char *s, struct xl_args *a, struct parse_state *st, FILE *err)
{
	const struct command *c;
	int i;

	if (a->cmd == XL_CMD_NONE) {
		i = find_command(s);
		if (i < 0)
			return usage_error(err, "unknown command '%s'", s);
		a->cmd = commands[i].cmd;
		return XL_EXIT_OK;
	}
	if (a->cmd == XL_CMD_HELP && a->topic == XL_CMD_NONE) {
		i = find_command(s);
		if (i < 0)
			return usage_error(err, "no help for '%s': not a command", s);
		a->topic = commands[i].cmd;
		return XL_EXIT_OK;
	}
	c = command_of(a->cmd);
	if (a->nargs < c->max_args)
		a->args[a->nargs++] = s;
	else if (!st->extra)
		st->extra = s;
	return XL_EXIT_OK;
}

/*
 * An option getopt_long refused. glibc sets optopt to the letter of an
 * unknown short option, to the value of a known long option given a value
 * ("--json=1"), and to 0 for an unknown long option (then argv[at - 1]).
 */
static int bad_option(char *const argv[], int at, FILE *err)
{
	const char *typed = argv[at - 1];
	int known = optopt ? option_of_letter(optopt) : -1;

	if (known >= 0)
		return usage_error(err, "option '--%s' takes no value", options[known].name);
	if (optopt && optopt < LONG_CODE)
		return usage_error(err, "unknown option '-%c'", optopt);
	return usage_error(err, "unknown option '%.*s'", (int)strcspn(typed, "="), typed);
}

static void record_option(int opt, int longindex, struct parse_state *st)
{
	if (st->given[opt][0])
		return;
	if (longindex >= 0)
		snprintf(st->given[opt], sizeof(st->given[opt]), "--%s", options[opt].name);
	else
		snprintf(st->given[opt], sizeof(st->given[opt]), "-%c", options[opt].letter);
}

/*
 * A letter two options share (-r: profile's reset, shm-attach's read-only)
 * stands for the one the command takes; getopt_long answered the first.
 */
static void share_letters(const struct xl_args *a, struct parse_state *st)
{
	for (int i = 0; i < OPT_COUNT; i++) {
		/* given as a letter ("-r"), to a command that does not take this one */
		if (st->given[i][1] == '-' || !st->given[i][0] || (options[i].commands & CMD(a->cmd)))
			continue;
		for (int j = i + 1; j < OPT_COUNT; j++) {
			if (options[j].letter == options[i].letter && (options[j].commands & CMD(a->cmd))) {
				memcpy(st->given[j], st->given[i], sizeof(st->given[j]));
				st->given[i][0] = '\0';
				break;
			}
		}
	}
}

/* The options given to a command that does not take them, or -p (cannot be done). */
static int check_options(const struct xl_args *a, const struct parse_state *st, FILE *err)
{
	const struct command *c = command_of(a->cmd);

	for (int i = 0; i < OPT_COUNT; i++)
		if (st->given[i][0] && !(options[i].commands & CMD(a->cmd)))
			return usage_error(err, "%s: no option '%s' (see 'xl-lite help %s')", c->name,
					   st->given[i], c->name);
	if (a->dry_run && a->console)
		return usage_error(err, "create: %s and %s together: a dry run creates nothing to "
				   "attach to", st->given[OPT_DRY_RUN], st->given[OPT_CONSOLE]);
	return XL_EXIT_OK;
}

/* The number of arguments the command takes with these options. */
static void arg_bounds(const struct xl_args *a, unsigned int *min, unsigned int *max)
{
	const struct command *c = command_of(a->cmd);

	*min = c->min_args;
	*max = c->max_args;
	if ((a->cmd == XL_CMD_SHUTDOWN || a->cmd == XL_CMD_REBOOT) && a->all)
		*min = *max = 0;
}

/* The joined length of load's ARGS (blanks between), with its NUL. */
static size_t module_args_len(const struct xl_args *a)
{
	size_t len = 1;

	for (unsigned int i = 2; i < a->nargs; i++)
		len += strlen(a->args[i]) + (i > 2);
	return len;
}

/* module's subcommand and its arguments, into a->module_sub */
static int check_module(struct xl_args *a, const struct parse_state *st, FILE *err)
{
	static const struct {
		const char *name;
		enum xl_module_sub sub;
		unsigned int min_args, max_args; /* the subcommand's own included */
	} subs[] = {
		{ "load", XL_MODULE_SUB_LOAD, 2, XL_MAX_ARGS },
		{ "unload", XL_MODULE_SUB_UNLOAD, 2, 2 },
		{ "list", XL_MODULE_SUB_LIST, 1, 1 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(subs) / sizeof(subs[0]) && strcmp(subs[i].name, a->args[0]); i++)
		;
	if (i == sizeof(subs) / sizeof(subs[0]))
		return usage_error(err, "module: no subcommand '%s' (load, unload or list)", a->args[0]);
	a->module_sub = subs[i].sub;
	if (a->nargs < subs[i].min_args)
		return usage_error(err, "module %s: missing arguments: %s", subs[i].name, command_of(a->cmd)->usage);
	if (a->nargs > subs[i].max_args)
		return usage_error(err, "unexpected argument '%s'", a->args[subs[i].max_args]);
	if (a->json && a->module_sub != XL_MODULE_SUB_LIST)
		return usage_error(err, "module %s: no option '%s' (see 'xl-lite help module')", subs[i].name,
				   st->given[OPT_JSON]);
	if (a->module_sub == XL_MODULE_SUB_UNLOAD && strlen(a->args[1]) >= XL_MODULE_NAME_LEN)
		return usage_error(err, "module unload: '%s': a module's name is at most %d characters",
				   a->args[1], XL_MODULE_NAME_LEN - 1);
	if (a->module_sub == XL_MODULE_SUB_LOAD && module_args_len(a) > sizeof(((struct xl_module_load *)0)->args))
		return usage_error(err, "module load: the module's arguments take %zu bytes, at most %zu",
				   module_args_len(a) - 1, sizeof(((struct xl_module_load *)0)->args) - 1);
	return XL_EXIT_OK;
}

/* introspect's subcommand and its arguments, into a->intro */
static int check_introspect(struct xl_args *a, const struct parse_state *st, FILE *err)
{
	char why[256];
	const char *bad = xl_intro_parse(a->args, a->nargs, st->given[OPT_JSON], st->given[OPT_FOLLOW], &a->intro,
					 why, sizeof(why));

	return bad ? usage_error(err, "%s", bad) : XL_EXIT_OK;
}

/* A segment's name, or a usage error naming the command. */
static int check_shm_name(const struct command *c, const char *name, FILE *err)
{
	const char *problem = xl_shm_name_problem(name);

	return problem ? usage_error(err, "%s: NAME '%.40s' %s", c->name, name, problem) : XL_EXIT_OK;
}

/* An OFFSET or LENGTH: bytes, 0x hex, K, M or G. */
static int check_bytes(const struct command *c, const char *what, const char *s, uint64_t *out, FILE *err)
{
	if (xl_parse_bytes(s, out))
		return usage_error(err, "%s: %s '%.40s' must be a number of bytes (0x hex, or with a K, M "
				   "or G suffix)", c->name, what, s);
	return XL_EXIT_OK;
}

/* The shm and event commands' arguments, checked before the device is opened. */
static int check_shm(struct xl_args *a, FILE *err)
{
	const struct command *c = command_of(a->cmd);
	const char *problem;
	unsigned long long port;
	char *end;
	int rc;

	if (a->cmd == XL_CMD_NOTIFY || a->cmd == XL_CMD_EVENT_WAIT || a->cmd == XL_CMD_EVENT_CLOSE) {
		errno = 0;
		port = strtoull(a->args[0], &end, 10);
		if (!isdigit((unsigned char)a->args[0][0]) || *end || errno || port >= XL_EVENT_MAX_PORTS)
			return usage_error(err, "%s: PORT '%.40s' must be a port number, 0 to %d", c->name,
					   a->args[0], XL_EVENT_MAX_PORTS - 1);
		a->port = (uint32_t)port;
		a->timeout_ms = XL_EVENT_WAIT_DEFAULT_MS;
		if (a->nargs < 2)
			return XL_EXIT_OK;
		errno = 0;
		port = strtoull(a->args[1], &end, 10);
		if (!isdigit((unsigned char)a->args[1][0]) || *end || errno || port > XL_IOCTL_EVENT_MAX_WAIT_MS)
			return usage_error(err, "event-wait: TIMEOUT_MS '%.40s' must be 0 to %d", a->args[1],
					   XL_IOCTL_EVENT_MAX_WAIT_MS);
		a->timeout_ms = (uint32_t)port;
		return XL_EXIT_OK;
	}
	/* the domains, as check_arguments() does args[0] of the others: an id written wrong */
	for (unsigned int i = 0; i < a->nargs; i++) {
		bool domain = a->cmd == XL_CMD_EVENT_CONNECT ||
			      (i == 1 && (a->cmd == XL_CMD_SHM_ATTACH || a->cmd == XL_CMD_SHM_DETACH));
		uint32_t id;
		const char *bad = domain ? xl_bad_domid_reason(xl_parse_domid(a->args[i], &id)) : NULL;

		if (bad)
			return usage_error(err, "%s: %s", a->args[i], bad);
	}
	if (a->cmd == XL_CMD_SHM_LIST || a->cmd == XL_CMD_EVENT_CONNECT)
		return XL_EXIT_OK;
	rc = check_shm_name(c, a->args[0], err);
	if (rc == XL_EXIT_OK && a->cmd == XL_CMD_SHM_CREATE && (problem = xl_shm_size_problem(a->args[1], &a->size)))
		rc = usage_error(err, "shm-create: SIZE '%.40s' %s", a->args[1], problem);
	if (rc == XL_EXIT_OK && (a->cmd == XL_CMD_SHM_READ || a->cmd == XL_CMD_SHM_WRITE) && a->nargs > 1)
		rc = check_bytes(c, "OFFSET", a->args[1], &a->offset, err);
	if (rc == XL_EXIT_OK && a->cmd == XL_CMD_SHM_READ && a->nargs > 2) {
		rc = check_bytes(c, "LENGTH", a->args[2], &a->length, err);
		a->have_length = true;
	}
	return rc;
}

static bool is_shm_command(enum xl_cmd cmd)
{
	return cmd >= XL_CMD_SHM_CREATE && cmd <= XL_CMD_EVENT_CLOSE;
}

/* run's values: ids in range, an absolute directory, variables with names */
static int check_run(struct xl_args *a, FILE *err)
{
	const char *why;

	if (a->run_user && (why = xl_run_parse_user(a->run_user, &a->run_uid, &a->run_gid)))
		return usage_error(err, "run: --user '%.40s' %s", a->run_user, why);
	if (a->run_cwd && (why = xl_run_check_cwd(a->run_cwd)))
		return usage_error(err, "run: --cwd '%.40s' %s", a->run_cwd, why);
	for (unsigned int i = 0; i < a->run_nenv; i++)
		if ((why = xl_run_check_env(a->run_env[i])))
			return usage_error(err, "run: --env '%.40s' %s", a->run_env[i], why);
	return XL_EXIT_OK;
}

static int check_arguments(struct xl_args *a, const struct parse_state *st, FILE *err)
{
	const struct command *c = command_of(a->cmd);
	unsigned int min, max;
	const char *bad_id;
	uint32_t id;

	arg_bounds(a, &min, &max);
	if ((a->cmd == XL_CMD_SHUTDOWN || a->cmd == XL_CMD_REBOOT) && a->all && a->nargs)
		return usage_error(err, "%s %s: no DOMAIN with %s", c->name, st->given[OPT_ALL],
				   st->given[OPT_ALL]);
	if (st->extra || a->nargs > max)
		return usage_error(err, "unexpected argument '%s'", st->extra ? st->extra : a->args[max]);
	if (a->nargs < min)
		return usage_error(err, "missing arguments: %s", c->usage);
	if (a->cmd == XL_CMD_MODULE)
		return check_module(a, st, err);
	if (a->cmd == XL_CMD_INTROSPECT)
		return check_introspect(a, st, err);
	if (is_shm_command(a->cmd))
		return check_shm(a, err);
	/* an id written wrong is refused before the device is opened */
	bad_id = xl_args_name_domain(a) ? xl_bad_domid_reason(xl_parse_domid(a->args[0], &id)) : NULL;
	if (bad_id)
		return usage_error(err, "%s: %s", a->args[0], bad_id);
	return a->cmd == XL_CMD_RUN ? check_run(a, err) : XL_EXIT_OK;
}

/* run's --user, --cwd, --env: kept as given, checked with the command's arguments */
static int take_value(int opt, const char *value, struct xl_args *a, struct parse_state *st, FILE *err)
{
	if (opt == OPT_ENV) {
		if (a->run_nenv == XL_RUN_MAX_ENV)
			return usage_error(err, "run: at most %d %s", XL_RUN_MAX_ENV, st->given[opt]);
		a->run_env[a->run_nenv++] = value;
		return XL_EXIT_OK;
	}
	if ((opt == OPT_USER && a->run_user) || (opt == OPT_CWD && a->run_cwd))
		return usage_error(err, "run: %s given twice", st->given[opt]);
	*(opt == OPT_USER ? &a->run_user : &a->run_cwd) = value;
	return XL_EXIT_OK;
}

static void set_flag(struct xl_args *a, int opt, struct parse_state *st)
{
	switch (opt) {
	case OPT_JSON: a->json = true; break;
	case OPT_LONG: a->long_list = true; break;
	case OPT_DRY_RUN: a->dry_run = true; break;
	case OPT_CONSOLE: a->console = true; break;
	case OPT_PAUSED: a->paused = true; break;
	case OPT_WAIT: a->wait = true; break;
	case OPT_ALL: a->all = true; break;
	case OPT_FORCE: a->force = true; break;
	case OPT_RESET: a->reset = true; break;
	case OPT_FOLLOW: a->follow = true; break;
	case OPT_UNSAFE: a->unsafe = true; break;
	case OPT_READ_ONLY: a->read_only = true; break;
	case OPT_NUL: a->nul = true; break;
	case OPT_HELP: st->help = true; break;
	default: break; /* OPT_PAUSED: refused by check_options() */
	}
}

int xl_parse_args(int argc, char *argv[], struct xl_args *a, FILE *err)
{
	char shortopts[2 + 2 * OPT_COUNT + 1];
	struct option longopts[OPT_COUNT + 1];
	struct parse_state st;
	int c, rc, longindex;

	memset(a, 0, sizeof(*a));
	memset(&st, 0, sizeof(st));
	getopt_tables(shortopts, longopts);
	optind = 0; /* glibc: start afresh (the unit tests parse many times) */
	opterr = 0;
	for (;;) {
		longindex = -1;
		optopt = 0;
		c = getopt_long(argc, argv, shortopts, longopts, &longindex);
		if (c == -1)
			break;
		if (c == ':')
			return usage_error(err, "option '%s' needs a value", argv[optind - 1]);
		if (c == '?')
			return bad_option(argv, optind, err);
		if (c == 1) {
			rc = take_word(optarg, a, &st, err);
			if (rc != XL_EXIT_OK)
				return rc;
			continue;
		}
		record_option(option_of_letter(c), longindex, &st);
		if (options[option_of_letter(c)].value) {
			rc = take_value(option_of_letter(c), optarg, a, &st, err);
			if (rc != XL_EXIT_OK)
				return rc;
		}
	}
	/* after "--": arguments, whatever they look like */
	for (; optind < argc; optind++) {
		rc = take_word(argv[optind], a, &st, err);
		if (rc != XL_EXIT_OK)
			return rc;
	}
	share_letters(a, &st);
	for (int i = 0; i < OPT_COUNT; i++)
		if (st.given[i][0])
			set_flag(a, i, &st);
	if (st.help) {
		/* "xl-lite info --help" is "xl-lite help info" */
		if (a->cmd != XL_CMD_HELP)
			a->topic = a->cmd;
		a->cmd = XL_CMD_HELP;
		return XL_EXIT_OK;
	}
	if (a->cmd == XL_CMD_NONE)
		return usage_error(err, "no command given");
	rc = check_options(a, &st, err);
	return rc != XL_EXIT_OK ? rc : check_arguments(a, &st, err);
}

bool xl_cmd_takes_domain(enum xl_cmd cmd)
{
	const struct command *c = command_of(cmd);

	return c && c->takes_domain;
}

bool xl_args_name_domain(const struct xl_args *a)
{
	return xl_cmd_takes_domain(a->cmd) && a->nargs > 0;
}

static void print_options(FILE *f, uint64_t command_bit)
{
	for (int i = 0; i < OPT_COUNT; i++) {
		const char *line = options[i].help;
		char head[32];

		if (!(options[i].commands & command_bit))
			continue;
		snprintf(head, sizeof(head), "-%c, --%s%s%s", options[i].letter, options[i].name,
			 options[i].value ? " " : "", options[i].value ? options[i].value : "");
		/* a long head has a line of its own; continuation lines line up under the first */
		if (strlen(head) > 16) {
			fprintf(f, "  %s\n", head);
			head[0] = '\0';
		}
		for (bool first = true; *line; first = false) {
			size_t len = strcspn(line, "\n");

			fprintf(f, "  %-16s %.*s\n", first ? head : "", (int)len, line);
			line += len + (line[len] == '\n');
		}
	}
}

void xl_print_help(FILE *f, enum xl_cmd topic)
{
	const struct command *c = command_of(topic);

	if (c && topic != XL_CMD_HELP) {
		fprintf(f, "usage: %s\n\n%s\n", c->usage, c->what);
		if (c->takes_domain)
			fputs("\nDOMAIN is the domain's id (decimal, no leading zeros) or its name.\n", f);
		fputs("\nOptions:\n", f);
		print_options(f, CMD(topic));
		return;
	}
	fputs("usage: xl-lite COMMAND [OPTIONS] [ARGUMENTS]\n"
	      "\n"
	      "Control xen-lite from dom0, through /dev/xenlite (the xenlite module); root only.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (unsigned int i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-22s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Options (each command takes those its help lists):\n"
	      "  -j, --json       print one JSON object on one line instead of text\n"
	      "  -h, --help       help (for the command given)\n"
	      "\n"
	      "'xl-lite help COMMAND' gives a command's usage and options.\n"
	      "Exit status: 0 done, 1 the hypervisor or the driver failed (the cause is\n"
	      "printed), 2 usage error.\n",
	      f);
}
