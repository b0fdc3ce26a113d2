# ---- benchmarks: figures, not assertions (tests/bench/) ----------------------
bench: deps
	@$(MAKE) --no-print-directory all
	@bash tests/bench/run-bench.sh
