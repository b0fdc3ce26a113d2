/*
 * A domain's console (include/xen-lite/domain_console.h): one lock for all
 * domains' consoles, taken on the guest's print path and dom0's reads.
 */
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/log.h>
#include <xen-lite/spinlock.h>

static spinlock_t console_lock = SPINLOCK_INIT;

static void console_flush(struct domain *d)
{
	d->console_line[d->console_len] = '\0';
	log_info("(d%u %s) %s\n", d->id, d->name, d->console_line);
	d->console_len = 0;
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

	spin_lock(&console_lock);
	while (n < len && d->console_read < d->console_head)
		buf[n++] = d->console_ring[d->console_read++ % DOMAIN_CONSOLE_RING];
	*dropped = d->console_dropped;
	d->console_dropped = 0;
	spin_unlock(&console_lock);
	return n;
}

size_t domain_console_type(struct domain *d, const char *buf, size_t len)
{
	size_t n = 0;

	spin_lock(&console_lock);
	for (; n < len && d->console_in_count < DOMAIN_CONSOLE_INPUT; n++) {
		d->console_input[(d->console_in_head + d->console_in_count) % DOMAIN_CONSOLE_INPUT] = buf[n];
		d->console_in_count++;
	}
	spin_unlock(&console_lock);
	return n;
}

size_t domain_console_input(struct domain *d, char *buf, size_t len)
{
	size_t n = 0;

	spin_lock(&console_lock);
	for (; n < len && d->console_in_count; n++) {
		buf[n] = d->console_input[d->console_in_head];
		d->console_in_head = (d->console_in_head + 1) % DOMAIN_CONSOLE_INPUT;
		d->console_in_count--;
	}
	spin_unlock(&console_lock);
	return n;
}

void domain_console_write(struct domain *d, const char *buf, size_t len)
{
	/* under the lock: dom0's vCPUs may write at the same time, and they share the line */
	spin_lock(&console_lock);
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		ring_put(d, c);

		if (c == '\n') {
			console_flush(d);
			continue;
		}
		if (c == '\r')
			continue; /* a serial console's line end: the log has its own */
		/* guest text must not drive the operator's terminal */
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			c = '?';
		d->console_line[d->console_len++] = c;
		if (d->console_len >= DOMAIN_CONSOLE_LINE - 1)
			console_flush(d);
	}
	spin_unlock(&console_lock);
}
