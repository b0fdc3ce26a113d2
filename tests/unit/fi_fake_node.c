/* The fault injector's fake node (see fi_fake_node.h). */
#include <errno.h>
#include <string.h>

#include <xen-lite/module.h>

#include "fi_fake_node.h"
#include "log_capture.h"

struct node_domain node[NODE_DOMAINS];

void node_reset(void)
{
	memset(node, 0, sizeof(node));
	for (unsigned int d = 0; d < NODE_DOMAINS; d++) {
		node[d].exists = true;
		for (unsigned int i = 0; i < NODE_RAM; i++)
			node[d].ram[i] = (uint8_t)(i * 7 + d);
	}
	log_capture_reset();
}

static struct node_domain *node_find(uint32_t id)
{
	return id < NODE_DOMAINS && node[id].exists ? &node[id] : NULL;
}

int xl_domain_read(uint32_t domain_id, uint64_t gpa, void *buf, uint64_t len)
{
	struct node_domain *d = node_find(domain_id);

	if (!d)
		return -ENOENT;
	if (gpa >= NODE_RAM || len > NODE_RAM - gpa)
		return -EFAULT;
	memcpy(buf, d->ram + gpa, len);
	return 0;
}

int xl_domain_write(uint32_t domain_id, uint64_t gpa, const void *buf, uint64_t len, uint32_t flags)
{
	struct node_domain *d = node_find(domain_id);

	if (!d)
		return -ENOENT;
	if (domain_id == 0 && !(flags & XL_WRITE_DOM0))
		return -EPERM;
	if (gpa >= NODE_RAM || len > NODE_RAM - gpa)
		return -EFAULT;
	memcpy(d->ram + gpa, buf, len);
	return 0;
}

int xl_domain_kick(uint32_t domain_id)
{
	struct node_domain *d = node_find(domain_id);

	if (!d)
		return -ENOENT;
	d->kicks++;
	return 0;
}

uint64_t xl_tsc_khz(void)
{
	return 2000000;
}
