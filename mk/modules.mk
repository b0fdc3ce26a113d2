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

# The objects of module NAME ($(3)) from sources SRC/NAME/*.c ($(1)) under OUT/obj ($(2)).
# Called in the second expansion: a % written in a pattern rule's prerequisites
# would be replaced by the stem before patsubst saw it.
module_objects = $(patsubst $(1)/%.c,$(2)/obj/%.o,$(wildcard $(1)/$(3)/*.c))

define compile_module_object
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MODULE_CFLAGS) -MMD -MP -c $< -o $@
endef

define link_module
	@mkdir -p $(dir $@)
	$(Q)$(LD) -r -o $@ $^
endef

$(BUILD)/modules/obj/%.o: modules/%.c $(BUILD)/hv/build-id.h
	$(compile_module_object)

.SECONDEXPANSION:
$(BUILD)/modules/%.xlm: $$(call module_objects,modules,$(BUILD)/modules,$$*)
	$(link_module)

-include $(wildcard $(BUILD)/modules/obj/*/*.d)

modules: $(MODULES)
all: $(MODULES)
.PHONY: modules
