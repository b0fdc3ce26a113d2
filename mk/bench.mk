# ---- benchmarks: figures, not assertions (tests/bench/) ----------------------
# Linux to init natively, as xen-lite's dom0 and as the dom0 of Debian's stock
# Xen 4.17 (PVH, then PV; mk/xen-bench.mk), the ratios against native (the dom0
# cost), then the exit and hypercall costs measured inside a guest, the exits
# a Linux guest takes while it computes, a segment ping-pong's round trip between two guests and
# between dom0's user space and a guest (with the exits each takes), an NVMe read through the IOMMU (dom0's,
# then a guest's that has the controller) and a guest's NIC against dom0's, a guest's
# virtio NIC served by dom0 (xl-vnet), and virtio network (guest to guest and to dom0 on a
# bridge) and disk next to dom0's loopback and tmpfs, in one boot; last the application
# benchmark (tests/bench/bench-app.sh, Documentation/performance.md): the same workloads
# natively, in an xen-lite guest and under the other peers, kept in
# $(BUILD)/bench/results-*.json with a chart.
#
# `make bench BENCH=NAME` (or BENCH=NAME make bench) runs one part, BENCH="A B" several:
#   linux-boot  dom0 boot: native, xen-lite, stock Xen PVH and PV, and the ratios
#   exits       the exit and hypercall costs (run-bench.sh)
#   events      event channels and segments (bench-events.sh)
#   linux-guest a computing Linux guest's exits (bench-linux-guest.sh)
#   iommu       NVMe and NIC through the IOMMU (bench-iommu.sh)
#   virtio      a guest's virtio NIC (bench-virtio.sh)
#   virtio-io   virtio network and disk (bench-virtio-io.sh)
#   app         the application benchmark (bench-app.sh)
# `make bench-compare A=FILE B=FILE` prints each figure's change between two results files
# (by default the two newest in $(BUILD)/bench/).
BENCH_PARTS := linux-boot exits events linux-guest iommu virtio virtio-io app
BENCH ?=
BENCH_RUN := $(or $(BENCH),$(BENCH_PARTS))

.PHONY: bench bench-compare
bench: deps
	@for p in $(BENCH_RUN); do \
		case " $(BENCH_PARTS) " in *" $$p "*) ;; \
		*) echo "BENCH=$$p: no such part (parts: $(BENCH_PARTS))" >&2; exit 2 ;; esac; \
	done
	@$(MAKE) --no-print-directory all dom0-images
	@$(if $(filter linux-boot,$(BENCH_RUN)),$(MAKE) --no-print-directory xen-bench-iso,:)
	@$(if $(filter app,$(BENCH_RUN)),$(MAKE) --no-print-directory bench-app-image kvm-peer-images xen-peer-images,:)
	@set -e; for p in $(BENCH_RUN); do \
		case $$p in \
		linux-boot) for m in native xen-lite xen-pvh xen-pv; do \
				BUILD=$(BUILD) bash tests/bench/bench-linux-boot.sh $$m; echo; done; \
			BUILD=$(BUILD) bash tests/bench/ratio.sh ;; \
		exits) bash tests/bench/run-bench.sh ;; \
		app) BUILD=$(BUILD) bash tests/bench/bench-app.sh ;; \
		*) BUILD=$(BUILD) bash tests/bench/bench-$$p.sh ;; \
		esac; \
		echo; \
	done

bench-compare:
	@a="$(A)"; b="$(B)"; \
	if [ -z "$$a" ] && [ -z "$$b" ]; then \
		set -- $$(ls -t $(BUILD)/bench/results-*.json 2>/dev/null | head -2); b=$${1:-}; a=$${2:-}; \
	fi; \
	if [ -z "$$a" ] || [ -z "$$b" ]; then \
		echo "bench-compare: A=FILE B=FILE (or two results files in $(BUILD)/bench/)" >&2; exit 2; \
	fi; \
	python3 tests/bench/app-results.py compare "$$a" "$$b"
