# shellcheck shell=bash
# Sourced by this tree's application-benchmark peers (tests/bench/peer-native.sh,
# peer-xen-lite.sh, peer-kvm.sh, peer-xen.sh; the interface: Documentation/performance.md, "Peers"): the common
# machine, the arguments, and the wait for QEMU. From the top of the tree, BUILD (default
# build). Sets OUTDIR KERNEL INITRD CMDLINE LIMIT OUTER GUEST.
set -u
# the arguments may be relative to the caller's directory (peer_args)
PEER_CALLER_DIR=$PWD
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
BUILD=${BUILD:-build}

# the machine every peer boots (stock Xen needs -monitor,-rdtscp,-smap under TCG, so all
# peers have the same CPU model)
PEER_CPU=EPYC,+svm,+npt,-monitor,-rdtscp,-smap
PEER_QEMU=(qemu-system-x86_64 -machine q35 -accel tcg -cpu "$PEER_CPU"
	-smp 2 -m 2G -display none -monitor none -no-reboot -net none)

# peer_fail WHY: the one-line reason on stderr, exit 1
peer_fail() {
	echo "$PEER: $*" >&2
	exit 1
}

# peer_args "$@": the interface's four arguments, checked
peer_args() {
	[ $# -eq 4 ] || { echo "usage: $0 OUTDIR KERNEL INITRD CMDLINE" >&2; exit 2; }
	OUTDIR=$(cd "$PEER_CALLER_DIR" && realpath -m -- "$1") KERNEL=$(cd "$PEER_CALLER_DIR" && realpath -m -- "$2")
	# shellcheck disable=SC2034 # CMDLINE is the sourcing peer's
	INITRD=$(cd "$PEER_CALLER_DIR" && realpath -m -- "$3") CMDLINE=$4
	for f in "$KERNEL" "$INITRD"; do
		[ -s "$f" ] || peer_fail "cannot run here: no $f"
	done
	command -v qemu-system-x86_64 >/dev/null || peer_fail "cannot run here: no qemu-system-x86_64"
	mkdir -p "$OUTDIR" || peer_fail "cannot make $OUTDIR"
	LIMIT=${BENCH_TIMEOUT:-900}
	OUTER=$OUTDIR/outer.log
	GUEST=$OUTDIR/guest.log
	: >"$OUTER"
	: >"$GUEST"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# peer_run ARGS...: the common machine with ARGS, its serial port in OUTER, bounded by
# LIMIT; sets QEMU_RC. PEER_WATCH, if set, is called every 0.1 s while QEMU runs (with
# the milliseconds since QEMU started) and once more after it ended.
peer_run() {
	local pid t0
	t0=$(now_ms)
	timeout -k 5 "$LIMIT" "${PEER_QEMU[@]}" -serial file:"$OUTER" "$@" \
		</dev/null 2>"$OUTDIR/qemu.stderr" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		[ -z "${PEER_WATCH:-}" ] || "$PEER_WATCH" $(($(now_ms) - t0))
		sleep 0.1
	done
	wait "$pid"
	QEMU_RC=$?
	[ -z "${PEER_WATCH:-}" ] || "$PEER_WATCH" $(($(now_ms) - t0))
}

# peer_verdict: exit 0 if the guest said it was done and QEMU ended by itself
peer_verdict() {
	if [ "$QEMU_RC" -eq 124 ] || [ "$QEMU_RC" -eq 137 ]; then
		peer_fail "the outer QEMU run hit BENCH_TIMEOUT=$LIMIT s (log: $OUTER)"
	fi
	grep -q "^bench-app: init reached" "$GUEST" || peer_fail "the guest never reached its init (log: $OUTER)"
	grep -q "^bench-app: done" "$GUEST" || peer_fail "the guest did not finish (log: $OUTER)"
	[ "$QEMU_RC" -eq 0 ] || peer_fail "QEMU exited with $QEMU_RC (log: $OUTDIR/qemu.stderr)"
	exit 0
}

# seconds MS: milliseconds as seconds with three decimals
seconds() { awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }'; }
