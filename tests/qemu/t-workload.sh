#!/bin/bash
# A real workload (Documentation/testing.md): Debian's stress-ng in a 2-vCPU Linux guest
# created from dom0, with --verify, while dom0 watches the node with xl-lite list every
# 2 s (dom0-tools/initrd/init, xl_test=workload; the guest's side is guest_test=stress in
# dom0-tools/guest-initrd/init). stress-ng and its libraries come from Debian's archive,
# unpacked under build/stress-ng/ (scripts/fetch-stress-ng.sh, mk/workload.mk).
#
# Every step is bounded and a hang names its step: dom0's init bounds creating the guest,
# its boot to stress-ng's start, the run to its power off and the destroy, and prints
# "workload: step NAME timed out"; the QEMU run as a whole is bounded by QEMU_TIMEOUT, and
# when that expires the test says the last step the log reached.

# the stressors: compute (cpu), vector FP (vecmath), matrix, memory (vm), context switches
# (context) and system calls (get, futex); a "+" separates them on the QEMU -initrd line
WORKLOAD_STRESSORS="cpu vecmath matrix vm context get futex"
WORKLOAD_SECONDS=${WORKLOAD_SECONDS:-30}

setup_workload() {
	make -s BUILD="$BUILD" dom0-images workload-images
}

# workload_progress: the last step of xl_test=workload the log reached, and the next one
workload_progress() {
	local step last=none marker
	for step in "dom0-boot:xen-lite-dom0: init reached" "create:xen-lite-dom0: workload: created [1-9]" \
		"boot:xen-lite-dom0: workload: stress-ng started" "run:xen-lite-dom0: workload: guest shutdown" \
		"destroy:xen-lite-dom0: workload: destroyed" "node-check:xen-lite-dom0: workload done"; do
		marker=${step#*:}
		if grep -aqE -- "$marker" "$LOG"; then
			last=${step%%:*}
		else
			echo "    the log reached step '$last'; step '${step%%:*}' did not end ($marker)"
			return
		fi
	done
}

# check_stress_ng_metrics NAME...: each stressor has a metrics line with bogo ops > 0
check_stress_ng_metrics() {
	local s ops
	for s in "$@"; do
		ops=$(sed -nE "s/.*xen-lite-guest: stress: stress-ng: metrc: \[[0-9]+\] $s +([0-9]+) +[0-9.]+ .*/\1/p" \
			"$LOG" | head -1)
		if [ -z "$ops" ]; then
			test_fail "stress-ng reported no metrics for $s"
		elif [ "$ops" -eq 0 ]; then
			test_fail "stress-ng's $s did no work (0 bogo ops)"
		fi
	done
}

test_workload_stress_ng() {
	local -a QEMU_SYSTEM=("${QEMU_SYSTEM[@]}")
	local QEMU_CPU=$QEMU_CPU before after stressors
	# on QEMU 7.2 a user saw dom0's state lost under this load, not reproduced here
	# (testing.md); QEMU 10 runs it (WORKLOAD_QEMU=7.2 to run it on Debian's QEMU instead)
	if [ "${WORKLOAD_QEMU:-10}" = 10 ]; then
		use_qemu10 || return 1
		QEMU_CPU=EPYC,+svm,+npt # the xAPIC, as on QEMU 7.2: dom0 needs it
	fi
	stressors=$(echo "$WORKLOAD_STRESSORS" | tr ' ' +)
	# QEMU's multi-threaded TCG loses dom0's state under this load: a guest vCPU's FPU
	# restore rewrites CPU 0's hflags2 unlocked and brings back its NPT bit after #VMEXIT
	# (testing.md, "dom0 lost under stress-ng"); one thread for all CPUs cannot race there
	# (WORKLOAD_ACCEL=tcg to see the crash)
	local QEMU_ACCEL=${WORKLOAD_ACCEL:-tcg,thread=single}
	# bounds for a machine 3x slower than the measured one (test: ~70 s): dom0's
	# boot, then create 60 s, guest boot 150 s, the run (stress-ng's time x 2 + 60 s),
	# destroy 60 s, all within the QEMU run's 600 s
	QEMU_TIMEOUT=600 qemu_boot workload -machine q35 -smp 3 -m 2G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=workload xl_stress=$stressors xl_stress_opts=--vm-bytes+32M xl_stress_time=$WORKLOAD_SECONDS xl_poll=2 xl_t_create=60 xl_t_boot=150 xl_t_run=$((WORKLOAD_SECONDS * 2 + 60)) xl_t_destroy=60,$BUILD/workload/dom0-initrd.cpio.gz"
	[ "$QEMU_RC" != 124 ] || workload_progress
	expect_rc 0
	expect_no_log_regex "xen-lite-dom0: workload: step [a-z-]+ timed out"
	# stress-ng's own verdict: exit status 0, its success line, no failure anywhere
	expect_log "xen-lite-dom0: workload: created 1" "xen-lite-guest: stress exit 0"
	expect_log_regex "xen-lite-guest: stress: stress-ng: info: +\[[0-9]+\] successful run completed"
	expect_no_log_regex "xen-lite-guest: stress: stress-ng: (fail|error):"
	expect_no_log "unsuccessful run completed" "metrics untrustworthy"
	# shellcheck disable=SC2086 # the list
	check_stress_ng_metrics $WORKLOAD_STRESSORS
	# dom0 watched it run and outlived it; the guest powered off, was destroyed and is gone
	expect_log_regex "xen-lite-dom0: workload-list: +stress +1 +384 +2 +running "
	expect_log "xen-lite-dom0: workload: guest shutdown after" "xen-lite-dom0: workload: destroyed 1" \
		"domain d1 (stress): ACPI power off" "xen-lite-dom0: workload done"
	expect_log_regex "xen-lite-dom0: workload-after: +dom0 +0 +[0-9]+ +[0-9]+ +running "
	expect_no_log_regex "xen-lite-dom0: workload-after: +[^ ]+ +1 "
	expect_no_log "d0 (dom0) crashed" "stress) crashed" "PANIC" "Kernel panic"
	# the node's free pages and CPUs are back
	before=$(sed -nE 's/.*xen-lite-dom0: workload: before: (.*)/\1/p' "$LOG" | tr -d '\r')
	after=$(sed -nE 's/.*xen-lite-dom0: workload: after: (.*)/\1/p' "$LOG" | tr -d '\r')
	echo "    node before: ${before:-?}; after: ${after:-?}"
	if [ -z "$before" ] || [ "$before" != "$after" ]; then
		test_fail "the node changed: '$before' -> '$after'"
	fi
	[[ "$before" == *"free cpus 2" ]] || test_fail "expected 2 free CPUs before the guest: '$before'"
	expect_log "xen-lite-dom0: workload: node unchanged"
	test_result
}
