#!/bin/bash
# make bench: a Linux guest's virtio NIC, served by dom0's xl-vnet through a TAP
# device (Documentation/virtio.md): 64 MiB of TCP from dom0 to the guest and back,
# as MiB/s each way, and the guest's VM exits over both transfers (per second and
# per MiB). Figures, not assertions (test_dom0_virtio_net checks the data). Under
# QEMU's TCG every exit costs tens of microseconds and dom0's back-end runs on
# the same emulated machine; the exits per MiB say what the virtqueues' event
# index saves (without it, one notify exit per packet: about 720 a MiB).
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
LOG=$BUILD/bench-virtio-net.log
MIB=64

boot_dom0 "$LOG" 600 2 1G "xl_nic_mib=$MIB xl_test=virtio_net"
echo "a Linux guest's virtio NIC (xl-vnet, a TAP device in dom0), $MIB MiB of TCP each way, under QEMU TCG"
if ! grep -aq "xen-lite-dom0: nic: received $((MIB << 20)) bytes" "$LOG"; then
	echo "  no result (log: $LOG)"
	exit 1
fi
echo "  dom0 to guest: $(log_rates "$LOG" 'nic: dom0 to guest')"
echo "  guest to dom0: $(log_rates "$LOG" 'nic: guest to dom0')"
grep -a "nic: guest exits during the transfers" "$LOG" | tail -n 1 | tr -d '\r' |
	awk -v mib=$((2 * MIB)) '{ n = $(NF - 3); s = $(NF - 1)
		if (s > 0) printf "  guest exits over both: %d in %.2f s, %.0f/s, %.1f per MiB\n", n, s, n / s, n / mib }'
grep -a "xl-vnet: d1: the guest is gone" "$LOG" | tail -n 1 | tr -d '\r' | sed 's/.*xl-vnet: d1: the guest is gone: /  back-end: /'
