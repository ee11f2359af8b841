#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make BOARD=<board> compile_commands.json` for each board: the database
# parses as JSON, names every firmware/ source once, and gives each one the
# firmware's own flags: its include paths exactly (firmware/include,
# hal/include, cJSON; never a board, Mbed TLS or the repo root), the board's
# herald_config.h by HERALD_CONFIG_FILE, and the firmware warnings.  One
# firmware entry per board is compiled as written, when that board's
# compiler is installed, so the commands are the real ones.  A doctored
# database (a repo-root include added, a source dropped) must be refused.
set -u
BUILD=${1:-build}
CJSON_DIR=${CJSON_DIR:-$BUILD/deps/cjson}
pass=0 fail=0
work=$(mktemp -d)
link_before=$(readlink compile_commands.json 2>/dev/null || true)
cleanup() {
    rm -rf "$work"
    # Leave ./compile_commands.json pointing where it pointed before.
    if [ -n "$link_before" ]; then ln -sfn "$link_before" compile_commands.json; else rm -f compile_commands.json; fi
}
trap cleanup EXIT

cat > "$work/check.py" <<'EOF'
import glob, json, os, shlex, shutil, subprocess, sys, tempfile

FW_WARN = ["-Wshadow", "-Wconversion", "-Wstrict-prototypes", "-Wmissing-prototypes", "-Wcast-qual"]

def problems(db, board, cjson):
    out = []
    if not isinstance(db, list) or not db:
        return ["not a non-empty JSON array"]
    seen = {}
    for e in db:
        if not all(k in e for k in ("directory", "file", "command")):
            out.append("entry without directory/file/command: %r" % e)
            continue
        seen.setdefault(e["file"], []).append(e)
    want_inc = ["-Ifirmware/include", "-Ihal/include", "-I" + cjson]
    want_cfg = '-DHERALD_CONFIG_FILE="%s"' % os.path.abspath("boards/%s/herald_config.h" % board)
    for src in sorted(glob.glob("firmware/src/*.c")):
        entries = seen.get(src, [])
        if len(entries) != 1:
            out.append("%s: %d entries" % (src, len(entries)))
            continue
        args = shlex.split(entries[0]["command"])
        inc = [a for a in args if a.startswith("-I")]
        if inc != want_inc:
            out.append("%s: include flags %s, want %s" % (src, " ".join(inc), " ".join(want_inc)))
        if want_cfg not in args:
            out.append("%s: no %s" % (src, want_cfg))
        missing = [w for w in FW_WARN if w not in args]
        if missing:
            out.append("%s: without %s" % (src, " ".join(missing)))
    for f in seen:
        if not os.path.isfile(os.path.join(seen[f][0]["directory"], f)):
            out.append("%s: no such source" % f)
    return out

def compiles(db):
    """Run the first firmware entry's command as written, into a temp object."""
    e = next(e for e in db if e["file"].startswith("firmware/src/"))
    args = shlex.split(e["command"])
    if not shutil.which(args[0]):
        print("note: %s is not installed, %s not compiled" % (args[0], e["file"]))
        return True
    with tempfile.TemporaryDirectory() as d:
        args[args.index("-o") + 1] = os.path.join(d, "x.o")
        r = subprocess.run(args, cwd=e["directory"], capture_output=True, text=True)
    if r.returncode != 0:
        print("%s does not compile as the database says:\n%s" % (e["file"], r.stderr))
    return r.returncode == 0

mode, path, board, cjson = sys.argv[1:5]
with open(path) as f:
    db = json.load(f)
if mode == "real":
    found = problems(db, board, cjson)
    for p in found:
        print("FAIL %s: %s" % (board, p))
    ok = not found and compiles(db)
    print("%s: %d entries, %s" % (board, len(db), "ok" if ok else "FAILED"))
    sys.exit(0 if ok else 1)
# The probe: add a repo-root include to one firmware entry, drop another.
fw = [e for e in db if e["file"].startswith("firmware/src/")]
fw[0]["command"] = fw[0]["command"].replace(" -Ihal/include", " -I. -Ihal/include")
db.remove(fw[1])
found = problems(db, board, cjson)
caught = any(fw[0]["file"] in p and "include flags" in p for p in found) and \
    any(p.startswith(fw[1]["file"] + ": 0 entries") for p in found)
print("probe: %s" % ("caught: " + "; ".join(found) if caught else "NOT caught: %r" % found))
sys.exit(0 if caught else 1)
EOF

for board in native qemu-mps2-an385; do
    db=$BUILD/$board/compile_commands.json
    rm -f "$db" # a database left by an earlier run proves nothing
    # A calling make's flags are not passed on (as tools/scripts/coverage.sh).
    if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory BOARD=$board BUILD="$BUILD" \
            CJSON_DIR="$CJSON_DIR" compile_commands.json; then
        echo "FAIL make BOARD=$board compile_commands.json"
        fail=$((fail + 1))
        continue
    fi
    [ -f "$db" ] || { echo "FAIL make BOARD=$board compile_commands.json wrote no $db"; fail=$((fail + 1)); continue; }
    if python3 "$work/check.py" real "$db" $board "$CJSON_DIR"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    if python3 "$work/check.py" probe "$db" $board "$CJSON_DIR"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "herald-suite: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
