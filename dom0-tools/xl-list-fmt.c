/* xl-lite list and vcpu-list output (see xl-list-fmt.h). */
#include <string.h>

#include "xl-lite-fmt.h"
#include "xl-list-fmt.h"

#define MIB(bytes) ((unsigned long long)((bytes) >> 20))

/* Average exits per second over the domain's life (0 for a domain younger than 1 ms). */
static unsigned long long exit_rate(const struct xl_domain_info *d)
{
	if (d->uptime_us < 1000)
		return 0;
	if (d->exits > UINT64_MAX / 1000000)
		return d->exits / (d->uptime_us / 1000000 ? d->uptime_us / 1000000 : 1);
	return d->exits * 1000000 / d->uptime_us;
}

const char *xl_format_uptime(uint64_t uptime_us, char *buf, size_t size)
{
	uint64_t s = uptime_us / 1000000;

	snprintf(buf, size, "%llu:%02u:%02u", (unsigned long long)(s / 3600),
		 (unsigned int)(s / 60 % 60), (unsigned int)(s % 60));
	return buf;
}

/* the per-vCPU exits the ABI carries: the first XL_MAX_GUEST_VCPUS */
static unsigned int vcpus_with_exits(const struct xl_domain_info *d)
{
	return d->nr_vcpus < XL_MAX_GUEST_VCPUS ? d->nr_vcpus : XL_MAX_GUEST_VCPUS;
}

static void print_domain_json(FILE *f, const struct xl_domain_info *d)
{
	char sbuf[24];
	const char *state = xl_state_name(d->state, sbuf, sizeof(sbuf));

	fprintf(f, "{\"id\":%u,\"name\":", d->domid);
	xl_json_string(f, d->name, strnlen(d->name, sizeof(d->name)));
	fputs(",\"state\":", f);
	xl_json_string(f, state, strlen(state));
	fprintf(f,
		",\"vcpus\":%u,\"first_cpu\":%u,\"memory\":%llu,\"exits\":%llu,"
		"\"exits_per_s\":%llu,\"dma_faults\":%llu,\"uptime_us\":%llu,\"vcpu_exits\":[",
		d->nr_vcpus, d->first_cpu, (unsigned long long)d->mem_bytes,
		(unsigned long long)d->exits, exit_rate(d), (unsigned long long)d->dma_faults,
		(unsigned long long)d->uptime_us);
	for (unsigned int v = 0; v < vcpus_with_exits(d); v++)
		fprintf(f, "%s%llu", v ? "," : "", (unsigned long long)d->vcpu_exits[v]);
	fputs("]}", f);
}

/* the name in a column of 16, longer names pushing the rest right */
static void print_name_column(FILE *f, const struct xl_domain_info *d)
{
	size_t len = strnlen(d->name, sizeof(d->name));

	xl_print_field(f, d->name, sizeof(d->name));
	fprintf(f, "%*s", len < 16 ? (int)(16 - len) : 0, "");
}

static void print_domain_line(FILE *f, const struct xl_domain_info *d)
{
	char sbuf[24], up[24];

	print_name_column(f, d);
	fprintf(f, " %5u %9llu %5u %-9s %10s %4u %14llu %9llu %10llu\n", d->domid,
		MIB(d->mem_bytes), d->nr_vcpus, xl_state_name(d->state, sbuf, sizeof(sbuf)),
		xl_format_uptime(d->uptime_us, up, sizeof(up)), d->first_cpu,
		(unsigned long long)d->exits, exit_rate(d), (unsigned long long)d->dma_faults);
}

void xl_print_domains(FILE *f, const struct xl_domain_info *doms, unsigned int n, bool json)
{
	if (json) {
		fputs("{\"domains\":[", f);
		for (unsigned int i = 0; i < n; i++) {
			fputs(i ? "," : "", f);
			print_domain_json(f, &doms[i]);
		}
		fputs("]}\n", f);
		return;
	}
	fprintf(f, "%-16s %5s %9s %5s %-9s %10s %4s %14s %9s %10s\n", "NAME", "ID", "MEM(MiB)",
		"VCPUS", "STATE", "UPTIME", "CPU", "EXITS", "EXITS/S", "DMA-FAULTS");
	for (unsigned int i = 0; i < n; i++)
		print_domain_line(f, &doms[i]);
}

static void print_domain_block(FILE *f, const struct xl_domain_info *d)
{
	char sbuf[24], up[24];

	fputs("name:        ", f);
	xl_print_field(f, d->name, sizeof(d->name));
	fprintf(f, "\nid:          %u\n", d->domid);
	fprintf(f, "state:       %s\n", xl_state_name(d->state, sbuf, sizeof(sbuf)));
	fprintf(f, "memory:      %llu MiB (%llu bytes)\n", MIB(d->mem_bytes),
		(unsigned long long)d->mem_bytes);
	fprintf(f, "vcpus:       %u\n", d->nr_vcpus);
	fprintf(f, "first cpu:   %u\n", d->first_cpu);
	fprintf(f, "uptime:      %s (%llu us)\n", xl_format_uptime(d->uptime_us, up, sizeof(up)),
		(unsigned long long)d->uptime_us);
	fprintf(f, "exits:       %llu\n", (unsigned long long)d->exits);
	fprintf(f, "exits/s:     %llu\n", exit_rate(d));
	fprintf(f, "dma faults:  %llu\n", (unsigned long long)d->dma_faults);
	for (unsigned int v = 0; v < vcpus_with_exits(d); v++)
		fprintf(f, "vcpu %u exits: %llu\n", v, (unsigned long long)d->vcpu_exits[v]);
}

void xl_print_domains_long(FILE *f, const struct xl_domain_info *doms, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		fputs(i ? "\n" : "", f);
		print_domain_block(f, &doms[i]);
	}
}

static bool owns(const struct xl_sysinfo *si, unsigned int cpu, uint32_t domid)
{
	return si->cpu_owner[cpu] >= 0 && (uint32_t)si->cpu_owner[cpu] == domid;
}

int xl_vcpu_cpu(const struct xl_domain_info *d, unsigned int vcpu)
{
	if (vcpu >= d->nr_vcpus || vcpu >= XL_MAX_GUEST_VCPUS)
		return -1;
	return (int)d->vcpu_cpu[vcpu];
}

const char *xl_format_domain_cpus(uint32_t domid, const struct xl_sysinfo *si, char *buf,
				  size_t size)
{
	size_t len = 0;
	unsigned int c = 0, n = xl_listed_cpus(si);

	snprintf(buf, size, "-");
	while (c < n) {
		unsigned int first;

		if (!owns(si, c, domid)) {
			c++;
			continue;
		}
		for (first = c; c + 1 < n && owns(si, c + 1, domid); c++)
			;
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, first == c ? "%s%u" : "%s%u-%u",
						len ? "," : "", first, c);
		c++;
	}
	return buf;
}

static void print_vcpu_json(FILE *f, const struct xl_domain_info *d, unsigned int v, int cpu)
{
	char sbuf[24];
	const char *state = xl_state_name(d->state, sbuf, sizeof(sbuf));

	fputs("{\"name\":", f);
	xl_json_string(f, d->name, strnlen(d->name, sizeof(d->name)));
	fprintf(f, ",\"id\":%u,\"vcpu\":%u,", d->domid, v);
	fprintf(f, cpu < 0 ? "\"cpu\":null" : "\"cpu\":%d", cpu);
	fputs(",\"state\":", f);
	xl_json_string(f, state, strlen(state));
	if (v < XL_MAX_GUEST_VCPUS)
		fprintf(f, ",\"exits\":%llu}", (unsigned long long)d->vcpu_exits[v]);
	else
		fputs(",\"exits\":null}", f);
}

static void print_vcpu_line(FILE *f, const struct xl_domain_info *d, unsigned int v, int cpu,
			    const struct xl_sysinfo *si)
{
	char sbuf[24], cpus[128], cpu_text[12] = "-", exits[24] = "-";

	if (cpu >= 0)
		snprintf(cpu_text, sizeof(cpu_text), "%d", cpu);
	if (v < XL_MAX_GUEST_VCPUS)
		snprintf(exits, sizeof(exits), "%llu", (unsigned long long)d->vcpu_exits[v]);
	print_name_column(f, d);
	fprintf(f, " %5u %4u %4s %-9s %14s %s\n", d->domid, v, cpu_text,
		xl_state_name(d->state, sbuf, sizeof(sbuf)), exits,
		xl_format_domain_cpus(d->domid, si, cpus, sizeof(cpus)));
}

void xl_print_vcpus(FILE *f, const struct xl_domain_info *doms, unsigned int n,
		    const struct xl_sysinfo *si, bool json)
{
	bool first = true;

	if (json)
		fputs("{\"vcpus\":[", f);
	else
		fprintf(f, "%-16s %5s %4s %4s %-9s %14s %s\n", "NAME", "ID", "VCPU", "CPU", "STATE",
			"EXITS", "CPUS");
	for (unsigned int i = 0; i < n; i++) {
		for (unsigned int v = 0; v < doms[i].nr_vcpus; v++) {
			int cpu = xl_vcpu_cpu(&doms[i], v);

			if (json) {
				fputs(first ? "" : ",", f);
				print_vcpu_json(f, &doms[i], v, cpu);
			} else {
				print_vcpu_line(f, &doms[i], v, cpu, si);
			}
			first = false;
		}
	}
	if (json)
		fputs("]}\n", f);
}
