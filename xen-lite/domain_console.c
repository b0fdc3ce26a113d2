/*
 * A domain's console (include/xen-lite/domain_console.h). Each domain's
 * console has its own lock, held only while its ring and line change - never
 * across the hypervisor's console device, which is slow (a serial line):
 * complete lines are printed after it is dropped, as far as the domain's
 * budget allows, and not at all once the domain is ending.
 */
#include <xen-lite/arch/time.h>
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/log.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

#define CONSOLE_NOTICE_COST 120 /* the "lines not shown" notice */
#define MICRO 1000000ULL /* the budget counts millionths of a byte */

/* Take a completed line out (under the lock) for printing after it. */
static void console_flush(struct domain *d, char *out)
{
	d->console_line[d->console_len] = '\0';
	memcpy(out, d->console_line, d->console_len + 1);
	d->console_len = 0;
}

/*
 * Room on the hypervisor's console for len more bytes of this domain's (under
 * the lock). A domain over its budget stays quiet until a good part of it came
 * back, so a flood shows as a few long gaps, each with one notice, rather than
 * a notice for every line let through.
 */
static bool console_budget_take(struct domain *d, uint64_t len)
{
	const uint64_t full = (uint64_t)DOMAIN_CONSOLE_BURST * MICRO;
	uint64_t now = time_since_boot_us();

	/* another CPU's clock may be a little behind the last refill: nothing earned then */
	if (now > d->console_budget_us) {
		uint64_t elapsed = now - d->console_budget_us;

		/* in millionths of a byte: what a microsecond earns adds up exactly */
		if (elapsed >= full / DOMAIN_CONSOLE_RATE)
			d->console_budget = full;
		else
			d->console_budget = MIN(d->console_budget + elapsed * DOMAIN_CONSOLE_RATE, full);
		d->console_budget_us = now;
	}
	if (d->console_quiet && d->console_budget < (uint64_t)DOMAIN_CONSOLE_RESUME * MICRO)
		return false;
	d->console_quiet = d->console_budget < len * MICRO;
	if (d->console_quiet)
		return false;
	d->console_budget -= len * MICRO;
	return true;
}

/* A line on the hypervisor's console, if the domain may still print (without its lock). */
static void console_print(struct domain *d, const char *line, bool allowed, uint64_t hidden)
{
	if (hidden)
		log_info("(d%u %s) [%llu line(s) not shown here: over its console rate; xl-lite console has "
			 "the last of them]\n",
			 d->id, d->name, (unsigned long long)hidden);
	if (allowed)
		log_info("(d%u %s) %s\n", d->id, d->name, line);
}

void domain_console_init(struct domain *d)
{
	d->console_lock = (spinlock_t)SPINLOCK_INIT;
	d->console_budget = (uint64_t)DOMAIN_CONSOLE_BURST * MICRO;
	d->console_quiet = false;
	d->console_budget_us = time_since_boot_us();
}

static void ring_put(struct domain *d, char c)
{
	d->console_ring[d->console_head % DOMAIN_CONSOLE_RING] = c;
	d->console_head++;
	if (d->console_head - d->console_read > DOMAIN_CONSOLE_RING) {
		d->console_read++; /* the oldest unread byte is overwritten */
		d->console_dropped++;
	}
}

size_t domain_console_take(struct domain *d, char *buf, size_t len, uint64_t *dropped)
{
	size_t n = 0;
	uint64_t flags = spin_lock_irqsave(&d->console_lock);

	while (n < len && d->console_read < d->console_head)
		buf[n++] = d->console_ring[d->console_read++ % DOMAIN_CONSOLE_RING];
	*dropped = d->console_dropped;
	d->console_dropped = 0;
	spin_unlock_irqrestore(&d->console_lock, flags);
	return n;
}

size_t domain_console_type(struct domain *d, const char *buf, size_t len)
{
	size_t n = 0;
	uint64_t flags = spin_lock_irqsave(&d->console_lock);

	for (; n < len && d->console_in_count < DOMAIN_CONSOLE_INPUT; n++) {
		d->console_input[(d->console_in_head + d->console_in_count) % DOMAIN_CONSOLE_INPUT] = buf[n];
		d->console_in_count++;
	}
	spin_unlock_irqrestore(&d->console_lock, flags);
	return n;
}

size_t domain_console_input(struct domain *d, char *buf, size_t len)
{
	size_t n = 0;
	uint64_t flags = spin_lock_irqsave(&d->console_lock);

	for (; n < len && d->console_in_count; n++) {
		buf[n] = d->console_input[d->console_in_head];
		d->console_in_head = (d->console_in_head + 1) % DOMAIN_CONSOLE_INPUT;
		d->console_in_count--;
	}
	spin_unlock_irqrestore(&d->console_lock, flags);
	return n;
}

void domain_console_write(struct domain *d, const char *buf, size_t len)
{
	char line[DOMAIN_CONSOLE_LINE];
	size_t i = 0;

	while (i < len) {
		bool complete = false, allowed = false;
		uint64_t hidden = 0;
		/* under the lock: dom0's vCPUs may write at the same time, and they share the line */
		uint64_t flags = spin_lock_irqsave(&d->console_lock);

		for (; i < len && !complete; i++) {
			unsigned char c = (unsigned char)buf[i];
			bool split = d->console_split;

			ring_put(d, (char)c);
			d->console_split = false;
			if (c == '\r' || (c == '\n' && split))
				continue; /* a serial line end, or the end of a line already split: no empty line */
			if (c != '\n') {
				/*
				 * guest text must not drive the operator's terminal: only printable
				 * ASCII and tab (C1 controls and UTF-8 alike show as '?'; the ring
				 * dom0 reads keeps the bytes)
				 */
				if ((c < 0x20 && c != '\t') || c >= 0x7f)
					c = '?';
				d->console_line[d->console_len++] = (char)c;
			}
			complete = c == '\n' || d->console_len >= DOMAIN_CONSOLE_LINE - 1;
			d->console_split = c != '\n' && complete;
		}
		if (complete) {
			console_flush(d, line);
			/* an ending domain prints no more: its destroy must not wait for a serial line */
			allowed = !domain_has_ended(d) &&
				  console_budget_take(d, strlen(line) + DOMAIN_CONSOLE_LINE_COST +
								 (d->console_hidden ? CONSOLE_NOTICE_COST : 0));
			if (allowed) {
				hidden = d->console_hidden;
				d->console_hidden = 0;
			} else {
				d->console_hidden++;
			}
		}
		spin_unlock_irqrestore(&d->console_lock, flags);
		if (complete)
			console_print(d, line, allowed, hidden);
	}
}
