#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make run` on the native board: start the platform simulator on loopback
# with fresh dev certificates, send the seed's notification with the herald
# CLI over TLS, print the platform's answer, and stop the simulator.
set -eu
BUILD=${1:-build}
BIN="$BUILD/native/bin/herald"
RUN="$BUILD/run"
mkdir -p "$RUN"
tools/scripts/devcerts.sh "$BUILD/certs" >/dev/null
rm -f "$RUN/record.jsonl" "$RUN/sim.out"

python3 tools/sim/herald_sim.py --port 0 --cert "$BUILD/certs/server.pem" --key "$BUILD/certs/server.key" \
    --templates tests/data/templates.json --record "$RUN/record.jsonl" \
    --app-id demo-app --api-key demo-key >"$RUN/sim.out" 2>"$RUN/sim.log" &
SIM=$!
trap 'kill $SIM 2>/dev/null; wait $SIM 2>/dev/null || true' EXIT INT TERM
i=0
until grep -q 'listening on' "$RUN/sim.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "run: the simulator did not start:"; cat "$RUN/sim.log"; exit 1; }
    sleep 0.1
done
URL=$(sed -n 's/.*listening on \(https:[^ ]*\).*/\1/p' "$RUN/sim.out")
echo "platform simulator: $URL (log: $RUN/sim.log, record: $RUN/record.jsonl)"

set -- send --template order-confirmation --target user-jane-123 \
    --var customerName=Jane --var orderId=ORD-12345 --mode realtime --title "Order Confirmed" \
    --templates tests/data/templates.json --base-url "$URL" --ca "$BUILD/certs/ca.pem"
echo "\$ herald $*"
HERALD_APP_ID=demo-app HERALD_API_KEY=demo-key "$BIN" "$@"
echo "the platform recorded $(wc -l < "$RUN/record.jsonl") notification(s)"
