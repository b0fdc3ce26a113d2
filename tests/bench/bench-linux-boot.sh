#!/bin/bash
# make bench, dom0 boot: boots the dom0 images (build/dom0/vmlinuz +
# build/dom0/initrd.cpio.gz, `make dom0-images`) either directly in QEMU
# (`native`, the baseline) or as xen-lite's dom0 (`xen-lite`), and measures
# the wall time from starting QEMU to the line "xen-lite-dom0: init reached"
# appearing in the serial log (the log file is polled). Prints every run and
# the median:
#
#   native Linux to init: 4.2 s (runs: 4.1 4.2 4.4)
#
#   tests/bench/bench-linux-boot.sh native|xen-lite
#
# The same machine as the hypervisor's tests: TCG, q35, -cpu EPYC,+svm,+npt,
# 1 vCPU, 1 GiB. The init powers off (xl_test=poweroff), which ends QEMU.
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
LOG=$BUILD/bench-linux-boot-$MODE.log
MARKER="xen-lite-dom0: init reached"

for f in "$KERNEL" "$INITRD"; do
	[ -s "$f" ] || { echo "bench-linux-boot: no $f (make dom0-images)" >&2; exit 1; }
done

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# boot_once: print the milliseconds from QEMU start to the marker, or fail
boot_once() {
	local t0 t1 pid
	: >"$LOG"
	t0=$(now_ms)
	if [ "$MODE" = xen-lite ]; then
		set -- -kernel "$BUILD/xen-lite.elf" -append "" \
			-initrd "$KERNEL console=ttyS0 xl_test=poweroff $EXTRA,$INITRD"
	else
		set -- -kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyS0 xl_test=poweroff $EXTRA"
	fi
	timeout -k 5 "$LIMIT" qemu-system-x86_64 -machine q35 -accel tcg -cpu EPYC,+svm,+npt \
		-smp 1 -m 1G -display none -monitor none -no-reboot -net none \
		-serial file:"$LOG" "$@" </dev/null 2>"$LOG.stderr" &
	pid=$!
	t1=
	while kill -0 "$pid" 2>/dev/null; do
		if grep -aqF "$MARKER" "$LOG"; then
			t1=$(now_ms)
			break
		fi
		sleep 0.02
	done
	# the marker may have been written just before QEMU ended
	[ -n "$t1" ] || ! grep -aqF "$MARKER" "$LOG" || t1=$(now_ms)
	wait "$pid" # the init powers off right after its first lines
	[ -n "$t1" ] || return 1
	echo $((t1 - t0))
}

fmt() { # MS -> seconds with one decimal, rounded
	local r=$((($1 + 50) / 100))
	printf '%d.%d' $((r / 10)) $((r % 10))
}

echo "$([ "$MODE" = xen-lite ] && echo "Linux as xen-lite's dom0" || echo "native Linux (no hypervisor)")" \
	"under QEMU TCG: q35, -cpu EPYC,+svm,+npt, 1 CPU, 1 GiB," \
	"Linux $(cat "$BUILD/dom0/kernel-version" 2>/dev/null), $RUNS boot(s)"
times=()
for run in $(seq 1 "$RUNS"); do
	if ! ms=$(boot_once); then
		echo "run $run: no '$MARKER' within ${LIMIT}s (log: $LOG)"
		tail -20 "$LOG"
		exit 1
	fi
	echo "run $run: $(fmt "$ms") s"
	times+=("$ms")
done

mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
median=${sorted[$((${#sorted[@]} / 2))]}
list=
for ms in "${times[@]}"; do list="$list $(fmt "$ms")"; done
echo "$MODE Linux to init: $(fmt "$median") s (runs:$list)"
echo "$median" >"$BUILD/bench-linux-boot-$MODE.ms"
