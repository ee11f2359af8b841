# SPDX-License-Identifier: Apache-2.0
# Herald: make [BOARD=<board>] <goal>.  Goals: all run test bench size lint
# deps clean distclean help.  A board is a folder boards/<name>/ whose
# board.mk this file includes; adding a board never edits this file.

BOARD   ?= native
BUILD   ?= build
VARIANT ?=
V       ?= 0
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif
.DEFAULT_GOAL := all

ifeq ($(wildcard boards/$(BOARD)/board.mk),)
$(error unknown BOARD '$(BOARD)': boards/ has $(notdir $(wildcard boards/*)))
endif

DEPS_DIR := $(BUILD)/deps
OUT      := $(BUILD)/$(BOARD)$(if $(VARIANT),-$(VARIANT))
DEPOUT   := $(BUILD)/$(BOARD)-deps
Q        := $(if $(filter 1,$(V)),,@)

# ---- dependencies: fetched from Debian sources unless the user points at a copy.
# The folders do not name a version: tools/scripts/fetch-deps.sh may have had
# to take a newer release of the same series, and says which in
# $(DEPS_DIR)/versions.
MBEDTLS_DIR ?= $(DEPS_DIR)/mbedtls
LWIP_DIR    ?= $(DEPS_DIR)/lwip
CJSON_DIR   ?= $(DEPS_DIR)/cjson

# ---- toolchain defaults; board.mk may override any of them
CSTD      := -std=c11
WARN      := -Wall -Wextra -Werror
FW_WARN   := -Wshadow -Wconversion -Wstrict-prototypes -Wmissing-prototypes -Wcast-qual
# firmware/ sees its own headers, the seams of hal/ and cJSON (its one
# third-party dependency) and nothing else: no board, Mbed TLS or repo root.
# The board's herald_config.h comes in by name (absolute, since no include
# path leads to it).  Ports, boards, tools and tests add what they need.
FW_INCLUDES = -Ifirmware/include -Ihal/include -I$(CJSON_DIR)
CONFIG_FLAGS = -DHERALD_CONFIG_FILE='"$(abspath boards/$(BOARD)/herald_config.h)"'
INCLUDES   = $(FW_INCLUDES) -Iboards/$(BOARD) -I. -I$(MBEDTLS_DIR)/include $(BOARD_INCLUDES)
BOARD_CFLAGS  :=
BOARD_LDFLAGS :=
BOARD_DEPS    := cjson
PORT_SRCS     :=
MBEDTLS_CFLAGS :=

include boards/$(BOARD)/board.mk

ifeq ($(VARIANT),asan)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

CFLAGS_ALL = $(CSTD) $(WARN) -g $(BOARD_CFLAGS) $(SAN_FLAGS) $(CONFIG_FLAGS) $(INCLUDES) $(MBEDTLS_CFLAGS) -MMD -MP
FW_CFLAGS  = $(CSTD) $(WARN) $(FW_WARN) -g $(BOARD_CFLAGS) $(SAN_FLAGS) $(CONFIG_FLAGS) $(FW_INCLUDES) -MMD -MP
LDFLAGS_ALL = $(BOARD_LDFLAGS) $(SAN_FLAGS)

# Fetch what this board needs (only packages the user did not point at) before
# anything else: make builds the stamp as an included makefile, then restarts
# with the sources in place so the wildcards below see them.  The board's
# third-party objects go with it: their dependency files name the sources of
# the trees they were built from, which may be gone.
dep_var_mbedtls := MBEDTLS_DIR
dep_var_lwip    := LWIP_DIR
dep_var_cjson   := CJSON_DIR
FETCH_PKGS := $(strip $(foreach p,$(BOARD_DEPS),$(if $(filter file,$(origin $(dep_var_$(p)))),$(p))))
NO_DEPS_GOALS := clean distclean help
ifeq ($(filter-out $(NO_DEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
else
include $(DEPS_DIR)/ready-$(BOARD).mk
endif
$(DEPS_DIR)/ready-$(BOARD).mk: tools/scripts/fetch-deps.sh
	$(Q)tools/scripts/bootstrap.sh build
	$(Q)$(if $(FETCH_PKGS),tools/scripts/fetch-deps.sh $(DEPS_DIR) $(FETCH_PKGS))
	$(Q)rm -rf $(DEPOUT)
	$(Q)$(foreach p,$(BOARD_DEPS),test -d "$($(dep_var_$(p)))" || { echo "make: $(dep_var_$(p))=$($(dep_var_$(p))) is not a folder" >&2; exit 1; };)
	$(Q)mkdir -p $(@D) && echo "# dependencies of $(BOARD) are in place" > $@

# ---- sources
FW_SRCS     := $(wildcard firmware/src/*.c)
CJSON_SRCS  := $(CJSON_DIR)/cJSON.c
MBEDTLS_SRCS := $(if $(filter mbedtls,$(BOARD_DEPS)),$(wildcard $(MBEDTLS_DIR)/library/*.c))
TEST_SUPPORT_SRCS := $(wildcard tests/support/*.c)
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
# A tool is a folder tools/<group>/<name>/ with a main.c (tools/README.md).
TOOL_DIRS   := $(patsubst %/main.c,%,$(wildcard tools/*/*/main.c))
TOOL_NAMES  := $(notdir $(TOOL_DIRS))

obj = $(patsubst %.c,$(OUT)/obj/%.o,$(1))
FW_OBJS   := $(call obj,$(FW_SRCS))
PORT_OBJS := $(call obj,$(PORT_SRCS))
CJSON_OBJS := $(patsubst $(CJSON_DIR)/%.c,$(DEPOUT)/cjson/%.o,$(CJSON_SRCS))
MBEDTLS_OBJS := $(patsubst $(MBEDTLS_DIR)/library/%.c,$(DEPOUT)/mbedtls/%.o,$(MBEDTLS_SRCS))

LIB_HERALD  := $(OUT)/libherald.a
LIB_PORT    := $(OUT)/libherald-port.a
LIB_CJSON   := $(DEPOUT)/libcjson.a
LIB_MBEDTLS := $(if $(MBEDTLS_OBJS),$(DEPOUT)/libmbedtls.a)
LIBS_ALL     = $(LIB_PORT) $(LIB_HERALD) $(LIB_MBEDTLS) $(LIB_CJSON)

# Every C object of Herald's own is compiled by cc_recipe.  With CCDB=<dir>
# (set only by the compile_commands.json goal) the same command is written
# to <dir> as one compilation database entry instead of being run, so the
# database holds the real build's flags, target-specific ones included.
comma := ,
json_escape = $(subst ",\",$(subst \,\\,$(1)))
sh_quote = '$(subst ','\'',$(1))'
ifeq ($(CCDB),)
define cc_recipe
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(1) -c $< -o $@
endef
else
define cc_recipe
	@printf '%s\n' $(call sh_quote,{"directory": "$(CURDIR)"$(comma) "file": "$<"$(comma) "output": "$@"$(comma) "command": "$(call json_escape,$(CC) $(1) -c $< -o $@)"}) > $(CCDB)/$(subst /,_,$<).json
endef
endif

$(OUT)/obj/firmware/%.o: firmware/%.c
	$(call cc_recipe,$(FW_CFLAGS))

$(OUT)/obj/tests/%.o: INCLUDES += -Itests/support

$(OUT)/obj/%.o: %.c
	$(call cc_recipe,$(CFLAGS_ALL))

# Third-party code is built once per board, with its own warnings left alone.
$(DEPOUT)/cjson/%.o: $(CJSON_DIR)/%.c
	@mkdir -p $(@D)
	@echo "  CC      $(notdir $<)"
	$(Q)$(CC) $(CSTD) -g $(BOARD_CFLAGS) -c $< -o $@

$(DEPOUT)/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c
	@mkdir -p $(@D)
	@echo "  CC      mbedtls/$(notdir $<)"
	$(Q)$(CC) $(CSTD) -g $(BOARD_CFLAGS) $(INCLUDES) -I$(MBEDTLS_DIR)/library $(MBEDTLS_CFLAGS) -MMD -MP -c $< -o $@

# The board's Mbed TLS configuration shapes every object of the library.
$(MBEDTLS_OBJS): $(wildcard boards/$(BOARD)/mbedtls*.h)

%.a:
	@mkdir -p $(@D)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIB_HERALD): $(FW_OBJS)
$(LIB_PORT): $(PORT_OBJS)
$(LIB_CJSON): $(CJSON_OBJS)
$(DEPOUT)/libmbedtls.a: $(MBEDTLS_OBJS)

# ---- host tools: tools/<group>/<name>/*.c becomes $(OUT)/bin/<name>.  What
# several tools share is written once in tools/lib/; every tool links it as
# an archive, so each takes only what it calls.
LIB_TOOLS := $(OUT)/libherald-tools.a
$(LIB_TOOLS): $(call obj,$(wildcard tools/lib/*.c))
$(OUT)/obj/tools/%.o: INCLUDES += -Itools/lib
define tool_rule
$(OUT)/bin/$(notdir $(1)): $(call obj,$(wildcard $(1)/*.c)) $$(LIB_TOOLS) $$(LIBS_ALL)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$$(Q)$$(CC) $$(LDFLAGS_ALL) -o $$@ $$(filter %.o,$$^) $$(LIB_TOOLS) $$(LIBS_ALL) $$(HOST_LIBS)
endef
$(foreach t,$(TOOL_DIRS),$(eval $(call tool_rule,$(t))))
TOOLS := $(addprefix $(OUT)/bin/,$(TOOL_NAMES))
TOOL_OBJS := $(call obj,$(foreach t,$(TOOL_NAMES),$(wildcard tools/$(t)/*.c)))

# ---- unit tests: tests/unit/test_<x>.c becomes $(OUT)/tests/test_<x>
TEST_SUPPORT_OBJS := $(call obj,$(TEST_SUPPORT_SRCS))
$(OUT)/tests/%: $(OUT)/obj/tests/unit/%.o $(TEST_SUPPORT_OBJS) $(LIBS_ALL)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(TEST_SUPPORT_OBJS) $(LIBS_ALL) -lcmocka $(HOST_LIBS)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))
UNIT_OBJS := $(call obj,$(UNIT_SRCS))

-include $(shell find $(OUT) $(DEPOUT) -type f -name '*.d' 2>/dev/null)

# ---- goals
.PHONY: all run test bench size lint fuzz coverage deps clean distclean help libs tools unit-bins
.SECONDARY:

libs: $(LIB_HERALD) $(LIB_PORT)
tools: $(TOOLS)
unit-bins: $(UNIT_BINS)

deps:
	@echo "dependencies for $(BOARD): $(BOARD_DEPS)"
	@$(foreach p,$(BOARD_DEPS),echo "  $(p): $($(dep_var_$(p))) $$(cut -d' ' -f2- $($(dep_var_$(p)))/.herald-unpacked 2>/dev/null || echo '(your own copy)')";)

clean:
	rm -rf $(BUILD)/$(BOARD) $(BUILD)/$(BOARD)-* $(BUILD)/reports

distclean:
	rm -rf $(BUILD)

help:
	@echo "make [BOARD=$(notdir $(wildcard boards/*))] all|run|test|bench|size|lint|fuzz|coverage|deps|clean|distclean|compile_commands.json"
	@echo "  MBEDTLS_DIR, LWIP_DIR, CJSON_DIR: use your own copies instead of fetching"

# The board decides what each goal means for it (boards/<board>/board.mk
# defines board-all, board-run, ...); a goal it does not implement says so.
all: board-all
run: board-run
test: board-test
bench: board-bench
size: board-size
lint: board-lint
fuzz: board-fuzz
coverage: board-coverage

# ---- make [BOARD=<board>] compile_commands.json, for clangd and IDEs: every
# C source of Herald's own that the board compiles (firmware/, its ports, and
# what board.mk adds in BOARD_CCDB_OBJS), written by the compile rules
# themselves (cc_recipe) to $(OUT)/compile_commands.json, with
# ./compile_commands.json pointing at the last board asked for.
CCDB_OBJS = $(FW_OBJS) $(PORT_OBJS) $(BOARD_CCDB_OBJS)
.PHONY: compile_commands.json ccdb-entries ccdb-force
compile_commands.json:
	$(Q)rm -rf $(OUT)/ccdb && mkdir -p $(OUT)/ccdb
	$(Q)$(MAKE) --no-print-directory CCDB=$(abspath $(OUT)/ccdb) ccdb-entries
	$(Q){ echo '['; cat $(OUT)/ccdb/*.json | sed '$$!s/$$/,/'; echo ']'; } > $(OUT)/compile_commands.json
	$(Q)ln -sfn $(OUT)/compile_commands.json $@
	@echo "  CCDB    $(OUT)/compile_commands.json: $$(ls $(OUT)/ccdb | wc -l) sources"
ifneq ($(CCDB),)
ccdb-entries: $(CCDB_OBJS)
$(CCDB_OBJS): ccdb-force
ccdb-force:
endif

not-implemented = @echo "make $(1): not implemented yet for BOARD=$(BOARD)" >&2; exit 2
