# ---- test guests (tests/guests, Documentation/guests.md) --------------------
#
# tests/guests/NAME.c  ->  $(BUILD)/guests/NAME.elf
#
# Each guest is one C file linked with the runtime (tests/guests/runtime/)
# and the hypervisor's own lib/format.c and lib/string.c, built again here
# with the guest flags: static ELF64 at guest-physical 1 MiB, no PIE.
# `make guests` builds only these; `make` builds them too. gcc or clang.

GUEST_DIR := tests/guests
GUEST_OUT := $(BUILD)/guests

GUEST_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-builtin -fno-stack-protector \
	-fno-pic -fno-pie -fno-common -mno-red-zone -mcmodel=small \
	-mno-sse -mno-sse2 -mno-mmx -mno-avx -mgeneral-regs-only \
	-fno-omit-frame-pointer -fno-strict-aliasing -fno-asynchronous-unwind-tables \
	-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-Iinclude -Ihypercalls -I$(GUEST_DIR)/runtime -MMD -MP
GUEST_ASFLAGS := -D__ASSEMBLY__ -fno-pic -fno-pie -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T $(GUEST_DIR)/runtime/guest.ld
ifneq ($(findstring clang,$(shell $(CC) --version 2>/dev/null | head -1)),)
GUEST_CFLAGS := $(filter-out -mgeneral-regs-only,$(GUEST_CFLAGS))
else
GUEST_LDFLAGS += -no-pie
endif

GUEST_NAMES := $(sort $(basename $(notdir $(wildcard $(GUEST_DIR)/*.c))))
GUESTS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.elf)
GUEST_RT_OBJS := $(GUEST_OUT)/rt/crt0.o $(GUEST_OUT)/rt/runtime.o \
	$(GUEST_OUT)/rt/format.o $(GUEST_OUT)/rt/string.o

.PHONY: guests
guests: $(GUESTS)
all: $(GUESTS)
# keep the objects of pattern-built guests (make would delete them as intermediate)
.SECONDARY: $(GUEST_NAMES:%=$(GUEST_OUT)/obj/%.o)

$(GUEST_OUT)/rt/crt0.o: $(GUEST_DIR)/runtime/crt0.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(GUEST_OUT)/rt/runtime.o: $(GUEST_DIR)/runtime/runtime.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/rt/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/obj/%.o: $(GUEST_DIR)/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/%.elf: $(GUEST_OUT)/obj/%.o $(GUEST_RT_OBJS) $(GUEST_DIR)/runtime/guest.ld
	$(Q)$(CC) $(GUEST_LDFLAGS) -o $@ $< $(GUEST_RT_OBJS) -lgcc

-include $(GUEST_RT_OBJS:.o=.d) $(GUEST_NAMES:%=$(GUEST_OUT)/obj/%.d)
