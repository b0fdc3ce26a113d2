/*
 * A test module for the module checker's unit test (tests/unit/test_module_elf.c),
 * never loaded: it holds one of each thing a module's object has - calls to
 * exported functions, a string literal, an initialised writable global, a
 * bss array, a table of function pointers - so that its relocations cover
 * the kinds the compiler emits for -mcmodel=kernel.
 */
#include <xen-lite/module.h>

static char last_args[32] = "sample-none-yet"; /* .data: the test finds these bytes */
static uint64_t exits_seen[64]; /* .bss */
static unsigned int loads;

static const char *sample_busy(void)
{
	return loads > 1 ? "sample: loaded twice" : NULL;
}

static const char *sample_quiet(void)
{
	return NULL;
}

/* .rodata with R_X86_64_64 relocations to text */
static const char *(*const busy_checks[])(void) = { sample_busy, sample_quiet };

static int64_t sample_call(struct xl_module_call *c)
{
	uint64_t *slot = &exits_seen[c->op % 64]; /* an absolute (32S) address in kernel code */
	const char *busy = busy_checks[c->arg % 2](); /* indexed at run time: the table is kept */

	*slot += c->arg;
	return busy ? -1 : (int64_t)*slot;
}

static int sample_init(const char *args)
{
	memset(exits_seen, 0, sizeof(exits_seen));
	strlcpy(last_args, args, sizeof(last_args));
	loads++;
	xl_log(LOG_INFO, "sample: loaded with '%s'\n", last_args);
	return xl_module_ops(sample_call);
}

static void sample_exit(void)
{
	xl_log(LOG_INFO, "sample: %llu exits of op 0\n", (unsigned long long)exits_seen[0]);
}

XL_MODULE("sample", "1.0-test", sample_init, sample_exit, sample_busy);
