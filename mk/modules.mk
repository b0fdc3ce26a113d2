# Behaviour modules (Documentation/modules.md): the C files in modules/NAME/
# become one relocatable object, $(BUILD)/modules/NAME.xlm, built for the
# hypervisor image of this build (its build id is compiled in).
MODULE_CFLAGS := $(filter-out -MMD -MP,$(HV_CFLAGS)) -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fcf-protection=none -include $(BUILD)/hv/build-id.h
MODULE_NAMES := $(notdir $(patsubst %/,%,$(wildcard modules/*/)))
MODULES := $(MODULE_NAMES:%=$(BUILD)/modules/%.xlm)

$(BUILD)/hv/build-id.h: $(BUILD)/xen-lite.elf scripts/build-id-header.sh
	@mkdir -p $(dir $@)
	$(Q)sh scripts/build-id-header.sh $< > $@.tmp && mv $@.tmp $@

$(BUILD)/modules/obj/%.o: modules/%.c $(BUILD)/hv/build-id.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MODULE_CFLAGS) -MMD -MP -c $< -o $@

.SECONDEXPANSION:
# (the objects of modules/NAME/ through a function: a '%' written in a pattern
# rule's prerequisites would be taken for the stem)
module_objs = $(patsubst modules/%.c,$(BUILD)/modules/obj/%.o,$(wildcard modules/$(1)/*.c))
$(BUILD)/modules/%.xlm: $$(call module_objs,$$*)
	@mkdir -p $(dir $@)
	$(Q)$(LD) -r -o $@ $^

-include $(wildcard $(BUILD)/modules/obj/*/*.d)

modules: $(MODULES)
all: $(MODULES)
.PHONY: modules
