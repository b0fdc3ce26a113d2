#!/bin/bash
# Helpers for QEMU integration tests (sourced by tests/run-all.sh).
#
# A test file tests/qemu/t-NAME.sh defines functions named test_*; the
# runner calls them in file order, each as one test, after an optional
# setup_NAME function. A test boots QEMU with qemu_boot (or its own
# command), then states what it expects with expect_*; each failed
# expectation prints why, and the test returns test_result.
#
# Every QEMU run is bounded by a timeout; the serial log of the last run is
# in $LOG (printed by the runner when a test fails).
#
# Timeouts are written for the machine the suite was tuned on and scaled by
# TIME_SCALE (calibrate_time_scale: how much slower this machine boots dom0).
# dom0's init gets the same factor (xl_scale=) for its own waits, and says
# which step it is in ("xen-lite-dom0: step NAME") and which wait it gave up
# on, so a timeout names its step.

BUILD=${BUILD:-build}
LOGDIR=${LOGDIR:-$BUILD/test-logs}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-60}
TIME_SCALE=${TIME_SCALE:-1}
# what calibrate_time_scale's boot took on the machine the bounds were written for
CALIBRATION_REFERENCE_S=${CALIBRATION_REFERENCE_S:-6}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS.fd}
# TCG's SVM model; -rdtscp because TCG misreports intercepted RDTSCP (ENVIRONMENT.md)
QEMU_CPU=${QEMU_CPU:-EPYC,+svm,+npt}
# the emulator and its first arguments: Debian's QEMU 7.2, or QEMU 10 (use_qemu10)
QEMU_SYSTEM=(qemu-system-x86_64)
# QEMU10_ROOT=DIR runs the QEMU 10 tests on another build laid out the same (a debug build)
QEMU10_ROOT=${QEMU10_ROOT:-$BUILD/qemu10/root}
mkdir -p "$LOGDIR"

TEST_FAILED=0
LOG=
QEMU_RC=

test_begin() {
	TEST_FAILED=0
	LOG=
	QEMU_RC=
}

test_fail() {
	echo "    $*"
	TEST_FAILED=1
}

test_result() {
	return "$TEST_FAILED"
}

# qemu_boot NAME [QEMU ARGS...]: boot with COM1 in $LOGDIR/NAME.log, the
# debug-exit device at 0xf4 and a timeout; sets LOG and QEMU_RC (124 = timed out).
# A run about to time out leaves each CPU's registers and local APIC in
# $LOG.state (QEMU's monitor, read through a pipe) and prints a summary; then
# a dom0 still taking interrupts prints its timers and blocked tasks (SysRq q
# and w, typed on the PS/2 keyboard; dom0's init enables SysRq).
qemu_boot() {
	qemu_start "$@"
	qemu_finish
}

# qemu_start NAME [QEMU ARGS...]: qemu_boot's run, in the background (QEMU_PID); the
# test follows the log (await_log) and ends with qemu_finish
QEMU_PID=
QEMU_WATCHDOG=
qemu_start() {
	local name=$1 mon limit
	shift
	LOG=$LOGDIR/$name.log
	mon=$LOG.monitor
	limit=$(scaled_seconds "$QEMU_TIMEOUT")
	: >"$LOG"
	rm -f "$LOG.state" "$mon.in" "$mon.out"
	mkfifo "$mon.in" "$mon.out"
	qemu_state_watchdog "$mon" "$LOG" $((limit - 6)) </dev/null >/dev/null 2>&1 &
	QEMU_WATCHDOG=$!
	# dom0's init (xl_test=...) scales its own waits the same way; QEMU_ACCEL: a test's
	# own accelerator options (t-workload.sh's single-threaded TCG)
	timeout -k 5 "$limit" "${QEMU_SYSTEM[@]}" -accel "${QEMU_ACCEL:-tcg}" -cpu "$QEMU_CPU" \
		-display none -monitor pipe:"$mon" -no-reboot -net none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-serial file:"$LOG" "${@//xl_test=/xl_scale=$TIME_SCALE xl_test=}" </dev/null 2>"$LOG.stderr" &
	QEMU_PID=$!
}

# qemu_finish: wait for qemu_start's QEMU to end; sets QEMU_RC (124 = timed out)
qemu_finish() {
	local limit
	limit=$(scaled_seconds "$QEMU_TIMEOUT")
	wait "$QEMU_PID"
	QEMU_RC=$?
	kill "$QEMU_WATCHDOG" 2>/dev/null
	wait "$QEMU_WATCHDOG" 2>/dev/null
	rm -f "$LOG.monitor.in" "$LOG.monitor.out"
	if [ "$QEMU_RC" -eq 124 ]; then
		test_fail "QEMU timed out after ${limit}s (${QEMU_TIMEOUT}s x TIME_SCALE $TIME_SCALE)$(last_step "$LOG")"
		qemu_state_summary "$LOG"
	fi
	# a wait dom0's init gave up on names its step
	grep -a 'xen-lite-dom0: step .*: gave up' "$LOG" | tr -d '\r' | sed 's/^.*xen-lite-dom0: /dom0: /' |
		while read -r line; do echo "    $line"; done | grep . && TEST_FAILED=1
	return 0
}

# await_step STEP SECONDS WHAT CHECK...: run CHECK once a second until it returns 0, at
# most SECONDS x TIME_SCALE; otherwise (or when CHECK returns 2, having said why) fail
# naming STEP, stop qemu_start's QEMU and return 1 - at once if an earlier step failed,
# so that a test's steps can be chained with &&
await_step() {
	local step=$1 seconds=$2 what=$3 limit waited=0 rc
	shift 3
	limit=$(scaled_seconds "$seconds")
	[ "$TEST_FAILED" -eq 0 ] || return 1
	while :; do
		AWAIT_STEP=$step "$@"
		rc=$?
		[ "$rc" -ne 0 ] || return 0
		if [ "$rc" -ne 2 ] && [ "$waited" -ge "$limit" ]; then
			test_fail "step $step: not done within ${limit}s (${seconds}s x TIME_SCALE $TIME_SCALE): $what"
			rc=2
		fi
		if [ "$rc" -eq 2 ]; then
			kill "$QEMU_PID" 2>/dev/null
			return 1
		fi
		sleep 1
		waited=$((waited + 1))
	done
}

# await_log STEP SECONDS STRING: await_step until the fixed STRING is in qemu_start's
# log; a line with AWAIT_FAILURE (a fixed string, if set) fails the step at once
await_log() {
	await_step "$1" "$2" "no '$3' in the log" log_says "$3"
}

# log_says STRING: 0 when the log has it; 2 (after test_fail) when it never can
log_says() {
	local bad=
	! grep -aqF -- "$1" "$LOG" || return 0
	[ -z "${AWAIT_FAILURE:-}" ] || bad=$(grep -aF -- "$AWAIT_FAILURE" "$LOG" | head -n 1)
	if [ -n "$bad" ]; then
		test_fail "step $AWAIT_STEP: $(echo "$bad" | tr -d '\r')"
		return 2
	fi
	if ! kill -0 "$QEMU_PID" 2>/dev/null; then
		test_fail "step $AWAIT_STEP: QEMU ended before the log said: $1"
		return 2
	fi
	return 1
}

# await_end STEP SECONDS: await_step until qemu_start's QEMU has ended by itself
await_end() {
	await_step "$1" "$2" "QEMU still running" qemu_ended
}

qemu_ended() {
	! kill -0 "$QEMU_PID" 2>/dev/null
}

# scaled_seconds N: N seconds on the reference machine, on this one
scaled_seconds() {
	echo $(($1 * TIME_SCALE))
}

# last_step LOG: ", in step NAME (begun at LINE of N)" for the last step dom0 began, if any
last_step() {
	local line
	line=$(grep -an 'xen-lite-dom0: step ' "$1" | grep -v ': gave up after' | tail -1 | tr -d '\r')
	[ -n "$line" ] || return 0
	printf ', in step %s (begun at log line %s of %s)' "${line##*xen-lite-dom0: step }" "${line%%:*}" \
		"$(wc -l <"$1")"
}

# calibrate_time_scale: sets TIME_SCALE from how long this machine takes to boot the
# hypervisor and dom0 to its init and power off, against CALIBRATION_REFERENCE_S
# (rounded up, at least 1)
calibrate_time_scale() {
	local t0 t1 rc
	t0=$(date +%s%N)
	QEMU_TIMEOUT=120 TIME_SCALE=1 qemu_boot calibrate -machine q35 -smp 2 -m 1G \
		-kernel "$BUILD/xen-lite.elf" -append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=poweroff,$BUILD/dom0/initrd.cpio.gz"
	rc=$QEMU_RC
	t1=$(date +%s%N)
	if [ "$rc" -ne 0 ] || ! grep -aq 'xen-lite-dom0: init reached' "$LOG"; then
		TIME_SCALE=3
		echo "calibration: the calibration boot failed (QEMU status $rc): time bounds x $TIME_SCALE"
		return 0
	fi
	TIME_SCALE=$(awk -v ns=$((t1 - t0)) -v ref="$CALIBRATION_REFERENCE_S" \
		'BEGIN { s = ns / 1e9 / ref; n = int(s); if (n < s) n++; if (n < 1) n = 1; print n }')
	echo "calibration: dom0 booted and powered off in $(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }') s" \
		"(reference ${CALIBRATION_REFERENCE_S} s): time bounds x $TIME_SCALE"
}

# use_qemu10: the following qemu_boot runs use QEMU 10 from bookworm-backports
# (scripts/fetch-qemu10.sh, run by make check), whose TCG has x2APIC, on a CPU
# that offers it; returns 1 with a test failure when it is not there.
# (Set QEMU_SYSTEM and QEMU_CPU local first to keep it to one test.)
use_qemu10() {
	if [ ! -x "$QEMU10_ROOT/usr/bin/qemu-system-x86_64" ]; then
		test_fail "no QEMU 10 in $QEMU10_ROOT: run scripts/fetch-qemu10.sh (make check does)"
		return 1
	fi
	QEMU_SYSTEM=("$QEMU10_ROOT/usr/bin/qemu-system-x86_64" -L "$QEMU10_ROOT/usr/share/qemu"
		-L "$QEMU10_ROOT/usr/share/seabios")
	QEMU_CPU=EPYC,+svm,+npt,+x2apic
}

# qemu_state_watchdog MONITOR LOG SECONDS: after SECONDS, ask QEMU's monitor
# for every CPU's registers and local APIC, then type SysRq q and w (dom0's
# timers, blocked tasks): LOG.state gets the monitor's answers, LOG.lines how
# long the serial log was before
qemu_state_watchdog() {
	local mon=$1 log=$2 t
	sleep "$3" &
	t=$!
	trap 'kill $t 2>/dev/null; exit 0' TERM
	wait "$t" || exit 0
	wc -l <"$log" >"$log.lines"
	# the CPUs and APICs first, as the hang left them (SysRq's keyboard interrupt wakes
	# dom0, which then re-arms its timer); bounded: opening the pipe would wait for ever
	# if QEMU has just gone
	qemu_monitor "$mon" "info registers -a" "info lapic 0" "info lapic 1" "info lapic 2" \
		"info lapic 3" && sleep 1 && qemu_monitor "$mon" "sendkey alt-sysrq-q" && sleep 1.5 &&
		qemu_monitor "$mon" "sendkey alt-sysrq-w" && sleep 1
	timeout 1 cat "$mon.out" | sed 's/\x1b\[[0-9]*[A-Z]//g' >"$log.state"
}

# qemu_monitor MONITOR COMMAND...: send commands to QEMU's monitor pipe
qemu_monitor() {
	local mon=$1
	shift
	timeout 1 sh -c 'printf "%s\n" "$@" >"$0"' "$mon.in" "$@"
}

# qemu_state_summary LOG: what the serial log said last before the watchdog,
# dom0's clock event devices and timers (SysRq q), where each CPU was and
# what its APIC held
qemu_state_summary() {
	local before
	[ -s "$1.state" ] || return 0
	before=$(cat "$1.lines" 2>/dev/null || echo 0)
	echo "    --- the serial log before the state dump (all of it in $1) ---"
	head -n "$before" "$1" | tail -15 | sed 's/^/    | /'
	echo "    --- dom0's timers (SysRq q), then the CPUs as the hang left them, before it (all in $1.state) ---"
	tail -n +"$((before + 1))" "$1" |
		grep -aE 'now at|expires at|Tick Device|next_event|event_handler|Show Blocked|task:' |
		head -40 | sed 's/^/    | /'
	grep -aE '^CPU#|^RIP=|^EIP=|^dumping local APIC|^(LVTT|Timer|ISR|IRR|APR)' "$1.state" | sed 's/^/    | /'
}

# ovmf_args NAME: firmware arguments with a fresh copy of the variable store
ovmf_args() {
	cp "$OVMF_VARS" "$LOGDIR/$1.vars.fd"
	echo "-drive if=pflash,format=raw,readonly=on,file=$OVMF_CODE" \
		"-drive if=pflash,format=raw,file=$LOGDIR/$1.vars.fd"
}

# expect_rc N: QEMU's exit status (isa-debug-exit: (code << 1) | 1)
expect_rc() {
	[ "$QEMU_RC" = "$1" ] || test_fail "QEMU exit status $QEMU_RC, expected $1"
}

# expect_log STRING...: each fixed string appears in the serial log
expect_log() {
	local s
	for s in "$@"; do
		grep -aqF -- "$s" "$LOG" || test_fail "missing from the log: $s"
	done
}

# expect_no_log STRING...: none of them appears
expect_no_log() {
	local s
	for s in "$@"; do
		! grep -aqF -- "$s" "$LOG" || test_fail "unexpected in the log: $s"
	done
}

# expect_log_regex REGEX: an extended regular expression matches a line
expect_log_regex() {
	grep -aqE -- "$1" "$LOG" || test_fail "no log line matches: $1"
}

# expect_pings_answered PREFIX...: each PREFIX (an extended regular expression) is followed
# in a log line by busybox ping's summary of 3 pings, all answered
expect_pings_answered() {
	for p in "$@"; do
		expect_log_regex "$p: 3 packets transmitted, 3 (packets )?received"
	done
}

# expect_no_log_regex REGEX: no log line matches
expect_no_log_regex() {
	! grep -aqE -- "$1" "$LOG" || test_fail "a log line matches what must not be there: $1"
}

# expect_boot CPUS MIN_MIB MAX_MIB MODULES: the boot summary line reports
# exactly CPUS CPUs and MODULES modules, and usable memory within the range.
expect_boot() {
	local line mib
	line=$(grep -aoE 'boot complete: [0-9]+ CPU\(s\) online, [0-9]+ MiB usable memory, [0-9]+ module\(s\)' "$LOG" | tail -1)
	if [ -z "$line" ]; then
		test_fail "no 'boot complete' line"
		return
	fi
	echo "$line" | grep -qE "complete: $1 CPU" || test_fail "expected $1 CPU(s): $line"
	echo "$line" | grep -qE ", $4 module" || test_fail "expected $4 module(s): $line"
	mib=$(echo "$line" | sed -E 's/.*, ([0-9]+) MiB usable.*/\1/')
	if [ "$mib" -lt "$2" ] || [ "$mib" -gt "$3" ]; then
		test_fail "usable memory $mib MiB outside [$2, $3]: $line"
	fi
}

# expect_no_fault: no exception dump or panic in the log
expect_no_fault() {
	expect_no_log "PANIC" "WARNING: smp:" "did not come online"
}
