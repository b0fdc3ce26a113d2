#!/bin/sh
# tests/linux-exit-rates.sh LOG: from a serial log of dom0's xl_test=linux
# (dom0-tools/initrd/init), the exit samples taken while the Linux guest
# computed (between its "compute start" and "compute done" lines), steady
# state only: the first sample is left out (the tick stops in the moment
# after the loop starts). Prints "SECONDS VCPU0_PER_S VCPU1_PER_S VCPU1_EXITS",
# or nothing and exits 1 when fewer than 3 samples remain. Used by tests/qemu/t-dom0-tools.sh
# and tests/bench/bench-linux-guest.sh.
sed -n '/xen-lite-guest: compute start/,/xen-lite-guest: compute done/p' "$1" |
	sed -n 's/.*xen-lite-dom0: linux-sample \([0-9]*\) running \([0-9]*\),\([0-9]*\).*/\1 \2 \3/p' |
	awk '
		NR == 2 { s = $1; a = $2; b = $3 }
		NR >= 2 { e = $1; x = $2; y = $3 }
		END {
			if (NR < 4)
				exit 1
			printf "%d %.0f %.1f %d\n", e - s, (x - a) / (e - s), (y - b) / (e - s), y - b
		}'
