#!/bin/bash
# make bench: boot the bench guest under xen-lite in QEMU (TCG) and print
# what it measured. Figures, not assertions: TCG timings say how the paths
# compare, not how fast a real EPYC node is. Each boot runs twice: with no
# behaviour module (the exit path's cost when no hook is installed), then
# with the exit profiler loaded as a boot module (what its hooks add).
# BENCH_BASE=REV adds a boot of that revision's hypervisor and bench guest
# first, built in $BUILD/bench-base/REV (the cost of the exit path before a
# change, in the same run).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LOG=$BUILD/bench.log
RUNS=${BENCH_RUNS:-3}
PROFILER=$BUILD/modules/exit-profiler.xlm

BASE=${BENCH_BASE:-}
BASE_DIR=

# build_base REV: that revision's image and guests in $BUILD/bench-base/REV
build_base() {
	BASE_DIR=$BUILD/bench-base/$1
	if [ ! -d "$BASE_DIR" ]; then
		git clone -q . "$BASE_DIR" && git -C "$BASE_DIR" checkout -q "$1" ||
			{ echo "BENCH_BASE=$1: cannot check it out"; exit 1; }
	fi
	make -s -C "$BASE_DIR" build/xen-lite.elf guests >/dev/null ||
		{ echo "BENCH_BASE=$1: does not build"; exit 1; }
	BASE_DIR=$BASE_DIR/build
}

# bench_boot LABEL DIR [MODULE...]: one boot of DIR's image and bench guests, extra boot modules first
bench_boot() {
	local label=$1 dir=$2 line
	shift 2
	timeout 120 qemu-system-x86_64 -machine q35 -accel tcg -cpu EPYC,+svm,+npt -smp 2 -m 512 \
		-display none -monitor none -no-reboot -net none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial file:"$LOG" \
		-kernel "$dir/xen-lite.elf" -append "debug_exit=0xf4 after_boot=halt" \
		-initrd "$*${*:+,}$dir/guests/bench.elf xl-guest name=bench timeout=60000,$dir/guests/compute.elf xl-guest name=compute" \
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

[ -z "$BASE" ] || build_base "$BASE"
echo "xen-lite bench under QEMU TCG (-cpu EPYC,+svm,+npt), $RUNS boot(s) each"
for run in $(seq 1 "$RUNS"); do
	[ -z "$BASE" ] || bench_boot "run $run, base $BASE" "$BASE_DIR"
	bench_boot "run $run, no module" "$BUILD"
	bench_boot "run $run, exit profiler loaded" "$BUILD" "$PROFILER xl-module"
	grep -aq "module: loaded 'exit-profiler'" "$LOG" || { echo "the exit profiler did not load"; exit 1; }
	echo "  (compute spends 2000 ms computing: its only exits are its console and shutdown hypercalls)"
done
echo
echo "The hypervisor instructions on the VMMCALL path are not counted: QEMU 7.2 in Debian ships"
echo "no TCG plugin headers, and -d exec tracing of a whole boot is too large to be useful."
