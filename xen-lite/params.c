/* The parameter table: names, types, bounds and defaults (Documentation/boot.md). */
#include <xen-lite/cmdline.h>
#include <xen-lite/log.h>
#include <xen-lite/params.h>
#include <xen-lite/params_xen.h>

struct params params = {
	.console = "com1,115200",
	.loglvl = LOG_INFO,
	.maxcpus = 256,
	.x2apic = false,
	.on_panic = ON_PANIC_HALT,
	.after_boot = AFTER_BOOT_IDLE,
	.dom0_max_vcpus = 1,
	.dom0_on_crash = DOM0_ON_CRASH_KEEP,
};

static const char *const loglvl_names[] = { "error", "warn", "info", "debug", NULL };
static const char *const on_panic_names[] = { "halt", "reboot", NULL };
static const char *const after_boot_names[] = { "idle", "halt", NULL };
static const char *const dom0_on_crash_names[] = { "keep", "reboot", NULL };
static const char *const iommu_names[] = { "on", "off", "required", NULL }; /* enum iommu_mode */
static const char *const modules_names[] = { "dom0", "off", "locked", NULL }; /* enum modules_policy */
static const char *const selftest_names[] = { "none", "ud", "pf", "ap-pf", "panic", "assert", NULL };

static const struct param_desc param_table[] = {
	{ .name = "console", .type = PARAM_STRING, .value = params.console, .string_size = sizeof(params.console) },
	{ .name = "console_delay_us", .type = PARAM_UINT, .value = &params.console_delay_us, .min = 0,
	  .max = 100000 },
	{ .name = "loglvl", .type = PARAM_ENUM, .value = &params.loglvl, .choices = loglvl_names,
	  .alias = xen_form_loglvl },
	{ .name = "maxcpus", .type = PARAM_UINT, .value = &params.maxcpus, .min = 1, .max = 256 },
	{ .name = "x2apic", .type = PARAM_BOOL, .value = &params.x2apic },
	{ .name = "tsc_khz", .type = PARAM_UINT, .value = &params.tsc_khz, .min = 1000, .max = 100000000 },
	{ .name = "on_panic", .type = PARAM_ENUM, .value = &params.on_panic, .choices = on_panic_names },
	{ .name = "after_boot", .type = PARAM_ENUM, .value = &params.after_boot, .choices = after_boot_names },
	{ .name = "debug_exit", .type = PARAM_UINT, .value = &params.debug_exit, .min = 1, .max = 0xffff },
	{ .name = "selftest", .type = PARAM_ENUM, .value = &params.selftest, .choices = selftest_names },
	{ .name = "dom0_mem", .type = PARAM_SIZE, .value = &params.dom0_mem, .min = 64ULL << 20,
	  .max = 1ULL << 50, .alias = xen_form_dom0_mem },
	{ .name = "dom0_max_vcpus", .type = PARAM_UINT, .value = &params.dom0_max_vcpus, .min = 1,
	  .max = 64, .alias = xen_form_dom0_max_vcpus },
	{ .name = "dom0_on_crash", .type = PARAM_ENUM, .value = &params.dom0_on_crash,
	  .choices = dom0_on_crash_names },
	{ .name = "iommu", .type = PARAM_ENUM, .value = &params.iommu, .choices = iommu_names },
	{ .name = "modules", .type = PARAM_ENUM, .value = &params.modules, .choices = modules_names },
	{ .name = "module_sha256", .type = PARAM_STRING, .value = params.module_sha256,
	  .string_size = sizeof(params.module_sha256) },
};

int params_parse(const char *cmdline)
{
	return cmdline_parse(cmdline, param_table, ARRAY_SIZE(param_table));
}
