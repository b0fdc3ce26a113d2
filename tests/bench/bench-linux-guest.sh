#!/bin/bash
# make bench: a Linux guest from dom0 (dom0-tools/initrd/init, xl_test=linux)
# computes on its vCPU 1 (nohz_full) while dom0 samples every vCPU's exit
# counter once a second; prints the exit rates over the computing window.
# Figures, not assertions (tests/qemu/t-dom0-tools.sh asserts the computing
# vCPU takes none).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LOG=$BUILD/bench-linux-guest.log

echo "Linux guest exits while computing (2 vCPUs, nohz_full=1, QEMU TCG -smp 4)"
timeout 200 qemu-system-x86_64 -machine q35 -accel tcg -cpu EPYC,+svm,+npt -smp 4 -m 1G \
	-display none -monitor none -no-reboot -net none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial file:"$LOG" \
	-kernel "$BUILD/xen-lite.elf" -append "dom0_mem=512M" \
	-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=linux,$BUILD/dom0/initrd.cpio.gz" \
	</dev/null 2>/dev/null
if ! r=$(sh tests/linux-exit-rates.sh "$LOG"); then
	echo "  no samples while the guest computed (log: $LOG)"
	exit 1
fi
# shellcheck disable=SC2086 # four numbers
set -- $r
echo "  over $1 s: vCPU 0 (idle, Linux's timekeeping tick) $2 exits/s, vCPU 1 (computing) $3 exits/s"
grep -a "domain d1 (hpc-linux) exits:" "$LOG" | sed 's/.*domain/  whole life: domain/'
