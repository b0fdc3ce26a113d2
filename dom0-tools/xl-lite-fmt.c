/* xl-lite's output (see xl-lite-fmt.h). */
#include <string.h>

#include "xl-lite-fmt.h"

#define MIB(bytes) ((unsigned long long)((bytes) >> 20))

const char *xl_bad_domid_reason(enum xl_domain_lookup r)
{
	return r == XL_DOMAIN_LEADING_ZERO ? "a domain id is decimal, without leading zeros"
	       : r == XL_DOMAIN_ID_TOO_LARGE ? "too large for a domain id"
					     : NULL;
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
		fprintf(err, "xl-lite: %s: %s\n", arg, xl_bad_domid_reason(result));
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

void xl_print_field(FILE *f, const char *s, size_t max)
{
	size_t len = strnlen(s, max);

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		fputc(c >= 0x20 && c < 0x7f ? c : '?', f);
	}
}

int xl_print_domid_or_name(FILE *out, FILE *err, const struct xl_domain_info *doms, unsigned int n,
			   uint32_t domid, bool name, const char *arg)
{
	for (unsigned int i = 0; i < n; i++) {
		if (doms[i].domid != domid)
			continue;
		if (name)
			xl_print_field(out, doms[i].name, sizeof(doms[i].name));
		else
			fprintf(out, "%u", domid);
		fputc('\n', out);
		return XL_EXIT_OK;
	}
	fprintf(err, "xl-lite: no domain %s\n", arg);
	return XL_EXIT_ERROR;
}

unsigned int xl_listed_cpus(const struct xl_sysinfo *si)
{
	return si->nr_cpus < XL_SYSINFO_MAX_CPUS ? si->nr_cpus : XL_SYSINFO_MAX_CPUS;
}

static void print_info_text(FILE *f, const struct xl_sysinfo *si)
{
	unsigned int cpus = xl_listed_cpus(si);

	fputs("hypervisor: xen-lite ", f);
	if (strnlen(si->version, sizeof(si->version)))
		xl_print_field(f, si->version, sizeof(si->version));
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
		xl_print_field(f, si->iommu, sizeof(si->iommu));
		fprintf(f, ", %u unit(s), DMA remapping %s, interrupt remapping %s%s\n", si->iommu_units,
			si->iommu_flags & XL_IOMMU_DMA_REMAP ? "on" : "off",
			si->iommu_flags & XL_IOMMU_INTR_REMAP ? "on" : "off",
			si->iommu_flags & XL_IOMMU_COMPAT_BLOCKED ? " (compatibility format blocked)" : "");
	} else {
		fputs("none\n", f);
	}
	fprintf(f, "dma faults: %llu\n", (unsigned long long)si->dma_faults);
}

static void print_info_json(FILE *f, const struct xl_sysinfo *si)
{
	unsigned int cpus = xl_listed_cpus(si);

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
		fprintf(f, ",\"units\":%u,\"dma_remap\":%s,\"intr_remap\":%s,\"compat_blocked\":%s}",
			si->iommu_units, si->iommu_flags & XL_IOMMU_DMA_REMAP ? "true" : "false",
			si->iommu_flags & XL_IOMMU_INTR_REMAP ? "true" : "false",
			si->iommu_flags & XL_IOMMU_COMPAT_BLOCKED ? "true" : "false");
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
