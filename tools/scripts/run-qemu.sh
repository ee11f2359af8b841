#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the qemu-mps2-an385 firmware against the platform simulator.
#
#   tools/scripts/run-qemu.sh [--build DIR] [--elf FILE] [--sim-port PORT] [--] [firmware args...]
#
# Without --sim-port it starts the simulator on loopback (dev certificates
# from DIR/certs, record in DIR/run-qemu/record.jsonl), runs QEMU until the
# firmware exits, stops the simulator and exits with the firmware's status.
# With --sim-port it uses that simulator and execs QEMU (its pid is this
# script's), so a test can stop QEMU at any moment: a power cut.
#
# Network: QEMU user networking with restrict=on, so the guest reaches
# nothing outside except one guestfwd rule: 10.0.2.100:443 in the guest is
# relayed (tools/scripts/qemu-relay.py, one process per connection) to the
# simulator at 127.0.0.1:PORT.  DHCP comes from QEMU's built-in server.
# Firmware args (key=value, see boards/qemu-mps2-an385/main.c) reach the
# firmware through semihosting.
set -eu
BUILD=build
ELF=
SIM_PORT=
while [ $# -gt 0 ]; do
    case $1 in
    --build) BUILD=$2; shift 2 ;;
    --elf) ELF=$2; shift 2 ;;
    --sim-port) SIM_PORT=$2; shift 2 ;;
    --) shift; break ;;
    *) break ;;
    esac
done
ELF=${ELF:-$BUILD/qemu-mps2-an385/herald.elf}
HERE=$(cd "$(dirname "$0")" && pwd)
QEMU=${QEMU:-qemu-system-arm}
command -v "$QEMU" >/dev/null || { echo "run-qemu.sh: $QEMU not found (tools/scripts/bootstrap.sh qemu)" >&2; exit 2; }
[ -f "$ELF" ] || { echo "run-qemu.sh: no firmware at $ELF (make BOARD=qemu-mps2-an385)" >&2; exit 2; }

semi="enable=on,target=native,arg=herald"
for a in "$@"; do
    case $a in *,*) echo "run-qemu.sh: firmware argument may not contain a comma: $a" >&2; exit 2 ;; esac
    semi="$semi,arg=$a"
done

# Replace this shell with QEMU, its guest forwarded to a simulator on 127.0.0.1:$1.
exec_qemu() {
    exec "$QEMU" -M mps2-an385 -display none -monitor none -serial stdio \
        -semihosting-config "$semi" \
        -nic "user,model=lan9118,restrict=on,guestfwd=tcp:10.0.2.100:443-cmd:python3 $HERE/qemu-relay.py 127.0.0.1 $1" \
        -kernel "$ELF"
}

[ -z "$SIM_PORT" ] || exec_qemu "$SIM_PORT"

RUN="$BUILD/run-qemu"
# shellcheck source=tools/scripts/sim.sh
. "$HERE/sim.sh"
start_sim "$BUILD" "$RUN" run-qemu.sh --app-id "${HERALD_APP_ID:-demo-app}" --api-key "${HERALD_API_KEY:-demo-key}"
PORT=${SIM_URL##*:}
echo "platform simulator: https://127.0.0.1:$PORT (log: $RUN/sim.log, record: $RUN/record.jsonl)"
echo "qemu: mps2-an385, user network restrict=on, guest 10.0.2.100:443 -> 127.0.0.1:$PORT"
status=0
(exec_qemu "$PORT") || status=$?
echo "firmware exit status: $status"
echo "the platform recorded $(wc -l < "$RUN/record.jsonl" 2>/dev/null || echo 0) notification(s)"
exit $status
