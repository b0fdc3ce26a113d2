#!/bin/bash
# make bench: the round trip of an event channel between two ELF guests on
# their own CPUs (Documentation/composition.md), under QEMU TCG: 2000
# notifications each way, strictly alternating, then the one-way latency
# and the exits each side took. A figure, not an assertion: under TCG a VM
# exit costs tens of microseconds, and an ELF guest (no APIC) takes one to
# be given each notification; a Linux guest, which drives its own APIC,
# takes its notification without one.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LOG=$BUILD/bench-events.log
RUNS=${BENCH_RUNS:-3}
ROUNDS=2000
peer() { # NAME ROLE PEER
	printf '%s/guests/shm_peer.elf xl-guest name=%s timeout=120000 -- role=%s rounds=%s peer=%s' \
		"$BUILD" "$1" "$2" "$ROUNDS" "$3"
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
		exit 1
	fi
	mhz=$(grep -aoE 'tsc: [0-9]+' "$LOG" | head -1 | grep -oE '[0-9]+')
	cycles=$(echo "$line" | grep -oE 'latency [0-9]+' | grep -oE '[0-9]+')
	echo "run $run: $line${mhz:+ = $((cycles / mhz)) us at a $mhz MHz TSC}"
	grep -a "exits:" "$LOG" | sed 's/.*domain/  domain/'
done
