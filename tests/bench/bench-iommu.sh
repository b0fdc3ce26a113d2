#!/bin/bash
# make bench: what DMA through the IOMMU costs. dom0's stock nvme driver reads a
# 1 GiB NVMe disk with O_DIRECT (1 MiB blocks, three runs) - Linux booted
# without the hypervisor, dom0 with iommu=off, and dom0 behind QEMU's AMD-Vi
# and VT-d (every DMA translated through the IO page tables). Figures, not
# assertions (tests/qemu/t-iommu.sh checks what the IOMMU allows). Under TCG
# the IOMMU is QEMU's model: each translation is a table walk in software
# (cached by the model's IOTLB), so the ratio says what the model costs, not
# what hardware would. Then the same disk read by a 2-vCPU Linux guest that has
# the controller (its own nvme driver, MSI-X remapped by AMD-Vi), with the
# guest's exits per second over its reads; and an e1000e NIC given to such a
# guest, TCP to and from dom0's e1000e on one QEMU hub, next to dom0's loopback.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
DISK=$BUILD/bench-iommu-disk.img
MIB=1024
truncate -s 0 "$DISK" && truncate -s ${MIB}M "$DISK" # sparse: QEMU reads holes as zeros

# boot LOG native|XEN-ARGS DOM0-ARGS [QEMU ARGS...]: one QEMU run, 3 CPUs, 1 GiB
boot() {
	local log=$1 how=$2 linux=$3 boot
	shift 3
	if [ "$how" = native ]; then
		boot=(-kernel "$BUILD/dom0/vmlinuz" -append "console=ttyS0 $linux" -initrd "$BUILD/dom0/initrd.cpio.gz")
	else
		boot=(-kernel "$BUILD/xen-lite.elf" -append "dom0_mem=512M $how"
			-initrd "$BUILD/dom0/vmlinuz console=ttyS0 $linux,$BUILD/dom0/initrd.cpio.gz")
	fi
	timeout 600 qemu-system-x86_64 -machine q35 -accel tcg -cpu EPYC,+svm,+npt -smp 3 -m 1G \
		-display none -monitor none -no-reboot -net none -serial file:"$log" "${boot[@]}" "$@" \
		</dev/null 2>/dev/null
}

# run LABEL LOG [XEN-ARGS | native] DOM0-TEST [QEMU ARGS...]: one boot, its three reads
run() {
	local label=$1 log=$2 how=$3 test=$4
	shift 4
	boot "$log" "$how" "xl_modules=nvme xl_read_mib=$MIB xl_test=$test" \
		-drive file="$DISK",format=raw,if=none,id=nvme0 -device nvme,serial=bench,drive=nvme0 "$@"
	printf '  %-28s' "$label"
	if ! grep -aq "disk-read: 3 " "$log"; then
		echo "no result (log: $log)"
		return 1
	fi
	grep -a "disk-read: [1-3] " "$log" | tr -d '\r' |
		awk '{ for (i = 1; i < NF; i++) if ($i == "MiB") { mib = $(i - 1); s = $(i + 2) }
		       if (s > 0) printf "%7.1f MiB/s", mib / s; else printf "      ? MiB/s" }'
	grep -a "guest-disk-read: guest exits" "$log" | tr -d '\r' |
		awk '{ if ($(NF - 1) > 0) printf "   guest exits: %.0f/s", $(NF - 3) / $(NF - 1) }'
	echo
}

# rate LOG WHAT: "N MiB in S s" of the line matching WHAT, as MiB/s
rate() {
	grep -a "$2 [0-9]* MiB in" "$1" | tail -n 1 | tr -d '\r' |
		awk '{ for (i = 1; i < NF; i++) if ($i == "MiB") { mib = $(i - 1); s = $(i + 2) }
		       if (s > 0) printf "%7.1f MiB/s", mib / s; else printf "      ? MiB/s" }'
}

# the NIC: guest and dom0 on one QEMU hub, 64 MiB each way
run_nic() {
	local log=$BUILD/bench-iommu-nic.log nic=() i
	for i in 0 1; do
		nic+=(-netdev "hubport,id=hub$i,hubid=0" -device "e1000e,netdev=hub$i,mac=52:54:00:00:00:0$((i + 1))")
	done
	boot "$log" "" "xl_modules=e1000e xl_nic_mib=64 xl_test=nic_linux" -device amd-iommu,intremap=on "${nic[@]}"
	if ! grep -aq "nic: dom0 loopback" "$log"; then
		echo "  no result (log: $log)"
		return 1
	fi
	printf '  %-28s%s\n' "dom0 -> guest (TCP)" "$(rate "$log" "nic: dom0 to guest")"
	printf '  %-28s%s\n' "guest -> dom0 (TCP)" "$(rate "$log" "nic: guest to dom0")"
	printf '  %-28s%s\n' "dom0 loopback (TCP)" "$(rate "$log" "nic: dom0 loopback")"
	grep -a "nic: guest exits during the transfers" "$log" | tr -d '\r' |
		awk '{ printf "  guest exits over both transfers: %d in %s s (%.0f/s)\n", $(NF - 3), $(NF - 1),
		       ($(NF - 1) > 0 ? $(NF - 3) / $(NF - 1) : 0) }'
}

echo "NVMe read through the IOMMU: $MIB MiB, O_DIRECT, 1 MiB blocks, three runs (QEMU 7.2 TCG," \
	"timed by the reader's /proc/uptime: 10 ms steps)"
rc=0
run "Linux, no hypervisor" "$BUILD/bench-iommu-native.log" native disk_read || rc=1
run "dom0, iommu=off" "$BUILD/bench-iommu-off.log" "iommu=off" disk_read -device amd-iommu || rc=1
run "dom0 behind AMD-Vi" "$BUILD/bench-iommu-amd.log" "" disk_read -device amd-iommu || rc=1
run "dom0 behind VT-d" "$BUILD/bench-iommu-vtd.log" "" disk_read -device intel-iommu || rc=1
run "Linux guest, AMD-Vi" "$BUILD/bench-iommu-guest.log" "" guest_disk_read -device amd-iommu,intremap=on || rc=1
echo
echo "e1000e NIC of a 2-vCPU Linux guest (AMD-Vi, MSI-X remapped), TCP with dom0's e1000e on one" \
	"QEMU hub, 64 MiB each way (busybox nc; QEMU 7.2 TCG, xAPIC guest)"
run_nic || rc=1
exit $rc
