# ---- benchmarks: figures, not assertions (tests/bench/) ----------------------
# Linux to init natively, as xen-lite's dom0 and as the dom0 of Debian's stock
# Xen 4.17 (PVH, then PV; mk/xen-bench.mk), the ratios against native (the dom0
# cost), then the exit and hypercall costs measured inside a guest, the exits
# a Linux guest takes while it computes, a segment ping-pong's round trip between two guests and
# between dom0's user space and a guest (with the exits each takes), an NVMe read through the IOMMU (dom0's,
# then a guest's that has the controller) and a guest's NIC against dom0's, a guest's
# virtio NIC served by dom0 (xl-vnet), and virtio network (guest to guest and to dom0 on a
# bridge) and disk next to dom0's loopback and tmpfs, in one boot.
bench: deps
	@$(MAKE) --no-print-directory all dom0-images
	@$(MAKE) --no-print-directory xen-bench-iso
	@BUILD=$(BUILD) bash tests/bench/bench-linux-boot.sh native
	@echo
	@BUILD=$(BUILD) bash tests/bench/bench-linux-boot.sh xen-lite
	@echo
	@BUILD=$(BUILD) bash tests/bench/bench-linux-boot.sh xen-pvh
	@echo
	@BUILD=$(BUILD) bash tests/bench/bench-linux-boot.sh xen-pv
	@echo
	@BUILD=$(BUILD) bash tests/bench/ratio.sh
	@echo
	@bash tests/bench/run-bench.sh
	@echo
	@BUILD=$(BUILD) bash tests/bench/bench-events.sh
	@echo
	@BUILD=$(BUILD) bash tests/bench/bench-linux-guest.sh
	@echo
	@BUILD=$(BUILD) bash tests/bench/bench-iommu.sh
	@echo
	@BUILD=$(BUILD) bash tests/bench/bench-virtio.sh
	@echo
	@BUILD=$(BUILD) bash tests/bench/bench-virtio-io.sh
