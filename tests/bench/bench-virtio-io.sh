#!/bin/bash
# make bench: virtio network and disk next to dom0 alone, in one QEMU boot
# (xl_test=virtio_bench, Documentation/virtio.md "Measured"): the same MiB through
# dom0's loopback and tmpfs, then between two Linux guests on dom0's bridge br0 and
# from a guest to dom0 (xl-vnet, TAP devices), then to and from a guest's virtio-blk
# disk on a file of dom0's tmpfs (xl-vblk); ping round trips; each guest's VM exits
# per second over its transfers. Figures, not assertions (test_dom0_virtio_bridge and
# test_dom0_virtio_blk check the data).
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
LOG=$BUILD/bench-virtio-io.log
MIB=32

# two 256 MiB guests besides dom0, each on its own CPU
boot_dom0 "$LOG" 900 3 1536M "xl_bench_mib=$MIB xl_test=virtio_bench"
echo "virtio network and disk against dom0 alone, one boot (QEMU TCG, -smp 3: dom0 on one CPU," \
	"each guest on its own), $MIB MiB each, timed by /proc/uptime (10 ms steps)"
if ! grep -aq "xen-lite-dom0: virtio-bench done" "$LOG"; then
	echo "  no result (log: $LOG)"
	exit 1
fi
rc=0

lines() { log_lines "$LOG" "$1"; }
rates() { log_rates "$LOG" "$1"; }
# rtt WHAT: min/avg/max of the line matching WHAT
rtt() {
	lines "$1" | tail -n 1 | sed -n 's/.*min\/avg\/max = /min\/avg\/max /p'
}
# busy WHAT...: the seconds of the lines "N MiB in S s" matching each WHAT, summed: the time
# a guest was moving data by its own clock
busy() {
	local w
	for w in "$@"; do lines "$w [0-9]* MiB in"; done |
		awk '{ for (i = 1; i < NF; i++) if ($i == "MiB") t += $(i + 2) } END { printf "%.2f", t }'
}
# exits WHAT MIB BUSY: the exits of the line "WHAT N in S s" (dom0's window) per MiB moved,
# per second of the guest's BUSY seconds and per second of dom0's window
exits() {
	lines "$1 [0-9]* in" | tail -n 1 |
		awk -v mib="$2" -v busy="$3" '{ n = $(NF - 3); s = $(NF - 1)
		       printf "%d, %.1f per MiB;", n, n / mib
		       if (busy > 0) printf " %.0f/s of its %.2f s moving data;", n / busy, busy
		       if (s > 0) printf " %.0f/s of dom0'"'"'s %.2f s", n / s, s
		       printf "\n" }'
}
row() { printf '    %-32s%s\n' "$1" "$2"; }

echo "  dom0 alone"
row "TCP over loopback (busybox nc)" "$(rates 'virtio-bench: dom0 loopback TCP')"
row "ping over loopback" "$(rtt 'virtio-bench: dom0 ping loopback rtt')"
row "tmpfs file, dd write x3" "$(rates 'virtio-bench: dom0 file write [1-3]')"
row "tmpfs file, dd read x3" "$(rates 'virtio-bench: dom0 file read [1-3]')"

echo "  two guests on br0 (virtio-net, xl-vnet and a TAP device each), TCP"
b_leg='xen-lite-guest: vnet-client: sent, exit 0,'
a_leg='xen-lite-guest: nic: guest to dom0'
row "vnet-b to vnet-a" "$(rates "$b_leg")"
row "vnet-a to dom0" "$(rates "$a_leg")"
row "both legs, as dom0 saw them" "$(lines 'virtio-bench: received [0-9]* bytes in' | tail -n 1 |
	awk -v mib=$MIB '{ s = $(NF - 1); if (s > 0) printf "%.2f s for %d MiB twice", s, mib }')"
row "ping vnet-b to vnet-a" "$(rtt 'vnet-client: ping peer rtt')"
row "ping vnet-b to dom0" "$(rtt 'vnet-client: ping dom0 rtt')"
row "ping vnet-a to dom0" "$(rtt 'xen-lite-guest: nic: ping rtt')"
row "ping dom0 to vnet-a" "$(rtt 'virtio-bench: dom0 ping vnet-a rtt')"
row "ping dom0 to vnet-b" "$(rtt 'virtio-bench: dom0 ping vnet-b rtt')"
# vnet-a receives then sends (2 x MIB, both legs); vnet-b sends MIB, in the first leg only
row "vnet-a exits" "$(exits 'virtio-bench: vnet-a exits' $((2 * MIB)) "$(busy "$b_leg" "$a_leg")")"
row "vnet-b exits" "$(exits 'virtio-bench: vnet-b exits' $MIB "$(busy "$b_leg")")"
lines "virtio-bench: received $((MIB << 20)) bytes" | grep -q . || {
	echo "    dom0 did not receive $((MIB << 20)) bytes"
	rc=1
}

echo "  a guest's virtio-blk disk (xl-vblk, a file on dom0's tmpfs), O_DIRECT, 1 MiB blocks"
row "dd write x3" "$(rates 'xen-lite-guest: disk-read: write [1-3]')"
row "dd read x3" "$(rates 'xen-lite-guest: disk-read: [1-3]')"
row "vdisk exits, writes and reads" "$(exits 'virtio-bench: vdisk exits' $((6 * MIB)) \
	"$(busy 'xen-lite-guest: disk-read: write [1-3]' 'xen-lite-guest: disk-read: [1-3]')")"
row "vdisk exits, idle before" "$(lines 'virtio-bench: vdisk exits idle [0-9]* in' | tail -n 1 |
	awk '{ n = $(NF - 3); s = $(NF - 1); if (s > 0) printf "%d in %.2f s, %.0f/s", n, s, n / s }')"

echo "  Under TCG a VM exit costs tens of microseconds and the back-ends (xl-vnet, xl-vblk) run in"
echo "  dom0 on the same emulated machine: the figures say what the paths cost here, against dom0's"
echo "  own, not what a node would do. dom0 counts a guest's exits over a window - the network's"
echo "  from its go to its having all the bytes (vnet-a's checksum between the legs), the disk's"
echo "  from 2 s after the guest's start line (8 s before its first run: some idle time is in it)"
echo "  to its last, looked for once a second - and they are divided by the seconds the guest's"
echo "  own clock says it spent moving data, and by dom0's window."
exit $rc
