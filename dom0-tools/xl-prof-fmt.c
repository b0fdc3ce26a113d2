/* xl-lite profile's output (see xl-prof-fmt.h). */
#include <string.h>

#include "xl-lite-fmt.h"
#include "xl-prof-fmt.h"

#define P50 500
#define P99 990

/* The domain's name from the list, or NULL. */
static const struct xl_domain_info *info_of(const struct xl_prof_view *v, uint32_t id)
{
	for (unsigned int i = 0; v->doms && i < v->nr_doms; i++)
		if (v->doms[i].domid == id)
			return &v->doms[i];
	return NULL;
}

/* The reasons of d that took exits, most first (ties by number). Returns how many. */
static unsigned int by_count(const struct xl_profile *p, const struct xl_prof_dom *d,
			     uint32_t order[XL_PROF_MAX_REASONS])
{
	unsigned int n = 0;

	for (uint32_t r = 0; r < p->nr_reasons; r++) {
		unsigned int j;

		if (!d->reason[r].count)
			continue;
		for (j = n++; j > 0 && d->reason[order[j - 1]].count < d->reason[r].count; j--)
			order[j] = order[j - 1];
		order[j] = r;
	}
	return n;
}

static bool all_hooked(const struct xl_profile *p)
{
	uint32_t all = p->nr_reasons >= 32 ? ~0u : (1u << p->nr_reasons) - 1;

	return (p->reasons_hooked & all) == all;
}

/* ---- text ---- */

static void print_us(FILE *f, uint64_t cycles, uint64_t tsc_khz)
{
	double us = xl_prof_us(cycles, tsc_khz);

	if (us < 0)
		fprintf(f, " %10s", "-");
	else
		fprintf(f, " %10.2f", us);
}

static void print_reason_line(FILE *f, const struct xl_profile *p, const struct xl_prof_dom *d, uint32_t r)
{
	const struct xl_prof_stats *s = &d->reason[r];

	fprintf(f, "%-12s %11llu %5.1f%%", p->names[r], (unsigned long long)s->count,
		d->exits ? 100.0 * (double)s->count / (double)d->exits : 0.0);
	fprintf(f, " %10llu %10llu %10llu %10llu %10llu", (unsigned long long)xl_prof_mean(s),
		(unsigned long long)s->min_cycles, (unsigned long long)s->max_cycles,
		(unsigned long long)xl_prof_percentile(s, P50), (unsigned long long)xl_prof_percentile(s, P99));
	print_us(f, xl_prof_mean(s), p->tsc_khz);
	print_us(f, s->min_cycles, p->tsc_khz);
	print_us(f, s->max_cycles, p->tsc_khz);
	fputc('\n', f);
}

static void print_domain_title(FILE *f, const struct xl_prof_view *v, uint32_t id)
{
	const struct xl_domain_info *info = info_of(v, id);

	fprintf(f, "domain %u", id);
	if (info) {
		fputs(" (", f);
		xl_print_field(f, info->name, sizeof(info->name));
		fputc(')', f);
	}
}

static void print_domain_text(FILE *f, const struct xl_profile *p, const struct xl_prof_dom *d,
			      const struct xl_prof_view *v)
{
	uint32_t order[XL_PROF_MAX_REASONS];
	unsigned int n = by_count(p, d, order);

	fputc('\n', f);
	print_domain_title(f, v, d->id);
	if (!n) {
		fputs(": no exits since the counts were reset\n", f);
		return;
	}
	fprintf(f, ": %llu exits\n", (unsigned long long)d->exits);
	fprintf(f, "%-12s %11s %6s %10s %10s %10s %10s %10s %10s %10s %10s\n", "REASON", "COUNT", "SHARE",
		"MEAN(cyc)", "MIN(cyc)", "MAX(cyc)", "P50(cyc)", "P99(cyc)", "MEAN(us)", "MIN(us)", "MAX(us)");
	for (unsigned int i = 0; i < n; i++)
		print_reason_line(f, p, d, order[i]);
}

static void print_text(FILE *f, const struct xl_profile *p, const struct xl_prof_view *v)
{
	const struct xl_prof_dom *only = v->one ? xl_prof_find(p, v->id) : NULL;
	bool comma = false;

	fprintf(f, "exit-profiler: %u domain(s), TSC ", p->nr_domains);
	if (p->tsc_khz)
		fprintf(f, "%llu.%03llu MHz", (unsigned long long)(p->tsc_khz / 1000),
			(unsigned long long)(p->tsc_khz % 1000));
	else
		fputs("unknown", f);
	fputs(", reasons profiled: ", f);
	if (all_hooked(p))
		fputs("all", f);
	for (uint32_t r = 0; !all_hooked(p) && r < p->nr_reasons; r++)
		if (p->reasons_hooked & (1u << r)) {
			fprintf(f, "%s%s", comma ? "," : "", p->names[r]);
			comma = true;
		}
	fputc('\n', f);
	if (p->dropped)
		fprintf(f, "not counted: %llu exits of domains past the %u tracked at once\n",
			(unsigned long long)p->dropped, XL_PROF_MAX_DOMAINS);
	if (v->one && !only) {
		fputc('\n', f);
		print_domain_title(f, v, v->id);
		fputs(": no exits profiled (none of the reasons profiled since the module was loaded)\n", f);
		return;
	}
	for (unsigned int i = 0; i < p->nr_domains; i++)
		if (!v->one || p->dom[i].id == v->id)
			print_domain_text(f, p, &p->dom[i], v);
}

/* ---- JSON ---- */

static void json_us(FILE *f, const char *key, uint64_t cycles, uint64_t tsc_khz)
{
	double us = xl_prof_us(cycles, tsc_khz);

	if (us < 0)
		fprintf(f, ",\"%s\":null", key);
	else
		fprintf(f, ",\"%s\":%.3f", key, us);
}

static void print_reason_json(FILE *f, const struct xl_profile *p, const struct xl_prof_dom *d, uint32_t r)
{
	const struct xl_prof_stats *s = &d->reason[r];
	uint64_t p50 = xl_prof_percentile(s, P50), p99 = xl_prof_percentile(s, P99);

	fputs("{\"reason\":", f);
	xl_json_string(f, p->names[r], strlen(p->names[r]));
	fprintf(f, ",\"reason_id\":%u,\"count\":%llu,\"share\":%.4f", r, (unsigned long long)s->count,
		d->exits ? (double)s->count / (double)d->exits : 0.0);
	fprintf(f, ",\"total_cycles\":%llu,\"mean_cycles\":%llu,\"min_cycles\":%llu,\"max_cycles\":%llu",
		(unsigned long long)s->total_cycles, (unsigned long long)xl_prof_mean(s),
		(unsigned long long)s->min_cycles, (unsigned long long)s->max_cycles);
	fprintf(f, ",\"p50_cycles\":%llu,\"p99_cycles\":%llu", (unsigned long long)p50, (unsigned long long)p99);
	json_us(f, "mean_us", xl_prof_mean(s), p->tsc_khz);
	json_us(f, "min_us", s->min_cycles, p->tsc_khz);
	json_us(f, "max_us", s->max_cycles, p->tsc_khz);
	json_us(f, "p50_us", p50, p->tsc_khz);
	json_us(f, "p99_us", p99, p->tsc_khz);
	fputs(",\"histogram\":[", f);
	for (unsigned int b = 0; b < XL_PROF_BUCKETS; b++)
		fprintf(f, "%s%llu", b ? "," : "", (unsigned long long)s->hist[b]);
	fputs("]}", f);
}

static void print_domain_json(FILE *f, const struct xl_profile *p, const struct xl_prof_dom *d,
			      const struct xl_prof_view *v)
{
	const struct xl_domain_info *info = info_of(v, d->id);
	uint32_t order[XL_PROF_MAX_REASONS];
	unsigned int n = by_count(p, d, order);

	fprintf(f, "{\"id\":%u,\"name\":", d->id);
	if (info)
		xl_json_string(f, info->name, strnlen(info->name, sizeof(info->name)));
	else
		fputs("null", f);
	fprintf(f, ",\"exits\":%llu,\"reasons\":[", (unsigned long long)d->exits);
	for (unsigned int i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		print_reason_json(f, p, d, order[i]);
	}
	fputs("]}", f);
}

static void print_json(FILE *f, const struct xl_profile *p, const struct xl_prof_view *v)
{
	bool first = true;

	fprintf(f, "{\"tsc_khz\":%llu,\"buckets\":%u,\"reasons_profiled\":[", (unsigned long long)p->tsc_khz,
		XL_PROF_BUCKETS);
	for (uint32_t r = 0; r < p->nr_reasons; r++)
		if (p->reasons_hooked & (1u << r)) {
			fputs(first ? "" : ",", f);
			xl_json_string(f, p->names[r], strlen(p->names[r]));
			first = false;
		}
	fprintf(f, "],\"dropped\":%llu,\"domains\":[", (unsigned long long)p->dropped);
	first = true;
	for (unsigned int i = 0; i < p->nr_domains; i++) {
		if (v->one && p->dom[i].id != v->id)
			continue;
		fputs(first ? "" : ",", f);
		print_domain_json(f, p, &p->dom[i], v);
		first = false;
	}
	fputs("]}\n", f);
}

void xl_print_profile(FILE *f, const struct xl_profile *p, const struct xl_prof_view *v)
{
	if (v->json)
		print_json(f, p, v);
	else
		print_text(f, p, v);
}

/* ---- profile -f: rates over an interval ---- */

static void print_rates_text(FILE *f, const struct xl_profile *d, double seconds, const struct xl_prof_view *v)
{
	fprintf(f, "exit-profiler: the last %.2f s\n", seconds);
	for (unsigned int i = 0; i < d->nr_domains; i++) {
		const struct xl_prof_dom *dom = &d->dom[i];
		uint32_t order[XL_PROF_MAX_REASONS];
		unsigned int n = by_count(d, dom, order);

		if ((v->one && dom->id != v->id) || (!v->one && !n))
			continue;
		print_domain_title(f, v, dom->id);
		fprintf(f, ": %.0f exits/s\n", (double)dom->exits / seconds);
		if (!n)
			continue;
		fprintf(f, "%-12s %11s %6s %10s %10s %10s %10s\n", "REASON", "EXITS/S", "SHARE", "MEAN(cyc)",
			"P50(cyc)", "P99(cyc)", "MEAN(us)");
		for (unsigned int k = 0; k < n; k++) {
			const struct xl_prof_stats *s = &dom->reason[order[k]];

			fprintf(f, "%-12s %11.0f %5.1f%% %10llu %10llu %10llu", d->names[order[k]],
				(double)s->count / seconds, 100.0 * (double)s->count / (double)dom->exits,
				(unsigned long long)xl_prof_mean(s),
				(unsigned long long)xl_prof_percentile(s, P50),
				(unsigned long long)xl_prof_percentile(s, P99));
			print_us(f, xl_prof_mean(s), d->tsc_khz);
			fputc('\n', f);
		}
	}
	fflush(f);
}

static void print_rates_json(FILE *f, const struct xl_profile *d, double seconds, const struct xl_prof_view *v)
{
	bool first = true;

	fprintf(f, "{\"seconds\":%.3f,\"domains\":[", seconds);
	for (unsigned int i = 0; i < d->nr_domains; i++) {
		const struct xl_prof_dom *dom = &d->dom[i];
		const struct xl_domain_info *info = info_of(v, dom->id);
		uint32_t order[XL_PROF_MAX_REASONS];
		unsigned int n = by_count(d, dom, order);

		if (v->one && dom->id != v->id)
			continue;
		fprintf(f, "%s{\"id\":%u,\"name\":", first ? "" : ",", dom->id);
		if (info)
			xl_json_string(f, info->name, strnlen(info->name, sizeof(info->name)));
		else
			fputs("null", f);
		fprintf(f, ",\"exits_per_s\":%.1f,\"reasons\":[", (double)dom->exits / seconds);
		for (unsigned int k = 0; k < n; k++) {
			const struct xl_prof_stats *s = &dom->reason[order[k]];

			fprintf(f, "%s{\"reason\":", k ? "," : "");
			xl_json_string(f, d->names[order[k]], strlen(d->names[order[k]]));
			fprintf(f, ",\"per_s\":%.1f,\"mean_cycles\":%llu,\"p50_cycles\":%llu,\"p99_cycles\":%llu}",
				(double)s->count / seconds, (unsigned long long)xl_prof_mean(s),
				(unsigned long long)xl_prof_percentile(s, P50),
				(unsigned long long)xl_prof_percentile(s, P99));
		}
		fputs("]}", f);
		first = false;
	}
	fputs("]}\n", f);
	fflush(f);
}

void xl_print_profile_rates(FILE *f, const struct xl_profile *delta, double seconds,
			    const struct xl_prof_view *v)
{
	if (seconds <= 0)
		seconds = 1;
	if (v->json)
		print_rates_json(f, delta, seconds, v);
	else
		print_rates_text(f, delta, seconds, v);
}
