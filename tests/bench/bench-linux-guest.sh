#!/bin/bash
# make bench: a Linux guest from dom0 (dom0-tools/initrd/init, xl_test=linux)
# computes on its vCPU 1 (nohz_full) while dom0 samples every vCPU's exit
# counter once a second; prints the exit rates over the computing window,
# once on QEMU 7.2 (xAPIC: every APIC write exits) and once on QEMU 10 with
# x2APIC (scripts/fetch-qemu10.sh: the guest's timer and EOI writes pass).
# Figures, not assertions (tests/qemu/t-dom0-tools.sh asserts the computing
# vCPU takes none, and with x2APIC vCPU 0 next to none).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
Q10=$BUILD/qemu10/root

# run LABEL LOG CPU QEMU...: one boot, its rates
run() {
	local label=$1 log=$2 cpu=$3 r
	shift 3
	echo "Linux guest exits while computing, $label (2 vCPUs, nohz_full=1, QEMU TCG -smp 4)"
	timeout 200 "$@" -machine q35 -accel tcg -cpu "$cpu" -smp 4 -m 1G \
		-display none -monitor none -no-reboot -net none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial file:"$log" \
		-kernel "$BUILD/xen-lite.elf" -append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=linux,$BUILD/dom0/initrd.cpio.gz" \
		</dev/null 2>/dev/null
	if ! r=$(sh tests/linux-exit-rates.sh "$log"); then
		echo "  no samples while the guest computed (log: $log)"
		return 1
	fi
	# shellcheck disable=SC2086 # four numbers
	set -- $r
	echo "  over $1 s: vCPU 0 (idle, Linux's timekeeping tick) $2 exits/s, vCPU 1 (computing) $3 exits/s"
	grep -a "domain d1 (hpc-linux) exits:" "$log" | sed 's/.*domain/  whole life: domain/'
}

rc=0
run "xAPIC (QEMU 7.2)" "$BUILD/bench-linux-guest.log" EPYC,+svm,+npt qemu-system-x86_64 || rc=1
BUILD=$BUILD sh scripts/fetch-qemu10.sh >/dev/null || exit 1
run "x2APIC (QEMU 10)" "$BUILD/bench-linux-guest-x2apic.log" EPYC,+svm,+npt,+x2apic \
	"$Q10/usr/bin/qemu-system-x86_64" -L "$Q10/usr/share/qemu" -L "$Q10/usr/share/seabios" || rc=1
exit $rc
