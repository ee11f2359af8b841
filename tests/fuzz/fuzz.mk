# SPDX-License-Identifier: Apache-2.0
# The libFuzzer targets: tests/fuzz/fuzz_<target>.c, each linked with every
# firmware source and cJSON, all built by clang under ASan+UBSan.
# Driven by tools/scripts/fuzz.sh:  make -f tests/fuzz/fuzz.mk BUILD=... CJSON_DIR=...
# (names are prefixed FZ_ so that the caller's make variables cannot clash).

BUILD     ?= build
CJSON_DIR ?= $(BUILD)/deps/cjson
FUZZ_CC   ?= clang
FZ_OUT    := $(BUILD)/fuzz
Q         := $(if $(filter 1,$(V)),,@)

FZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FZ_CFLAGS := -std=c11 -g -O1 $(FZ_SAN) -fsanitize=fuzzer-no-link -D_DEFAULT_SOURCE -MMD -MP \
             -Ifirmware/include -Ihal/include -Ifirmware/src -I$(CJSON_DIR) -Itests/fuzz \
             -DHERALD_CONFIG_FILE='"$(abspath boards/native/herald_config.h)"'

FZ_TARGETS  := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FZ_LIB_OBJS := $(patsubst %.c,$(FZ_OUT)/obj/%.o,$(wildcard firmware/src/*.c) tests/fuzz/util.c) \
               $(FZ_OUT)/obj/cjson/cJSON.o
FZ_BINS     := $(addprefix $(FZ_OUT)/bin/fuzz_,$(FZ_TARGETS))

.PHONY: all
all: $(FZ_BINS)

# The targets must build cleanly; the firmware's own -Werror build is gcc's
# job, so clang's opinion of it only warns here.
$(FZ_OUT)/obj/firmware/%.o: firmware/%.c
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FZ_CFLAGS) -Wall -Wextra -c $< -o $@

$(FZ_OUT)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FZ_CFLAGS) -Wall -Wextra -Werror -c $< -o $@

# cJSON gets no dependency file (as in the Makefile): it would name the
# source by its CJSON_DIR path, and make stops when that tree has moved.
$(FZ_OUT)/obj/cjson/cJSON.o: $(CJSON_DIR)/cJSON.c
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(filter-out -MMD -MP,$(FZ_CFLAGS)) -c $< -o $@

$(FZ_OUT)/libfuzzfw.a: $(FZ_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FZ_OUT)/bin/fuzz_%: $(FZ_OUT)/obj/tests/fuzz/fuzz_%.o $(FZ_OUT)/libfuzzfw.a
	@mkdir -p $(@D)
	@echo "  FUZZ-LD $@"
	$(Q)$(FUZZ_CC) $(FZ_SAN) -fsanitize=fuzzer -o $@ $^

.SECONDARY:
-include $(filter-out $(FZ_OUT)/obj/cjson/%,$(shell find $(FZ_OUT)/obj -name '*.d' 2>/dev/null))
