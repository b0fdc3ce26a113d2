/* xl-lite's argument parsing and output (see xl-lite-fmt.h). */
#include <stdarg.h>
#include <string.h>

#include "xl-lite-fmt.h"

#define MIB(bytes) ((unsigned long long)((bytes) >> 20))

static const struct {
	const char *name;
	enum xl_cmd cmd;
	const char *usage;
	const char *what;
	unsigned int min_args, max_args;
	bool takes_domain; /* args[0] names a domain: an id or a name */
} commands[] = {
	{ "info", XL_CMD_INFO, "xl-lite info [--json]",
	  "The hypervisor: its version and ABI, the TSC frequency, every physical CPU\n"
	  "and the domain that owns it (or free), and where the memory went: total,\n"
	  "hypervisor, dom0, guests and free, in MiB; the IOMMU (driver, units,\n"
	  "whether DMA and interrupt remapping are on) and the DMA it blocked.", 0, 0, false },
	{ "list", XL_CMD_LIST, "xl-lite list [--json]",
	  "The domains: id, name, state, vCPUs, memory in MiB, the physical CPU of\n"
	  "vCPU 0, the VM exits taken so far and their average rate, and the DMA\n"
	  "of its devices the IOMMU blocked; --json also gives each vCPU's exits\n"
	  "(vcpu_exits).", 0, 0, false },
	{ "dmesg", XL_CMD_DMESG, "xl-lite dmesg [--json]",
	  "The hypervisor's log ring, oldest line first: everything it still holds\n"
	  "(the ring keeps the most recent text; older lines are overwritten).", 0, 0, false },
	{ "create", XL_CMD_CREATE, "xl-lite create FILE",
	  "Create and start a guest from a configuration file (Documentation/config.md):\n"
	  "name, type (elf or linux), kernel, ramdisk, memory (MiB), vcpus, cpus,\n"
	  "cmdline, on_crash (preserve, destroy or restart). A bad file is refused\n"
	  "with the line and the reason, and nothing is created. Prints the new\n"
	  "domain's id.",
	  1, 1, false },
	{ "create-elf", XL_CMD_CREATE_ELF, "xl-lite create-elf NAME FILE [MEM_MIB [CPU]]",
	  "Create a guest from a 64-bit ELF image (a lightweight kernel or a test guest)\n"
	  "with MEM_MIB MiB of memory (default 2) on physical CPU CPU (default: any free\n"
	  "one) and start it. Its command line is \"xl-guest name=NAME\". Prints the\n"
	  "new domain's id. The image must fit the driver's 64 KiB transfer.",
	  2, 4, false },
	{ "destroy", XL_CMD_DESTROY, "xl-lite destroy DOMAIN",
	  "Stop DOMAIN and give its CPUs and memory back.", 1, 1, true },
	{ "pause", XL_CMD_PAUSE, "xl-lite pause DOMAIN", "Stop DOMAIN's vCPUs where they are.", 1, 1,
	  true },
	{ "unpause", XL_CMD_UNPAUSE, "xl-lite unpause DOMAIN", "Let a paused domain run again.", 1, 1,
	  true },
	{ "shutdown", XL_CMD_SHUTDOWN, "xl-lite shutdown DOMAIN",
	  "Ask DOMAIN to shut down. The guest sees the request when it next asks\n"
	  "(XL_SHUTDOWN_QUERY) and ends itself; one that never asks keeps running\n"
	  "(xl-lite destroy ends it at once).", 1, 1, true },
	{ "console", XL_CMD_CONSOLE, "xl-lite console DOMAIN",
	  "Attach to DOMAIN's console: its output since the last read, then live;\n"
	  "what you type goes to the guest. Ctrl-] detaches. With standard input not a\n"
	  "terminal, the input is sent and the command returns once the guest has been\n"
	  "quiet for a second after it. Output written while nobody is attached is kept\n"
	  "(the last 16 KiB; bytes lost before that are reported).", 1, 1, true },
	{ "pci-assignable-add", XL_CMD_PCI_ASSIGNABLE_ADD, "xl-lite pci-assignable-add BDF",
	  "Take PCI function BDF (SSSS:BB:DD.F or BB:DD.F) from dom0 so that it can be\n"
	  "given to a guest: the hypervisor checks it first (it exists, on the root bus,\n"
	  "not a bridge nor an IOMMU, an IOMMU translates DMA); then dom0's driver is\n"
	  "unbound, the device reset (when Linux offers a reset for it), and the\n"
	  "hypervisor moves it out of dom0's IO space: its DMA is blocked, its bus\n"
	  "mastering off. A refused function is left as it was.", 1, 1, false },
	{ "pci-assignable-remove", XL_CMD_PCI_ASSIGNABLE_REMOVE, "xl-lite pci-assignable-remove BDF",
	  "Give an assignable PCI function back to dom0: into dom0's IO space again,\n"
	  "then Linux is asked to bind a driver to it.", 1, 1, false },
	{ "pci-assignable-list", XL_CMD_PCI_ASSIGNABLE_LIST, "xl-lite pci-assignable-list [--json]",
	  "The PCI functions taken from dom0, one a line: assignable, or assigned and\n"
	  "to which domain.", 0, 0, false },
	{ "pci-list", XL_CMD_PCI_LIST, "xl-lite pci-list DOMAIN [--json]",
	  "The PCI functions DOMAIN has.", 1, 1, true },
	{ "help", XL_CMD_HELP, "xl-lite help [COMMAND]", "This text, or a command's.", 0, 0, false },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int find_command(const char *name)
{
	for (unsigned int i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return (int)i;
	return -1;
}

static int command_index(enum xl_cmd cmd)
{
	for (unsigned int i = 0; i < NR_COMMANDS; i++)
		if (commands[i].cmd == cmd)
			return (int)i;
	return -1;
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

/* Why s is not a domain id though it is written as one, or NULL. */
static const char *bad_id_reason(enum xl_domain_lookup r)
{
	return r == XL_DOMAIN_LEADING_ZERO ? "a domain id is decimal, without leading zeros"
	       : r == XL_DOMAIN_ID_TOO_LARGE ? "too large for a domain id"
					     : NULL;
}

int xl_parse_args(int argc, char *const argv[], struct xl_args *a, FILE *err)
{
	const char *bad_id;
	uint32_t id;
	bool help = false;
	const char *extra = NULL;

	a->cmd = XL_CMD_NONE;
	a->topic = XL_CMD_NONE;
	a->json = false;
	a->nargs = 0;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "--json") || !strcmp(s, "-j")) {
			a->json = true;
		} else if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			help = true;
		} else if (s[0] == '-' && s[1]) {
			return usage_error(err, "unknown option '%s'", s);
		} else if (a->cmd == XL_CMD_NONE) {
			int c = find_command(s);

			if (c < 0)
				return usage_error(err, "unknown command '%s'", s);
			a->cmd = commands[c].cmd;
		} else if (a->cmd == XL_CMD_HELP && a->topic == XL_CMD_NONE) {
			int c = find_command(s);

			if (c < 0)
				return usage_error(err, "no help for '%s': not a command", s);
			a->topic = commands[c].cmd;
		} else if (a->nargs < XL_MAX_ARGS && command_index(a->cmd) >= 0 &&
			   a->nargs < commands[command_index(a->cmd)].max_args) {
			a->args[a->nargs++] = s;
		} else if (!extra) {
			extra = s;
		}
	}
	if (help) {
		/* "xl-lite info --help" is "xl-lite help info" */
		if (a->cmd != XL_CMD_HELP)
			a->topic = a->cmd;
		a->cmd = XL_CMD_HELP;
		return XL_EXIT_OK;
	}
	if (a->cmd == XL_CMD_NONE)
		return usage_error(err, "no command given");
	if (extra)
		return usage_error(err, "unexpected argument '%s'", extra);
	if (a->nargs < commands[command_index(a->cmd)].min_args)
		return usage_error(err, "missing arguments: %s", commands[command_index(a->cmd)].usage);
	/* an id written wrong is refused before the device is opened */
	bad_id = commands[command_index(a->cmd)].takes_domain
			 ? bad_id_reason(xl_parse_domid(a->args[0], &id))
			 : NULL;
	if (bad_id)
		return usage_error(err, "%s: %s", a->args[0], bad_id);
	return XL_EXIT_OK;
}

bool xl_cmd_takes_domain(enum xl_cmd cmd)
{
	int c = command_index(cmd);

	return c >= 0 && commands[c].takes_domain;
}

enum xl_domain_lookup xl_parse_domid(const char *s, uint32_t *domid)
{
	size_t digits = strspn(s, "0123456789");
	unsigned long long id = 0;

	if (!digits || s[digits])
		return XL_DOMAIN_NO_SUCH_NAME; /* not a number: a name */
	if (s[0] == '0' && digits > 1)
		return XL_DOMAIN_LEADING_ZERO;
	for (size_t i = 0; i < digits; i++) {
		id = id * 10 + (unsigned long long)(s[i] - '0');
		if (id > UINT32_MAX)
			return XL_DOMAIN_ID_TOO_LARGE;
	}
	*domid = (uint32_t)id;
	return XL_DOMAIN_FOUND;
}

enum xl_domain_lookup xl_find_domain(const char *arg, xl_domain_list_fn list, void *ctx,
				     struct xl_domain_info *doms, unsigned int max, uint32_t *domid)
{
	enum xl_domain_lookup r = xl_parse_domid(arg, domid);
	unsigned int found = 0;
	int n;

	if (r != XL_DOMAIN_NO_SUCH_NAME)
		return r;
	n = list(ctx, doms, max);
	if (n < 0)
		return XL_DOMAIN_LIST_FAILED;
	for (unsigned int i = 0; i < (unsigned int)n && i < max; i++) {
		/* a name that fills the field has no NUL: compare within it */
		if (strlen(arg) < sizeof(doms[i].name) &&
		    !strncmp(doms[i].name, arg, sizeof(doms[i].name))) {
			*domid = doms[i].domid;
			found++;
		}
	}
	return found == 1 ? XL_DOMAIN_FOUND : found ? XL_DOMAIN_NAME_TWICE : XL_DOMAIN_NO_SUCH_NAME;
}

int xl_domain_lookup_error(FILE *err, enum xl_domain_lookup result, const char *arg)
{
	switch (result) {
	case XL_DOMAIN_FOUND:
		return XL_EXIT_OK;
	case XL_DOMAIN_LIST_FAILED:
		return XL_EXIT_ERROR;
	case XL_DOMAIN_LEADING_ZERO:
	case XL_DOMAIN_ID_TOO_LARGE:
		fprintf(err, "xl-lite: %s: %s\n", arg, bad_id_reason(result));
		return XL_EXIT_USAGE;
	case XL_DOMAIN_NAME_TWICE:
		fprintf(err, "xl-lite: more than one domain is named '%s': give its id\n", arg);
		return XL_EXIT_ERROR;
	case XL_DOMAIN_NO_SUCH_NAME:
	default:
		/* "0x10" is a name here: say why it was not taken as an id */
		fprintf(err, "xl-lite: no domain named '%s'%s\n", arg,
			arg[0] >= '0' && arg[0] <= '9' ? " (a domain id is decimal)" : "");
		return XL_EXIT_ERROR;
	}
}

void xl_print_help(FILE *f, enum xl_cmd topic)
{
	int c = command_index(topic);

	if (c >= 0 && topic != XL_CMD_HELP) {
		fprintf(f, "usage: %s\n\n%s\n", commands[c].usage, commands[c].what);
		if (commands[c].takes_domain)
			fputs("\nDOMAIN is the domain's id (decimal, no leading zeros) or its name.\n", f);
		fputs("\n--json, -j  print one JSON object on one line instead of text\n", f);
		return;
	}
	fputs("usage: xl-lite COMMAND [--json]\n"
	      "\n"
	      "Control xen-lite from dom0, through /dev/xenlite (the xenlite module); root only.\n"
	      "\n"
	      "Commands:\n"
	      "  info           the hypervisor: version, ABI, TSC, CPUs and their owners, memory\n"
	      "  list           the domains: id, name, state, vCPUs, memory, VM exits\n"
	      "  dmesg          the hypervisor's log ring\n"
	      "  pci-assignable-add BDF | pci-assignable-remove BDF | pci-assignable-list\n"
	      "                 take a PCI function from dom0 for guests, give it back, list\n"
	      "  help [COMMAND] this text, or a command's\n"
	      "\n"
	      "Options:\n"
	      "  --json, -j     print one JSON object on one line instead of text\n"
	      "  --help, -h     help (for the command given)\n"
	      "\n"
	      "Exit status: 0 done, 1 the hypervisor or the driver failed (the cause is\n"
	      "printed), 2 usage error.\n",
	      f);
}

const char *xl_format_bdf(uint16_t segment, uint16_t bdf, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%02x:%02x.%u", segment, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	return buf;
}

void xl_print_pci_list(FILE *f, const struct xl_pci_device *d, unsigned int n, bool json)
{
	char b[16];

	if (json)
		fputs("{\"devices\":[", f);
	for (unsigned int i = 0; i < n; i++) {
		const char *state = d[i].state == XL_PCI_ASSIGNABLE ? "assignable"
				    : d[i].state == XL_PCI_ASSIGNED ? "assigned"
								     : "unknown";

		xl_format_bdf(d[i].segment, d[i].bdf, b, sizeof(b));
		if (json) {
			fprintf(f, "%s{\"bdf\":\"%s\",\"state\":\"%s\"", i ? "," : "", b, state);
			if (d[i].state == XL_PCI_ASSIGNED)
				fprintf(f, ",\"domid\":%u", d[i].domid);
			fputc('}', f);
		} else if (d[i].state == XL_PCI_ASSIGNED) {
			fprintf(f, "%s %s d%u\n", b, state, d[i].domid);
		} else {
			fprintf(f, "%s %s\n", b, state);
		}
	}
	if (json)
		fputs("]}\n", f);
}

const char *xl_state_name(uint32_t state, char *buf, size_t size)
{
	static const char *const names[] = {
		[XL_DOMAIN_BUILDING] = "building", [XL_DOMAIN_RUNNING] = "running",
		[XL_DOMAIN_PAUSED] = "paused",	   [XL_DOMAIN_SHUTDOWN] = "shutdown",
		[XL_DOMAIN_CRASHED] = "crashed",   [XL_DOMAIN_DYING] = "dying",
	};

	if (state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	snprintf(buf, size, "state-%u", state);
	return buf;
}

/* the characters of a JSON string, without the quotes */
static void json_chars(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
}

void xl_json_string(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	json_chars(f, s, len);
	fputc('"', f);
}

/* a fixed-size, maybe unterminated string field, printable characters only */
static void print_field(FILE *f, const char *s, size_t max)
{
	size_t len = strnlen(s, max);

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		fputc(c >= 0x20 && c < 0x7f ? c : '?', f);
	}
}

static unsigned int listed_cpus(const struct xl_sysinfo *si)
{
	return si->nr_cpus < XL_SYSINFO_MAX_CPUS ? si->nr_cpus : XL_SYSINFO_MAX_CPUS;
}

static void print_info_text(FILE *f, const struct xl_sysinfo *si)
{
	unsigned int cpus = listed_cpus(si);

	fputs("hypervisor: xen-lite ", f);
	if (strnlen(si->version, sizeof(si->version)))
		print_field(f, si->version, sizeof(si->version));
	else
		fputs("(no version)", f);
	fprintf(f, "\nabi: %u.%u\n", si->abi_version >> 16, si->abi_version & 0xffff);
	fprintf(f, "tsc: %llu.%03llu MHz\n", (unsigned long long)(si->tsc_khz / 1000),
		(unsigned long long)(si->tsc_khz % 1000));
	fprintf(f, "cpus: %u", si->nr_cpus);
	if (cpus < si->nr_cpus)
		fprintf(f, " (the first %u listed)", cpus);
	fputc('\n', f);
	for (unsigned int c = 0; c < cpus; c++) {
		int32_t owner = si->cpu_owner[c];

		fprintf(f, "cpu %u: ", c);
		if (owner == XL_CPU_FREE)
			fputs("free", f);
		else if (owner == 0)
			fputs("dom0", f);
		else if (owner > 0)
			fprintf(f, "d%d", owner);
		else
			fprintf(f, "owner %d?", owner);
		fprintf(f, " (apic %u)\n", si->cpu_apic_id[c]);
	}
	fprintf(f, "memory total: %llu MiB\n", MIB(si->mem_total));
	fprintf(f, "memory hypervisor: %llu MiB\n", MIB(si->mem_hypervisor));
	fprintf(f, "memory dom0: %llu MiB\n", MIB(si->mem_dom0));
	fprintf(f, "memory guests: %llu MiB\n", MIB(si->mem_guests));
	fprintf(f, "memory free: %llu MiB\n", MIB(si->mem_free));
	fputs("iommu: ", f);
	if (strnlen(si->iommu, sizeof(si->iommu))) {
		print_field(f, si->iommu, sizeof(si->iommu));
		fprintf(f, ", %u unit(s), DMA remapping %s, interrupt remapping %s\n", si->iommu_units,
			si->iommu_flags & XL_IOMMU_DMA_REMAP ? "on" : "off",
			si->iommu_flags & XL_IOMMU_INTR_REMAP ? "on" : "off");
	} else {
		fputs("none\n", f);
	}
	fprintf(f, "dma faults: %llu\n", (unsigned long long)si->dma_faults);
}

static void print_info_json(FILE *f, const struct xl_sysinfo *si)
{
	unsigned int cpus = listed_cpus(si);

	fputs("{\"version\":", f);
	xl_json_string(f, si->version, strnlen(si->version, sizeof(si->version)));
	fprintf(f, ",\"abi\":\"%u.%u\",\"abi_version\":%u", si->abi_version >> 16,
		si->abi_version & 0xffff, si->abi_version);
	fprintf(f, ",\"tsc_khz\":%llu,\"nr_cpus\":%u,\"cpus\":[", (unsigned long long)si->tsc_khz,
		si->nr_cpus);
	for (unsigned int c = 0; c < cpus; c++) {
		fprintf(f, "%s{\"cpu\":%u,\"apic_id\":%u,\"owner\":", c ? "," : "", c,
			si->cpu_apic_id[c]);
		if (si->cpu_owner[c] == XL_CPU_FREE)
			fputs("null}", f);
		else
			fprintf(f, "%d}", si->cpu_owner[c]);
	}
	fputs("],\"iommu\":", f);
	if (strnlen(si->iommu, sizeof(si->iommu))) {
		fputs("{\"driver\":", f);
		xl_json_string(f, si->iommu, strnlen(si->iommu, sizeof(si->iommu)));
		fprintf(f, ",\"units\":%u,\"dma_remap\":%s,\"intr_remap\":%s}", si->iommu_units,
			si->iommu_flags & XL_IOMMU_DMA_REMAP ? "true" : "false",
			si->iommu_flags & XL_IOMMU_INTR_REMAP ? "true" : "false");
	} else {
		fputs("null", f);
	}
	fprintf(f, ",\"dma_faults\":%llu", (unsigned long long)si->dma_faults);
	fprintf(f,
		",\"memory\":{\"total\":%llu,\"hypervisor\":%llu,\"dom0\":%llu,\"guests\":%llu,"
		"\"free\":%llu}}\n",
		(unsigned long long)si->mem_total, (unsigned long long)si->mem_hypervisor,
		(unsigned long long)si->mem_dom0, (unsigned long long)si->mem_guests,
		(unsigned long long)si->mem_free);
}

void xl_print_info(FILE *f, const struct xl_sysinfo *si, bool json)
{
	if (json)
		print_info_json(f, si);
	else
		print_info_text(f, si);
}

/* Average exits per second over the domain's life (0 for a domain younger than 1 ms). */
static unsigned long long exit_rate(const struct xl_domain_info *d)
{
	if (d->uptime_us < 1000)
		return 0;
	if (d->exits > UINT64_MAX / 1000000)
		return d->exits / (d->uptime_us / 1000000 ? d->uptime_us / 1000000 : 1);
	return d->exits * 1000000 / d->uptime_us;
}

void xl_print_domains(FILE *f, const struct xl_domain_info *doms, unsigned int n, bool json)
{
	char sbuf[24];

	if (json) {
		fputs("{\"domains\":[", f);
		for (unsigned int i = 0; i < n; i++) {
			const struct xl_domain_info *d = &doms[i];
			const char *state = xl_state_name(d->state, sbuf, sizeof(sbuf));

			fprintf(f, "%s{\"id\":%u,\"name\":", i ? "," : "", d->domid);
			xl_json_string(f, d->name, strnlen(d->name, sizeof(d->name)));
			fputs(",\"state\":", f);
			xl_json_string(f, state, strlen(state));
			fprintf(f,
				",\"vcpus\":%u,\"first_cpu\":%u,\"memory\":%llu,\"exits\":%llu,"
				"\"exits_per_s\":%llu,\"dma_faults\":%llu,\"vcpu_exits\":[",
				d->nr_vcpus, d->first_cpu, (unsigned long long)d->mem_bytes,
				(unsigned long long)d->exits, exit_rate(d), (unsigned long long)d->dma_faults);
			for (unsigned int v = 0; v < d->nr_vcpus && v < XL_MAX_GUEST_VCPUS; v++)
				fprintf(f, "%s%llu", v ? "," : "", (unsigned long long)d->vcpu_exits[v]);
			fputs("]}", f);
		}
		fputs("]}\n", f);
		return;
	}
	fprintf(f, "%4s %-16s %-9s %5s %9s %4s %14s %9s %10s\n", "ID", "NAME", "STATE", "VCPUS",
		"MEM(MiB)", "CPU", "EXITS", "EXITS/S", "DMA-FAULTS");
	for (unsigned int i = 0; i < n; i++) {
		const struct xl_domain_info *d = &doms[i];
		size_t len = strnlen(d->name, sizeof(d->name));

		fprintf(f, "%4u ", d->domid);
		print_field(f, d->name, sizeof(d->name));
		fprintf(f, "%*s %-9s %5u %9llu %4u %14llu %9llu %10llu\n", len < 16 ? (int)(16 - len) : 0, "",
			xl_state_name(d->state, sbuf, sizeof(sbuf)), d->nr_vcpus, MIB(d->mem_bytes),
			d->first_cpu, (unsigned long long)d->exits, exit_rate(d),
			(unsigned long long)d->dma_faults);
	}
}

int xl_dmesg(FILE *f, FILE *warn, xl_log_read_fn read, void *ctx, struct xl_log_chunk *chunk,
	     size_t size, bool json)
{
	uint64_t pos = 0, end = 0, lost = 0;
	bool first = true;
	char last = '\n';
	int rc = 0;

	for (;;) {
		int64_t n = read(ctx, pos, chunk, size);

		if (n < 0) {
			rc = -1;
			break;
		}
		if (chunk->len > size - sizeof(*chunk))
			chunk->len = (uint32_t)(size - sizeof(*chunk));
		if (first) {
			/* the text before chunk->pos is older than what the ring keeps */
			end = chunk->head;
			if (json)
				fprintf(f, "{\"start\":%llu,\"text\":\"", (unsigned long long)chunk->pos);
			first = false;
		} else if (chunk->pos > pos) {
			lost += chunk->pos - pos;
		}
		if (json) {
			json_chars(f, chunk->data, chunk->len); /* one string across chunks */
		} else if (chunk->len) {
			fwrite(chunk->data, 1, chunk->len, f);
			last = chunk->data[chunk->len - 1];
		}
		/* stop when the ring has nothing more, or at the first head seen */
		if (chunk->len == 0 || chunk->next <= pos) {
			if (chunk->next > pos)
				pos = chunk->next;
			break;
		}
		pos = chunk->next;
		if (pos >= end)
			break;
	}
	if (json) {
		if (first)
			return rc;
		fprintf(f, "\",\"end\":%llu,\"lost\":%llu}\n", (unsigned long long)pos,
			(unsigned long long)lost);
	} else if (last != '\n') {
		fputc('\n', f);
	}
	if (lost && warn)
		fprintf(warn, "xl-lite: %llu bytes of log were overwritten while reading\n",
			(unsigned long long)lost);
	return rc;
}
