# ---- benchmarks: figures, not assertions (tests/bench/) ----------------------
# Linux to init natively and as xen-lite's dom0 (the ratio is the dom0 cost),
# then the exit and hypercall costs measured inside a guest.
bench: deps
	@$(MAKE) --no-print-directory all dom0-images
	@BUILD=$(BUILD) bash tests/bench/bench-linux-boot.sh native
	@echo
	@BUILD=$(BUILD) bash tests/bench/bench-linux-boot.sh xen-lite
	@echo
	@BUILD=$(BUILD) bash tests/bench/ratio.sh
	@echo
	@bash tests/bench/run-bench.sh
