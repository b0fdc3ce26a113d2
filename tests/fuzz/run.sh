#!/bin/bash
# Run fuzz harnesses (built by `make fuzz-build`) for SECONDS each, from their seeds in
# tests/fuzz/corpus/NAME/ plus what earlier runs found (build/fuzz/corpus/NAME/, where new
# inputs go; the committed seeds are never written). Prints per harness the executions done
# (libFuzzer's stat::number_of_executed_units) or the crash, with the input kept under
# build/fuzz/crashes/NAME/; exits 1 if any harness crashed or is missing.
#
#   tests/fuzz/run.sh SECONDS NAME...     (make fuzz FUZZ_SECONDS=N runs them all)
set -u
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
SECONDS_EACH=$1
shift
failed=()

for name in "$@"; do
	bin=$BUILD/fuzz/fuzz_$name
	work=$BUILD/fuzz/corpus/$name
	crashes=$BUILD/fuzz/crashes/$name
	log=$BUILD/fuzz/$name.log
	mkdir -p "$work" "$crashes"
	if [ ! -x "$bin" ]; then
		printf 'FAIL fuzz/%-12s not built (%s)\n' "$name" "$bin"
		failed+=("$name")
		continue
	fi
	nice -n 19 "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
	corpus=$(find "$work" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		printf 'PASS fuzz/%-12s %10s executions in %ss, %s inputs found\n' "$name" "${execs:-?}" \
			"$SECONDS_EACH" "$corpus"
	else
		printf 'FAIL fuzz/%-12s crashed after %s executions; the log is %s\n' "$name" \
			"${execs:-?}" "$log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz:|.*runtime error)|^artifact_prefix|Test unit written' \
			"$log" | head -8 | sed 's/^/    /'
		failed+=("$name")
	fi
done
if [ "${#failed[@]}" -gt 0 ]; then
	echo "fuzz: crashed or missing: ${failed[*]}"
	exit 1
fi
