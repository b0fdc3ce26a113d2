#!/bin/bash
# Print the dom0 boot cost: xen-lite dom0 time to init against native.
BUILD=${BUILD:-build}
native=$(cat "$BUILD/bench-linux-boot-native.ms" 2>/dev/null)
xl=$(cat "$BUILD/bench-linux-boot-xen-lite.ms" 2>/dev/null)
if [ -n "$native" ] && [ -n "$xl" ] && [ "$native" -gt 0 ]; then
	echo "dom0 boot under xen-lite / native: $((xl * 100 / native))% (xen-lite ${xl} ms, native ${native} ms)"
	echo "(stock Xen 4.17 as a third point is not measured yet; ENVIRONMENT.md: ~21 s PVH, ~16 s PV)"
fi
