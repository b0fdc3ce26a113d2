/*
 * The hypervisor's key menu on its console (include/xen-lite/console.h):
 * what an operator gets by typing at the hypervisor (on a console shared
 * with dom0, after switching the input over with Ctrl-A three times).
 */
#include <xen-lite/console.h>
#include <xen-lite/domain.h>
#include <xen-lite/pcpu.h>
#include <xen-lite/string.h>

#define KEYS_MAX_DOMAINS 8 /* lines the 'd' key prints */

struct domain_line {
	uint32_t id, state, nr_vcpus;
	char name[DOMAIN_NAME_MAX];
	uint64_t mem, exits;
};

struct domain_lines {
	struct domain_line line[KEYS_MAX_DOMAINS];
	unsigned int n;
};

static void show_help(void)
{
	printk("(XL) console: keys for the hypervisor: 'h' this help, 'd' domains, 'm' memory;\n"
	       "(XL) console: Ctrl-A three times gives the input back to dom0\n");
}

/* Under the domain list's lock: copy, print later (printing takes the console's lock). */
static void take_line(const struct domain *d, void *ctx)
{
	struct domain_lines *lines = ctx;
	struct domain_line *l = &lines->line[lines->n];

	if (lines->n == KEYS_MAX_DOMAINS)
		return;
	*l = (struct domain_line){ .id = d->id, .state = (uint32_t)d->state,
				   .nr_vcpus = d->nr_vcpus, .mem = domain_memory(d) };
	memcpy(l->name, d->name, sizeof(l->name));
	for (unsigned int r = 0; r < EXIT_REASON_COUNT; r++)
		l->exits += domain_exits(d, (enum exit_reason)r);
	lines->n++;
}

static void show_domains(void)
{
	struct domain_lines lines = { .n = 0 };

	domain_for_each(take_line, &lines);
	for (unsigned int i = 0; i < lines.n; i++)
		printk("(XL) d%u %-16s state %u vcpus %u mem %llu MiB exits %llu\n", lines.line[i].id,
		       lines.line[i].name, lines.line[i].state, lines.line[i].nr_vcpus,
		       (unsigned long long)(lines.line[i].mem >> 20),
		       (unsigned long long)lines.line[i].exits);
}

void console_hypervisor_key(int c)
{
	if (c == 'h' || c == '?')
		show_help();
	else if (c == 'd')
		show_domains();
	else if (c == 'm')
		printk("(XL) memory: %u CPU(s) free for guests\n", pcpus_free());
}
