/*
 * Domains and vCPUs. A domain owns every resource given to it - its memory
 * blocks, nested page tables, intercept bitmaps, vCPU state and physical
 * CPUs - and destroying it returns all of them. Each vCPU is pinned to one
 * physical CPU, which runs nothing else (no oversubscription).
 */
#ifndef XEN_LITE_DOMAIN_H
#define XEN_LITE_DOMAIN_H

#include <xen-lite/addr.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/event_channel.h>
#include <xen-lite/guest_end.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>

#define DOMAIN_NAME_MAX 32
#define DOMAIN_MAX_VCPUS 64
#define DOMAIN_MAX_BLOCKS 512
#define MAX_DOMAINS 64
#define DOMAIN_CONSOLE_LINE 256
#define DOMAIN_CONSOLE_RING 16384 /* output kept for dom0 while nobody reads it */
#define DOMAIN_CONSOLE_INPUT 256
/*
 * What a domain may print on the hypervisor's console (a serial line of
 * about 11 KiB/s): a burst, then a rate. Beyond it its lines stay in its
 * ring for dom0 (xl-lite console) only.
 */
#define DOMAIN_CONSOLE_BURST (64 * 1024)
#define DOMAIN_CONSOLE_RATE (4 * 1024) /* bytes a second */
/* once over its budget a domain stays quiet until this much has come back (one notice each time) */
#define DOMAIN_CONSOLE_RESUME (16 * 1024)
#define DOMAIN_CONSOLE_LINE_COST 40 /* what the prefix and timestamp add to each line */

/*
 * building -> running <-> paused; running -> shutdown (the guest asked) or
 * crashed (it faulted or broke a rule); any -> dying (being destroyed).
 */
enum domain_state {
	DOMAIN_BUILDING,
	DOMAIN_RUNNING,
	DOMAIN_PAUSED,
	DOMAIN_SHUTDOWN,
	DOMAIN_CRASHED,
	DOMAIN_DYING,
};

/* Exit reasons counted per domain (the architecture maps its exit codes onto these). */
enum exit_reason {
	EXIT_HYPERCALL,
	EXIT_CPUID,
	EXIT_MSR_READ,
	EXIT_MSR_WRITE,
	EXIT_IO,
	EXIT_NPF,
	EXIT_HLT,
	EXIT_INTR,
	EXIT_NMI,
	EXIT_SHUTDOWN,
	EXIT_EXCEPTION,
	EXIT_SVM_INSN,
	EXIT_XSETBV,
	EXIT_OTHER,
	EXIT_REASON_COUNT,
};

struct mem_block {
	gpa_t gpa;
	hpa_t hpa;
	uint64_t size;
};

struct domain;

enum vcpu_run_state {
	VCPU_IDLE, /* not started or ended */
	VCPU_RUNNING, /* its physical CPU is in the run loop */
};

struct vcpu {
	struct domain *domain;
	unsigned int id;
	unsigned int pcpu; /* the physical CPU it is pinned to */
	volatile enum vcpu_run_state run_state;
	uint64_t exits[EXIT_REASON_COUNT]; /* counted by its own CPU only: no lock, no race */
	struct arch_vcpu arch;
};

#define DOMAIN_MAX_PCI 4

struct iommu_space;

struct domain {
	uint32_t id;
	char name[DOMAIN_NAME_MAX];
	volatile enum domain_state state;
	bool end_claimed; /* a crash or shutdown is under way: its reason is being written */
	bool privileged; /* dom0 */
	/*
	 * dom0 and Linux guests drive their CPUs' local APICs: no interrupt or
	 * HLT intercepts, writes to the APIC filtered (the interrupt command).
	 */
	bool direct_apic;
	/* on_poweroff, on_reboot, on_crash: done on its CPU once it ends (guest_end.h) */
	struct guest_end_actions end_actions;
	bool start_paused; /* its start leaves it paused (not kept for a restart) */
	/* rebuilt by the hypervisor after its predecessor ended: dom0 may not load or start it */
	bool restarting;
	/* being replaced by a restart, which tells modules of its end itself (module_hooks.h) */
	bool destroyed_hook_deferred;
	/* what dom0 loaded (XL_DOMCTL_LOAD): the kernel, then the ramdisk; owned by the domain */
	uint32_t guest_type; /* XL_GUEST_* */
	void *images; /* freed once started, unless kept for a restart */
	uint64_t kernel_size, ramdisk_size;
	char cmdline[256];
	uint64_t created_us; /* time_since_boot_us() at creation */

	struct vcpu *vcpus[DOMAIN_MAX_VCPUS];
	unsigned int nr_vcpus;

	struct mem_block blocks[DOMAIN_MAX_BLOCKS];
	unsigned int nr_blocks;
	uint64_t mem_size; /* bytes of guest RAM */
	uint64_t mem_end; /* guest RAM lies below; [0, mem_end) but for a Linux guest's hole */
	/* zeroing before the domain first runs (domain_scrub): blocks[scrub_block] from scrub_offset */
	uint64_t unscrubbed;
	unsigned int scrub_steps; /* calls that zeroed something */
	uint64_t alloc_us, scrub_us; /* time spent allocating and zeroing its memory (startup figures) */
	unsigned int scrub_block;
	uint64_t scrub_offset;

	struct arch_domain arch;

	int shutdown_reason; /* XL_SHUTDOWN_* when state is shutdown */
	/* dom0's request (XL_ASKED_POWEROFF or XL_ASKED_REBOOT, 0: none); the guest polls XL_SHUTDOWN_QUERY */
	volatile uint8_t shutdown_asked;
	bool takes_shutdown_requests; /* it has called XL_SHUTDOWN_QUERY */
	bool takes_reboot_requests; /* it has asked with XL_QUERY_REASON */
	char crash_reason[160];

	spinlock_t console_lock; /* the fields below; never held across device output */
	char console_line[DOMAIN_CONSOLE_LINE];
	unsigned int console_len;
	bool console_split; /* the last line was cut at DOMAIN_CONSOLE_LINE: its newline is due */
	/* what it may print on the hypervisor's console: bytes of budget, refilled over time */
	uint64_t console_budget, console_budget_us; /* millionths of a byte; its last refill */
	uint64_t console_hidden; /* lines kept from the hypervisor's console since the last notice */
	bool console_quiet; /* over its budget, until DOMAIN_CONSOLE_RESUME came back */
	/* the console as dom0 reads it: a bounded ring (oldest dropped, counted) and typed input */
	char console_ring[DOMAIN_CONSOLE_RING];
	uint64_t console_head, console_read; /* bytes written / read since creation */
	uint64_t console_dropped;
	uint64_t dma_faults; /* DMA its devices tried that the IOMMU blocked (iommu_faults.c) */
	/* PCI functions given to it (pci_devices.c), and the IO address space they use (iommu.c) */
	struct domain_pci {
		uint16_t segment, bdf;
		uint64_t bar[6], bar_size[6]; /* memory BARs, mapped at their own address; 0: none */
	} pci[DOMAIN_MAX_PCI];
	unsigned int nr_pci;
	bool dma_fault_log; /* on_dma_fault=log: a blocked DMA is counted, the domain not crashed */
	struct iommu_space *io_space;
	char console_input[DOMAIN_CONSOLE_INPUT];
	unsigned int console_in_head, console_in_count;
	struct domain_events events; /* event_channel.c's */
	/* its shared segments' attachments (shm.c's, under its lock) */
	unsigned int nr_shm;
	unsigned int nr_virtio; /* virtio devices dom0's back-ends added (virtio.c's) */
	/* guest-physical addresses below are its own (RAM, holes, dom0's identity map): segments go above */
	uint64_t gpa_top;
	bool ran; /* it has been running (not only paused): its start info is the guest's now */
	uint64_t start_info_gpa; /* an ELF guest's struct xl_start_info, 0: none */
};

const char *exit_reason_name(enum exit_reason r);
const char *domain_state_name(enum domain_state s);

/*
 * Create an empty domain in the building state; a privileged one is dom0
 * (the driver domain: hardware passed through, see Documentation/dom0.md).
 * Returns NULL with *err set.
 */
struct domain *domain_create(const char *name, bool privileged, int *err);

/*
 * Give the domain size bytes of zeroed memory at guest-physical 0, using
 * 1 GiB, then 2 MiB, then 4 KiB blocks as size and alignment allow.
 */
int domain_alloc_memory(struct domain *d, uint64_t size);
/* The same at guest-physical gpa, at or above what the domain has (leaving a hole). */
int domain_alloc_memory_at(struct domain *d, gpa_t gpa, uint64_t size);
/*
 * Zero up to budget more bytes of the domain's memory (allocated, not yet
 * zeroed); returns the bytes still to zero. A domain never runs before it
 * returns 0.
 */
uint64_t domain_scrub(struct domain *d, uint64_t budget);
/* Add a vCPU pinned to a free physical CPU. */
int domain_add_vcpu(struct domain *d, unsigned int pcpu);

/* Start every vCPU on its CPU (building -> running), or resume a paused domain. */
int domain_unpause(struct domain *d);

/* Make each of its vCPUs that runs on another CPU leave the guest and look at its state again. */
void domain_kick_vcpus(struct domain *d);

/* Stop a running domain's vCPUs in place (running -> paused); they keep their CPUs. */
int domain_pause(struct domain *d);

/* Mark ended by the guest or by a rule; its vCPUs leave their run loops. */
void domain_shutdown(struct domain *d, int reason);
__attribute__((format(printf, 2, 3))) void domain_crash(struct domain *d, const char *fmt, ...);

/*
 * Stop the domain's vCPUs (kicking their CPUs out of the guest) and free
 * everything it owns. Returns 0, or -EBUSY if a CPU did not let go in time
 * (the domain is then left dying and its resources are not reused).
 */
int domain_destroy(struct domain *d);

bool domain_has_ended(const struct domain *d);

/* The exits of all its vCPUs for one reason. */
uint64_t domain_exits(const struct domain *d, enum exit_reason r);
/* Log the domain's exit counters by reason ("domain dN (name) exits: hypercall 3 ..."). */
void domain_log_exits(const struct domain *d);

/*
 * Change the guest's access to [gpa, gpa + size) of its memory (4 KiB
 * aligned): new permissions, or unmap. Large pages are split as needed.
 * Returns once no vCPU can still use an old translation. 0, -EINVAL or -ENOMEM.
 */
int domain_protect(struct domain *d, gpa_t gpa, uint64_t size, unsigned int perms);
int domain_unmap(struct domain *d, gpa_t gpa, uint64_t size);

/* Page sizes backing the domain's nested page tables. */
void domain_page_counts(struct domain *d, struct npt_page_counts *c);

/* The domain with this id, or NULL. */
struct domain *domain_find(uint32_t id);
/*
 * fn(the domain with this id, ctx) under the domain list's lock, so that the
 * domain cannot be freed meanwhile: fn must not sleep, wait for other CPUs or
 * take that lock (but domain_call_locked() for a second domain). -ENOENT
 * when there is no such domain (or it is being destroyed), else fn's result.
 */
int domain_call(uint32_t id, int (*fn)(struct domain *d, void *ctx), void *ctx);
int domain_call_locked(uint32_t id, int (*fn)(struct domain *d, void *ctx), void *ctx);
/* Whether a domain (dom0 included) has this name: names are unique, tools find domains by them. */
bool domain_name_taken(const char *name);

/*
 * Call fn for every domain under the domain list's lock (fn must not take
 * it, nor sleep): what a snapshot for dom0's tools or the console reads.
 */
void domain_for_each(void (*fn)(const struct domain *d, void *ctx), void *ctx);
/* Bytes of memory the domain owns. */
uint64_t domain_memory(const struct domain *d);
/* Memory owned by dom0, and by all the other domains. */
void domains_memory(uint64_t *dom0, uint64_t *guests);

#endif
