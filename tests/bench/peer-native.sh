#!/bin/bash
# The application benchmark's baseline (Documentation/performance.md): the common machine
# boots KERNEL with INITRD itself, no hypervisor, the workload pinned to CPU 1 with
# nohz_full=1 (the guest image's bench_cpu=1).
#
#   tests/bench/peer-native.sh OUTDIR KERNEL INITRD CMDLINE
#
# OUTDIR/outer.log is the serial log; OUTDIR/guest.log the same without carriage returns
# (here the whole console is the "guest's"). Prints "startup: first-output S" (QEMU's
# start to the first serial line, the firmware included) and "startup: init S" (to
# "bench-app: init reached"), measured by polling the log every 0.1 s from outside.
# BENCH_TIMEOUT: seconds for the whole QEMU run (default 900).
PEER=peer-native
# shellcheck source=tests/bench/peer-lib.sh
. "$(dirname "$0")/peer-lib.sh"
peer_args "$@"

first_ms='' init_ms=''
# shellcheck disable=SC2317 # called through PEER_WATCH
watch_native() {
	[ -n "$first_ms" ] || [ ! -s "$OUTER" ] || first_ms=$1
	[ -n "$init_ms" ] || ! grep -aq "bench-app: init reached" "$OUTER" || init_ms=$1
}
PEER_WATCH=watch_native
peer_run -kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyS0 $CMDLINE nohz_full=1 bench_cpu=1"
tr -d '\r' <"$OUTER" >"$GUEST"
[ -z "$first_ms" ] || echo "startup: first-output $(seconds "$first_ms")"
[ -z "$init_ms" ] || echo "startup: init $(seconds "$init_ms")"
peer_verdict
