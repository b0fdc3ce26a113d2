/*
 * xen-lite's public guest ABI: the CPUID leaves a guest uses to detect the
 * hypervisor, the hypercall calling convention, numbers and arguments, and
 * the boot state of ELF guests. Shared by the hypervisor, the dom0 tools,
 * Linux drivers and test guests: it must compile alone in all of them.
 * Documentation/hypercalls.md is the reference; this header and that page
 * must agree.
 *
 * Calling convention: VMMCALL with the hypercall number in RAX and up to
 * six arguments in RDI, RSI, RDX, R10, R8, R9 (the Linux system-call
 * order). The result comes back in RAX: >= 0 on success, a negative errno
 * (Linux values) on failure. All other registers are preserved. Pointers
 * are guest-physical addresses.
 */
#ifndef XEN_LITE_ABI_H
#define XEN_LITE_ABI_H

#if defined(__KERNEL__)
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* ---- detection: CPUID leaves 0x40000000 and up ---- */
#define XL_CPUID_BASE 0x40000000u
/* EBX, ECX, EDX of the base leaf spell "xen-lite-abi" */
#define XL_CPUID_SIGNATURE_EBX 0x2d6e6578u /* "xen-" */
#define XL_CPUID_SIGNATURE_ECX 0x6574696cu /* "lite" */
#define XL_CPUID_SIGNATURE_EDX 0x6962612du /* "-abi" */
/* leaf 0x40000001: EAX = ABI version, EBX = feature bits, ECX = domain id */
#define XL_CPUID_VERSION_LEAF (XL_CPUID_BASE + 1)
#define XL_CPUID_MAX_LEAF XL_CPUID_VERSION_LEAF

#define XL_ABI_VERSION_MAJOR 0
#define XL_ABI_VERSION_MINOR 10
#define XL_ABI_VERSION ((XL_ABI_VERSION_MAJOR << 16) | XL_ABI_VERSION_MINOR)

/* feature bits (XL_HC_VERSION with XL_VERSION_FEATURES, and CPUID 0x40000001.EBX) */
#define XL_FEATURE_CONSOLE (1u << 0) /* XL_HC_CONSOLE_IO write */
#define XL_FEATURE_SHUTDOWN (1u << 1) /* XL_HC_SHUTDOWN */

/* ---- hypercall numbers (at most 16 for the whole project) ---- */
#define XL_HC_VERSION 0
#define XL_HC_CONSOLE_IO 1
#define XL_HC_SHUTDOWN 2
#define XL_HC_SYSCTL 3 /* dom0 only */
#define XL_HC_DOMCTL 4 /* dom0 only */
#define XL_HC_MODULE 5 /* ABI 0.7: behaviour modules; load, unload and list: dom0 only */
#define XL_HC_EVENT 6 /* ABI 0.8: event channels between domains */
#define XL_HC_SHM 7 /* ABI 0.8: shared memory segments; all but QUERY: dom0 only */
#define XL_HC_COUNT 8 /* numbers >= this return -ENOSYS */

/* XL_HC_VERSION(what) */
#define XL_VERSION_ABI 0 /* returns XL_ABI_VERSION */
#define XL_VERSION_FEATURES 1 /* returns the feature bits */

/* XL_HC_CONSOLE_IO(op, buffer gpa, length) */
#define XL_CONSOLE_WRITE 0 /* returns the number of bytes taken */
#define XL_CONSOLE_READ 1 /* typed input waiting for the domain (from xl-lite console); returns bytes, 0 if none */
#define XL_CONSOLE_MAX_WRITE 4096 /* longer writes are cut to this and the count says so */

/* XL_HC_SHUTDOWN(reason, code): does not return on success */
#define XL_SHUTDOWN_POWEROFF 0
#define XL_SHUTDOWN_REBOOT 1
#define XL_SHUTDOWN_CRASH 2 /* code: a guest-defined reason, shown in the crash report */
/*
 * Whether dom0 has asked the domain to shut down (XL_DOMCTL_SHUTDOWN). code 0:
 * returns 1 when it has (whatever the reason), else 0. code
 * XL_QUERY_REASON (ABI 0.6): returns which end it asked for,
 * XL_ASKED_POWEROFF or XL_ASKED_REBOOT, else 0; asking so tells the
 * hypervisor the guest takes reboot requests (xl-lite reboot). An older
 * hypervisor ignores the code and answers 1 for either.
 */
#define XL_SHUTDOWN_QUERY 3
#define XL_QUERY_REASON 1
#define XL_ASKED_POWEROFF 1 /* end with XL_SHUTDOWN_POWEROFF */
#define XL_ASKED_REBOOT 2 /* end with XL_SHUTDOWN_REBOOT */

/*
 * XL_HC_SYSCTL(op, buffer gpa, buffer size, arg): node-wide information for
 * dom0's tools. dom0 only (-EPERM otherwise). The buffer is filled by the
 * hypervisor; it must lie in the caller's memory (-EFAULT) and be at least
 * the size the op needs (-ENOSPC). Returns >= 0 as described per op.
 */
#define XL_SYSCTL_INFO 0 /* fills struct xl_sysinfo; returns 0 */
#define XL_SYSCTL_LOG_READ 1 /* arg = ring position; fills struct xl_log_chunk; returns bytes of text */
#define XL_SYSCTL_DOMAIN_LIST 2 /* fills struct xl_domain_info[]; returns the number of domains */
#define XL_SYSCTL_PCI_LIST 3 /* ABI 0.4: fills struct xl_pci_device[]; returns how many there are */

#define XL_SYSINFO_MAX_CPUS 256
#define XL_CPU_FREE (-1) /* in xl_sysinfo.cpu_owner: not given to any domain */

struct xl_sysinfo {
	uint32_t abi_version;
	uint32_t nr_cpus; /* physical CPUs online */
	uint64_t tsc_khz;
	uint64_t mem_total; /* bytes of RAM the hypervisor manages (dom0's included) */
	uint64_t mem_hypervisor; /* used by the hypervisor itself */
	uint64_t mem_dom0; /* given to dom0 */
	uint64_t mem_guests; /* given to other domains */
	uint64_t mem_free; /* free for guests */
	char version[32]; /* the hypervisor's version string */
	int32_t cpu_owner[XL_SYSINFO_MAX_CPUS]; /* domain id per physical CPU, or XL_CPU_FREE */
	uint32_t cpu_apic_id[XL_SYSINFO_MAX_CPUS];
	/* since 0.4: the IOMMU (Documentation/iommu.md) */
	char iommu[16]; /* the driver in use ("AMD-Vi", "VT-d"), "" when none */
	uint32_t iommu_units;
	uint32_t iommu_flags; /* XL_IOMMU_* */
	uint64_t dma_faults; /* DMA the IOMMUs blocked since boot, all domains */
};

#define XL_IOMMU_DMA_REMAP 1u /* devices reach only their domain's memory */
#define XL_IOMMU_INTR_REMAP 2u /* device interrupts are checked against a table */
#define XL_IOMMU_COMPAT_BLOCKED 4u /* ... all of them: an interrupt not in the table's format is blocked */

/* A PCI function the hypervisor has taken from dom0 (XL_SYSCTL_PCI_LIST). */
struct xl_pci_device {
	uint16_t segment;
	uint16_t bdf; /* bus << 8 | device << 3 | function */
	uint32_t state; /* XL_PCI_* */
	uint32_t domid; /* XL_PCI_ASSIGNED: the guest that has it */
	uint32_t reserved;
};
#define XL_PCI_ASSIGNABLE 1 /* its DMA blocked, waiting for a guest */
#define XL_PCI_ASSIGNED 2 /* a guest's */

/* The hypervisor's log ring, read from position pos (a running byte count since boot). */
struct xl_log_chunk {
	uint64_t pos; /* where this chunk starts (later than asked if the ring overwrote it) */
	uint64_t next; /* the position to ask for next */
	uint64_t head; /* bytes written since boot */
	uint32_t len; /* bytes in data[] */
	uint32_t reserved;
	char data[]; /* text, not NUL-terminated */
};

#define XL_DOMAIN_NAME_MAX 32
#define XL_MAX_GUEST_VCPUS 16 /* vCPUs of a guest */
#define XL_MAX_GUEST_PCI 4 /* PCI functions given to a guest */
#define XL_DOMAIN_BUILDING 0
#define XL_DOMAIN_RUNNING 1
#define XL_DOMAIN_PAUSED 2
#define XL_DOMAIN_SHUTDOWN 3
#define XL_DOMAIN_CRASHED 4
#define XL_DOMAIN_DYING 5

struct xl_domain_info {
	uint32_t domid;
	uint32_t state; /* XL_DOMAIN_* */
	char name[XL_DOMAIN_NAME_MAX];
	uint64_t mem_bytes;
	uint32_t nr_vcpus;
	uint32_t first_cpu; /* the physical CPU of vCPU 0 */
	uint64_t exits; /* VM exits so far, all reasons */
	uint64_t uptime_us; /* microseconds since the domain was created (exits / uptime = rate) */
	uint64_t vcpu_exits[XL_MAX_GUEST_VCPUS]; /* exits per vCPU (the first 16 of dom0's) */
	uint64_t dma_faults; /* since 0.4: DMA of its devices the IOMMU blocked */
	uint32_t vcpu_cpu[XL_MAX_GUEST_VCPUS]; /* since 0.6: the physical CPU of each vCPU (the first 16) */
};

/*
 * XL_HC_DOMCTL(op, buffer gpa, buffer size, arg): create and control
 * domains. dom0 only. arg is the domain id for the ops on a domain.
 */
#define XL_DOMCTL_CREATE_ELF 0 /* buffer: struct xl_domctl_create then the ELF image; returns the id */
#define XL_DOMCTL_DESTROY 1 /* returns 0 */
#define XL_DOMCTL_PAUSE 2
#define XL_DOMCTL_UNPAUSE 3
#define XL_DOMCTL_CONSOLE_READ 4 /* fills struct xl_console_chunk with unread output; returns bytes */
#define XL_DOMCTL_CONSOLE_WRITE 5 /* queues the buffer as the domain's input; returns bytes taken */
/*
 * SHUTDOWN: arg = domain id | XL_SHUTDOWN_*_FLAG bits. Asks the guest to power
 * off (it sees XL_SHUTDOWN_QUERY); returns 0. With XL_SHUTDOWN_REBOOT_FLAG
 * (ABI 0.6) asks it to reboot: -EOPNOTSUPP unless the guest has asked with
 * XL_QUERY_REASON. With XL_SHUTDOWN_HARD_FLAG (ABI 0.6) nothing is asked:
 * the domain ends at once with that reason, as if it had called
 * XL_HC_SHUTDOWN itself, and its on_poweroff / on_reboot action follows.
 * With XL_SHUTDOWN_ASKABLE_FLAG (ABI 0.10) a guest that has never called
 * XL_SHUTDOWN_QUERY is not asked (it would not see it): -EOPNOTSUPP.
 */
#define XL_DOMCTL_SHUTDOWN 6
#define XL_SHUTDOWN_REBOOT_FLAG (1ULL << 32)
#define XL_SHUTDOWN_HARD_FLAG (1ULL << 33)
#define XL_SHUTDOWN_ASKABLE_FLAG (1ULL << 34)
/*
 * Images of any size, in three steps: CREATE (struct xl_domctl_create; the
 * domain gets its memory and CPUs and stays building) returns the id; LOAD
 * (struct xl_domctl_load then the bytes, arg = id) fills the announced
 * images piece by piece; START (arg = id) builds the guest from them and
 * runs it. A start that fails destroys the domain.
 */
#define XL_DOMCTL_CREATE 7 /* returns the id of a domain left building */
#define XL_DOMCTL_LOAD 8 /* returns the bytes taken */
#define XL_DOMCTL_START 9 /* returns 0 */
/*
 * PREPARE (arg = id; ABI 0.3): zero the next XL_PREPARE_STEP bytes of a
 * building domain's memory; returns the bytes still to zero. Memory is
 * zeroed before a guest runs whether or not PREPARE is called; calling it
 * until it returns 0, between CREATE and START, keeps each hypercall short
 * (a large guest's memory takes seconds to zero).
 */
#define XL_DOMCTL_PREPARE 10
#define XL_PREPARE_STEP (256ULL << 20)
/*
 * PCI functions taken from dom0 (ABI 0.4, Documentation/iommu.md); arg =
 * XL_PCI_SBDF(segment, bus, device, function), with XL_PCI_CHECK_ONLY for
 * the checks alone. ADD returns 0 or -ENODEV (no such function), -EXDEV
 * (not on bus 0), -EPERM (a bridge or an IOMMU), -EBUSY (taken already),
 * -ENXIO (no IOMMU translates DMA); REMOVE 0 or -ENOENT (not taken).
 */
#define XL_DOMCTL_PCI_ASSIGNABLE_ADD 11
#define XL_DOMCTL_PCI_ASSIGNABLE_REMOVE 12
#define XL_PCI_SBDF(seg, bus, dev, fn) \
	(((uint64_t)(seg) << 16) | ((uint64_t)(bus) << 8) | ((uint64_t)(dev) << 3) | (uint64_t)(fn))
#define XL_PCI_CHECK_ONLY (1ULL << 32)

/*
 * VIRTIO (ABI 0.9, Documentation/virtio.md): a Linux guest's virtio devices,
 * whose back-ends are dom0 processes. The hypervisor is the transport - a
 * virtio-pci (1.x, "modern") function on the guest's bus: configuration
 * space, common configuration, notifications, MSI-X - and the back-end the
 * device: it reads the queues the driver set up (STATE) in the guest's
 * memory. Queue q is an event channel dom0 connected between itself and
 * the guest before ADD: the driver's notification of q is a notification
 * of dom0's end; dom0's notification on its end raises q's MSI-X vector in
 * the guest (the guest's end belongs to the device: the guest cannot bind,
 * send on or close it). Buffer: struct xl_virtio_op; arg: the guest's id.
 *   ADD: before the guest first runs; returns the device's index.
 *   STATE: fills in the driver's side (features, status, queues) and the
 *     queues' ports (a back-end that takes over finds its channels); returns 0.
 *   RESET_DONE: the back-end has dropped what it had of the queues after the
 *     driver reset the device (reset_count as STATE gave it); until then the
 *     driver reads a non-zero status. Returns 0.
 */
#define XL_DOMCTL_VIRTIO 13
#define XL_VIRTIO_ADD 0
#define XL_VIRTIO_STATE 1
#define XL_VIRTIO_RESET_DONE 2
#define XL_VIRTIO_MAX_DEVICES 4 /* per guest */
#define XL_VIRTIO_MAX_QUEUES 8 /* per device */
#define XL_VIRTIO_MAX_QUEUE_SIZE 1024
#define XL_VIRTIO_CONFIG_MAX 64 /* bytes of device-specific configuration */
#define XL_VIRTIO_PCI_VENDOR 0x1af4
#define XL_VIRTIO_PCI_DEVICE_BASE 0x1040 /* + the virtio device id (1 net, 2 block) */
#define XL_VIRTIO_F_VERSION_1 (1ULL << 32) /* required: the transport is 1.x only */

struct xl_virtio_queue {
	uint16_t size; /* as the driver set it: a power of two, at most queue_max */
	uint16_t enabled;
	uint16_t msix_vector; /* 0xffff: none */
	uint16_t reserved;
	uint64_t desc, driver, device; /* guest-physical: descriptor table, available and used rings */
};

struct xl_virtio_op {
	uint32_t op; /* XL_VIRTIO_* */
	uint32_t device; /* STATE, RESET_DONE: the index ADD returned */
	/* ADD */
	uint32_t device_id; /* the virtio device id: 1 network, 2 block */
	uint32_t nr_queues; /* 1 to XL_VIRTIO_MAX_QUEUES */
	uint32_t queue_max; /* a power of two, at most XL_VIRTIO_MAX_QUEUE_SIZE */
	uint32_t config_len; /* at most XL_VIRTIO_CONFIG_MAX */
	uint32_t ports[XL_VIRTIO_MAX_QUEUES]; /* queue q: the guest's end of a channel to dom0 (STATE: out too) */
	uint64_t device_features; /* must include XL_VIRTIO_F_VERSION_1 */
	uint8_t config[XL_VIRTIO_CONFIG_MAX]; /* the device-specific configuration the driver reads */
	/* STATE (out); RESET_DONE (reset_count in) */
	uint64_t driver_features; /* as accepted (FEATURES_OK), else as written so far */
	uint32_t status; /* device_status as the driver wrote it */
	uint32_t reset_count; /* resets the driver asked for */
	struct xl_virtio_queue queues[XL_VIRTIO_MAX_QUEUES];
};

/*
 * GUEST_MEMORY_MAP / _UNMAP (ABI 0.9; arg = the guest's id): dom0's view of
 * a guest's RAM, for the back-ends of its virtio devices
 * (Documentation/virtio.md). MAP maps all of the guest's RAM into dom0's
 * address space at its host-physical addresses (read-write, never
 * executable) and writes where each piece is into the buffer (struct
 * xl_mem_extent[], as many as fit); returns how many pieces there are.
 * Each MAP is a reference, which UNMAP drops; the last one takes the
 * mapping away again. A guest destroyed while dom0 has its view keeps its
 * memory - held, not reused - until then: nothing dom0 still reaches is
 * ever given to another domain. UNMAP of a guest destroyed meanwhile is
 * done by its old id.
 */
#define XL_DOMCTL_GUEST_MEMORY_MAP 14
#define XL_DOMCTL_GUEST_MEMORY_UNMAP 15
#define XL_GUEST_VIEWS_MAX 16 /* guests dom0 may view at once */
#define XL_GUEST_VIEW_MAX_EXTENTS 512 /* pieces of a guest's memory, at most */

struct xl_mem_extent {
	uint64_t gpa; /* in the guest */
	uint64_t hpa; /* in dom0: where that piece is mapped */
	uint64_t size;
};

/* A domain's console output not read yet, oldest first. */
struct xl_console_chunk {
	uint64_t dropped; /* bytes overwritten unread since the last read (the ring is bounded) */
	uint32_t len; /* bytes in data[] */
	uint32_t reserved;
	char data[];
};

#define XL_DOMCTL_MAX_IMAGE (64ULL << 20)
#define XL_DOMCTL_MAX_RAMDISK (512ULL << 20)
#define XL_CMDLINE_MAX 256

#define XL_GUEST_ELF 0 /* a 64-bit ELF kernel (boot state below) */
#define XL_GUEST_LINUX 1 /* a Linux bzImage, with an optional initramfs (Documentation/guests.md) */

struct xl_domctl_create {
	char name[XL_DOMAIN_NAME_MAX]; /* NUL-terminated, not empty */
	uint64_t mem_bytes; /* a multiple of 4 KiB, at least 2 MiB (Linux: 64 MiB) */
	int32_t cpu; /* CREATE_ELF: the physical CPU to pin to, or -1 for any free one */
	uint32_t image_size; /* CREATE_ELF: ELF bytes right after this header; CREATE: kernel bytes LOAD sends */
	char cmdline[XL_CMDLINE_MAX]; /* NUL-terminated; the guest's command line */
	uint32_t flags; /* XL_CREATE_* */
	uint32_t type; /* XL_GUEST_*; CREATE_ELF: XL_GUEST_ELF */
	uint32_t ramdisk_size; /* CREATE, Linux only: initramfs bytes LOAD sends after the kernel; 0: none */
	uint32_t nr_vcpus; /* CREATE: 1 to XL_MAX_GUEST_VCPUS (ELF: 1); CREATE_ELF: 0 or 1 */
	int32_t cpus[XL_MAX_GUEST_VCPUS]; /* CREATE: vCPU i's physical CPU, or -1 for any free one */
	/* ABI 0.4: PCI functions given to the guest, each assignable (segment << 16 | bdf) */
	uint32_t nr_pci;
	uint32_t on_dma_fault; /* XL_DMA_FAULT_*: what a DMA its devices make outside its memory does */
	uint32_t pci[XL_MAX_GUEST_PCI];
};

#define XL_DMA_FAULT_CRASH 0 /* the guest is crashed (the default) */
#define XL_DMA_FAULT_LOG 1 /* logged and counted only */

/* XL_DOMCTL_LOAD: len bytes of the images at offset (the kernel from 0, the ramdisk after it). */
struct xl_domctl_load {
	uint64_t offset;
	uint32_t len; /* bytes right after this header */
	uint32_t reserved; /* 0 */
};

/*
 * What happens when the domain ends (xl.cfg's on_crash, on_poweroff,
 * on_reboot), done by the hypervisor as soon as its vCPUs have stopped:
 * DESTROY gives everything back, RESTART builds a fresh domain (new id,
 * same name, images, memory size, CPUs and PCI functions); neither bit of
 * a pair: preserve (the domain stays, shutdown or crashed, until destroyed).
 * Both bits of a pair: -EINVAL.
 */
#define XL_CREATE_DESTROY_ON_CRASH (1u << 0)
#define XL_CREATE_RESTART_ON_CRASH (1u << 1)
#define XL_CREATE_PAUSED (1u << 2) /* ABI 0.5: built, then left paused (UNPAUSE runs it) */
#define XL_CREATE_DESTROY_ON_POWEROFF (1u << 3) /* ABI 0.6 */
#define XL_CREATE_RESTART_ON_POWEROFF (1u << 4) /* ABI 0.6 */
#define XL_CREATE_DESTROY_ON_REBOOT (1u << 5) /* ABI 0.6 */
#define XL_CREATE_RESTART_ON_REBOOT (1u << 6) /* ABI 0.6 */

/*
 * ---- XL_HC_EVENT(op, a, b, c): event channels (Documentation/composition.md) ----
 * A channel joins a port of one domain to a port of another. SEND on one
 * end sets the other end's bit in its domain's event page and, when the
 * bit was clear and the port is bound, raises the vector its domain chose
 * on the vCPU it chose - so a flood coalesces into one interrupt until the
 * receiver clears the bit. Ports are numbered 0 to XL_EVENT_MAX_PORTS - 1,
 * per domain.
 */
#define XL_EVENT_MAX_PORTS 64
#define XL_EVENT_FIRST_VECTOR 32 /* vectors 0-31 are exceptions: refused */
/* PAGE: a = guest-physical address of a 4 KiB-aligned page of the caller's RAM (struct xl_event_page), 0 to stop using one; returns 0 */
#define XL_EVENT_PAGE 0
/* OFFER: a = the domain that may accept; returns the caller's new port (XL_EVENT_OFFERED) */
#define XL_EVENT_OFFER 1
/* ACCEPT: a = the offering domain, b = its port; returns the caller's new port, both ends XL_EVENT_CONNECTED */
#define XL_EVENT_ACCEPT 2
/* CONNECT, dom0 only: a, b = two different domains; returns a's port | b's port << 32 */
#define XL_EVENT_CONNECT 3
/*
 * BIND: a = port, b = vCPU, c = vector (XL_EVENT_FIRST_VECTOR to 255; 0
 * unbinds) | XL_EVENT_BIND_APIC_ID (b is then the APIC id of the vCPU's
 * CPU, as a kernel that drives its APIC knows it); returns 0
 */
#define XL_EVENT_BIND 4
#define XL_EVENT_BIND_APIC_ID (1u << 16)
/* SEND: a = port; returns 0; -ENOTCONN when the port is offered but not accepted, or its other end closed */
#define XL_EVENT_SEND 5
/* CLOSE: a = port; returns 0. The other end becomes XL_EVENT_CLOSED and is notified. */
#define XL_EVENT_CLOSE 6
/* STATUS: a = port, b = guest-physical address of struct xl_event_status; returns 0 */
#define XL_EVENT_STATUS 7

#define XL_EVENT_FREE 0
#define XL_EVENT_OFFERED 1 /* waiting for the remote domain's ACCEPT */
#define XL_EVENT_CONNECTED 2
#define XL_EVENT_CLOSED 3 /* the other end closed (or its domain went): CLOSE frees it */

/* The caller's page: the hypervisor sets bit p of pending (atomically); the guest clears it (atomically). */
struct xl_event_page {
	uint64_t pending;
	uint64_t reserved[511];
};

struct xl_event_status {
	uint32_t state; /* XL_EVENT_* */
	uint32_t remote_domid;
	uint32_t remote_port;
	uint32_t vcpu; /* where its notifications go */
	uint32_t vector; /* 0: not bound (its bit is set, nothing raised) */
	uint32_t reserved;
	uint64_t sent; /* SENDs on this port */
	uint64_t received; /* notifications that reached it */
	uint64_t raised; /* of those, how many raised its vector (the others found its bit set) */
};

/*
 * ---- XL_HC_SHM(op, buffer gpa, buffer size, arg): shared memory segments ----
 * dom0 creates a named segment, zeroed, and attaches it to domains (itself
 * included), each read-write or read-only; a domain finds it at a
 * guest-physical address at or above XL_SHM_GPA_BASE - dom0, identity-mapped,
 * at its host-physical address, in memory its e820 reserves - (QUERY; an ELF
 * guest also in its start info). The memory goes when the segment was destroyed
 * and no domain has it attached; destroying a domain detaches it.
 */
#define XL_SHM_CREATE 0 /* dom0: buffer = struct xl_shm_create; returns 0 */
#define XL_SHM_DESTROY 1 /* dom0: buffer = struct xl_shm_name; returns 0 */
#define XL_SHM_ATTACH 2 /* dom0: buffer = struct xl_shm_attach (gpa filled in); returns 0 */
#define XL_SHM_DETACH 3 /* dom0: buffer = struct xl_shm_attach (flags ignored); returns 0. A destroyed segment still attached is detached by its name too (a live one of that name first) */
#define XL_SHM_LIST 4 /* dom0: buffer = struct xl_shm_info[]; returns how many segments exist (may be more than fit) */
#define XL_SHM_QUERY 5 /* any domain: buffer = struct xl_shm_mapping[]; its attachments; returns how many */

#define XL_SHM_NAME_MAX 32 /* with the NUL; [A-Za-z0-9._-] */
#define XL_SHM_MAX_SEGMENTS 32 /* on the node */
#define XL_SHM_MAX_ATTACH 8 /* domains per segment */
#define XL_SHM_MAX_PER_DOMAIN 4 /* segments per domain */
#define XL_SHM_MAX_SIZE (16ULL << 30) /* bytes of one segment, a multiple of 4 KiB */
#define XL_SHM_GPA_BASE (1ULL << 39) /* 512 GiB: a guest's segments are mapped from here up */
#define XL_SHM_READ_ONLY 1u /* XL_SHM_ATTACH: the domain may read it, not write it */
#define XL_SHM_DESTROYED 2u /* struct xl_shm_info: destroyed, still attached somewhere */
#define XL_SHM_AUTO 4u /* XL_SHM_CREATE: destroyed by itself when its last domain detaches (a config's shm key) */

struct xl_shm_name {
	char name[XL_SHM_NAME_MAX];
};

struct xl_shm_create {
	char name[XL_SHM_NAME_MAX];
	uint64_t size;
	uint32_t flags; /* XL_SHM_AUTO */
	uint32_t reserved; /* 0 */
};

struct xl_shm_attach {
	char name[XL_SHM_NAME_MAX];
	uint32_t domid;
	uint32_t flags; /* XL_SHM_READ_ONLY */
	uint64_t gpa; /* out: where the domain finds it */
};

struct xl_shm_mapping {
	char name[XL_SHM_NAME_MAX];
	uint64_t gpa;
	uint64_t size;
	uint32_t flags; /* XL_SHM_READ_ONLY */
	uint32_t reserved;
};

struct xl_shm_info {
	char name[XL_SHM_NAME_MAX];
	uint64_t size;
	uint32_t flags; /* XL_SHM_DESTROYED */
	uint32_t nr_attached;
	struct {
		uint32_t domid;
		uint32_t flags; /* XL_SHM_READ_ONLY */
		uint64_t gpa;
	} attached[XL_SHM_MAX_ATTACH];
};

/*
 * ---- a Linux guest's shared-memory PCI function (Documentation/composition.md) ----
 * Each segment attached to a Linux guest before it first runs is also a PCI
 * function on its bus 0 (after its assigned devices): class RAM, one MSI
 * vector (64-bit address), BAR0 a page of registers (32-bit accesses only:
 * another width ends the guest, as for every emulated register), BAR2 (64-bit, prefetchable)
 * the segment itself - the segment's size rounded up to a power of two; the
 * bytes past XL_SHM_REG_SIZE are not backed (an access ends the guest).
 * Commands are writes; each leaves its result (0 or a negative errno) in
 * XL_SHM_REG_STATUS of that function. Ports are the domain's, whichever
 * function is used.
 */
#define XL_SHM_PCI_VENDOR 0x1234 /* the unregistered id QEMU's own devices use (edu 1234:11e8) */
#define XL_SHM_PCI_DEVICE 0x584c
#define XL_SHM_PCI_CLASS 0x050000 /* memory controller, RAM */
#define XL_SHM_PCI_MAGIC 0x4d534c58u /* "XLSM" */
#define XL_SHM_PCI_VERSION 1
#define XL_SHM_REG_MAGIC 0x00 /* RO XL_SHM_PCI_MAGIC */
#define XL_SHM_REG_VERSION 0x04 /* RO XL_SHM_PCI_VERSION */
#define XL_SHM_REG_DOMID 0x08 /* RO this domain's id */
#define XL_SHM_REG_FLAGS 0x0c /* RO XL_SHM_READ_ONLY; XL_SHM_DETACHED once dom0 detached it (BAR2 then unbacked) */
#define XL_SHM_REG_SIZE_LO 0x10 /* RO the segment's size in bytes */
#define XL_SHM_REG_SIZE_HI 0x14
#define XL_SHM_REG_STATUS 0x18 /* RO the last command's result (int32) */
#define XL_SHM_REG_EVENT_PAGE_LO 0x20 /* RW the event page's guest-physical address (struct xl_event_page) */
#define XL_SHM_REG_EVENT_PAGE_HI 0x24 /* RW; writing it registers LO | HI << 32 (XL_EVENT_PAGE) */
#define XL_SHM_REG_DOORBELL 0x28 /* WO a port: notify its other end (XL_EVENT_SEND) */
#define XL_SHM_REG_BIND 0x2c /* WO a port: its notifications raise this function's MSI (XL_EVENT_BIND); -EINVAL while MSI is off */
#define XL_SHM_REG_NAME 0x40 /* RO XL_SHM_NAME_MAX bytes: the segment's name, NUL-padded */
#define XL_SHM_DETACHED 8u

/* ---- boot state of an ELF guest (Documentation/guests.md) ----
 * The vCPU starts in 64-bit mode at the ELF entry point with paging on;
 * CR3 points to page tables identity-mapping all guest memory (2 MiB
 * pages), GDTR to a GDT with a flat code (0x08) and data (0x10) segment,
 * interrupts disabled, RSP = 0, and RDI = the guest-physical address of
 * struct xl_start_info. Page tables, GDT and start info occupy the top
 * XL_START_AREA_SIZE bytes of guest memory; the guest may reuse them once
 * it has its own.
 */
#define XL_START_INFO_MAGIC 0x786c5354u /* "TSlx" */
#define XL_START_AREA_SIZE (64 * 1024)
#define XL_SEL_CODE 0x08
#define XL_SEL_DATA 0x10

struct xl_start_info {
	uint32_t magic;
	uint32_t version; /* XL_ABI_VERSION */
	uint64_t mem_size; /* guest memory is [0, mem_size) */
	uint32_t domain_id;
	uint32_t vcpu_id;
	uint64_t tsc_khz; /* the TSC frequency, for timekeeping without calibration */
	char cmdline[256]; /* the guest's command line, NUL-terminated */
	/* ABI 0.4: its PCI functions; a memory BAR is mapped at its own address (bar == host address) */
	uint32_t nr_pci;
	uint32_t reserved;
	struct xl_start_pci {
		uint16_t segment, bdf;
		uint32_t reserved;
		uint64_t bar[6]; /* guest-physical address of memory BAR i, 0 for none (or I/O) */
		uint64_t bar_size[6];
	} pci[XL_MAX_GUEST_PCI];
	/* ABI 0.8: the shared segments attached to it before it started (XL_SHM_QUERY tells the current ones) */
	uint32_t nr_shm;
	uint32_t reserved2;
	struct xl_shm_mapping shm[XL_SHM_MAX_PER_DOMAIN];
};

/*
 * ---- XL_HC_MODULE(op, buffer gpa, buffer size, arg): behaviour modules ----
 * (Documentation/modules.md). A module file goes to the hypervisor in
 * chunks (LOAD); the last chunk makes the hypervisor check the whole file,
 * place it and run its init.
 */
#define XL_MODULE_LOAD 0 /* dom0: buffer = struct xl_module_load then the chunk; returns 0, or the module's id (> 0) after the last chunk */
#define XL_MODULE_UNLOAD 1 /* dom0: buffer = struct xl_module_unload; returns 0 */
#define XL_MODULE_LIST 2 /* dom0: buffer = struct xl_module_entry[]; returns how many modules are loaded (may be more than fit) */
#define XL_MODULE_CALL 3 /* any domain, as the module allows: buffer = struct xl_module_call_header then the data, in and out; arg to the module; returns the module's answer */

#define XL_MODULE_MAX_FILE (1024 * 1024) /* bytes of a module file */
#define XL_MODULE_MAX_CALL (64 * 1024) /* bytes of one XL_MODULE_CALL buffer */
#define XL_MODULE_NAME_LEN 32 /* with the NUL */
#define XL_MODULE_WHY_LEN 128

struct xl_module_load {
	uint64_t total; /* the whole file's size, the same in every chunk */
	uint64_t offset; /* where this chunk goes; 0 starts a new load (any unfinished one is dropped) */
	uint32_t length; /* bytes right after this header */
	uint32_t reserved; /* 0 */
	char args[128]; /* the init function's argument, NUL terminated; read with the last chunk */
	char why[XL_MODULE_WHY_LEN]; /* out: why the load was refused, when it was */
};

struct xl_module_unload {
	char name[XL_MODULE_NAME_LEN];
	char why[XL_MODULE_WHY_LEN]; /* out: why the unload was refused (the module's own reason when busy) */
};

struct xl_module_entry {
	uint32_t id;
	uint32_t hooks; /* XL_MODULE_HOOK_* bits it installed */
	char name[XL_MODULE_NAME_LEN];
	char version[16];
	uint8_t sha256[32]; /* of the file as loaded */
	uint64_t text_bytes, rodata_bytes, data_bytes; /* page-rounded sizes of its mappings */
	uint64_t calls; /* XL_MODULE_CALL requests it answered */
};

#define XL_MODULE_HOOK_EXIT (1u << 0)
#define XL_MODULE_HOOK_DOMAIN (1u << 1)
#define XL_MODULE_HOOK_OPS (1u << 2)
#define XL_MODULE_HOOK_POLICY (1u << 3)
#define XL_MODULE_HOOK_TICK (1u << 4)

struct xl_module_call_header {
	char name[XL_MODULE_NAME_LEN]; /* the module */
	uint32_t op; /* the module's own operation */
	uint32_t reserved; /* 0 */
};

#endif
