/* xl-lite introspect's output (see xl-intro-fmt.h). */
#include <errno.h>
#include <string.h>

#include "xl-intro-fmt.h"
#include "xl-lite-fmt.h"

static const char *const gpr_names[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
					   "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15" };
/* the text's order: as the registers are usually read */
static const unsigned int gpr_text_order[16] = { 0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15 };

const char *xl_intro_domain_label(const struct xl_intro_names *n, uint32_t id, char *buf, size_t size)
{
	int len = snprintf(buf, size, "domain %u", id);

	for (unsigned int i = 0; n->doms && i < n->nr_doms; i++) {
		const struct xl_domain_info *d = &n->doms[i];
		size_t name_len = strnlen(d->name, sizeof(d->name));

		if (d->domid != id || len < 0 || (size_t)len >= size)
			continue;
		snprintf(buf + len, size - (size_t)len, " (%.*s)", (int)name_len, d->name);
		for (char *p = buf + len; *p; p++)
			*p = *p < 0x20 || *p > 0x7e ? '?' : *p;
		break;
	}
	return buf;
}

static const char *reason_name(const struct xl_intro_names *n, uint32_t reason)
{
	return reason < n->status->nr_reasons ? n->status->reason_names[reason] : "?";
}

/* The domain's name in JSON ("name":"web" or "name":null). */
static void json_name(FILE *f, const struct xl_intro_names *n, uint32_t id)
{
	for (unsigned int i = 0; n->doms && i < n->nr_doms; i++)
		if (n->doms[i].domid == id) {
			fputs(",\"name\":", f);
			xl_json_string(f, n->doms[i].name, strnlen(n->doms[i].name, sizeof(n->doms[i].name)));
			return;
		}
	fputs(",\"name\":null", f);
}

/* ---- memory ---- */

static void hex_line(FILE *f, uint64_t addr, const uint8_t *data, size_t len)
{
	fprintf(f, "%016llx ", (unsigned long long)addr);
	for (size_t i = 0; i < 16; i++) {
		if (i % 8 == 0)
			fputc(' ', f);
		if (i < len)
			fprintf(f, "%02x ", data[i]);
		else
			fputs("   ", f);
	}
	fputs(" |", f);
	for (size_t i = 0; i < len; i++)
		fputc(data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '.', f);
	fputs("|\n", f);
}

void xl_intro_hexdump(FILE *f, uint64_t addr, const uint8_t *data, size_t len)
{
	for (size_t at = 0; at < len; at += 16)
		hex_line(f, addr + at, data + at, len - at < 16 ? len - at : 16);
}

static void dump_json(FILE *f, const struct xl_intro_names *n, const struct xl_intro_dump *d)
{
	fprintf(f, "{\"domain\":%u", d->domain);
	json_name(f, n, d->domain);
	fprintf(f, ",\"space\":\"%s\"", d->virt ? "virt" : "phys");
	if (d->virt)
		fprintf(f, ",\"vcpu\":%u", d->vcpu);
	else
		fputs(",\"vcpu\":null", f);
	fprintf(f, ",\"addr\":\"0x%llx\",\"len\":%llu,\"read\":%llu,\"data\":\"", (unsigned long long)d->addr,
		(unsigned long long)d->len, (unsigned long long)d->got);
	for (uint64_t i = 0; i < d->got; i++)
		fprintf(f, "%02x", d->data[i]);
	fputs("\"}\n", f);
}

void xl_intro_print_dump(FILE *f, const struct xl_intro_names *n, const struct xl_intro_dump *d, bool json)
{
	char label[64];

	if (json)
		return dump_json(f, n, d);
	fprintf(f, "%s, ", xl_intro_domain_label(n, d->domain, label, sizeof(label)));
	if (d->virt)
		fprintf(f, "guest-virtual 0x%llx (vcpu %u's page tables)", (unsigned long long)d->addr, d->vcpu);
	else
		fprintf(f, "guest-physical 0x%llx", (unsigned long long)d->addr);
	fprintf(f, ", %llu of %llu bytes:\n", (unsigned long long)d->got, (unsigned long long)d->len);
	xl_intro_hexdump(f, d->addr, d->data, d->got);
}

/* ---- registers ---- */

/* Cycles as microseconds at tsc_khz; negative when the frequency is unknown. */
static double cycles_us(uint64_t cycles, uint64_t tsc_khz)
{
	return tsc_khz ? (double)cycles * 1000.0 / (double)tsc_khz : -1.0;
}

static void regs_text(FILE *f, const struct xl_intro_names *n, uint32_t domain, uint32_t vcpu,
		      const struct xl_intro_regs *r, bool refreshed)
{
	double us = cycles_us(r->age_cycles, r->tsc_khz);
	char label[64];

	fprintf(f, "%s vcpu %u: snapshot %llu, at its exit (%s, code %#llx) ",
		xl_intro_domain_label(n, domain, label, sizeof(label)), vcpu, (unsigned long long)r->snapshots,
		reason_name(n, r->exit_reason), (unsigned long long)r->exit_code);
	if (us >= 0)
		fprintf(f, "%.1f us ago", us);
	else
		fprintf(f, "%llu cycles ago", (unsigned long long)r->age_cycles);
	fprintf(f, ", %s\n", refreshed ? "taken after the kick" : "not refreshed by the kick");
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int g = gpr_text_order[i];

		fprintf(f, "%-3s 0x%016llx%s", gpr_names[g], (unsigned long long)r->gpr[g], i % 4 == 3 ? "\n" : "  ");
	}
	fprintf(f, "rip 0x%016llx  cpl %u\n", (unsigned long long)r->rip, r->cpl);
	fprintf(f, "cr0 0x%016llx  cr3 0x%016llx  cr4 0x%016llx  efer 0x%016llx\n", (unsigned long long)r->cr0,
		(unsigned long long)r->cr3, (unsigned long long)r->cr4, (unsigned long long)r->efer);
}

static void regs_json(FILE *f, const struct xl_intro_names *n, uint32_t domain, uint32_t vcpu,
		      const struct xl_intro_regs *r, bool refreshed)
{
	double us = cycles_us(r->age_cycles, r->tsc_khz);

	fprintf(f, "{\"domain\":%u", domain);
	json_name(f, n, domain);
	fprintf(f, ",\"vcpu\":%u,\"snapshot\":%llu,\"refreshed\":%s,\"exit\":{\"reason\":", vcpu,
		(unsigned long long)r->snapshots, refreshed ? "true" : "false");
	xl_json_string(f, reason_name(n, r->exit_reason), strlen(reason_name(n, r->exit_reason)));
	fprintf(f, ",\"reason_id\":%u,\"code\":\"0x%llx\",\"tsc\":%llu},\"age_cycles\":%llu,\"age_us\":",
		r->exit_reason, (unsigned long long)r->exit_code, (unsigned long long)r->exit_tsc,
		(unsigned long long)r->age_cycles);
	if (us >= 0)
		fprintf(f, "%.3f", us);
	else
		fputs("null", f);
	fputs(",\"gpr\":{", f);
	for (unsigned int i = 0; i < 16; i++)
		fprintf(f, "%s\"%s\":\"0x%llx\"", i ? "," : "", gpr_names[i], (unsigned long long)r->gpr[i]);
	fprintf(f, "},\"rip\":\"0x%llx\",\"cpl\":%u,\"cr0\":\"0x%llx\",\"cr3\":\"0x%llx\",\"cr4\":\"0x%llx\","
		"\"efer\":\"0x%llx\"}\n", (unsigned long long)r->rip, r->cpl, (unsigned long long)r->cr0,
		(unsigned long long)r->cr3, (unsigned long long)r->cr4, (unsigned long long)r->efer);
}

void xl_intro_print_regs(FILE *f, const struct xl_intro_names *n, uint32_t domain, uint32_t vcpu,
			 const struct xl_intro_regs *r, bool refreshed, bool json)
{
	if (json)
		regs_json(f, n, domain, vcpu, r, refreshed);
	else
		regs_text(f, n, domain, vcpu, r, refreshed);
}

/* ---- exits ---- */

static void exits_json(FILE *f, const struct xl_intro_names *n, uint32_t domain, uint64_t from,
		       const struct xl_intro_exits *h, const struct xl_intro_exit *e)
{
	fprintf(f, "{\"domain\":%u", domain);
	json_name(f, n, domain);
	fprintf(f, ",\"from\":%llu,\"next\":%llu,\"recorded\":%llu,\"lost\":%llu,\"exits\":[",
		(unsigned long long)from, (unsigned long long)h->next_seq, (unsigned long long)h->head_seq,
		(unsigned long long)h->lost);
	for (uint32_t i = 0; i < h->nr; i++) {
		fprintf(f, "%s{\"seq\":%llu,\"vcpu\":%u,\"reason\":", i ? "," : "", (unsigned long long)e[i].seq,
			e[i].vcpu);
		xl_json_string(f, reason_name(n, e[i].reason), strlen(reason_name(n, e[i].reason)));
		fprintf(f, ",\"reason_id\":%u,\"code\":\"0x%llx\",\"rip\":\"0x%llx\",\"tsc\":%llu}", e[i].reason,
			(unsigned long long)e[i].exit_code, (unsigned long long)e[i].rip,
			(unsigned long long)e[i].tsc);
	}
	fputs("]}\n", f);
}

void xl_intro_print_exits(FILE *f, const struct xl_intro_names *n, uint32_t domain, uint64_t from,
			  const struct xl_intro_exits *h, const struct xl_intro_exit *e, bool title, bool json)
{
	char label[64];

	if (json)
		return exits_json(f, n, domain, from, h, e);
	if (title) {
		fprintf(f, "%s: %llu exits recorded since the watch began, the last %u kept\n",
			xl_intro_domain_label(n, domain, label, sizeof(label)), (unsigned long long)h->head_seq,
			n->status->ring_entries);
		fprintf(f, "%10s %4s %-10s %-18s %-18s %s\n", "SEQ", "VCPU", "REASON", "EXIT-CODE", "RIP", "TSC");
	}
	if (h->lost)
		fprintf(f, "(%llu exits lost: overwritten before they were read)\n", (unsigned long long)h->lost);
	for (uint32_t i = 0; i < h->nr; i++)
		fprintf(f, "%10llu %4u %-10s %#-18llx 0x%016llx %llu\n", (unsigned long long)e[i].seq, e[i].vcpu,
			reason_name(n, e[i].reason), (unsigned long long)e[i].exit_code, (unsigned long long)e[i].rip,
			(unsigned long long)e[i].tsc);
}

/* ---- list ---- */

static void vcpus_text(FILE *f, uint32_t seen)
{
	bool any = false;

	for (unsigned int v = 0; v < 32; v++)
		if (seen & (1u << v)) {
			fprintf(f, "%s%u", any ? "," : "", v);
			any = true;
		}
	if (!any)
		fputc('-', f);
}

static void status_text(FILE *f, const struct xl_intro_names *n)
{
	const struct xl_intro_status *s = n->status;
	char label[64], other[64];

	fprintf(f, "introspection: %u of %u domains watched, %u of %u grants, the last %u exits kept per domain\n",
		s->nr_watched, s->max_watched, s->nr_grants, s->max_grants, s->ring_entries);
	if (s->nr_watched)
		fprintf(f, "%-32s %12s %s\n", "WATCHED", "EXITS", "VCPUS-SEEN");
	for (uint32_t i = 0; i < s->nr_watched; i++) {
		fprintf(f, "%-32s %12llu ", xl_intro_domain_label(n, s->watched[i].domain, label, sizeof(label)),
			(unsigned long long)s->watched[i].exits);
		vcpus_text(f, s->watched[i].vcpus_seen);
		fputc('\n', f);
	}
	if (s->nr_grants)
		fputs("GRANTS (OBSERVER may read TARGET)\n", f);
	for (uint32_t i = 0; i < s->nr_grants; i++)
		fprintf(f, "%s may read %s\n", xl_intro_domain_label(n, s->grants[i].observer, label, sizeof(label)),
			xl_intro_domain_label(n, s->grants[i].target, other, sizeof(other)));
}

static void status_json(FILE *f, const struct xl_intro_names *n)
{
	const struct xl_intro_status *s = n->status;

	fprintf(f, "{\"max_watched\":%u,\"max_grants\":%u,\"ring_entries\":%u,\"max_vcpus\":%u,\"tsc_khz\":%llu,"
		"\"watched\":[", s->max_watched, s->max_grants, s->ring_entries, s->max_vcpus,
		(unsigned long long)s->tsc_khz);
	for (uint32_t i = 0; i < s->nr_watched; i++) {
		bool any = false;

		fprintf(f, "%s{\"id\":%u", i ? "," : "", s->watched[i].domain);
		json_name(f, n, s->watched[i].domain);
		fprintf(f, ",\"exits\":%llu,\"vcpus_seen\":[", (unsigned long long)s->watched[i].exits);
		for (unsigned int v = 0; v < 32; v++)
			if (s->watched[i].vcpus_seen & (1u << v)) {
				fprintf(f, "%s%u", any ? "," : "", v);
				any = true;
			}
		fputs("]}", f);
	}
	fputs("],\"grants\":[", f);
	for (uint32_t i = 0; i < s->nr_grants; i++)
		fprintf(f, "%s{\"observer\":%u,\"target\":%u}", i ? "," : "", s->grants[i].observer,
			s->grants[i].target);
	fputs("]}\n", f);
}

void xl_intro_print_status(FILE *f, const struct xl_intro_names *n, bool json)
{
	if (json)
		status_json(f, n);
	else
		status_text(f, n);
}

/* ---- refusals ---- */

static const char *refusal_of_read(const struct xl_intro_args *a, int err, const char *dom, char *buf,
				   size_t size)
{
	switch (err) {
	case -ENXIO:
		snprintf(buf, size, "%s is not watched (xl-lite introspect watch %s)", dom, a->domain);
		return buf;
	case -EAGAIN:
		snprintf(buf, size, "%s: no registers of vcpu %u yet: it has taken no exit since the watch began "
			 "(paused, halted since, or no such vCPU)", dom, a->vcpu);
		return buf;
	case -EOPNOTSUPP:
		snprintf(buf, size, "%s: vcpu %u is not in long mode with 4-level paging: its page tables are not "
			 "walked (read guest-physical memory with phys)", dom, a->vcpu);
		return buf;
	case -EFAULT:
		if (a->sub == XL_INTRO_SUB_VIRT)
			snprintf(buf, size, "%s: 0x%llx is not mapped by vcpu %u's page tables, or not RAM", dom,
				 (unsigned long long)a->addr, a->vcpu);
		else
			snprintf(buf, size, "%s: 0x%llx is not its RAM", dom, (unsigned long long)a->addr);
		return buf;
	default:
		return NULL;
	}
}

static const char *refusal_of_admin(const struct xl_intro_args *a, int err, const char *dom, const char *obs,
				    char *buf, size_t size)
{
	bool grants = a->sub == XL_INTRO_SUB_GRANT || a->sub == XL_INTRO_SUB_REVOKE;

	switch (err) {
	case -EEXIST:
		if (grants)
			snprintf(buf, size, "%s may read %s already", obs, dom);
		else
			snprintf(buf, size, "%s is watched already", dom);
		return buf;
	case -ENOSPC:
		snprintf(buf, size, grants ? "the grants table is full (xl-lite introspect list)" :
					     "as many domains as the module can watch are watched (xl-lite introspect list)");
		return buf;
	case -ENOENT:
		if (a->sub == XL_INTRO_SUB_REVOKE)
			snprintf(buf, size, "%s may not read %s: nothing to revoke", obs, dom);
		else if (grants)
			snprintf(buf, size, "%s or %s: no such domain", obs, dom);
		else
			snprintf(buf, size, "%s: no such domain", dom);
		return buf;
	case -ENXIO:
		snprintf(buf, size, "%s is not watched", dom);
		return buf;
	case -EINVAL:
		snprintf(buf, size, "a domain is never granted itself, and dom0 needs no grant");
		return grants ? buf : NULL;
	case -ENOMEM:
		snprintf(buf, size, "the hypervisor is out of memory for the records of %s", dom);
		return buf;
	default:
		return NULL;
	}
}

const char *xl_intro_refusal(const struct xl_intro_args *a, int err, uint32_t domain, uint32_t observer, char *buf,
			     size_t size)
{
	const struct xl_intro_names none = { 0 };
	char dom[64], obs[64];
	const char *msg;

	xl_intro_domain_label(&none, domain, dom, sizeof(dom));
	xl_intro_domain_label(&none, observer, obs, sizeof(obs));
	if (err == -EPERM) {
		snprintf(buf, size, domain == 0 ? "dom0 is never observed: it is the driver domain" :
						  "not allowed (only dom0 watches and grants)");
		return buf;
	}
	if (err == -EPROTO) {
		snprintf(buf, size, "the introspection module speaks another format than this xl-lite's (%d)",
			 XL_INTRO_FORMAT_VERSION);
		return buf;
	}
	msg = refusal_of_read(a, err, dom, buf, size);
	if (!msg)
		msg = refusal_of_admin(a, err, dom, obs, buf, size);
	return msg;
}
