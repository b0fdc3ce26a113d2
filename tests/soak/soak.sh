#!/bin/bash
# make soak (mk/soak.mk): SOAK_MINUTES (default 60) of real work on one node under QEMU -
# round after round a 2-vCPU Linux guest runs a group of stress-ng stressors with
# --verify and is destroyed, while ELF guests are created and destroyed on the fourth CPU
# (dom0-tools/initrd/init, xl_test=soak). Prints the node's free pages and CPUs before and
# after, the counts of rounds, stress-ng runs and ELF guests, and exits 0 only if every
# run passed, nothing crashed and the node is as it was.
#
#   SOAK_MINUTES=N   how long the rounds go on (a round started goes on to its end)
#   SOAK_QEMU=10     QEMU 10 (build/qemu10, the default) or 7.2 (Debian's)
#   SOAK_STRESS_TIME=S   each round's stress-ng time (default 20)
set -u
cd "$(dirname "$0")/../.." || exit 1

BUILD=${BUILD:-build}
# shellcheck source=tests/qemu/lib.sh
source tests/qemu/lib.sh

minutes=${SOAK_MINUTES:-60}
stress_time=${SOAK_STRESS_TIME:-20}
if [ "${SOAK_QEMU:-10}" = 10 ]; then
	use_qemu10 || { echo "soak: no QEMU 10 (scripts/fetch-qemu10.sh)"; exit 1; }
	QEMU_CPU=EPYC,+svm,+npt
fi
# the rounds, plus a last round's bound (create, boot, 3 x its stress time + 300 s,
# destroy) and dom0's boot and power off
QEMU_TIMEOUT=$((minutes * 60 + stress_time * 3 + 900))
echo "soak: $minutes minute(s) of stress-ng rounds on ${QEMU_SYSTEM[0]##*/} ($("${QEMU_SYSTEM[@]}" --version | head -1)), at most ${QEMU_TIMEOUT}s"
start=$(date +%s)
test_begin
qemu_boot soak -machine q35 -smp 4 -m 2G -kernel "$BUILD/xen-lite.elf" -append "dom0_mem=512M" \
	-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=soak xl_soak_minutes=$minutes xl_stress_time=$stress_time,$BUILD/workload/dom0-initrd.cpio.gz"
echo "soak: QEMU ran $(($(date +%s) - start)) s, exit status $QEMU_RC; log: $LOG"

sed -nE 's/^(\(d0\) )?xen-lite-dom0: soak: //p' "$LOG" | tr -d '\r' | grep -E '^(before|after|[0-9]+ rounds|node)' |
	sed 's/^/soak: /'
failed=$(sed -nE 's/^(\(d0\) )?xen-lite-dom0: soak: (round .*(FAILED|timed out|failed).*)/\2/p' "$LOG")
[ -z "$failed" ] || printf '%s\n' "$failed" | sed 's/^/soak: /'
expect_rc 0
expect_log "xen-lite-dom0: soak: node unchanged"
expect_log_regex "xen-lite-dom0: soak: [1-9][0-9]* rounds, [0-9]+ stress-ng runs passed, 0 failed; [0-9]+ ELF guests, 0 failed"
expect_no_log "crashed" "PANIC" "Kernel panic" "timed out"
if test_result; then
	echo "soak: passed"
else
	echo "soak: FAILED (the log's last lines:)"
	tail -20 "$LOG" | sed 's/^/soak: | /'
	exit 1
fi
