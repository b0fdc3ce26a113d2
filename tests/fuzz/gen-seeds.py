#!/usr/bin/env python3
"""Write the seed corpora of the fuzz harnesses: tests/fuzz/corpus/NAME/SEED.

Each seed is a well-formed input in the harness's layout (the comment at the
top of tests/fuzz/fuzz_NAME.c), built like the crafted blobs of the matching
unit test (tests/unit/test_*.c), so that fuzzing starts from inputs that get
past the first checks. Run it again after changing a harness's input layout:

    python3 tests/fuzz/gen-seeds.py [OUT_DIR]

Regression inputs (crashes found and fixed) are kept beside these, named
regress-*, and are not written by this script.
"""
import os
import struct
import sys


def u8(v):
    return struct.pack("<B", v)


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def num(v):
    """A value as tests/fuzz/support.c fuzz_number() reads it."""
    if v < 1 << 32:
        return u8(2) + u32(v)
    return u8(6) + u64(v)


class Mem:
    """A little-endian byte image, written at offsets."""

    def __init__(self, size=0):
        self.b = bytearray(size)

    def put(self, off, data):
        if len(self.b) < off + len(data):
            self.b.extend(bytes(off + len(data) - len(self.b)))
        self.b[off:off + len(data)] = data

    def bytes(self):
        return bytes(self.b)


# ---- multiboot (fuzz_multiboot.c: protocol byte, then memory at 0x10000) ----------

MB_BASE = 0x10000


def bzimage_header(protocol=0x020F, size=0x1400):
    """A bzImage of size bytes: one setup sector after the boot sector (test_bzimage.c)."""
    m = Mem(size)
    m.put(0x1F1, u8(1))  # setup_sects
    m.put(0x1FE, u16(0xAA55))
    m.put(0x201, u8(0x6A))  # the setup header ends at 0x26c
    m.put(0x202, b"HdrS")
    m.put(0x206, u16(protocol))
    m.put(0x211, u8(0x01))  # LOADED_HIGH
    m.put(0x22C, u32(0x7FFFFFFF))  # initrd_addr_max
    m.put(0x230, u32(0x200000))  # kernel_alignment
    m.put(0x234, u8(1))  # relocatable
    m.put(0x236, u16(0x03))  # XLF_KERNEL_64, XLF_CAN_BE_LOADED_ABOVE_4G
    m.put(0x238, u32(2047))  # cmdline_size
    m.put(0x258, u64(0x1000000))  # pref_address
    m.put(0x260, u32(0x20000))  # init_size
    return m


def mb2_seed(full):
    m = Mem()
    off = 8

    def tag(t, payload):
        nonlocal off
        m.put(off, u32(t) + u32(8 + len(payload)) + payload)
        off = (off + 8 + len(payload) + 7) & ~7

    if full:
        tag(1, b"console=com1 loglvl=debug dom0_mem=256M\0")
        tag(2, b"GRUB 2.06\0")
        # module 0 is a bzImage header inside the fake memory, module 1 an xl-guest line
        tag(3, u32(MB_BASE + 0x800) + u32(MB_BASE + 0xE00) + b"dom0 kernel root=/dev/vda\0")
        tag(3, u32(0x900000) + u32(0x900800) + b"xl-guest name=hello cpu=1 mem=4M timeout=500\0")
    entries = [(0x0, 0x9FC00, 1), (0xF0000, 0x10000, 2), (0x10000, 0x3FEF0000, 1),
               (0x3FF00000, 0x100000, 3)] if full else [(0x100000, 0x7FF00000, 1)]
    tag(6, u32(24) + u32(0) + b"".join(u64(b) + u64(s) + u32(t) + u32(0) for b, s, t in entries))
    if full:
        rsdp = bytearray(b"RSD PTR " + bytes(28))
        rsdp[15] = 2
        tag(15, bytes(rsdp))
        tag(14, bytes(rsdp[:20]))
        tag(8, u64(0xFD000000) + u32(4096) + u32(1024) + u32(768) + u8(32) + u8(1) + bytes(2))
        tag(12, u64(0x7FBEE018))
        tag(11, u32(0x7FBEE000))
    tag(0, b"")
    m.put(0, u32(off) + u32(0))
    if full:
        m.put(0x800, bzimage_header(size=0x600).bytes())
    return u8(1) + m.bytes()


def mb2_limits_seed():
    """More modules and memory regions than boot_info holds (BOOT_MAX_MODULES, BOOT_MAX_MEM_REGIONS)."""
    m = Mem()
    off = 8
    for i in range(17):
        m.put(off, u32(3) + u32(24) + u32(0x1000000 + i * 0x1000) + u32(0x1001000 + i * 0x1000) + b"m\0")
        off += 24
    entries = b"".join(u64(i << 20) + u64(1 << 20) + u32(1 + i % 6) + u32(0) for i in range(257))
    m.put(off, u32(6) + u32(16 + len(entries)) + u32(24) + u32(0) + entries)
    off += 16 + len(entries)
    m.put(off, u32(0) + u32(8))
    m.put(0, u32(off + 8) + u32(0))
    return u8(1) + m.bytes()


def mb1_seed(with_mmap):
    m = Mem(116)
    flags = 0x1 | 0x4 | 0x8 | 0x200 | 0x1000
    m.put(4, u32(639) + u32(0x3FF00))  # mem_lower, mem_upper (KiB)
    m.put(16, u32(MB_BASE + 0x300))  # cmdline
    m.put(20, u32(2) + u32(MB_BASE + 0x200))  # mods_count, mods_addr
    if with_mmap:
        flags |= 0x40
        mmap = b"".join(u32(20) + u64(b) + u64(s) + u32(t) for b, s, t in
                        [(0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0x10000, 0x7EE0000, 1)])
        m.put(0x100, mmap)
        m.put(44, u32(len(mmap)) + u32(MB_BASE + 0x100))
    m.put(64, u32(MB_BASE + 0x340))  # boot loader name
    m.put(88, u64(0xFD000000) + u32(4096) + u32(1024) + u32(768) + u8(32) + u8(1))
    m.put(0, u32(flags))
    m.put(0x200, u32(MB_BASE + 0x800) + u32(MB_BASE + 0xE00) + u32(MB_BASE + 0x380) + u32(0))
    m.put(0x210, u32(0x1400000) + u32(0x1480000) + u32(MB_BASE + 0x3C0) + u32(0))
    m.put(0x300, b"console=com1 maxcpus=2 loglvl=debug\0")
    m.put(0x340, b"qemu\0")
    m.put(0x380, b"dom0 kernel\0")
    m.put(0x3C0, b"xl-guest name=t1 mem=2M\0")
    m.put(0x800, bzimage_header(size=0x600).bytes())
    return u8(0) + m.bytes()


# ---- ACPI (fuzz_acpi.c: flags, EBDA segment, memory at 0xe0000) -----------------------

ACPI_BASE = 0xE0000


def checksum_fix(m, off, length, at):
    m.b[at] = 0
    m.b[at] = (0x100 - sum(m.b[off:off + length])) & 0xFF


def acpi_table(m, off, sig, body, revision=1):
    length = 36 + len(body)
    m.put(off, sig + u32(length) + u8(revision) + u8(0) + b"XLTEST" + b"XLTABLE " + u32(1)
          + b"XL  " + u32(1) + body)
    checksum_fix(m, off, length, off + 9)
    return ACPI_BASE + off


def acpi_memory(revision):
    """RSDP at 0, RSDT and XSDT, MADT, FACP, MCFG, DMAR, IVRS (test_acpi.c, test_acpi_dom0.c)."""
    m = Mem(0x480)
    madt = (u32(0xFEE00000) + u32(1)
            + u8(0) + u8(8) + u8(0) + u8(0) + u32(1)  # LAPIC uid 0 id 0 enabled
            + u8(0) + u8(8) + u8(1) + u8(1) + u32(1)
            + u8(0) + u8(8) + u8(2) + u8(2) + u32(2)  # online-capable
            + u8(1) + u8(12) + u8(5) + u8(0) + u32(0xFEC00000) + u32(0)  # I/O APIC
            + u8(2) + u8(10) + u8(0) + u8(0) + u32(2) + u16(0)  # interrupt source override
            + u8(9) + u8(16) + u16(0) + u32(0x100) + u32(1) + u32(3)  # x2APIC
            + u8(5) + u8(12) + u16(0) + u64(0xFEE00000))  # LAPIC address override
    fadt = bytearray(244 - 36)
    fadt[76 - 36:80 - 36] = u32(0x608)  # PM_TMR_BLK
    fadt[112 - 36:116 - 36] = u32(1 << 8)  # TMR_VAL_EXT
    fadt[208 - 36] = 1  # X_PM_TMR_BLK: system I/O
    fadt[212 - 36:220 - 36] = u64(0x608)
    mcfg = bytes(8) + u64(0xB0000000) + u16(0) + u8(0) + u8(255) + bytes(4)
    dmar = (u8(38) + u8(1) + bytes(10)
            + u16(0) + u16(16) + u8(1) + u8(0) + u16(0) + u64(0xFED90000))  # DRHD
    ivrs = (u32(0) + bytes(8)
            + u8(0x10) + u8(0) + u16(24) + u16(2) + u16(0x40) + u64(0xFEB80000) + u16(0) + u16(0) + u32(0)
            + u8(0x40) + u8(0) + u16(40) + u16(2) + u16(0x40) + u64(0xFEB90000) + bytes(20))
    tables = [acpi_table(m, 0x100, b"APIC", madt, 3), acpi_table(m, 0x200, b"FACP", bytes(fadt), 5),
              acpi_table(m, 0x300, b"MCFG", mcfg), acpi_table(m, 0x340, b"DMAR", dmar),
              acpi_table(m, 0x3A0, b"IVRS", ivrs, 2)]
    rsdt = acpi_table(m, 0x40, b"RSDT", b"".join(u32(t) for t in tables))
    xsdt = acpi_table(m, 0x80, b"XSDT", b"".join(u64(t) for t in tables)) if revision >= 2 else 0
    rsdp = b"RSD PTR " + u8(0) + b"XLTEST" + u8(revision) + u32(rsdt)
    if revision >= 2:
        rsdp += u32(36) + u64(xsdt) + u8(0) + bytes(3)
    m.put(0, rsdp)
    checksum_fix(m, 0, 20, 8)
    if revision >= 2:
        checksum_fix(m, 0, 36, 32)
    return m.bytes()


def acpi_limits_seed():
    """Beyond acpi_info's arrays: 300 CPUs, 17 I/O APICs, 17 MCFG segments, 70 root entries."""
    m = Mem(0x1000)
    madt = u32(0xFEE00000) + u32(0)
    madt += b"".join(u8(0) + u8(8) + u8(i & 0xFF) + u8(i & 0xFF) + u32(1) for i in range(250))
    madt += b"".join(u8(9) + u8(16) + u16(0) + u32(0x100 + i) + u32(2) + u32(i) for i in range(50))
    madt += b"".join(u8(1) + u8(12) + u8(i) + u8(0) + u32(0xFEC00000 + (i << 12)) + u32(24 * i)
                     for i in range(17))
    mcfg = bytes(8) + b"".join(u64(0xB0000000 + (i << 28)) + u16(i) + u8(0) + u8(255) + bytes(4)
                               for i in range(17))
    madt_pa = acpi_table(m, 0x300, b"APIC", madt, 3)
    mcfg_pa = acpi_table(m, 0xF00, b"MCFG", mcfg)
    xsdt = acpi_table(m, 0x40, b"XSDT", b"".join(u64(mcfg_pa if i % 2 else madt_pa) for i in range(70)))
    rsdp = b"RSD PTR " + u8(0) + b"XLTEST" + u8(2) + u32(0) + u32(36) + u64(xsdt) + u8(0) + bytes(3)
    m.put(0, rsdp)
    checksum_fix(m, 0, 20, 8)
    checksum_fix(m, 0, 36, 32)
    return u8(0x02) + u16(0) + m.bytes()


def acpi_seed(flags, revision):
    return u8(flags) + u16(0x9FC0) + acpi_memory(revision)


# ---- xen-lite.efi (fuzz_efi_config.c, fuzz_efi_image.c) ----------------------------------

def efi_config_seed(loader_path, text):
    return u8(len(loader_path)) + loader_path.encode("utf-16-le") + text


def efi_image_seed():
    """An ELF64 executable with two PT_LOAD segments and the xen-lite image header (test_efi_image.c)."""
    m = Mem(0x400)
    m.put(0, b"\x7fELF" + u8(2) + u8(1) + u8(1) + bytes(9))
    m.put(16, u16(2) + u16(62) + u32(1) + u64(0x100180) + u64(64) + u64(0) + u32(0)
          + u16(64) + u16(56) + u16(2) + u16(64) + u16(0) + u16(0))
    m.put(64, u32(1) + u32(5) + u64(0x100) + u64(0x100000) + u64(0x100000) + u64(0x200)
          + u64(0x200) + u64(0x1000))
    m.put(120, u32(1) + u32(6) + u64(0x300) + u64(0x102000) + u64(0x102000) + u64(0x100)
          + u64(0x3000) + u64(0x1000))
    m.put(0x100, u32(0x4C4E4558) + u32(0x31455449) + u32(1) + u32(48) + u64(0x100180)
          + u64(0x100000) + u64(0x102100) + u64(0x105000))
    return m.bytes()


# ---- the ELF guest loader (fuzz_guest_elf.c) --------------------------------------------

def guest_elf_seed(mem_sel, cmdline, bad_note=True):
    """elf_default() of test_guest_loader.c: text at 0x1000 (8 KiB, 40 in the file), data at 0x8000."""
    phs = [(1, 5, 64 + 3 * 56, 0x1000, 40, 0x2000), (4, 4, 2 ** 64 - 1, 2 ** 64 - 1, 0x100000, 5),
           (1, 6, 64 + 3 * 56 + 40, 0x8000, 24, 24)]
    if not bad_note:
        phs = [phs[0], phs[2]]
    eh = (b"\x7fELF" + u8(2) + u8(1) + u8(1) + bytes(9) + u16(2) + u16(62) + u32(1) + u64(0x1010)
          + u64(64) + u64(0) + u32(0) + u16(64) + u16(56) + u16(len(phs)) + u16(64) + u16(0) + u16(0))
    ph = b"".join(u32(t) + u32(f) + u64(o) + u64(pa) + u64(pa) + u64(fs) + u64(ms) + u64(0x1000)
                  for t, f, o, pa, fs, ms in phs)
    payload = bytes(0x40 + i for i in range(64))
    return u16(mem_sel) + u8(1) + u8(len(cmdline)) + cmdline + eh + ph + payload


# ---- the Linux boot protocol (fuzz_linux_boot.c) ------------------------------------------

def linux_seed(flags, protocol=0x020F, relocatable=True, initrd=True):
    img = bzimage_header(protocol)
    if not relocatable:
        img.put(0x234, u8(0))
    regions = [(0, 0x9FC00, 1), (0xF0000, 0x10000, 2), (0x100000, 0x3FF00000, 1),
               (0xFEC00000, 0x1000, 2), (0x100000000, 0x40000000, 1)]
    out = u8(flags) + u8(len(regions))
    for base, size, t in regions:
        out += num(base) + num(size) + u8(t)
    ram = [(0x100000, 0x20000000), (0x100000000, 0x110000000)]
    avoid = [(0x1000000, 0x1100000), (0x2000000, 0x2400000)]
    out += u8(len(ram)) + b"".join(num(s) + num(e) for s, e in ram)
    out += u8(len(avoid)) + b"".join(num(s) + num(e) for s, e in avoid)
    out += num(0x10000) + num(0x11000) + num(27)
    out += num(0x3000000 if initrd else 0) + num(0x100000 if initrd else 0) + num(0xF0000)
    return out + img.bytes()


# ---- text inputs ---------------------------------------------------------------------------

XL_CFGS = {
    "elf": b'# an HPC guest\nname = "lwk-1"\ntype = "elf"\nkernel = /guests/hello.elf   # the image\n'
           b'memory = 64\nvcpus = 1\ncpus = 2\ncmdline = "xl-guest name=lwk-1 # not a comment"\n'
           b'on_crash = "destroy"\n',
    "linux": b'name = "hpc-linux"\ntype = "linux"\nkernel = "/guests/vmlinuz"\n'
             b'ramdisk = "/guests/guest-initrd.cpio.gz"\nmemory = 256\nvcpus = 2\ncpus = "2-3"\n'
             b'cmdline = "console=ttyS0 quiet"\non_crash = "preserve"\n',
    "list": b'name=l\ntype=linux\nkernel=k\nmemory=64\nvcpus=4\ncpus=["1", 3, "5-6"]\non_crash=restart\n',
    "minimal": b"name=a\nkernel=k\nmemory=2\n",
    "xl-syntax": b"name='nvme-1'; type = 'linux'; kernel = \"/guests/vm\\\"linuz\"\nmemory = 0x100\n"
                 b"pci = [ '0000:00:04.0',\n        \"00:05.0\",  # the NIC\n]\n"
                 b"cmdline = 'console=ttyS0 \\'quoted\\' \\\\ \\t'\n",
    "sizes": b"name=s\nkernel=k\nmemory=2g\nvcpus=010\n",
    # what happens when it ends: xen-lite's three actions, then one of xl's it refuses
    "end-actions": b"name=e\nkernel=k\nmemory=2\non_poweroff = 'preserve'\non_reboot=restart\n"
                   b"on_crash = \"destroy\"\0on_reboot = \"rename-restart\"",
    # the cpuid key, both of Xen's forms (dom0-tools/xl-cfg-cpuid.c)
    "cpuid-libxl": b"name=c\nkernel=k\nmemory=2\ncpuid = \"host,sse4_2=0,avx=x,fsgsbase=1,lahf-lm=0\"\n",
    "cpuid-xend": b"name=c\nkernel=k\nmemory=2\ncpuid = [ \"1:ecx=xxxxxxxxxxx0xxxxxxxxxxxxxxxxxxxx,edx=" +
                  b"k" * 32 + b"\",\n  '7,0:ebx=" + b"s" * 31 + b"1', ]\n",
    # the shm key: segments with sizes in each unit, a read-only one, items across lines
    "shm": b"name=p\nkernel=k\nmemory=16\nshm = [ \"name=ring,size=2M\", 'size=4096,mode=ro,name=a.b_c-1',\n"
           b"  \"name=big,size=16G,mode=rw\", \"name=k,size=0x3000\" ]\0shm=[\"name=x,size=8k\"]",
    # create FILE KEY=VALUE...: the settings after NULs (fuzz_xl_cfg.c)
    "settings": b"name=a\ntype=linux\nkernel=k\nmemory=64\ncpus=2\0memory=512\0name=\"x\"; vcpus=2\0"
                b"cpus = [3, 4]",
}

# fault campaigns of xl-lite inject (fuzz_fi_campaign.c): the text, a NUL, the target's
# memory size (8 bytes) and vCPUs (1 byte)
FI_CAMPAIGNS = {
    "minimal": b"target = hpc\ninjections = 10\nmem_flip = 1\n\0" + u64(256 << 20) + u8(1),
    "every-key": b"# a campaign\ntarget = 'hpc-linux'\nseed = 42; injections = 200\nwindow_ms = 300\n"
                 b"restart_ms = 120000\nhang_ms = 20000\nmem = \"0x4000000-0xc000000\"\n"
                 b"mem_flip = 90\nreg_flip = 2\nhypercall_fail = 2\nio_corrupt = 2\nipi_drop = 2\n"
                 b"ipi_dup = 2\ncount = 1\nerrno = 5\nhypercall = any\nport = 0x3fd\n"
                 b"ok = \"checksum: ok\"\ncorrupt = [ \"checksum: MISMATCH\", 'bad' ]\n"
                 b"user_crash = [ \"segfault at\",\n  \"Segmentation fault\" ]\n"
                 b"kernel_crash = \"Kernel panic\"\nunsafe = 0\n\0" + u64(256 << 20) + u8(2),
    "dom0-unsafe": b"target = dom0\ninjections = 1\nunsafe = 1\nmem_flip = 1\nreg_flip = 1\n"
                   b"mem = 0x1000-0x2000\n\0" + u64(512 << 20) + u8(4),
    "big-memory": b"target = 7\ninjections = 100000\nmem_flip = 1000000\nhypercall = 2\n\0" +
                  u64(8 << 30) + u8(16),
    "refused": b"target = hpc\ninjections = 1\nmem_flip = 1\nwindw_ms = 5\n",
}

CMDLINES = {
    "xen-forms": b"dom0_mem=min:512M,max:4G,2G dom0_max_vcpus=1-4 loglvl=all loglvl=all/all "
                 b"dom0_mem=-1G dom0_mem=1048576,max:2G loglvl=warning loglvl=none dom0_max_vcpus=4-1",
    "params": b"console=com1,115200 loglvl=debug maxcpus=4 x2apic tsc_khz=2000000 on_panic=reboot "
              b"after_boot=halt debug_exit=0xf4 selftest=none dom0_mem=512M dom0_max_vcpus=2 "
              b"dom0_on_crash=keep",
    "quoted": b'console="com2,9600" x2apic=off dom0_mem=0x20000000 loglvl=bogus unknown=1 =x',
    "xl-guest": b"xl-guest name=hello cpu=2 mem=4M timeout=500 expect=pass pause_at=100 "
                b"readonly=0x1000 noexec=0x2000 unmap=0x3000 arg1 arg2",
}


# ---- the hypercall harnesses (tests/fuzz/fake_dom0.h) --------------------------------------

REQ = 0x200  # where the seeds put their requests in dom0's RAM


def node(guests=(), log_head=0x1234):
    """flags (no hole, one vCPU), no failures, the guests (vCPUs - 1, how), the log head."""
    out = u8(0) + u8(0) + u8(len(guests))
    for vcpus, how in guests:
        out += u8(vcpus - 1) + u8(how)
        if how & 0x20:
            out += u16(0x400)
            if how & 0x80:
                out += u16(0x200)
        out += u16(0x40) + u8(3)
    return out + num(log_head)


CREATE_SIZE = 408  # struct xl_domctl_create (ABI 0.4)
INFO_SIZE = 272  # struct xl_domain_info (ABI 0.6)


def create_request(name, type_, mem, image_size, nr_vcpus=1, cpus=(), ramdisk=0, flags=0, cpu=-1,
                   cmdline=b"xl-guest name=x", pci=(), on_dma_fault=0):
    cpus = list(cpus) + [-1] * (16 - len(cpus))
    pcis = list(pci) + [0] * (4 - len(pci))
    return (name.ljust(32, b"\0") + u64(mem) + struct.pack("<i", cpu) + u32(image_size)
            + cmdline.ljust(256, b"\0") + u32(flags) + u32(type_) + u32(ramdisk) + u32(nr_vcpus)
            + b"".join(struct.pack("<i", c) for c in cpus)
            + u32(len(pci)) + u32(on_dma_fault) + b"".join(u32(x) for x in pcis))


def with_memory(head, blobs, size=0x800):
    """head at 0, then each (gpa, bytes) in dom0's RAM."""
    m = Mem(size)
    m.put(0, head)
    for gpa, data in blobs:
        m.put(gpa, data)
    return m.bytes()


def calls(reqs):
    return u8(len(reqs) - 1) + b"".join(num(op) + num(gpa) + num(size) + num(arg)
                                        for op, gpa, size, arg in reqs)


def domctl_seeds():
    elf = guest_elf_seed(0, b"")[4:]
    create_elf = create_request(b"elf", 0, 4 << 20, len(elf), cpu=2)
    create_linux = create_request(b"linux", 1, 64 << 20, 0x400, 2, (-1, 3), ramdisk=0x100, flags=2)
    # the fake node's bus: an endpoint at 00:02.0 (0x10), a bridge at 00:00.0, an IOMMU at 00:03.0
    create_dev = create_request(b"dev", 0, 4 << 20, len(elf), cpu=2, pci=(0x10,), on_dma_fault=1)
    load = u64(0) + u32(0x100) + u32(0) + bytes(0x100)
    running = [(1, 0x01), (2, 0x2C), (1, 0xA2)]  # running; paused, with images; building, with a ramdisk
    return {
        "create-elf": with_memory(node() + calls([(0, REQ, CREATE_SIZE + len(elf), 0)]),
                                  [(REQ, create_elf + elf)]),
        "create-load-start": with_memory(
            node() + calls([(7, REQ, CREATE_SIZE, 0), (8, 0x400, 16 + 0x100, 1), (10, 0, 0, 1), (9, 0, 0, 1)]),
            [(REQ, create_linux), (0x400, load)], 0x600),
        "control": with_memory(
            node(running) + calls([(2, 0, 0, 1), (3, 0, 0, 2), (4, 0x500, 0x100, 1), (5, 0x600, 8, 1),
                                   (6, 0, 0, 1), (8, 0x700, 0x20, 3), (1, 0, 0, 2), (3, 0, 0, 0)]),
            [(0x600, b"ls -l\n\0\0"), (0x700, u64(0x10) + u32(0x10) + u32(0) + bytes(16))]),
        # take 00:02.0 (checked first), refuse the bridge and the IOMMU, give it to a guest,
        # try to give it back while the guest has it, destroy the guest, give it back
        # reboot requests: refused to d1 (it never asked with XL_QUERY_REASON), taken by d2;
        # a hard reboot of d1; an unknown flag
        "reboot": with_memory(
            node([(1, 0x01), (1, 0x07)]) + calls([(6, 0, 0, 1 | 1 << 32), (6, 0, 0, 2 | 1 << 32),
                                                  (6, 0, 0, 1 | 3 << 32), (6, 0, 0, 2 | 1 << 34)]),
            []),
        "pci": with_memory(
            node() + calls([(11, 0, 0, 0x10 | 1 << 32), (11, 0, 0, 0x10), (11, 0, 0, 0), (11, 0, 0, 0x18),
                            (0, REQ, CREATE_SIZE + len(elf), 0), (12, 0, 0, 0x10), (1, 0, 0, 1),
                            (12, 0, 0, 0x10)]),
            [(REQ, create_dev + elf)]),
    }


def sysctl_seeds():
    guests = [(2, 0x01), (1, 0x04)]
    return {
        "info": with_memory(node() + calls([(0, 0x100, 2168, 0)]), [], 0x100 + 2168),
        "log": with_memory(node(log_head=0x12345) + calls([(1, 0x100, 0x200, 0), (1, 0x100, 0x40, 0x12300)]),
                           [], 0x400),
        "list": with_memory(node(guests) + calls([(2, 0x100, 3 * INFO_SIZE, 0), (2, 0x100, INFO_SIZE, 0)]),
                            [], 0x100 + 3 * INFO_SIZE),
        "pci-list": with_memory(node() + calls([(3, 0x100, 4 * 16, 0), (3, 0x100, 8, 0)]), [], 0x200),
    }


def hypercall_seeds():
    def hc(guest, nr, *args):
        args = list(args) + [0] * (6 - len(args))
        return u8(guest) + num(nr) + b"".join(num(a) for a in args)

    def shm_name(name):
        return name.ljust(32, b"\0")

    def shm_create(name, size, flags=0):
        return shm_name(name) + u64(size) + u32(flags) + u32(0)

    def shm_attach(name, domid, flags=0):
        return shm_name(name) + u32(domid) + u32(flags) + u64(0)

    # the caller byte: bit 0 unprivileged, bits 1-3 the caller (0 dom0, k the k-th guest),
    # bits 4-7 which nested page table mapping of the call fails
    d1, d2 = 1 << 1, 2 << 1
    ev, shm = 6, 7  # XL_HC_EVENT, XL_HC_SHM
    text = b"hello from the guest\n"
    return {
        # pages for dom0 and d1; dom0 offers to d1, d1 accepts and binds; two sends coalesce;
        # d1 reads its port's status
        "event-offer": with_memory(
            node([(1, 0x01)]) + u8(7) + hc(0, ev, 0, 0x1000) + hc(d1, ev, 0, 0x2000) + hc(0, ev, 1, 1)
            + hc(d1, ev, 2, 0, 0) + hc(d1, ev, 4, 0, 0, 0x40) + hc(0, ev, 5, 0) + hc(0, ev, 5, 0)
            + hc(d1, ev, 7, 0, 0x800), [], 0x3000),
        # dom0 joins d1 and d2; d2 binds, d1 sends, d2 closes, d1 sends (not connected), a guest's
        # CONNECT, dom0 destroys d1 with its port open
        "event-connect": with_memory(
            node([(1, 0x01), (2, 0x01)]) + u8(7) + hc(0, ev, 3, 1, 2) + hc(d2, ev, 4, 0, 1, 0x41)
            + hc(d1, ev, 5, 0) + hc(d2, ev, 6, 0) + hc(d1, ev, 5, 0) + hc(d1, ev, 3, 0, 2)
            + hc(0, 4, 1, 0, 0, 1) + hc(d2, ev, 7, 0, 0x800), [], 0x900),
        # dom0 creates a 2 MiB segment, attaches it to d1 read-only and to itself, lists it,
        # d1 queries, destroys it attached, detaches it from d1; a guest's CREATE
        "shm": with_memory(
            node([(1, 0x01)]) + u8(7) + hc(0, shm, 0, 0x800, 48) + hc(0, shm, 2, 0x900, 48)
            + hc(0, shm, 2, 0xa00, 48) + hc(0, shm, 4, 0xb00, 2 * 176) + hc(d1, shm, 5, 0xd00, 4 * 56)
            + hc(0, shm, 1, 0x800, 32) + hc(0, shm, 3, 0x900, 48) + hc(d1, shm, 0, 0x800, 48),
            [(0x800, shm_create(b"ring", 0x200000)), (0x900, shm_attach(b"ring", 1, 1)),
             (0xa00, shm_attach(b"ring", 0))], 0x1000),
        # an automatic segment on d1 and d2 (d2's second mapping fails once), d1 destroyed,
        # d2 detached: it goes; a segment too large for the pool
        "shm-auto": with_memory(
            node([(1, 0x01), (1, 0x01)]) + u8(6) + hc(0, shm, 0, 0x800, 48) + hc(0, shm, 2, 0x900, 48)
            + hc(0x20, shm, 2, 0xa00, 48) + hc(0, shm, 2, 0xa00, 48) + hc(0, 4, 1, 0, 0, 1)
            + hc(0, shm, 3, 0xa00, 48) + hc(0, shm, 0, 0xb00, 48),
            [(0x800, shm_create(b"auto.1", 0x5000, 4)), (0x900, shm_attach(b"auto.1", 1)),
             (0xa00, shm_attach(b"auto.1", 2)), (0xb00, shm_create(b"huge", 64 << 20))], 0x1000),
        "guest": with_memory(node() + u8(6) + hc(1, 0, 0) + hc(1, 0, 1) + hc(1, 1, 0, 0x100, len(text))
                             + hc(1, 1, 1, 0x180, 16) + hc(1, 2, 3) + hc(1, 2, 3, 1) + hc(1, 2, 2, 0x2A),
                             [(0x100, text)], 0x200),
        "dom0": with_memory(node([(1, 0x01)]) + u8(3) + hc(0, 3, 0, 0x100, 2168) + hc(0, 3, 2, 0x100, 2 * INFO_SIZE)
                            + hc(0, 4, 2, 0, 0, 1) + hc(0, 4, 6, 0, 0, 1), [], 0x100 + 2168),
    }


def pci_address(slot, reg):
    """fuzz_guest_pci: CONFIG_ADDRESS for slot 1 (the function) or 0 (the bridge)"""
    return u8(0) + u8(1) + u8(0) + u8(0) + u8(0) + u32(0) + u8(0) + u8(slot) + u8(reg)


def pci_write32(value):
    """fuzz_guest_pci: a dword to CONFIG_DATA"""
    return u8(0) + u8(1) + u8(4) + u8(2) + u8(0) + u32(value) + u8(1)


def pci_config(reg, value):
    return pci_address(1, reg) + pci_write32(value)


def msix_field(entry, field, value):
    """fuzz_guest_pci: a 4-byte store to an MSI-X entry's field (0 address, 1 high, 2 data, 3 control)"""
    return u8(1) + u8(0) + u8(2) + u16(0) + u8(1) + u16(entry) + u8(field) + u64(value)


def virtio_access(offset, value, size, store=True, pick=3):
    """fuzz_guest_pci: a load or store of size bytes at offset of virtio function 0's BAR4 (pick 3: anywhere)"""
    return (u8(1) + u8(4) + u8(0) + u8({1: 0, 2: 1, 4: 2, 8: 3}[size]) + u8(pick) + u16(offset) + u64(value)
            + u8(1 if store else 0))


def virtio_interrupt(queue):
    """fuzz_guest_pci: dom0 notifies virtio function 0's queue"""
    return u8(0) + u8(5) + u8(0) + u32(queue << 8)


def virtio_driver():
    """Linux's virtio_pci_modern bringing up a two-queue block device, then a notification each way."""
    ops = virtio_access(0x14, 0, 1) + virtio_access(0x14, 1, 1) + virtio_access(0x14, 3, 1)
    ops += virtio_access(0x08, 0, 4) + virtio_access(0x0C, 0x6, 4)
    ops += virtio_access(0x08, 1, 4) + virtio_access(0x0C, 1, 4) + virtio_access(0x14, 11, 1)
    ops += virtio_access(0x14, 0, 1, store=False) + virtio_access(0x10, 0, 2)
    for q in range(2):
        ops += virtio_access(0x16, q, 2) + virtio_access(0x18, 64, 2) + virtio_access(0x1A, q + 1, 2)
        ops += virtio_access(0x20, 0x100000 + q * 0x10000, 8) + virtio_access(0x28, 0x104000 + q * 0x10000, 8)
        ops += virtio_access(0x30, 0x108000 + q * 0x10000, 8) + virtio_access(0x1C, 1, 2)
        entry = 0x4000 + 16 * (q + 1)
        ops += virtio_access(entry, 0xFEE03000, 4) + virtio_access(entry + 4, 0, 4)
        ops += virtio_access(entry + 8, 0x41 + q, 4) + virtio_access(entry + 12, 0, 4)
    ops += pci_address(2, 0x84) + pci_write32(0x80000000) + virtio_access(0x14, 15, 1)
    ops += virtio_access(0x2000, 0, 8, store=False) + virtio_access(0x3000, 0, 2) + virtio_access(0x3004, 1, 2)
    ops += virtio_interrupt(0) + virtio_interrupt(1) + virtio_access(0x4000 + 16 + 12, 1, 4)
    ops += virtio_interrupt(0) + virtio_access(0x5000, 0, 8, store=False) + virtio_access(0x4000 + 16 + 12, 0, 4)
    ops += virtio_access(0x14, 0, 1) + virtio_access(0x14, 0, 1, store=False)
    # one device: block (id 2), two queues, 256 entries, 12 bytes of configuration
    return u8(1) + u8(1) + u8(1) + u8(8) + u8(12) + u64(0x6) + ops


def guest_pci_seeds():
    msi = (pci_config(0x44, 0xFEE03000) + pci_config(0x48, 0) + pci_config(0x4C, 0x41)
           + pci_config(0x40, 0x00010000))
    msix = (pci_config(0x60, 0x80000000) + msix_field(0, 0, 0xFEE05000) + msix_field(0, 1, 0)
            + msix_field(0, 2, 0x45) + msix_field(0, 3, 0) + msix_field(3, 0, 0xFEE00000)
            + msix_field(3, 2, 0x30) + msix_field(3, 3, 0))
    sizing = pci_config(0x10, 0xFFFFFFFF) + pci_address(1, 0x10) + u8(0) + u8(1) + u8(4) + u8(2) + u8(1) \
        + u32(0) + u8(1) + pci_config(0x10, 0x10000000) + pci_config(0x04, 0)
    none = u8(0)  # no virtio function
    return {"msi-direct": u8(0) + u16(65) + none + msi, "msi-remapped": u8(1) + u16(65) + none + msi,
            "msix-direct": u8(0) + u16(65) + none + msix, "msix-remapped": u8(1) + u16(65) + none + msix,
            "bar-sizing": u8(0) + u16(299) + none + sizing, "virtio-driver": u8(0) + u16(65) + virtio_driver()}


def cpu_policy_seed(rules, msr_rules=None):
    """The cpu-policy module's SET buffer (modules/cpu-policy/cpu_policy_abi.h): version 1 without
    msr_rules, else version 2 with them, each (msr, action, and, or) - actions 0 deny, 1 read-only, 2 mask."""
    version = 1 if msr_rules is None else 2
    msr_rules = msr_rules or []
    out = u32(0x50435058) + u32(version) + u32(len(rules)) + u32(len(msr_rules))
    for leaf, subleaf, reg, and_mask, or_mask in rules:
        out += u32(leaf) + u32(subleaf) + u32(reg) + u32(and_mask) + u32(or_mask)
    for msr, action, and_mask, or_mask in msr_rules:
        out += (u32(msr) + u32(action) + u32(and_mask & 0xFFFFFFFF) + u32(and_mask >> 32) +
                u32(or_mask & 0xFFFFFFFF) + u32(or_mask >> 32))
    return out


def seeds():
    return {
        "multiboot": {"mb2-full": mb2_seed(True), "mb2-minimal": mb2_seed(False),
                      "mb2-limits": mb2_limits_seed(),
                      "mb1-full": mb1_seed(True), "mb1-fallback-mem": mb1_seed(False)},
        "acpi": {"copy-v2": acpi_seed(0x02 | 0x20, 2), "copy-v1": acpi_seed(0x00, 0),
                 "legacy-v2": acpi_seed(0x01 | 0x10, 2), "legacy-v1-fix": acpi_seed(0x09, 0),
                 "limits": acpi_limits_seed()},
        "efi_config": {
            "simple": efi_config_seed("\\EFI\\BOOT\\BOOTX64.EFI",
                                      b"# xen-lite\ncmdline = console=com1 loglvl=debug\n"
                                      b"module = dom0.bin root=/dev/sda console=ttyS0\n"
                                      b"module = \\boot\\initrd.img\n"),
            "bom-crlf": efi_config_seed("/EFI/xen-lite/xen-lite.efi",
                                        b"\xef\xbb\xbfcmdline=dom0_mem=1G\r\nmodule=/xl//dom0.bin\r"
                                        b"\tmodule  =  a/b\\c.img   x=1  \r\n\n# end"),
            "long-cmdline": efi_config_seed("\\EFI\\BOOT\\BOOTX64.EFI", b"cmdline = " + b"x" * 1100 + b"\n"),
            "long-line": efi_config_seed("\\EFI\\BOOT\\BOOTX64.EFI", b"module = m " + b"y" * 2100 + b"\n"),
        },
        "efi_image": {"two-segments": efi_image_seed()},
        "guest_elf": {"default": guest_elf_seed(0x0010, b"xl-guest name=hello"),
                      "two-segments": guest_elf_seed(0x0100, b"", bad_note=False),
                      "large-memory": guest_elf_seed(0x8000 | 12 * 1024, b"x")},
        "linux_boot": {"relocatable": linux_seed(0), "small-e820": linux_seed(1),
                       "fixed-2.12": linux_seed(0, 0x020C, relocatable=False, initrd=False)},
        "xl_cfg": XL_CFGS,
        "fi_campaign": FI_CAMPAIGNS,
        "cmdline": CMDLINES,
        "domctl": domctl_seeds(),
        "sysctl": sysctl_seeds(),
        "hypercall": hypercall_seeds(),
        "guest_pci": guest_pci_seeds(),
        "cpu_policy": {
            "two-rules": cpu_policy_seed([(1, 0xFFFFFFFF, 2, 0xEFEFFFFF, 0), (7, 0, 1, 0xFFFFFFFF, 1)]),
            "every-register": cpu_policy_seed([(0x80000001, 0xFFFFFFFF, r, 0xFFFF0000 | r, r) for r in range(4)]),
            "v2-msr-rules": cpu_policy_seed([(1, 0xFFFFFFFF, 2, 0xEFEFFFFF, 0)],
                                            [(0xC001001F, 0, 0, 0), (0xC0000080, 2, 0xFFFFFFFFFFFFF7FF, 0),
                                             (0x1B, 1, 0, 0), (0xC0010010, 2, 0xFFFFFFFFFFFFFFFF, 1 << 40)]),
            "v2-msr-only": cpu_policy_seed([], [(0x10 + i, i % 3, 0 if i % 3 != 2 else ~(1 << i) & (2**64 - 1), 0)
                                                for i in range(32)]),
        },
        "introspection": introspection_seeds(),
    }


# ---- introspection (tests/fuzz/fuzz_introspection.c) ----
INTRO_VA = 0x40000000
INTRO_OPS = {"watch": 0, "unwatch": 1, "grant": 2, "revoke": 3, "status": 4, "regs": 5,
             "read_phys": 6, "read_virt": 7, "exits": 8}


def intro_call(caller, op, domain=0, vcpu=0, observer=0, addr=0, length=0, from_seq=0, flags=0,
               size=0x10000):
    """A call step: caller and domains are the harness's picks (0-3 themselves, 4 a missing one)."""
    return (u8(0) + u8(caller) + u8(INTRO_OPS[op]) + u8(0) + num(size) + u8(0) +
            u8(0) + u8(domain) + u8(vcpu) + u8(observer) + num(addr) + num(length) + num(from_seq) +
            u8(flags) + u8(0))


def intro_exit(domain, vcpu, reason, rip, long_mode=True):
    """An exit of a watched domain (an unwatched one's step ends after the TSC)."""
    return u8(1) + u8(domain) + u8(vcpu) + u8(reason) + u32(1000) + num(rip) + u8(3 if long_mode else 0)


def introspection_seeds():
    dom0 = (intro_call(0, "watch", 2) + intro_exit(2, 0, 7, 0x101234) + intro_exit(2, 1, 0, 0x101240) +
            intro_call(0, "regs", 2, flags=1) + intro_call(0, "read_phys", 2, addr=0xff8, length=16) +
            intro_call(0, "read_virt", 2, addr=INTRO_VA + 0xff8, length=16) +
            intro_call(0, "exits", 2) + intro_call(0, "exits", 2, from_seq=1) + intro_call(0, "status") +
            intro_call(0, "unwatch", 2))
    grant = (intro_call(0, "watch", 2) + intro_exit(2, 0, 7, 0x101234) +
             intro_call(0, "grant", 2, observer=1) + intro_call(1, "read_phys", 2, addr=0x100, length=64) +
             intro_call(1, "regs", 2) + intro_call(1, "read_virt", 2, addr=INTRO_VA, length=0x1100) +
             intro_call(1, "exits", 2) + intro_call(0, "revoke", 2, observer=1) +
             intro_call(1, "read_phys", 2, addr=0x100, length=64) + u8(2) + u8(1) +
             intro_call(0, "status"))
    refusals = (intro_call(3, "watch", 2) + intro_call(0, "watch", 0) + intro_call(1, "read_phys", 0, length=8) +
                intro_call(1, "regs", 1) + intro_call(0, "grant", 0, observer=1) +
                intro_call(0, "grant", 2, observer=2) + intro_call(0, "regs", 2, vcpu=16) +
                intro_call(0, "read_phys", 2, addr=0xfffffffffffffffc, length=8) + intro_call(0, "watch", 4) +
                intro_call(0, "watch", 2) + intro_exit(2, 0, 7, 0x1000, long_mode=False) +
                intro_call(0, "read_virt", 2, addr=INTRO_VA, length=8))
    return {"dom0-session": dom0, "grant-revoke": grant, "refusals": refusals}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    for harness, files in seeds().items():
        os.makedirs(os.path.join(out, harness), exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(out, harness, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
