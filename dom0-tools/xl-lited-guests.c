/*
 * xl-lited's console logs (xl-lited-guests.h). The console ring is read
 * (consumed) here only: `xl-lite console` follows the log while the link
 * is published, so no output goes to two readers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xl-lited-guests.h"
#include "xl-lited-rules.h"
#include "xl-lited-say.h"

#define CONSOLE_CHUNK_BYTES 8192
#define CONSOLE_READS_PER_ROUND 8 /* 64 KiB a round at most: one noisy guest cannot hold the others up */
#define HV_CHUNK_BYTES 16384

void lited_guests_init(struct lited_guests *gs, const char *log_dir)
{
	memset(gs, 0, sizeof(*gs));
	gs->log_dir = log_dir;
}

static void put(struct lited_guest *g, const char *buf, size_t len)
{
	while (g->fd >= 0 && len) {
		ssize_t w = write(g->fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!g->write_failed)
				lited_say(LOG_ERR, "domain %u (%s): writing its log: %s", g->domid, g->name,
					  strerror(errno));
			g->write_failed = true;
			return;
		}
		g->line_start = buf[w - 1] == '\n';
		buf += w;
		len -= (size_t)w;
	}
}

/* text as a line of its own (after a newline if the guest's last line is unfinished), with the time */
static void line_out(struct lited_guest *g, const char *text, bool timed)
{
	char line[1400], when[40];
	time_t now = time(NULL);
	struct tm tm;
	int n = snprintf(line, sizeof(line) - 64, "%s%s", g->line_start ? "" : "\n", text);

	if (n > (int)sizeof(line) - 64)
		n = (int)sizeof(line) - 64;
	if (timed && localtime_r(&now, &tm) && strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " at %s", when);
	line[n++] = '\n';
	put(g, line, (size_t)n);
}

/* the daemon's own "[xl-lited] ..." line, with the time */
__attribute__((format(printf, 2, 3))) static void mark(struct lited_guest *g, const char *fmt, ...)
{
	char text[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	line_out(g, text, true);
}

/* the link `xl-lite console` looks for: made under a temporary name and renamed, so never half there */
static void publish(const struct lited_guest *g, const char *log_path)
{
	char link[PATH_MAX], tmp[PATH_MAX];

	snprintf(link, sizeof(link), "%s/%u", XL_LITED_CONSOLE_DIR, g->domid);
	snprintf(tmp, sizeof(tmp), "%s/.%u.new", XL_LITED_CONSOLE_DIR, g->domid);
	unlink(tmp);
	if (symlink(log_path, tmp) || rename(tmp, link)) {
		lited_say(LOG_ERR, "domain %u (%s): %s: %s (xl-lite console reads it directly)", g->domid,
			  g->name, link, strerror(errno));
		unlink(tmp);
	}
}

static void unpublish(const struct lited_guest *g)
{
	char link[PATH_MAX];

	snprintf(link, sizeof(link), "%s/%u", XL_LITED_CONSOLE_DIR, g->domid);
	unlink(link);
}

static struct lited_guest *find(struct lited_guests *gs, uint32_t domid)
{
	for (unsigned int i = 0; i < gs->n; i++)
		if (gs->g[i].domid == domid)
			return &gs->g[i];
	return NULL;
}

static const char *state_text(uint32_t state)
{
	static const char *const text[] = { "building", "running", "paused", "shut down", "crashed", "dying" };

	return state < sizeof(text) / sizeof(text[0]) ? text[state] : "in an unknown state";
}

static void start(struct lited_guests *gs, const struct xl_domain_info *d)
{
	struct lited_guest *g = &gs->g[gs->n];
	char file[128], path[PATH_MAX];
	struct stat st;
	char last;

	memset(g, 0, sizeof(*g));
	g->domid = d->domid;
	memcpy(g->name, d->name, sizeof(g->name) - 1); /* the hypervisor's string, cut at its size */
	g->state = d->state;
	g->line_start = true;
	g->fd = -1;
	gs->n++;
	if (xl_lited_log_name(g->name, file, sizeof(file)) < 0) {
		lited_say(LOG_ERR, "domain %u: its name gives no log file name: not logged", g->domid);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", gs->log_dir, file);
	/* never through a link planted in the directory */
	g->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (g->fd < 0) {
		lited_say(LOG_ERR, "domain %u (%s): %s: %s: not logged", g->domid, g->name, path,
			  strerror(errno));
		return;
	}
	if (!fstat(g->fd, &st) && st.st_size > 0 && pread(g->fd, &last, 1, st.st_size - 1) == 1)
		g->line_start = last == '\n';
	mark(g, XL_LITED_MARK_STARTED ", %s", g->domid, g->name, state_text(g->state));
	lited_say(LOG_INFO, "domain %u (%s): console logged to %s", g->domid, g->name, path);
	publish(g, path);
}

/* the console's bytes, line by line: the last whole one is kept ('\r' left out, as the hypervisor does) */
static void note_ring_text(struct lited_guest *g, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			memcpy(g->ring_last, g->ring_cur, g->ring_cur_len);
			g->ring_last_len = g->ring_cur_len;
			g->ring_cur_len = 0;
		} else if (text[i] != '\r' && g->ring_cur_len < sizeof(g->ring_cur)) {
			g->ring_cur[g->ring_cur_len++] = text[i];
		}
	}
}

/* What the guest wrote since the last round, into its log. */
static void drain(struct lited_guest *g, struct xl_handle *h)
{
	static _Alignas(struct xl_console_chunk) char mem[CONSOLE_CHUNK_BYTES];
	struct xl_console_chunk *chunk = (struct xl_console_chunk *)mem;

	for (int i = 0; i < CONSOLE_READS_PER_ROUND; i++) {
		int64_t n = xl_console_read(h, g->domid, chunk, sizeof(mem));

		if (n <= 0)
			return; /* nothing more, or gone: the list says which */
		if (chunk->dropped)
			mark(g, "[xl-lited] domain %u (%s): %llu bytes of output lost (its ring overflowed)",
			     g->domid, g->name, (unsigned long long)chunk->dropped);
		put(g, chunk->data, (size_t)n);
		note_ring_text(g, chunk->data, (size_t)n);
	}
}

/* whether a kept line of the hypervisor's log is the line text[0, len) (both cut at LITED_LINE_MAX) */
static bool same_line(const char *kept, const char *text, size_t len)
{
	return strnlen(kept, LITED_LINE_MAX) == len && !memcmp(kept, text, len);
}

/*
 * The guest left the list: what it wrote after the last drain went with its
 * console ring. The hypervisor's log has its last lines: those after the
 * last line the ring gave are added (all of them when that line is not
 * among them: then some may repeat what is above).
 */
static void recover_last_lines(struct lited_guest *g)
{
	unsigned int n = g->hv_last_n, first = 0;
	bool found = false;
	char text[200];

	if (!n)
		return;
	/* oldest first: index (next - n + i) mod LITED_LAST_LINES */
	for (unsigned int i = n; i-- > 0;) {
		const char *l = g->hv_last[(g->hv_last_next + LITED_LAST_LINES - n + i) % LITED_LAST_LINES];

		if (g->ring_last_len && same_line(l, g->ring_last, g->ring_last_len)) {
			first = i + 1;
			found = true;
			break;
		}
	}
	if (first == n)
		return;
	snprintf(text, sizeof(text), "[xl-lited] domain %u (%s): its last output after the console was read, "
		 "from the hypervisor's log%s:", g->domid, g->name, found || !g->ring_last_len ? "" : " (some lines may repeat)");
	line_out(g, text, false);
	for (unsigned int i = first; i < n; i++)
		line_out(g, g->hv_last[(g->hv_last_next + LITED_LAST_LINES - n + i) % LITED_LAST_LINES], false);
}

static void end(struct lited_guest *g, const char *why, bool gone)
{
	if (gone)
		recover_last_lines(g);
	mark(g, "[xl-lited] domain %u (%s) ended: %s", g->domid, g->name, why);
	unpublish(g);
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

/* A whole line of the hypervisor's log: copied to the log of the domain it is about. */
static void hv_line(struct lited_guests *gs, const char *line, size_t len)
{
	char name[XL_DOMAIN_NAME_MAX], text[sizeof(gs->hv_line) + 40];
	struct lited_guest *g;
	uint32_t domid;
	size_t at;

	if (xl_lited_hv_console_line(line, len, &domid, name, sizeof(name), &at)) {
		g = find(gs, domid);
		if (g && !strcmp(g->name, name)) {
			size_t keep = len - at < LITED_LINE_MAX - 1 ? len - at : LITED_LINE_MAX - 1;

			memcpy(g->hv_last[g->hv_last_next], line + at, keep);
			g->hv_last[g->hv_last_next][keep] = '\0';
			g->hv_last_next = (g->hv_last_next + 1) % LITED_LAST_LINES;
			if (g->hv_last_n < LITED_LAST_LINES)
				g->hv_last_n++;
		}
		return;
	}
	if (!xl_lited_hv_line_domain(line, len, &domid, name, sizeof(name)))
		return;
	g = find(gs, domid);
	if (!g || strcmp(g->name, name))
		return;
	snprintf(text, sizeof(text), "[xl-lited] hypervisor: %.*s", (int)len, line);
	line_out(g, text, false);
	snprintf(text, sizeof(text), "%.*s", (int)len, line);
	if (strstr(text, ") crashed"))
		lited_say(LOG_WARNING, "domain %u (%s) crashed; the hypervisor said: %s", domid, name, text);
}

static void hv_text(struct lited_guests *gs, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n' || gs->hv_line_len == sizeof(gs->hv_line)) {
			hv_line(gs, gs->hv_line, gs->hv_line_len);
			gs->hv_line_len = 0;
			if (text[i] == '\n')
				continue;
		}
		gs->hv_line[gs->hv_line_len++] = text[i];
	}
}

/* The hypervisor's log since the last round (from where it was when the daemon started). */
static void hv_read(struct lited_guests *gs, struct xl_handle *h)
{
	static _Alignas(struct xl_log_chunk) char mem[HV_CHUNK_BYTES];
	struct xl_log_chunk *chunk = (struct xl_log_chunk *)mem;

	for (int i = 0; i < 8; i++) {
		int64_t n = xl_log_read(h, gs->hv_pos, chunk, sizeof(mem));

		if (n < 0) {
			if (!gs->hv_failed)
				lited_say_err(LOG_WARNING, &h->err, "the hypervisor's log (its domain lines are not copied)");
			gs->hv_failed = true;
			return;
		}
		if (!gs->hv_pos_known) {
			gs->hv_pos_known = true; /* what was before the daemon is not replayed */
			gs->hv_pos = chunk->head;
			return;
		}
		hv_text(gs, chunk->data, (size_t)n);
		gs->hv_pos = chunk->next;
		if (!n || chunk->next >= chunk->head)
			return;
	}
}

void lited_guests_round(struct lited_guests *gs, struct xl_handle *h, const struct xl_domain_info *doms,
			unsigned int n)
{
	unsigned int kept = 0;

	for (unsigned int i = 0; i < gs->n; i++)
		gs->g[i].listed = false;
	for (unsigned int i = 0; i < n; i++) {
		struct lited_guest *g;

		if (doms[i].domid == 0 || doms[i].state == XL_DOMAIN_DYING)
			continue;
		g = find(gs, doms[i].domid);
		if (!g && gs->n < XL_LIST_MAX) {
			start(gs, &doms[i]);
			g = &gs->g[gs->n - 1];
		}
		if (!g)
			continue;
		g->listed = true;
		if (g->state != doms[i].state && (doms[i].state == XL_DOMAIN_SHUTDOWN || doms[i].state == XL_DOMAIN_CRASHED))
			mark(g, "[xl-lited] domain %u (%s) is %s (kept by its end action)", g->domid, g->name,
			     state_text(doms[i].state));
		g->state = doms[i].state;
	}
	for (unsigned int i = 0; i < gs->n; i++)
		drain(&gs->g[i], h);
	/* after the list: what the hypervisor said about a domain before it left the list is read */
	hv_read(gs, h);
	for (unsigned int i = 0; i < gs->n; i++) {
		if (gs->g[i].listed) {
			gs->g[kept++] = gs->g[i];
			continue;
		}
		end(&gs->g[i], "no longer listed", true);
		lited_say(LOG_INFO, "domain %u (%s) ended", gs->g[i].domid, gs->g[i].name);
	}
	gs->n = kept;
}

void lited_guests_stop(struct lited_guests *gs, struct xl_handle *h)
{
	for (unsigned int i = 0; i < gs->n; i++)
		drain(&gs->g[i], h);
	hv_read(gs, h);
	for (unsigned int i = 0; i < gs->n; i++)
		end(&gs->g[i], "still running, no longer logged (xl-lited stopped)", false);
	gs->n = 0;
}
