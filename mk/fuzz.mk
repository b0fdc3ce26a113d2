# ---- libFuzzer harnesses (tests/fuzz/; Documentation/testing.md, "Fuzzing") --------
# tests/fuzz/fuzz_NAME.c is linked with tests/fuzz/support.c and the sources listed
# (one per line) in tests/fuzz/fuzz_NAME.deps, built by clang with libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer (UB is fatal) into
# $(BUILD)/fuzz/fuzz_NAME. `make fuzz` builds them all and runs each for FUZZ_SECONDS
# from its seeds in tests/fuzz/corpus/NAME/ (tests/fuzz/run.sh); a crash fails it.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := $(filter-out -fsanitize=%,$(HOST_CFLAGS)) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

.PHONY: fuzz fuzz-build
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/support.c $$(wildcard tests/fuzz/*.h) \
		$$(shell cat tests/fuzz/fuzz_$$*.deps 2>/dev/null) $$(wildcard include/xen-lite/*.h \
		include/xen-lite/arch/*.h $(ARCH_DIR)/include/arch/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@BUILD=$(BUILD) bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)
