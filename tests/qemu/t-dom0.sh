#!/bin/bash
# Debian's stock kernel as dom0 under xen-lite (Documentation/dom0.md):
# boots on CPU 0 with the memory dom0_mem= gives it, drives a real (virtio)
# disk, and is contained when it reaches for the hypervisor's memory.

DOM0_KERNEL=$BUILD/dom0/vmlinuz
DOM0_INITRD=$BUILD/dom0/initrd.cpio.gz
DOM0_ISO=$BUILD/xen-lite-dom0-test.iso
DOM0_SMP_ISO=$BUILD/xen-lite-dom0-smp-test.iso
DOM0_DISK_ISO=$BUILD/xen-lite-dom0-disk-test.iso

setup_dom0() {
	make -s BUILD="$BUILD" dom0-images "$DOM0_ISO" "$DOM0_SMP_ISO" "$DOM0_DISK_ISO"
}

# dom0_boot NAME XEN-ARGS DOM0-ARGS [QEMU ARGS...]: -kernel path, 2 CPUs, 1 GiB
dom0_boot() {
	local name=$1 xen=$2 linux=$3
	shift 3
	qemu_boot "$name" -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" -append "$xen" \
		-initrd "$DOM0_KERNEL console=ttyS0 $linux,$DOM0_INITRD" "$@"
}

# expect_dom0_up MIN_KB MAX_KB [CPUS]: dom0 reached init on CPUS (1) CPUs with about dom0_mem of RAM
expect_dom0_up() {
	local kb
	expect_log "dom0: MADT rewritten" "dom0: entering the kernel on CPU 0" \
		"xen-lite-dom0: init reached" "xen-lite-dom0: cpus ${3:-1}"
	kb=$(sed -nE 's/^(\(d0\) )?xen-lite-dom0: memtotal ([0-9]+) kB.*/\2/p' "$LOG" | head -1)
	if [ -z "$kb" ] || [ "$kb" -lt "$1" ] || [ "$kb" -gt "$2" ]; then
		test_fail "dom0 MemTotal '${kb:-none}' kB outside [$1, $2]"
	fi
	expect_no_log "unexpected interrupt" "PANIC" "Kernel panic" "crashed"
}

test_dom0_boots_to_init() {
	dom0_boot dom0-mb1 "dom0_mem=512M" "xl_test=poweroff"
	# dom0 powers the machine off through ACPI (its I/O ports): QEMU exits 0
	expect_rc 0
	expect_dom0_up 400000 524288
	expect_log "xen-lite-dom0: powering off" "reboot: Power down"
	test_result
}

test_dom0_two_vcpus() {
	# dom0 starts its second vCPU itself: INIT and SIPI through its APIC, emulated;
	# the CPU it does not own (CPU 2) stays hidden in its MADT
	qemu_boot dom0-smp -machine q35 -smp 3 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M dom0_max_vcpus=2" \
		-initrd "$DOM0_KERNEL console=ttyS0 xl_test=poweroff,$DOM0_INITRD"
	expect_rc 0
	expect_dom0_up 400000 524288 2
	expect_log "dom0: MADT rewritten, 1 CPU(s) hidden from dom0" \
		"dom0: entering the kernel on CPU 0 (2 vCPU(s))" "d0 (dom0): vCPU 1 started on CPU 1" \
		"smp: Brought up 1 node, 2 CPUs" "reboot: Power down"
	expect_no_log "IPI refused"
	test_result
}

test_dom0_mem_parameter() {
	dom0_boot dom0-mem256 "dom0_mem=256M" "xl_test=poweroff"
	expect_rc 0
	expect_log "dom0: 256 MiB in"
	expect_dom0_up 180000 262144
	test_result
}

# Xen's forms of the parameters an operator brings (Documentation/boot.md): the same
# meaning, with a line saying how each was read
test_dom0_xen_forms() {
	dom0_boot dom0-xen-forms "dom0_mem=256M,max:256M dom0_max_vcpus=1-2 loglvl=all" "xl_test=poweroff"
	expect_rc 0
	expect_log "dom0_mem=256M,max:256M read as dom0_mem=268435456" \
		"dom0_max_vcpus=1-2 read as dom0_max_vcpus=2" "loglvl=all read as loglvl=debug" "dom0: 256 MiB in"
	expect_dom0_up 180000 262144 2
	test_result
}

# without dom0_mem dom0 takes the guests' memory too: said, not silent
test_dom0_mem_missing_said() {
	dom0_boot dom0-no-mem "" "xl_test=poweroff"
	expect_rc 0
	expect_log "dom0: no dom0_mem= given: dom0 takes all"
	expect_dom0_up 800000 1048576
	test_result
}

test_dom0_reads_disk() {
	local disk=$LOGDIR/dom0-disk.img
	printf 'XENLITE-DISK-MARKER: dom0 read this from a virtio disk\n' >"$disk"
	truncate -s 1M "$disk"
	# PCI config space, MMIO BARs and MSI-X interrupts, all passed through
	dom0_boot dom0-disk "dom0_mem=512M" \
		"xl_modules=virtio_pci+virtio_blk xl_disk=/dev/vda xl_test=poweroff" \
		-drive file="$disk",format=raw,if=virtio
	expect_rc 0
	expect_dom0_up 400000 524288
	expect_log "xen-lite-dom0: disk /dev/vda: XENLITE-DISK-MARKER: dom0 read this from a virtio disk"
	test_result
}

test_dom0_pci_config_ports() {
	# pci=conf1: PCI configuration through ports 0xCF8/0xCFC only. A dword at 0xCF8
	# covers the reset port 0xCF9, which the hypervisor intercepts: it must go through
	local disk=$LOGDIR/dom0-conf1.img
	printf 'XENLITE-CONF1-MARKER\n' >"$disk"
	truncate -s 1M "$disk"
	dom0_boot dom0-conf1 "dom0_mem=512M" \
		"pci=conf1 xl_modules=virtio_pci+virtio_blk xl_disk=/dev/vda xl_test=poweroff" \
		-drive file="$disk",format=raw,if=virtio
	expect_rc 0
	expect_dom0_up 400000 524288
	expect_log "PCI: Using configuration type 1" "xen-lite-dom0: disk /dev/vda: XENLITE-CONF1-MARKER"
	expect_no_log "dom0 reset the machine"
	test_result
}

test_dom0_touching_hypervisor_memory() {
	# /dev/mem lets dom0 read reserved ranges; the hypervisor's are not mapped for it
	dom0_boot dom0-touch-hv "dom0_mem=512M dom0_on_crash=reboot debug_exit=0xf4" "xl_test=touch_hv"
	expect_rc 3
	expect_log "xen-lite-dom0: reading hypervisor memory at 0x200000" \
		"domain d0 (dom0) crashed: read at guest-physical 0x200000 to an unmapped page" \
		"dom0_on_crash=reboot: rebooting the node"
	expect_no_log "it was not protected" "PANIC"
	test_result
}

test_dom0_cannot_start_other_cpus() {
	# INIT to CPU 1 through the local APIC's ICR: the page traps writes, the hypervisor
	# refuses this one and dom0 goes on (iomem=relaxed lets /dev/mem reach the APIC)
	dom0_boot dom0-init-cpu1 "dom0_mem=512M" "iomem=relaxed xl_test=init_cpu1"
	expect_rc 0
	expect_dom0_up 400000 524288
	expect_log "xen-lite-dom0: sending INIT to APIC id 1" \
		"d0 (dom0): IPI refused (ICR 0x01000000:00004500, destination APIC id 1)" \
		"xen-lite-dom0: INIT sent; still running"
	test_result
}

test_dom0_panic_reported() {
	# Linux panics, then (panic=1) resets the machine through a reset port: the
	# hypervisor catches the reset, reports dom0's state and applies dom0_on_crash
	dom0_boot dom0-panic "dom0_mem=512M dom0_on_crash=reboot debug_exit=0xf4" "panic=1 xl_test=panic"
	expect_rc 3
	expect_log "xen-lite-dom0: crashing the kernel" "Kernel panic" \
		"dom0 reset the machine (port" "dom0 reset request: exit" \
		"dom0 ended by resetting the machine" "dom0_on_crash=reboot: rebooting the node"
	test_result
}

test_dom0_intel_iommu_reserved() {
	# the VT-d unit is the hypervisor's: its registers are not mapped for dom0 and the
	# DMAR table is hidden, so dom0 does not drive it; reaching for it ends dom0
	dom0_boot dom0-vtd "dom0_mem=512M dom0_on_crash=reboot debug_exit=0xf4" \
		"iomem=relaxed xl_test=peek xl_peek=0xfed90000" -device intel-iommu
	expect_rc 3
	expect_log "acpi: DMAR at" "dom0: VT-d IOMMU registers [0xfed90000-0xfed91000) kept from dom0" \
		"xen-lite-dom0: init reached" "xen-lite-dom0: reading 0xfed90000" \
		"domain d0 (dom0) crashed: read at guest-physical 0xfed90000 to an unmapped page"
	expect_no_log "DMAR: IOMMU enabled" "DMAR: Host address width" "it was not protected"
	test_result
}

test_dom0_amd_iommu_reserved() {
	dom0_boot dom0-amdvi "dom0_mem=512M" "xl_test=poweroff" -device amd-iommu
	expect_rc 0
	expect_dom0_up 400000 524288
	expect_log "acpi: IVRS at" "dom0: AMD-Vi IOMMU registers [0xfed80000-0xfed84000) kept from dom0"
	expect_no_log "AMD-Vi: Found IOMMU" "AMD-Vi: Interrupt remapping enabled"
	test_result
}

# wait_log PATTERN SECONDS: until the log has the fixed string
wait_log() {
	local i limit
	limit=$(scaled_seconds "$2")
	for i in $(seq 1 $((limit * 5))); do
		grep -aqF -- "$1" "$LOG" && return 0
		sleep 0.2
	done
	test_fail "timed out after ${limit}s waiting for: $1"
	return 1
}

test_dom0_console_input() {
	# the serial console as an operator uses it: typing to dom0's shell, Ctrl-A three
	# times to talk to the hypervisor ('h', 'd'), back to dom0, then poweroff
	local fifo=$LOGDIR/dom0-console pid
	LOG=$LOGDIR/dom0-console.log
	rm -f "$fifo.in" "$fifo.out"
	mkfifo "$fifo.in" "$fifo.out"
	cat "$fifo.out" >"$LOG" &
	exec 4<>"$fifo.in"
	timeout -k 5 "$(scaled_seconds "$QEMU_TIMEOUT")" qemu-system-x86_64 -accel tcg -cpu "$QEMU_CPU" -display none \
		-monitor none -no-reboot -net none -machine q35 -smp 2 -m 1G \
		-kernel "$BUILD/xen-lite.elf" -append "dom0_mem=512M" \
		-initrd "$DOM0_KERNEL console=ttyS0,$DOM0_INITRD" -serial pipe:"$fifo" </dev/null \
		2>"$LOG.stderr" &
	pid=$!
	if wait_log "xen-lite-dom0: shell on the console" 60; then
		sleep 1
		printf 'echo typed-into-dom0\n' >&4
		wait_log "(d0) typed-into-dom0" 20
		# a pasted line longer than the virtual UART's queue arrives whole
		printf 'echo %s | wc -c\n' "$(head -c 1000 /dev/zero | tr '\0' p)" >&4
		wait_log "(d0) 1001" 30
		printf '\001\001\001hd' >&4
		wait_log "d0 dom0" 20
		printf '\001\001\001poweroff -f\n' >&4
	fi
	wait "$pid"
	QEMU_RC=$?
	exec 4>&-
	rm -f "$fifo.in" "$fifo.out"
	expect_rc 0
	# the shell's path prepared /etc/xen-lite/linux-io.cfg's bridge and disk (make run)
	expect_log "xen-lite-dom0: a guest with a NIC on br0 (10.0.0.1/24) and a disk is ready:" \
		"xl-lite create -c /etc/xen-lite/linux-io.cfg (Ctrl-] detaches), then ping 10.0.0.2"
	expect_log "(d0) echo typed-into-dom0" "(d0) typed-into-dom0" \
		"console: input now goes to the hypervisor" "console: keys for the hypervisor" \
		"console: input now goes to dom0"
	expect_log_regex "^\(XL\) d0 dom0 +state 1 vcpus 1 mem 512 MiB"
	expect_log_regex "^\(d0\) 1001.?$"
	test_result
}

test_dom0_bad_kernel_module() {
	# module 0 is where the dom0 kernel goes; a text file must be refused clearly
	qemu_boot dom0-bad-module -machine q35 -smp 2 -m 512 -kernel "$BUILD/xen-lite.elf" \
		-append "debug_exit=0xf4 after_boot=halt" -initrd "tests/qemu/test-mod-a.txt console=ttyS0"
	expect_rc 1
	expect_log "module 0 ('console=ttyS0') is not a Linux bzImage" \
		"dom0: cannot start: not a valid executable"
	expect_no_log "entering the kernel"
	test_result
}

test_dom0_grub_bios() {
	qemu_boot dom0-grub-bios -machine q35 -smp 2 -m 1G -cdrom "$DOM0_ISO"
	expect_rc 0
	expect_log "booted by GRUB" "via multiboot2"
	expect_dom0_up 400000 524288
	test_result
}

# make run's configuration: the GRUB ISO on QEMU 10 with x2APIC in the CPU (dom0's CPUs
# stay in xAPIC mode)
test_dom0_grub_bios_qemu10() {
	local -a QEMU_SYSTEM
	local QEMU_CPU
	use_qemu10 || return 1
	qemu_boot dom0-grub-bios-qemu10 -machine q35 -smp 2 -m 1G -cdrom "$DOM0_ISO"
	expect_rc 0
	expect_log "booted by GRUB" "via multiboot2"
	expect_dom0_up 400000 524288
	test_result
}

test_dom0_grub_bios_two_vcpus() {
	qemu_boot dom0-grub-bios-smp -machine q35 -smp 2 -m 1G -cdrom "$DOM0_SMP_ISO"
	expect_rc 0
	expect_log "booted by GRUB" "d0 (dom0): vCPU 1 started on CPU 1"
	expect_dom0_up 400000 524288 2
	test_result
}

test_dom0_grub_uefi_two_vcpus() {
	# shellcheck disable=SC2046
	qemu_boot dom0-grub-uefi-smp -machine q35 -smp 2 -m 1G $(ovmf_args dom0-grub-uefi-smp) \
		-cdrom "$DOM0_SMP_ISO"
	expect_rc 0
	expect_log "booted by GRUB" "d0 (dom0): vCPU 1 started on CPU 1"
	expect_dom0_up 380000 524288 2
	test_result
}

test_dom0_grub_uefi_reads_disk() {
	local disk=$LOGDIR/dom0-uefi-disk.img
	printf 'XENLITE-UEFI-DISK-MARKER\n' >"$disk"
	truncate -s 1M "$disk"
	# OVMF puts the virtio disk's 64-bit BAR far above RAM and the 4 GiB dom0's identity
	# map covers (0xe000000000 here): dom0's driver reaches it, the page is mapped then
	# shellcheck disable=SC2046
	qemu_boot dom0-grub-uefi-disk -machine q35 -smp 2 -m 1G $(ovmf_args dom0-grub-uefi-disk) \
		-cdrom "$DOM0_DISK_ISO" -drive file="$disk",format=raw,if=virtio
	expect_rc 0
	expect_log "booted by GRUB" "xen-lite-dom0: disk /dev/vda: XENLITE-UEFI-DISK-MARKER"
	expect_log_regex "dom0: device memory above 0x[0-9a-f]+ is mapped as dom0 first reaches it \(first: [0-9]+ KiB at 0x[0-9a-f]{9,}\)"
	expect_no_log "dom0 crashed"
	test_result
}

test_dom0_grub_uefi() {
	# shellcheck disable=SC2046
	qemu_boot dom0-grub-uefi -machine q35 -smp 2 -m 1G $(ovmf_args dom0-grub-uefi) -cdrom "$DOM0_ISO"
	expect_rc 0
	expect_log "booted by GRUB" "via multiboot2"
	expect_dom0_up 380000 524288
	test_result
}
