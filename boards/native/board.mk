# SPDX-License-Identifier: Apache-2.0
# native: the Linux host.  Builds the agent, the POSIX and Mbed TLS ports,
# the CLI and host tools, and runs every test suite (also under ASan+UBSan).

BOARD_CFLAGS  := -O2 -D_DEFAULT_SOURCE
BOARD_DEPS    := mbedtls cjson
PORT_SRCS     := $(wildcard port/posix/*.c port/mbedtls/*.c)
BOARD_INCLUDES := -Iport/posix -Iport/mbedtls
MBEDTLS_CFLAGS := -DMBEDTLS_USER_CONFIG_FILE='"boards/native/mbedtls_user_config.h"'
HOST_LIBS     :=
BOARD_CCDB_OBJS = $(TOOL_OBJS) $(TEST_SUPPORT_OBJS) $(UNIT_OBJS)

.PHONY: board-all board-run board-test board-bench board-size board-lint board-fuzz board-coverage

board-all: libs tools

board-test:
	$(Q)tools/scripts/bootstrap.sh test qemu fuzz lint
	$(Q)$(MAKE) --no-print-directory BOARD=native unit-bins tools
	$(Q)$(MAKE) --no-print-directory BOARD=native VARIANT=asan unit-bins tools
	$(Q)tools/scripts/run-tests.sh $(BUILD)

board-run:
	$(Q)tools/scripts/bootstrap.sh run
	$(Q)$(MAKE) --no-print-directory BOARD=native tools
	$(Q)tools/scripts/run-demo.sh $(BUILD)

# Figures, never verdicts: these fail only when a tool is missing.  The bench
# runs the optimised (non-sanitised) host build under valgrind and curl.
board-bench:
	$(Q)tools/scripts/bootstrap.sh bench
	$(Q)$(MAKE) --no-print-directory BOARD=native VARIANT= tools
	$(Q)python3 tools/rigs/bench/bench.py --build $(BUILD) --bin $(BUILD)/native/bin

board-size:
	$(Q)tools/scripts/bootstrap.sh size
	$(Q)python3 tools/rigs/size/size.py --build $(BUILD) --cjson $(CJSON_DIR)

# cppcheck (with its MISRA C:2012 addon) and clang-tidy over firmware/ and
# hal/: any finding fails; deviations are listed in tests/lint/deviations.md.
board-lint:
	$(Q)tools/scripts/bootstrap.sh lint
	$(Q)tools/scripts/lint.sh $(BUILD) $(CJSON_DIR)

# libFuzzer targets of tests/fuzz/, FUZZ_SECONDS each (default 60);
# FUZZ_TARGETS="http render" runs only those.
board-fuzz:
	$(Q)tools/scripts/bootstrap.sh fuzz
	$(Q)CJSON_DIR=$(CJSON_DIR) tools/scripts/fuzz.sh $(BUILD) $(FUZZ_TARGETS)

# Line and branch coverage of firmware/ from the unit and integration tests,
# checked against tests/coverage-floor.txt.
board-coverage:
	$(Q)tools/scripts/bootstrap.sh coverage test
	$(Q)MBEDTLS_DIR=$(MBEDTLS_DIR) CJSON_DIR=$(CJSON_DIR) tools/scripts/coverage.sh $(BUILD)
