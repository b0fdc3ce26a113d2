/*
 * The hypervisor's command-line parameters, parsed once at boot. Each is
 * documented in Documentation/boot.md; the table is in xen-lite/params.c.
 */
#ifndef XEN_LITE_PARAMS_H
#define XEN_LITE_PARAMS_H

#include <xen-lite/types.h>

enum on_panic { ON_PANIC_HALT, ON_PANIC_REBOOT };
enum after_boot { AFTER_BOOT_IDLE, AFTER_BOOT_HALT };
enum dom0_on_crash { DOM0_ON_CRASH_KEEP, DOM0_ON_CRASH_REBOOT };
enum modules_policy { MODULES_DOM0, MODULES_OFF, MODULES_LOCKED }; /* behaviour modules */
#define MODULE_SHA256_LIST_MAX 8 /* hashes module_sha256= may name */
enum selftest {
	SELFTEST_NONE,
	SELFTEST_UD, /* invalid opcode on the boot CPU */
	SELFTEST_PF, /* read the hypervisor's own physical load address through the dropped identity map */
	SELFTEST_AP_PF, /* page fault on the last application processor */
	SELFTEST_PANIC, /* explicit panic() */
	SELFTEST_ASSERT, /* failed ASSERT() */
};

struct params {
	char console[32];
	uint64_t console_delay_us; /* after each byte to the serial console: a slow line, for tests */
	unsigned int loglvl; /* enum log_level */
	uint64_t maxcpus;
	bool x2apic;
	uint64_t tsc_khz; /* 0: measure */
	unsigned int on_panic;
	unsigned int after_boot;
	uint64_t debug_exit; /* I/O port of QEMU's isa-debug-exit, 0: none */
	unsigned int selftest;
	uint64_t dom0_mem; /* 0: all available memory */
	uint64_t dom0_max_vcpus;
	unsigned int dom0_on_crash;
	unsigned int iommu; /* enum iommu_mode */
	unsigned int modules; /* enum modules_policy */
	char module_sha256[MODULE_SHA256_LIST_MAX * 65]; /* comma-separated, for modules=locked */
};

extern struct params params;

/* Parse the command line into params; returns the number of problems reported. */
int params_parse(const char *cmdline);

#endif
