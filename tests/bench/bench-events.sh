#!/bin/bash
# make bench: ping-pongs under QEMU TCG (Documentation/composition.md), 2000
# round trips, strictly alternating: notifications on an event channel
# between two ELF guests on their own CPUs (boot guests, which have no
# segment), then messages through a shared segment with a notification each
# between dom0's user space (tests/dom0/shm-ping.c, dom0's init's
# xl_test=shm_dom0) and an ELF guest; the one-way latency and the exits each
# side took. Figures, not assertions: under TCG a VM exit costs tens of
# microseconds, and an ELF guest (no APIC) takes one to be given each
# notification; dom0 and Linux guests, which drive their own APICs, take
# theirs without one.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LOG=$BUILD/bench-events.log
DOM0_LOG=$BUILD/bench-events-dom0.log
RUNS=${BENCH_RUNS:-3}
ROUNDS=2000
rc=0 # a run without a result fails the script, after the others
peer() { # NAME ROLE PEER
	printf '%s/guests/shm_peer.elf xl-guest name=%s timeout=120000 -- role=%s rounds=%s peer=%s' \
		"$BUILD" "$1" "$2" "$ROUNDS" "$3"
}
# result RUN LOG LINE: LINE (a pinger's result, "... one-way N ...cycles ...") with the
# latency in microseconds at the TSC frequency the hypervisor measured
result() {
	local mhz cycles
	mhz=$(grep -aoE 'tsc: [0-9]+' "$2" | head -1 | grep -oE '[0-9]+')
	cycles=$(echo "$3" | grep -oE '(latency|one-way) [0-9]+' | grep -oE '[0-9]+')
	echo "run $1: $3${mhz:+ = $((cycles / mhz)) us at a $mhz MHz TSC}"
}

echo "event channel ping-pong between two ELF guests under QEMU TCG, $RUNS boot(s)"
for run in $(seq 1 "$RUNS"); do
	timeout 300 qemu-system-x86_64 -machine q35 -accel tcg -cpu EPYC,+svm,+npt -smp 3 -m 512 \
		-display none -monitor none -no-reboot -net none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial file:"$LOG" \
		-kernel "$BUILD/xen-lite.elf" -append "debug_exit=0xf4 after_boot=halt" \
		-initrd "$(peer ping ping 2),$(peer pong pong 1)" </dev/null 2>/dev/null
	line=$(grep -a 'shm-peer: .* round trips' "$LOG" | sed 's/.*shm-peer: //' | tr -d '\r')
	if [ -z "$line" ] || ! grep -aq "(d2 pong) PASS" "$LOG"; then
		echo "run $run: no result (log: $LOG)"
		tail -20 "$LOG"
		rc=1
		continue
	fi
	result "$run" "$LOG" "$line"
	grep -a "exits:" "$LOG" | sed 's/.*domain/  domain/'
done

echo
echo "segment ping-pong between dom0's user space (shm-ping) and an ELF guest (role=pong) under QEMU TCG, $RUNS boot(s)"
for run in $(seq 1 "$RUNS"); do
	timeout 300 qemu-system-x86_64 -machine q35 -accel tcg -cpu EPYC,+svm,+npt -smp 2 -m 1G \
		-display none -monitor none -no-reboot -net none -serial file:"$DOM0_LOG" \
		-kernel "$BUILD/xen-lite.elf" -append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_shm_rounds=$ROUNDS xl_test=shm_dom0,$BUILD/dom0/initrd.cpio.gz" \
		</dev/null 2>/dev/null
	line=$(grep -a "pong: shm-ping: $ROUNDS round trips" "$DOM0_LOG" | sed 's/.*shm-ping: //' | tr -d '\r')
	if [ -z "$line" ] || ! grep -aq "pong) PASS" "$DOM0_LOG"; then
		echo "run $run: no result (log: $DOM0_LOG)"
		grep -a 'xen-lite-dom0: \|pong)' "$DOM0_LOG" | tail -20
		rc=1
		continue
	fi
	result "$run" "$DOM0_LOG" "$line"
	# "exits during the rounds: dN G (G/s), d0 D (D/s), in T us (...)", with each per round trip
	grep -a "pong: shm-ping: exits during the rounds" "$DOM0_LOG" | tr -d '\r(),' | sed 's/.*rounds: //' |
		awk -v n="$ROUNDS" '{ printf "  exits during the rounds (%.3f s): guest %s %s, %s, %.1f a round trip; %s %s, %s, %.1f a round trip\n",
			$8 / 1000000, $1, $2, $3, $2 / n, $4, $5, $6, $5 / n }'
	grep -a "(pong) exits:" "$DOM0_LOG" | sed 's/.*domain/  whole life: domain/'
done
exit $rc
