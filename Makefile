# xen-lite: one entry point. `make` builds everything, `make run` boots it in
# QEMU, `make check` runs every test. Outputs go to build/ (git-ignored).

ifeq ($(origin CC),default)
CC := gcc
endif
HOSTCC ?= gcc
BUILD ?= build
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

ARCH_DIR := arch/x86_64

# ---- the hypervisor image ---------------------------------------------------
HV_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-builtin -fno-stack-protector \
	-fno-pic -fno-pie -fno-common -mno-red-zone -mcmodel=kernel \
	-mno-sse -mno-sse2 -mno-mmx -mno-avx -mgeneral-regs-only \
	-fno-omit-frame-pointer -fno-strict-aliasing \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes \
	-Iinclude -I$(ARCH_DIR)/include -Ihypercalls -MMD -MP
ifneq ($(findstring clang,$(shell $(CC) --version 2>/dev/null | head -1)),)
HV_CFLAGS := $(filter-out -mgeneral-regs-only,$(HV_CFLAGS))
else
HV_LDFLAGS_CC := -no-pie # Debian's gcc links PIE by default
endif
HV_ASFLAGS := -D__ASSEMBLY__ -Iinclude -I$(ARCH_DIR)/include -MMD -MP -fno-pic -fno-pie
HV_LDFLAGS := -nostdlib -static -Wl,--build-id=sha1 -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

# arch/x86_64 in layers (Documentation/architecture.md); efi/ is the loader, built apart
ARCH_LAYERS := cpu emul svm vm dom0 guest
HV_C_SRCS := $(wildcard xen-lite/*.c lib/*.c hypercalls/*.c iommu/*.c $(ARCH_DIR)/*.c \
	$(foreach l,$(ARCH_LAYERS),$(ARCH_DIR)/$(l)/*.c))
HV_S_SRCS := $(wildcard $(ARCH_DIR)/boot/*.S $(foreach l,$(ARCH_LAYERS),$(ARCH_DIR)/$(l)/*.S))
HV_OBJS := $(HV_S_SRCS:%.S=$(BUILD)/hv/%.o) $(HV_C_SRCS:%.c=$(BUILD)/hv/%.o)

.PHONY: all run check unit-tests qemu-tests iso deps bench clean
all: $(BUILD)/xen-lite.elf

$(BUILD)/hv/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/xen-lite.elf: $(HV_OBJS) $(ARCH_DIR)/xen-lite.ld scripts/check-image.sh
	$(Q)$(CC) $(HV_LDFLAGS) $(HV_LDFLAGS_CC) -T $(ARCH_DIR)/xen-lite.ld -o $@ $(HV_OBJS) -lgcc
	$(Q)sh scripts/check-image.sh $@

-include $(HV_OBJS:.o=.d)

# ---- host unit tests ------------------------------------------------------
# tests/unit/test_NAME.c is linked with the sources listed (one per line) in
# tests/unit/test_NAME.deps, the log capture and cmocka.
HOST_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter -Ihypercalls \
	-Iinclude -Itests/unit/host -I$(ARCH_DIR)/include -Itests/unit -fsanitize=address,undefined -fno-omit-frame-pointer
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)

.SECONDEXPANSION:
$(BUILD)/unit/test_%: tests/unit/test_%.c tests/unit/log_capture.c $$(wildcard tests/unit/*.h tests/unit/host/arch/*.h) \
		$$(shell cat tests/unit/test_$$*.deps 2>/dev/null) $$(wildcard include/xen-lite/*.h \
		include/xen-lite/arch/*.h $(ARCH_DIR)/include/arch/*.h $(ARCH_DIR)/svm/*.h hypercalls/*.h \
		iommu/*.h dom0-tools/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^) -lcmocka

unit-tests: $(UNIT_BINS)

-include mk/*.mk

# --one-file-system: never through /dev, /proc or /sys left bound into the Debian image's
# chroot by a killed scripts/mk-debian-image.sh
clean:
	rm -rf --one-file-system $(BUILD)
