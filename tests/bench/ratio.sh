#!/bin/bash
# Print the dom0 boot cost: the time to dom0's init under each hypervisor
# (xen-lite, stock Xen with a PVH and a PV dom0) against native, from the
# medians tests/bench/bench-linux-boot.sh wrote. Modes not measured are left out.
BUILD=${BUILD:-build}
ms() { cat "$BUILD/bench-linux-boot-$1.ms" 2>/dev/null; }
native=$(ms native)
[ -n "$native" ] && [ "$native" -gt 0 ] || exit 0
ratios='' times="native $native ms"
for m in "xen-lite:xen-lite" "xen-pvh:Xen PVH" "xen-pv:Xen PV"; do
	t=$(ms "${m%%:*}")
	[ -n "$t" ] || continue
	ratios="$ratios${ratios:+, }${m#*:} $((t * 100 / native))%"
	times="$times, ${m#*:} $t ms"
done
[ -n "$ratios" ] || exit 0
echo "dom0 boot time relative to native: $ratios"
echo "(medians to init: $times)"
if [ -n "$(ms xen-pvh)$(ms xen-pv)" ]; then
	echo "(stock Xen boots from a GRUB ISO, so its figures include SeaBIOS and GRUB;" \
		"native and xen-lite start from QEMU -kernel)"
fi
