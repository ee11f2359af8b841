# shellcheck shell=sh
# SPDX-License-Identifier: Apache-2.0
# Sourced by run-demo.sh and run-qemu.sh (from the repository root): the
# platform simulator on loopback for the length of the calling script.
#
# start_sim BUILD RUN WHO [herald_sim.py args...]: fresh dev certificates in
# BUILD/certs, the simulator on 127.0.0.1 at a free port (its output in
# RUN/sim.out and RUN/sim.log, its record in RUN/record.jsonl), stopped when
# the script exits.  Waits at most 10 s for it to listen; sets SIM (its pid)
# and SIM_URL (https://127.0.0.1:PORT).  WHO names the caller in the error
# message.
start_sim() {
    sim_build=$1 sim_run=$2 sim_who=$3
    shift 3
    mkdir -p "$sim_run"
    tools/scripts/devcerts.sh "$sim_build/certs" >/dev/null
    rm -f "$sim_run/record.jsonl" "$sim_run/sim.out"
    python3 tools/sim/herald_sim.py --host 127.0.0.1 --port 0 --cert "$sim_build/certs/server.pem" \
        --key "$sim_build/certs/server.key" --templates tests/data/templates.json \
        --record "$sim_run/record.jsonl" "$@" >"$sim_run/sim.out" 2>"$sim_run/sim.log" &
    SIM=$!
    trap 'kill $SIM 2>/dev/null; wait $SIM 2>/dev/null || true' EXIT INT TERM
    i=0
    until grep -q 'listening on' "$sim_run/sim.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 100 ] || { echo "$sim_who: the simulator did not start:"; cat "$sim_run/sim.log"; exit 1; }
        sleep 0.1
    done
    # shellcheck disable=SC2034 # read by the script that sourced this one
    SIM_URL=$(sed -n 's/.*listening on \(https:[^ ]*\).*/\1/p' "$sim_run/sim.out")
}
