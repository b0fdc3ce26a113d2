#!/bin/bash
# make bench: boot the bench guest under xen-lite in QEMU (TCG) and print
# what it measured. Figures, not assertions: TCG timings say how the paths
# compare, not how fast a real EPYC node is. Each boot runs twice: with no
# behaviour module (the exit path's cost when no hook is installed), then
# with the exit profiler loaded as a boot module (what its hooks add).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LOG=$BUILD/bench.log
RUNS=${BENCH_RUNS:-3}
PROFILER=$BUILD/modules/exit-profiler.xlm

# bench_boot LABEL [MODULE...]: one boot of the bench guests, extra boot modules first
bench_boot() {
	local label=$1 line
	shift
	timeout 120 qemu-system-x86_64 -machine q35 -accel tcg -cpu EPYC,+svm,+npt -smp 2 -m 512 \
		-display none -monitor none -no-reboot -net none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial file:"$LOG" \
		-kernel "$BUILD/xen-lite.elf" -append "debug_exit=0xf4 after_boot=halt" \
		-initrd "$*${*:+,}$BUILD/guests/bench.elf xl-guest name=bench timeout=60000,$BUILD/guests/compute.elf xl-guest name=compute" \
		</dev/null 2>/dev/null
	line=$(grep -a 'bench: loop' "$LOG" | sed 's/.*bench: /bench: /' | tr -d '\r')
	if [ -z "$line" ]; then
		echo "$label: no result (log: $LOG)"
		tail -20 "$LOG"
		exit 1
	fi
	echo "$label: $line"
	grep -a "exits:" "$LOG" | sed 's/.*domain/  domain/'
}

echo "xen-lite bench under QEMU TCG (-cpu EPYC,+svm,+npt), $RUNS boot(s) each"
for run in $(seq 1 "$RUNS"); do
	bench_boot "run $run, no module"
	bench_boot "run $run, exit profiler loaded" "$PROFILER xl-module"
	grep -aq "module: loaded 'exit-profiler'" "$LOG" || { echo "the exit profiler did not load"; exit 1; }
	echo "  (compute spends 2000 ms computing: its only exits are its console and shutdown hypercalls)"
done
echo
echo "The hypervisor instructions on the VMMCALL path are not counted: QEMU 7.2 in Debian ships"
echo "no TCG plugin headers, and -d exec tracing of a whole boot is too large to be useful."
