#!/bin/bash
# make bench: what DMA through the IOMMU costs. dom0's stock nvme driver reads a
# 1 GiB NVMe disk with O_DIRECT (1 MiB blocks, three runs) - Linux booted
# without the hypervisor, dom0 with iommu=off, and dom0 behind QEMU's AMD-Vi
# and VT-d (every DMA translated through the IO page tables). Figures, not
# assertions (tests/qemu/t-iommu.sh checks what the IOMMU allows). Under TCG
# the IOMMU is QEMU's model: each translation is a table walk in software
# (cached by the model's IOTLB), so the ratio says what the model costs, not
# what hardware would; a device assigned to a guest is not measured yet.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
DISK=$BUILD/bench-iommu-disk.img
MIB=1024
truncate -s 0 "$DISK" && truncate -s ${MIB}M "$DISK" # sparse: QEMU reads holes as zeros

# run LABEL LOG [XEN-ARGS | native] [QEMU ARGS...]: one boot, its three reads
run() {
	local label=$1 log=$2 how=$3 boot
	shift 3
	if [ "$how" = native ]; then
		boot=(-kernel "$BUILD/dom0/vmlinuz" -append "console=ttyS0 xl_modules=nvme xl_read_mib=$MIB xl_test=disk_read"
			-initrd "$BUILD/dom0/initrd.cpio.gz")
	else
		boot=(-kernel "$BUILD/xen-lite.elf" -append "dom0_mem=512M $how"
			-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_modules=nvme xl_read_mib=$MIB xl_test=disk_read,$BUILD/dom0/initrd.cpio.gz")
	fi
	timeout 300 qemu-system-x86_64 -machine q35 -accel tcg -cpu EPYC,+svm,+npt -smp 2 -m 1G \
		-display none -monitor none -no-reboot -net none -serial file:"$log" "${boot[@]}" \
		-drive file="$DISK",format=raw,if=none,id=nvme0 -device nvme,serial=bench,drive=nvme0 "$@" \
		</dev/null 2>/dev/null
	printf '  %-28s' "$label"
	if ! grep -aq "disk-read: 3 " "$log"; then
		echo "no result (log: $log)"
		return 1
	fi
	grep -a "disk-read: " "$log" | tr -d '\r' |
		awk '{ for (i = 1; i < NF; i++) if ($i == "MiB") { mib = $(i - 1); s = $(i + 2) }
		       if (s > 0) printf "%7.1f MiB/s", mib / s; else printf "      ? MiB/s" }'
	echo
}

echo "NVMe read through the IOMMU: $MIB MiB, O_DIRECT, 1 MiB blocks, three runs (QEMU 7.2 TCG," \
	"timed by the reader's /proc/uptime: 10 ms steps)"
rc=0
run "Linux, no hypervisor" "$BUILD/bench-iommu-native.log" native || rc=1
run "dom0, iommu=off" "$BUILD/bench-iommu-off.log" "iommu=off" -device amd-iommu || rc=1
run "dom0 behind AMD-Vi" "$BUILD/bench-iommu-amd.log" "" -device amd-iommu || rc=1
run "dom0 behind VT-d" "$BUILD/bench-iommu-vtd.log" "" -device intel-iommu || rc=1
exit $rc
