#!/bin/bash
# Run every test: host unit tests, the clang build, the layering check, a smoke
# run of the fuzz harnesses, then the QEMU integration tests (tests/qemu/t-*.sh). Ends with "N passed, N failed";
# exits non-zero if anything failed.
#
#   tests/run-all.sh [PATTERN]   only tests whose name contains PATTERN
#
# Expects `make all unit-tests` and the test images to be built (make check does).
set -u
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
FILTER=${1:-}
PASSED=0
FAILED=0
FAILED_NAMES=()
START=$(date +%s)

record() { # NAME STATUS SECONDS
	if [ "$2" -eq 0 ]; then
		PASSED=$((PASSED + 1))
		printf 'PASS %-40s %3ss\n' "$1" "$3"
	else
		FAILED=$((FAILED + 1))
		FAILED_NAMES+=("$1")
		printf 'FAIL %-40s %3ss\n' "$1" "$3"
	fi
}

selected() {
	[ -z "$FILTER" ] || [[ "$1" == *"$FILTER"* ]]
}

# ---- host unit tests: every cmocka test counts as one ----
run_unit_tests() {
	local bin out pass fail name
	for bin in "$BUILD"/unit/test_*; do
		[ -x "$bin" ] || continue
		name=unit/$(basename "$bin")
		selected "$name" || continue
		out=$("$bin" 2>&1)
		pass=$(echo "$out" | sed -nE 's/^\[  PASSED  \] ([0-9]+) test.*/\1/p' | tail -1)
		fail=$(echo "$out" | sed -nE 's/^\[  FAILED  \] ([0-9]+) test.*/\1/p' | tail -1)
		pass=${pass:-0}
		fail=${fail:-0}
		if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
			fail=1 # crashed before reporting
		fi
		PASSED=$((PASSED + pass))
		FAILED=$((FAILED + fail))
		printf '%s %-40s %3s passed, %s failed\n' "$([ "$fail" -eq 0 ] && echo PASS || echo FAIL)" \
			"$name" "$pass" "$fail"
		if [ "$fail" -ne 0 ]; then
			FAILED_NAMES+=("$name")
			echo "$out" | grep -E '^\[  (FAILED|ERROR) |^\[  ERROR|Failure|error' | head -40 | sed 's/^/    /'
		fi
	done
}

# ---- xl-lite's bash completion against xl-lite's help (tests/completion/check.sh) ----
run_completion_check() {
	local t0 rc out
	selected unit/completion || return 0
	t0=$(date +%s)
	out=$(make -s BUILD="$BUILD" "$BUILD/pkg/xl-lite" 2>&1 && tests/completion/check.sh "$BUILD/pkg/xl-lite" 2>&1)
	rc=$?
	record unit/completion "$rc" $(($(date +%s) - t0))
	[ "$rc" -eq 0 ] || echo "$out" | tail -30 | sed 's/^/    /'
}

# ---- the whole tree must also build clean with clang ----
run_clang_build() {
	local t0 rc
	selected build/clang || return 0
	t0=$(date +%s)
	make -s CC=clang BUILD="$BUILD/clang" all >"$BUILD/clang-build.log" 2>&1
	rc=$?
	record build/clang "$rc" $(($(date +%s) - t0))
	[ "$rc" -eq 0 ] || tail -30 "$BUILD/clang-build.log" | sed 's/^/    /'
}

# ---- the layering (Documentation/architecture.md) holds in the objects just built ----
run_layers_check() {
	local t0 rc out
	selected build/layers || return 0
	t0=$(date +%s)
	out=$(python3 scripts/layers.py "$BUILD" 2>&1)
	rc=$?
	record build/layers "$rc" $(($(date +%s) - t0))
	[ "$rc" -eq 0 ] || echo "$out" | tail -30 | sed 's/^/    /'
}

# ---- the application benchmark's membench checks its own figures (tests/bench/app/) ----
run_membench_check() {
	local t0 rc out bin=$BUILD/bench-app/membench
	selected build/membench || return 0
	t0=$(date +%s)
	out=$(make -s BUILD="$BUILD" "$bin" 2>&1 &&
		"$bin" triad 1 2 | grep -E '^triad [0-9.]+ MB/s$' &&
		"$bin" chase 1 2 | grep -E '^chase [0-9.]+ ns/load$' &&
		{ "$bin" chase 0 1 2>&1; [ $? -eq 2 ]; })
	rc=$?
	record build/membench "$rc" $(($(date +%s) - t0))
	[ "$rc" -eq 0 ] || echo "$out" | tail -30 | sed 's/^/    /'
}

# ---- each fuzz harness builds and survives its seeds and a short run (tests/fuzz/) ----
run_fuzz_smoke() {
	local src name bin t0 rc out tmp
	for src in tests/fuzz/fuzz_*.c; do
		name=$(basename "$src" .c)
		name=${name#fuzz_}
		selected "fuzz/$name" || continue
		t0=$(date +%s)
		bin=$BUILD/fuzz/fuzz_$name
		tmp=$(mktemp -d) # new inputs and a crash's input go here, not into the seeds
		out=$(make -s BUILD="$BUILD" "$bin" 2>&1 &&
			"$bin" -runs=2000 -max_total_time=3 -timeout=10 -artifact_prefix="$tmp/" \
				"$tmp" "tests/fuzz/corpus/$name" 2>&1)
		rc=$?
		record "fuzz/$name" "$rc" $(($(date +%s) - t0))
		if [ "$rc" -ne 0 ]; then
			echo "$out" | grep -E 'error|ERROR|SUMMARY|fuzz:|runtime error' | head -20 | sed 's/^/    /'
			for f in "$tmp"/crash-* "$tmp"/timeout-* "$tmp"/oom-*; do
				[ -e "$f" ] && cp "$f" "$BUILD/fuzz-$name-${f##*/}" &&
					echo "    the input: $BUILD/fuzz-$name-${f##*/}"
			done
		fi
		rm -rf "$tmp"
	done
}

# ---- the Debian packages (make deb, Documentation/install.md): lintian finds no error,
# each holds what it must, the DKMS source builds with the command its dkms.conf gives
# DKMS against the dom0 kernel's headers, and make install fills a DESTDIR ----
run_package_check() {
	local t0 rc=0 out tmp deb ver kdir src
	selected build/deb || return 0
	t0=$(date +%s)
	tmp=$(mktemp -d)
	ver=$(sed -n 's/^#define XEN_LITE_VERSION "\(.*\)"/\1/p' include/xen-lite/version.h)
	out=$({
		make -s BUILD="$BUILD" deb "$BUILD/dom0/xenlite.ko" >/dev/null &&
			lintian --fail-on error --tag-display-limit 0 "$BUILD"/pkg/*.deb
	} 2>&1) || rc=1
	for want in "xen-lite-hypervisor_$ver-1_amd64.deb ./boot/xen-lite-$ver.elf" \
		"xen-lite-hypervisor_$ver-1_amd64.deb ./boot/xen-lite-$ver.efi" \
		"xen-lite-hypervisor_$ver-1_amd64.deb ./usr/share/man/man7/xen-lite.7.gz" \
		"xen-lite-hypervisor_$ver-1_amd64.deb ./usr/lib/xen-lite/modules/exit-profiler.xlm" \
		"xen-lite-utils_$ver-1_amd64.deb ./usr/sbin/xl-lite" \
		"xen-lite-utils_$ver-1_amd64.deb ./usr/share/man/man1/xl-lite.1.gz" \
		"xen-lite-utils_$ver-1_amd64.deb ./usr/share/man/man5/xl-lite.cfg.5.gz" \
		"xen-lite-utils_$ver-1_amd64.deb ./usr/share/bash-completion/completions/xl-lite" \
		"xen-lite-utils_$ver-1_amd64.deb ./usr/sbin/xl-lited" \
		"xen-lite-utils_$ver-1_amd64.deb ./usr/lib/xen-lite/slurm/xen-lite-spank.so" \
		"xen-lite-utils_$ver-1_amd64.deb ./usr/lib/xen-lite/slurm/relay" \
		"xen-lite-utils_$ver-1_amd64.deb ./usr/share/man/man8/xl-lited.8.gz" \
		"xen-lite-utils_$ver-1_amd64.deb ./lib/systemd/system/xen-lite.service" \
		"xen-lite-utils_$ver-1_amd64.deb ./etc/xen-lite/auto/" \
		"xen-lite-utils_$ver-1_amd64.deb ./var/log/xen-lite/" \
		"xen-lite-dkms_$ver-1_all.deb ./usr/src/xenlite-$ver/dkms.conf"; do
		deb=${want%% *}
		dpkg-deb -c "$BUILD/pkg/$deb" 2>/dev/null | grep -q " ${want#* }\$" ||
			{ out="$out"$'\n'"$deb lacks ${want#* }"; rc=1; }
	done
	# DKMS runs MAKE[0] in ${dkms_tree}/NAME/VERSION/build, a copy of the source
	if [ "$rc" -eq 0 ] && dpkg-deb -x "$BUILD/pkg/xen-lite-dkms_$ver-1_all.deb" "$tmp/root" &&
		kdir=$(BUILD=$BUILD sh scripts/kernel-headers.sh); then
		src=$tmp/dkms/xenlite/$ver/build
		mkdir -p "$src" && cp -a "$tmp/root/usr/src/xenlite-$ver/." "$src/"
		# shellcheck disable=SC2016 # expanded by that bash, from dkms.conf
		out="$out"$'\n'$(cd "$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u CC -u V \
			bash -c 'kernel_source_dir=$1 dkms_tree=$2; source ./dkms.conf; eval "${MAKE[0]}"' \
			_ "$kdir" "$tmp/dkms" 2>&1) || rc=1
		[ -f "$src/pv-drivers/xenlite/xenlite.ko" ] || { out="$out"$'\n'"DKMS built no xenlite.ko"; rc=1; }
	else
		rc=1
	fi
	if ! make -s BUILD="$BUILD" install DESTDIR="$tmp/destdir" >/dev/null 2>&1 ||
		! [ -f "$tmp/destdir/boot/xen-lite-$ver.elf" ] || ! [ -x "$tmp/destdir/usr/sbin/xl-lite" ] ||
		! [ -x "$tmp/destdir/usr/sbin/xl-lited" ] || ! [ -f "$tmp/destdir/lib/systemd/system/xen-lite.service" ] ||
		! [ -f "$tmp/destdir/usr/src/xenlite-$ver/dkms.conf" ] ||
		! [ -f "$tmp/destdir/usr/lib/xen-lite/modules/exit-profiler.xlm" ]; then
		out="$out"$'\n'"make install: the files are not all in DESTDIR"
		rc=1
	fi
	rm -rf "$tmp"
	record build/deb "$rc" $(($(date +%s) - t0))
	[ "$rc" -eq 0 ] || echo "$out" | grep -v '^$' | tail -30 | sed 's/^/    /'
}

# ---- QEMU integration tests ----
# A test spends about one core on average (TCG's vCPU threads sleep while their
# guests halt), so the test files run in QEMU_JOBS lanes at once (default: the
# machine's cores, at most 4), the largest file first; the tests of one file run
# in order in one lane, as they were written to. A lane's output is printed
# whole when its file is done.

# run_qemu_file FILE OUT: FILE's selected tests, their lines in OUT, and last a line
# "counts PASSED FAILED NAME..." for the caller (run in a subshell: record's counters are its own)
run_qemu_file() {
	local file=$1 out=$2 t t0 rc
	PASSED=0 FAILED=0 FAILED_NAMES=()
	{
		for t in $(grep -oE '^test_[a-zA-Z0-9_]+\(\)' "$file" | tr -d '()'); do
			selected "qemu/$t" || continue
			test_begin
			t0=$(date +%s)
			"$t"
			rc=$?
			record "qemu/$t" "$rc" $(($(date +%s) - t0))
			if [ "$rc" -ne 0 ] && [ -n "$LOG" ] && [ -f "$LOG" ]; then
				echo "    --- last 40 lines of $LOG ---"
				tail -40 "$LOG" | sed 's/^/    | /'
			fi
		done
		echo "counts $PASSED $FAILED ${FAILED_NAMES[*]}"
	} >"$out" 2>&1
}

# collect_qemu_file OUT: print a finished file's lines and add its counts to ours
collect_qemu_file() {
	local counts p f names list=()
	grep -v '^counts ' "$1"
	counts=$(grep '^counts ' "$1" | tail -1)
	if [ -z "$counts" ]; then
		echo "FAIL $1: the lane ended without its counts"
		FAILED=$((FAILED + 1))
		FAILED_NAMES+=("$1")
		return
	fi
	read -r _ p f names <<<"$counts"
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	read -ra list <<<"$names"
	FAILED_NAMES+=("${list[@]}")
}

# qemu_jobs: how many test files run at once
qemu_jobs() {
	local n=${QEMU_JOBS:-}
	if [ -z "$n" ]; then
		n=$(nproc 2>/dev/null || echo 1)
		[ "$n" -le 4 ] || n=4
	fi
	if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
		echo "QEMU_JOBS=$n: a whole number from 1 up" >&2
		exit 2
	fi
	echo "$n"
}

# The test files in the order their lanes start them: a file's size stands for how long it
# runs, but for LONG_QEMU_FILES, a few tests that each take minutes (the Debian node's
# two boots, its upgrade and purge), which start first so that they do not end the run.
LONG_QEMU_FILES="tests/qemu/t-debian.sh"
qemu_files_longest_first() {
	local f
	echo "$LONG_QEMU_FILES"
	# shellcheck disable=SC2045 # our own file names, no spaces
	for f in $(ls -S tests/qemu/t-*.sh); do
		case " $LONG_QEMU_FILES " in *" $f "*) ;; *) echo "$f" ;; esac
	done
}

run_qemu_tests() {
	local file base t preset=${TIME_SCALE:-} any_qemu=0 jobs running=0 files=() outdir pid
	local -A out_of=()
	# shellcheck source=tests/qemu/lib.sh
	source tests/qemu/lib.sh
	for t in $(grep -ohE '^test_[a-zA-Z0-9_]+\(\)' tests/qemu/t-*.sh | tr -d '()'); do
		selected "qemu/$t" && any_qemu=1
	done
	[ "$any_qemu" -eq 1 ] || return 0
	jobs=$(qemu_jobs) || exit 2
	# every QEMU bound scaled by how slow this machine is (TIME_SCALE=N skips measuring)
	if [ -n "$preset" ]; then
		if ! [[ "$preset" =~ ^[1-9][0-9]*$ ]]; then
			echo "TIME_SCALE=$preset: a whole number from 1 up, or unset to measure this machine"
			exit 2
		fi
		TIME_SCALE=$preset
		echo "calibration: TIME_SCALE=$TIME_SCALE given: time bounds x $TIME_SCALE"
	else
		calibrate_time_scale
		# measured alone; the lanes share the cores
		if [ "$jobs" -gt 1 ]; then
			TIME_SCALE=$((TIME_SCALE + 1))
			echo "calibration: $jobs test files at once (QEMU_JOBS): time bounds x $TIME_SCALE"
		fi
	fi
	# the files with a selected test, the longest first; each file's setup (make) runs here,
	# one at a time, before any lane starts
	for file in $(qemu_files_longest_first); do
		base=$(basename "$file" .sh)
		base=${base#t-}
		local any=0
		for t in $(grep -oE '^test_[a-zA-Z0-9_]+\(\)' "$file" | tr -d '()'); do selected "qemu/$t" && any=1; done
		[ "$any" -eq 1 ] || continue
		# shellcheck disable=SC1090
		source "$file"
		if declare -F "setup_$base" >/dev/null && ! "setup_$base"; then
			for t in $(grep -oE '^test_[a-zA-Z0-9_]+\(\)' "$file" | tr -d '()'); do
				selected "qemu/$t" && record "qemu/$t" 1 0
			done
			continue
		fi
		files+=("$file")
	done
	outdir=$(mktemp -d)
	trap 'kill $(jobs -p) 2>/dev/null' EXIT
	for file in "${files[@]}"; do
		if [ "$running" -ge "$jobs" ]; then
			wait -n -p pid
			collect_qemu_file "${out_of[$pid]}"
			running=$((running - 1))
		fi
		run_qemu_file "$file" "$outdir/$(basename "$file").out" &
		out_of[$!]=$outdir/$(basename "$file").out
		running=$((running + 1))
	done
	while [ "$running" -gt 0 ]; do
		wait -n -p pid
		collect_qemu_file "${out_of[$pid]}"
		running=$((running - 1))
	done
	trap - EXIT
	rm -rf "$outdir"
}

# The Debian node image's base (debootstrap: about two minutes when it is not cached) is
# built while the tests before the QEMU ones run; t-debian.sh's setup waits for it
# (DEBIAN_BASE_PID, its output in DEBIAN_BASE_LOG). Reaped there, before any lane starts.
start_debian_base() {
	local t any=0
	for t in $(grep -oE '^test_[a-zA-Z0-9_]+\(\)' tests/qemu/t-debian.sh | tr -d '()'); do
		selected "qemu/$t" && any=1
	done
	[ "$any" -eq 1 ] || return 0
	mkdir -p "$BUILD/debian-image"
	DEBIAN_BASE_LOG=$BUILD/debian-image/base-build.out
	BUILD=$BUILD sh scripts/mk-debian-image.sh base >"$DEBIAN_BASE_LOG" 2>&1 &
	# shellcheck disable=SC2034 # read by t-debian.sh's setup
	DEBIAN_BASE_PID=$!
}

start_debian_base
run_unit_tests
run_completion_check
run_clang_build
run_layers_check
run_membench_check
run_fuzz_smoke
run_package_check
run_qemu_tests

echo
echo "tests took $(($(date +%s) - START))s"
if [ "$FAILED" -gt 0 ]; then
	echo "failed: ${FAILED_NAMES[*]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
