#!/bin/bash
# make bench, dom0 boot: boots the dom0 images (build/dom0/vmlinuz +
# build/dom0/initrd.cpio.gz, `make dom0-images`) directly in QEMU (`native`,
# the baseline), as xen-lite's dom0 (`xen-lite`), or as the dom0 of Debian's
# stock Xen 4.17 (`xen-pvh`, `xen-pv`: build/xen/xen-bench.iso, `make
# xen-bench-iso`), and measures the wall time from starting QEMU to the line
# "xen-lite-dom0: init reached" appearing in the serial log (the log file is
# polled). Prints every run and the median:
#
#   native Linux to init: 4.2 s (runs: 4.1 4.2 4.4)
#
#   tests/bench/bench-linux-boot.sh native|xen-lite|xen-pvh|xen-pv
#
# The same machine as the hypervisor's tests: TCG, q35, -cpu EPYC,+svm,+npt,
# 1 vCPU, 1 GiB. native and xen-lite start from QEMU's -kernel; stock Xen
# boots from a GRUB ISO (SeaBIOS, GRUB, xen.gz), so its figure includes the
# firmware and GRUB (about 1 s on q35; each run also prints when Xen's first
# line appeared). Stock Xen under TCG needs more of the machine changed
# (../shared/ENVIRONMENT.md):
#   -cpu ...,-monitor,-rdtscp,-smap  MWAIT with ECX=1 #GPs under TCG (Xen's
#                            idle loop, seen with 2 CPUs); TCG reports an
#                            intercepted RDTSCP as RDTSC, which Xen's SVM
#                            code cannot decode (PVH dom0 crashes); a PV dom0
#                            crashes on SMAP in Xen's bounce-frame code.
#   -device amd-iommu        xen-pvh only: Xen refuses a PVH dom0 without an
#                            IOMMU; with it a PV dom0 crashes ("AMD-Vi:
#                            invalid IO pagetable entry"), so xen-pv has none.
# The mode is chosen by the SMBIOS product name (tests/bench/grub-xen.cfg).
# The init powers off (xl_test=poweroff), which ends QEMU; should QEMU
# outlive the marker by 30 s it is stopped (the time to the marker counts).
# Figures, not assertions.
#
#   BENCH_RUNS=N            number of boots (default 3)
#   BENCH_APPEND="..."      extra kernel command-line words (e.g. quiet)
#   BENCH_TIMEOUT=S         limit per boot in seconds (default 120)
set -u
MODE=${1:-native}
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
RUNS=${BENCH_RUNS:-3}
EXTRA=${BENCH_APPEND:-}
LIMIT=${BENCH_TIMEOUT:-120}
KERNEL=$BUILD/dom0/vmlinuz
INITRD=$BUILD/dom0/initrd.cpio.gz
XEN_ISO=$BUILD/xen/xen-bench.iso
LOG=$BUILD/bench-linux-boot-$MODE.log
MARKER="xen-lite-dom0: init reached"
XEN_MARKER="(XEN) Xen version"
CPU=EPYC,+svm,+npt
XEN_CPU=$CPU,-monitor,-rdtscp,-smap

xen=
case "$MODE" in
native) what="native Linux (no hypervisor)" cpu=$CPU ;;
xen-lite) what="Linux as xen-lite's dom0" cpu=$CPU ;;
xen-pvh) what="Linux as stock Xen's PVH dom0" cpu=$XEN_CPU xen=pvh ;;
xen-pv) what="Linux as stock Xen's PV dom0" cpu=$XEN_CPU xen=pv ;;
*)
	echo "usage: $0 native|xen-lite|xen-pvh|xen-pv" >&2
	exit 2
	;;
esac

# a failed run leaves no figure behind (tests/bench/ratio.sh reads them)
rm -f "$BUILD/bench-linux-boot-$MODE.ms"

for f in "$KERNEL" "$INITRD"; do
	[ -s "$f" ] || { echo "bench-linux-boot: no $f (make dom0-images)" >&2; exit 1; }
done
if [ -n "$xen" ] && [ ! -s "$XEN_ISO" ]; then
	echo "bench-linux-boot: no $XEN_ISO (make xen-bench-iso)" >&2
	exit 1
fi

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# boot_once: print the milliseconds from QEMU start to the marker (and, for
# stock Xen, to Xen's first line), or fail
boot_once() {
	local t0 t1 tx pid n
	: >"$LOG"
	t0=$(now_ms)
	case "$MODE" in
	xen-lite)
		set -- -kernel "$BUILD/xen-lite.elf" -append "" \
			-initrd "$KERNEL console=ttyS0 xl_test=poweroff $EXTRA,$INITRD"
		;;
	xen-pvh | xen-pv)
		# grub-xen.cfg: the product name picks the dom0 mode, the family is
		# appended to dom0's command line (QEMU escapes a comma as two)
		set -- -cdrom "$XEN_ISO" -smbios "type=1,product=xen-bench-$xen,family=${EXTRA//,/,,}"
		[ "$xen" = pvh ] && set -- "$@" -device amd-iommu
		;;
	*)
		set -- -kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyS0 xl_test=poweroff $EXTRA"
		;;
	esac
	timeout -k 5 "$LIMIT" qemu-system-x86_64 -machine q35 -accel tcg \
		-cpu "$cpu" -smp 1 -m 1G -display none -monitor none -no-reboot -net none \
		-serial file:"$LOG" "$@" </dev/null 2>"$LOG.stderr" &
	pid=$!
	t1='' tx=''
	while kill -0 "$pid" 2>/dev/null; do
		if [ -n "$xen" ] && [ -z "$tx" ] && grep -aqF "$XEN_MARKER" "$LOG"; then
			tx=$(now_ms)
		fi
		if grep -aqF "$MARKER" "$LOG"; then
			t1=$(now_ms)
			break
		fi
		sleep 0.02
	done
	# the marker may have been written just before QEMU ended
	[ -n "$t1" ] || ! grep -aqF "$MARKER" "$LOG" || t1=$(now_ms)
	# the init powers off right after its first lines, which ends QEMU; stop
	# it should it not (the figure is the time to the marker)
	n=0
	while [ -n "$t1" ] && kill -0 "$pid" 2>/dev/null && [ "$n" -lt 1500 ]; do
		sleep 0.02
		n=$((n + 1))
	done
	if kill -0 "$pid" 2>/dev/null && [ -n "$t1" ]; then
		echo "bench-linux-boot: QEMU still running 30 s after the marker: stopped" >&2
		kill "$pid" 2>/dev/null
	fi
	wait "$pid"
	[ -n "$t1" ] || return 1
	echo "$((t1 - t0)) $([ -n "$tx" ] && echo $((tx - t0)))"
}

fmt() { # MS -> seconds with one decimal, rounded
	local r=$((($1 + 50) / 100))
	printf '%d.%d' $((r / 10)) $((r % 10))
}

machine="q35, -cpu $cpu, 1 CPU, 1 GiB"
[ "$xen" = pvh ] && machine="$machine, -device amd-iommu"
[ -n "$xen" ] && machine="$machine, GRUB ISO (SeaBIOS)"
version="Linux $(cat "$BUILD/dom0/kernel-version" 2>/dev/null)"
[ -n "$xen" ] && version="$version, Xen $(cut -d' ' -f2 "$BUILD/xen/xen-package" 2>/dev/null)"
echo "$what under QEMU TCG: $machine, $version, $RUNS boot(s)"
times=()
for run in $(seq 1 "$RUNS"); do
	if ! out=$(boot_once); then
		echo "run $run: no '$MARKER' within ${LIMIT}s (log: $LOG)"
		tail -20 "$LOG"
		exit 1
	fi
	read -r ms xen_ms <<<"$out"
	if [ -n "${xen_ms:-}" ]; then
		echo "run $run: $(fmt "$ms") s (Xen's first line at $(fmt "$xen_ms") s)"
	else
		echo "run $run: $(fmt "$ms") s"
	fi
	times+=("$ms")
done

mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
median=${sorted[$((${#sorted[@]} / 2))]}
list=
for ms in "${times[@]}"; do list="$list $(fmt "$ms")"; done
echo "$MODE Linux to init: $(fmt "$median") s (runs:$list)"
echo "$median" >"$BUILD/bench-linux-boot-$MODE.ms"
