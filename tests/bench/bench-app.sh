#!/bin/bash
# make bench, application part (Documentation/performance.md): the same guest image
# (Debian's kernel, build/bench-app/app-initrd.cpio.gz: stress-ng cpu/matrix/fp/vecmath,
# a triad and a pointer chase, each with its own check) on every peer whose script
# exists - tests/bench/peer-native.sh, peer-xen-lite.sh, peer-kvm.sh, peer-xen.sh - one
# after the other. A missing or failing peer is reported with its reason and the run goes
# on. Then the table (each workload's median, min..max and ratio to native, and each
# peer's startup phases), build/bench/results-YYYYMMDD-HHMMSS.json with every figure and
# run, and its chart (.png, .svg; gnuplot). Figures, not assertions.
#
#   BENCH_APP_PEERS="native xen-lite kvm xen"   the peers, in this order
#   BENCH_APP_RUNS=N       repeats of the whole set in each boot (default 5)
#   BENCH_APP_SECS=S       seconds per stress-ng stressor (default 5)
#   BENCH_APP_ARGS="..."   more words for the guest's command line (bench_only=..., ...)
#   BENCH_TIMEOUT=S        each peer's whole outer QEMU run (default 900)
#
# The peers' own logs stay in build/bench/app-YYYYMMDD-HHMMSS/PEER/.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
PEERS=${BENCH_APP_PEERS:-native xen-lite kvm xen}
RUNS=${BENCH_APP_RUNS:-5}
SECS=${BENCH_APP_SECS:-5}
KERNEL=$BUILD/dom0/vmlinuz
INITRD=$BUILD/bench-app/app-initrd.cpio.gz
CMDLINE="bench_runs=$RUNS bench_secs=$SECS ${BENCH_APP_ARGS:-}"
stamp=$(date -u +%Y%m%d-%H%M%S)
RUNDIR=$BUILD/bench/app-$stamp
RESULTS=$BUILD/bench/results-$stamp.json

for f in "$KERNEL" "$INITRD"; do
	[ -s "$f" ] || { echo "bench-app: no $f (make bench-app-image)" >&2; exit 1; }
done
mkdir -p "$RUNDIR"

# meta.json: what the figures were measured with
json_str() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }
rev=$(git rev-parse HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || rev="$rev-dirty"
{
	echo "{"
	echo " \"date\": $(json_str "$(date -u +%Y-%m-%dT%H:%M:%SZ)"),"
	echo " \"git_revision\": $(json_str "$rev"),"
	echo " \"qemu\": $(json_str "$(qemu-system-x86_64 --version 2>/dev/null | head -1)"),"
	echo " \"machine\": $(json_str "q35, TCG, -cpu EPYC,+svm,+npt,-monitor,-rdtscp,-smap, -smp 2, -m 2G"),"
	echo " \"kernel\": $(json_str "$(cat "$BUILD/dom0/kernel-version" 2>/dev/null)"),"
	echo " \"host_cpu\": $(json_str "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"),"
	echo " \"host_cores\": $(nproc),"
	echo " \"stress_ng\": $(json_str "$(cat "$BUILD/stress-ng/version" 2>/dev/null)"),"
	echo " \"runs\": $RUNS, \"secs\": $SECS,"
	echo " \"cmdline\": $(json_str "$CMDLINE"),"
	echo " \"peers\": [$(for p in $PEERS; do printf '%s' "${sep:-}$(json_str "$p")"; sep=", "; done)]"
	echo "}"
} >"$RUNDIR/meta.json"

echo "Application benchmark under QEMU TCG: $RUNS run(s), stress-ng $SECS s per stressor; peers: $PEERS"
for p in $PEERS; do
	dir=$RUNDIR/$p
	mkdir -p "$dir"
	script=tests/bench/peer-$p.sh
	if [ ! -f "$script" ]; then
		echo "missing: no $script" >"$dir/status"
		echo "peer $p: missing (no $script)"
		continue
	fi
	# the host is shared: its load before and after says how far to trust the figures
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	t0=$(date +%s)
	bash "$script" "$dir" "$KERNEL" "$INITRD" "$CMDLINE" >"$dir/startup.txt" 2>"$dir/stderr"
	rc=$?
	t=$(($(date +%s) - t0))
	echo "before $load0, after $(cut -d' ' -f1-3 /proc/loadavg)" >"$dir/host-load"
	if [ "$rc" -eq 0 ]; then
		echo "ok in $t s" >"$dir/status"
	else
		why=$(grep -v '^$' "$dir/stderr" | tail -1)
		echo "failed (exit $rc in $t s): ${why:-no reason given}" >"$dir/status"
	fi
	echo "peer $p: $(cat "$dir/status")"
done
echo
python3 tests/bench/app-results.py collect "$RUNDIR" "$RESULTS" || exit 1
echo
echo "results: $RESULTS"
python3 tests/bench/app-results.py chart "$RESULTS"
