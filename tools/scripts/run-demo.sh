#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make run` on the native board: start the platform simulator on loopback
# with fresh dev certificates, send the seed's notification with the herald
# CLI over TLS, print the platform's answer, and stop the simulator.
set -eu
BUILD=${1:-build}
BIN="$BUILD/native/bin/herald"
RUN="$BUILD/run"
# shellcheck source=tools/scripts/sim.sh
. "$(dirname "$0")/sim.sh"
start_sim "$BUILD" "$RUN" run --app-id demo-app --api-key demo-key
URL=$SIM_URL
echo "platform simulator: $URL (log: $RUN/sim.log, record: $RUN/record.jsonl)"

set -- send --template order-confirmation --target user-jane-123 \
    --var customerName=Jane --var orderId=ORD-12345 --mode realtime --title "Order Confirmed" \
    --templates tests/data/templates.json --base-url "$URL" --ca "$BUILD/certs/ca.pem"
echo "\$ herald $*"
HERALD_APP_ID=demo-app HERALD_API_KEY=demo-key "$BIN" "$@"
echo "the platform recorded $(wc -l < "$RUN/record.jsonl") notification(s)"
