# SPDX-License-Identifier: Apache-2.0
# qemu-mps2-an385: the agent as bare-metal firmware for the Arm MPS2 AN385
# (Cortex-M3, LAN9118 Ethernet), lwIP NO_SYS=1 and Mbed TLS, run under QEMU.
#   make BOARD=qemu-mps2-an385          the image: $(OUT)/herald.elf
#   make BOARD=qemu-mps2-an385 run      simulator + QEMU: deliver and print
#   make BOARD=qemu-mps2-an385 test     the firmware tests (tests/integration/test_qemu.py)
#   make BOARD=qemu-mps2-an385 size     flash and RAM per component, TLS heap peaks

BOARD_DIR := boards/qemu-mps2-an385
CROSS     ?= arm-none-eabi-
CC        := $(CROSS)gcc
AR        := $(CROSS)ar
CPU_FLAGS := -mcpu=cortex-m3 -mthumb
BOARD_CFLAGS := $(CPU_FLAGS) -Os -ffunction-sections -fdata-sections
BOARD_DEPS   := mbedtls lwip cjson
BOARD_INCLUDES := -I$(LWIP_DIR)/src/include -Iport/lwip
MBEDTLS_CFLAGS := -DMBEDTLS_CONFIG_FILE='"$(BOARD_DIR)/mbedtls_config.h"'
PORT_SRCS := $(wildcard port/lwip/*.c port/mbedtls/*.c)

# The credentials the simulator is started with (tools/scripts/run-qemu.sh).
HERALD_APP_ID  ?= demo-app
HERALD_API_KEY ?= demo-key

# ---- lwIP: the core, IPv4 and Ethernet; lwipopts.h switches off the rest
LWIP_SRCS := $(addprefix $(LWIP_DIR)/src/,core/init.c core/def.c core/inet_chksum.c core/ip.c \
	core/mem.c core/memp.c core/netif.c core/pbuf.c core/tcp.c core/tcp_in.c core/tcp_out.c \
	core/timeouts.c core/udp.c core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c \
	core/ipv4/ip4.c core/ipv4/ip4_addr.c netif/ethernet.c)
LWIP_OBJS := $(patsubst $(LWIP_DIR)/src/%.c,$(DEPOUT)/lwip/%.o,$(LWIP_SRCS))

$(DEPOUT)/lwip/%.o: $(LWIP_DIR)/src/%.c
	@mkdir -p $(@D)
	@echo "  CC      lwip/$(notdir $<)"
	$(Q)$(CC) $(CSTD) -g $(BOARD_CFLAGS) $(INCLUDES) -MMD -MP -c $< -o $@
$(LWIP_OBJS): $(BOARD_DIR)/lwipopts.h port/lwip/arch/cc.h
$(DEPOUT)/liblwip.a: $(LWIP_OBJS)

# ---- what goes into flash besides code: the template image and the CA
MKIMAGE  := $(BUILD)/native/bin/herald-mkimage
TEMPLATE_JSON ?= tests/data/templates.json
IMAGE    := $(OUT)/templates.bin
CA_PEM   := $(BUILD)/certs/ca.pem

$(MKIMAGE): tools/cli/herald-mkimage/main.c $(wildcard firmware/src/*.c firmware/include/herald/*.h)
	$(Q)$(MAKE) --no-print-directory BOARD=native $@

$(IMAGE): $(TEMPLATE_JSON) $(MKIMAGE)
	@mkdir -p $(@D)
	@echo "  IMAGE   $@"
	$(Q)$(MKIMAGE) $< $@

$(CA_PEM):
	$(Q)tools/scripts/devcerts.sh $(BUILD)/certs

# ---- the firmware image
BOARD_SRCS := $(wildcard $(BOARD_DIR)/*.c)
BOARD_OBJS := $(patsubst %.c,$(OUT)/obj/%.o,$(BOARD_SRCS)) $(OUT)/obj/$(BOARD_DIR)/blobs.o
ELF        := $(OUT)/herald.elf
BOARD_CCDB_OBJS := $(patsubst %.c,$(OUT)/obj/%.o,$(BOARD_SRCS))
LINK_LIBS  := $(OUT)/libherald-port.a $(OUT)/libherald.a $(DEPOUT)/liblwip.a \
              $(DEPOUT)/libmbedtls.a $(DEPOUT)/libcjson.a

# The board's own code and port/lwip keep the firmware's warning set.
$(patsubst %.c,$(OUT)/obj/%.o,$(BOARD_SRCS) $(wildcard port/lwip/*.c)): BOARD_CFLAGS += $(FW_WARN)
$(OUT)/obj/$(BOARD_DIR)/main.o: BOARD_CFLAGS += -DHERALD_APP_ID='"$(HERALD_APP_ID)"' \
	-DHERALD_API_KEY='"$(HERALD_API_KEY)"'

$(OUT)/obj/$(BOARD_DIR)/blobs.o: $(BOARD_DIR)/blobs.S $(IMAGE) $(CA_PEM)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(CPU_FLAGS) -DHERALD_TEMPLATE_IMAGE='"$(IMAGE)"' -DHERALD_CA_PEM='"$(CA_PEM)"' -c $< -o $@

$(ELF): $(BOARD_OBJS) $(LINK_LIBS) $(BOARD_DIR)/link.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(CPU_FLAGS) -nostartfiles --specs=nano.specs -T $(BOARD_DIR)/link.ld \
		-Wl,--gc-sections -Wl,-Map=$(OUT)/herald.map -o $@ $(BOARD_OBJS) \
		-Wl,--start-group $(LINK_LIBS) -lc -lgcc -Wl,--end-group
	$(Q)$(CROSS)size $@

.PHONY: board-all board-run board-test board-bench board-size board-lint board-image

board-image: $(ELF)

board-all:
	$(Q)tools/scripts/bootstrap.sh qemu
	$(Q)$(MAKE) --no-print-directory board-image

board-run: board-all
	$(Q)HERALD_APP_ID=$(HERALD_APP_ID) HERALD_API_KEY=$(HERALD_API_KEY) \
		tools/scripts/run-qemu.sh --build $(BUILD) --elf $(ELF)

board-test: board-all
	$(Q)python3 tests/integration/run.py $(BUILD) -k test_qemu

board-size: board-all
	$(Q)HERALD_APP_ID=$(HERALD_APP_ID) HERALD_API_KEY=$(HERALD_API_KEY) \
		python3 tools/rigs/size/size_qemu.py --build $(BUILD) --elf $(ELF) --map $(OUT)/herald.map

board-bench:
	$(call not-implemented,bench)

board-lint:
	$(call not-implemented,lint)
