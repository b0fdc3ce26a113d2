# ---- xen-lite.efi: the UEFI loader (arch/x86_64/efi, Documentation/efi-boot.md)
#
# $(BUILD)/xen-lite.efi         GNU-EFI application with xen-lite.elf embedded
# $(BUILD)/efi/xen-lite-probe.efi  same loader around a test kernel
#                               (tests/qemu/efi-probe) that checks the hand-over
# $(BUILD)/esp.img              FAT ESP image: \EFI\BOOT\BOOTX64.EFI + xen-lite.cfg
#                               + modules, from ESP_EFI, ESP_CFG and ESP_FILES
#                               (rebuilt on every make so variables take effect)
# $(BUILD)/esp-test.img         ESP for tests/qemu/t-efi.sh (real hypervisor)
# $(BUILD)/esp-probe.img        ESP for tests/qemu/t-efi.sh (probe kernel)
#
# Builds with gcc or clang (CC=clang), -Werror either way.

GNUEFI_INC ?= /usr/include/efi
GNUEFI_LIB ?= /usr/lib
OBJCOPY ?= objcopy
READELF ?= readelf
EFI_DIR := $(ARCH_DIR)/efi
EFI_OUT := $(BUILD)/efi

EFI_CFLAGS := -std=c11 -O2 -ffreestanding -fpic -fshort-wchar -mno-red-zone \
	-fno-stack-protector -fno-strict-aliasing -DGNU_EFI_USE_MS_ABI \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes \
	-Iinclude -isystem $(GNUEFI_INC) -isystem $(GNUEFI_INC)/x86_64 -MMD -MP
ifeq ($(findstring clang,$(shell $(CC) --version 2>/dev/null | head -1)),)
# gcc: keep the stack pointer fixed around calls (gnu-efi's recommendation)
EFI_CFLAGS += -maccumulate-outgoing-args
endif
EFI_ASFLAGS := -D__ASSEMBLY__ -Iinclude -fpic
# -shared + -Bsymbolic: a position-independent image that gnu-efi's crt0
# relocates itself; --no-undefined because -shared would otherwise accept
# any unresolved symbol and the firmware would jump to address 0.
EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined --build-id=none \
	-T $(GNUEFI_LIB)/elf_x86_64_efi.lds -L$(GNUEFI_LIB)
EFI_LIBS := -lefi -lgnuefi
EFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
	-j .rel.* -j .rela.* -j .reloc

EFI_C_SRCS := $(wildcard $(EFI_DIR)/*.c)
EFI_OBJS := $(EFI_C_SRCS:$(EFI_DIR)/%.c=$(EFI_OUT)/obj/%.o)

all: $(BUILD)/xen-lite.efi

$(EFI_OUT)/obj/%.o: $(EFI_DIR)/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

-include $(EFI_OBJS:.o=.d)

# The hypervisor without symbols and debug information: only the PT_LOAD
# contents and the program headers matter to the loader.
$(EFI_OUT)/xen-lite.embed.elf: $(BUILD)/xen-lite.elf
	@mkdir -p $(dir $@)
	$(Q)$(OBJCOPY) --strip-all $< $@

# $(call efi_embed_rule,NAME,ELF): $(EFI_OUT)/obj/entry-NAME.o embeds ELF
define efi_embed_rule
$(EFI_OUT)/obj/entry-$(1).o: $(EFI_DIR)/efi_entry.S $(2)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(EFI_ASFLAGS) -DXL_HV_IMAGE='"$(2)"' -c $$< -o $$@
endef
$(eval $(call efi_embed_rule,hv,$(EFI_OUT)/xen-lite.embed.elf))
$(eval $(call efi_embed_rule,probe,$(EFI_OUT)/probe/probe.elf))

# Link, refuse relocations gnu-efi's self-relocation cannot apply, convert to PE.
define efi_link
	$(Q)$(LD) $(EFI_LDFLAGS) $(GNUEFI_LIB)/crt0-efi-x86_64.o $(filter %.o,$^) -o $@.so $(EFI_LIBS)
	$(Q)if $(READELF) -rW $@.so | grep -E '^[0-9a-f]+ ' | grep -v R_X86_64_RELATIVE; then \
		echo "$@: relocations other than R_X86_64_RELATIVE (see above)" >&2; exit 1; fi
	$(Q)$(OBJCOPY) $(EFI_SECTIONS) --target efi-app-x86_64 --subsystem=10 $@.so $@
endef

$(BUILD)/xen-lite.efi: $(EFI_OBJS) $(EFI_OUT)/obj/entry-hv.o
	$(efi_link)

$(EFI_OUT)/xen-lite-probe.efi: $(EFI_OBJS) $(EFI_OUT)/obj/entry-probe.o
	$(efi_link)

# ---- the test kernel for the loader (tests/qemu/efi-probe) ------------------
PROBE_DIR := tests/qemu/efi-probe
PROBE_CFLAGS := -std=c11 -O2 -ffreestanding -fno-builtin -fno-pic -fno-pie -fno-stack-protector \
	-mno-red-zone -mno-mmx -mno-sse -mno-sse2 -Wall -Wextra -Werror -Iinclude
PROBE_LDFLAGS := -nostdlib -static -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack

$(EFI_OUT)/probe/probe.elf: $(PROBE_DIR)/probe-entry.S $(PROBE_DIR)/probe.c $(PROBE_DIR)/probe.ld \
		include/xen-lite/image_header.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(PROBE_CFLAGS) -D__ASSEMBLY__ -c $(PROBE_DIR)/probe-entry.S -o $(EFI_OUT)/probe/probe-entry.o
	$(Q)$(CC) $(PROBE_CFLAGS) -c $(PROBE_DIR)/probe.c -o $(EFI_OUT)/probe/probe.o
	$(Q)$(CC) $(PROBE_LDFLAGS) -T $(PROBE_DIR)/probe.ld -o $@ \
		$(EFI_OUT)/probe/probe-entry.o $(EFI_OUT)/probe/probe.o

# ---- ESP disk images (mtools; no root, no loop devices) ---------------------
# ESP_FILES entries are "file" (copied to \EFI\BOOT\) or "file=/dir/name"
# (copied to that absolute path on the ESP; directories are created).
ESP_SIZE_MB ?= 32
ESP_EFI ?= $(BUILD)/xen-lite.efi
ESP_CFG ?= tests/qemu/esp-test.cfg
EFI_TEST_FILES := tests/qemu/efi-mod1.txt tests/qemu/efi-mod2.txt=/xl/efi-mod2.txt
ESP_FILES ?= $(EFI_TEST_FILES)

# $(call mkesp,EFI,CFG,FILES): build $@ (a superfloppy FAT image, no partition table)
define mkesp
	@mkdir -p $(dir $@)
	$(Q)rm -f $@.tmp
	$(Q)dd if=/dev/zero of=$@.tmp bs=1M count=$(ESP_SIZE_MB) status=none
	$(Q)mformat -i $@.tmp -v XENLITE ::
	$(Q)mmd -i $@.tmp ::/EFI ::/EFI/BOOT
	$(Q)mcopy -i $@.tmp $(1) ::/EFI/BOOT/BOOTX64.EFI
	$(Q)$(if $(2),mcopy -i $@.tmp $(2) ::/EFI/BOOT/xen-lite.cfg,true)
	$(Q)set -e; for f in $(3); do \
		case "$$f" in \
		*=*) src=$${f%%=*}; dst=$${f#*=} ;; \
		*) src=$$f; dst=/EFI/BOOT/$$(basename "$$f") ;; \
		esac; \
		d=; for c in $$(dirname "$$dst" | tr / ' '); do \
			d=$$d/$$c; mmd -i $@.tmp "::$$d" 2>/dev/null || true; done; \
		mcopy -i $@.tmp "$$src" "::$$dst"; \
	done
	$(Q)mv $@.tmp $@
endef

EFI_FILES_SRCS = $(foreach f,$(1),$(firstword $(subst =, ,$(f))))

.PHONY: esp-force
$(BUILD)/esp.img: $(ESP_EFI) $(ESP_CFG) $(call EFI_FILES_SRCS,$(ESP_FILES)) esp-force
	$(call mkesp,$(ESP_EFI),$(ESP_CFG),$(ESP_FILES))

$(BUILD)/esp-test.img: $(BUILD)/xen-lite.efi tests/qemu/esp-test.cfg \
		$(call EFI_FILES_SRCS,$(EFI_TEST_FILES))
	$(call mkesp,$<,tests/qemu/esp-test.cfg,$(EFI_TEST_FILES))

$(BUILD)/esp-probe.img: $(EFI_OUT)/xen-lite-probe.efi tests/qemu/esp-test.cfg \
		$(call EFI_FILES_SRCS,$(EFI_TEST_FILES))
	$(call mkesp,$<,tests/qemu/esp-test.cfg,$(EFI_TEST_FILES))
