#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make BOARD=qemu-mps2-an385 size`: flash and RAM of the firmware image per
component, read from the linker map, checked against Herald's budget, then
the Mbed TLS heap peaks measured by running the image under QEMU against the
simulator (a full handshake, then a resumed one).

    python3 tools/rigs/size/size_qemu.py --build DIR --elf ELF --map MAP [--no-run]

Flash is every byte the image stores (.text, .rodata, .ARM.exidx and the
initial values of .data); RAM is .data, .bss and the stack.  Each input
section of the map is charged to the component its object file belongs to;
the few big buffers the application owns are charged by name (the Mbed TLS
heap, the agent's own state), so every byte lands in exactly one row."""

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
KIB = 1024
BUDGET_FLASH = 160 * KIB
BUDGET_RAM = 64 * KIB
BUDGET_CORE = 8 * KIB

ROWS = [
    ("agent core", "firmware/ (libherald.a)"),
    ("agent state", "agent, template cache, queue (owned by main.c)"),
    ("cJSON", "JSON reader for the platform's answers"),
    ("ports", "port/lwip, port/mbedtls"),
    ("lwIP", "2.2, NO_SYS=1"),
    ("Mbed TLS", "3.6, trimmed config"),
    ("Mbed TLS heap", "static, mbedtls_memory_buffer_alloc"),
    ("board and drivers", "startup, UART, SysTick, LAN9118, semihosting, flash, app"),
    ("embedded data", "CA certificate and template image"),
    ("libc and libgcc", "newlib-nano string functions, soft division"),
    ("stack", "main stack (MSP)"),
    ("alignment", "linker padding"),
]

# Application-owned buffers, by the section -fdata-sections gives them.
APP_RAM = {
    "g_tls_heap": "Mbed TLS heap",
    "g_agent": "agent state", "g_tcache": "agent state", "g_tcache_arena": "agent state",
    "g_ram_queue": "agent state", "g_ram_queue_buf": "agent state", "g_flash_queue": "agent state",
    "g_flash": "agent state", "g_tally": "agent state",
    "g_tls": "Mbed TLS", "g_tcp": "ports",
}


def read_map(map_path, wanted):
    """The output sections of the map's memory map, {name: (start, size,
    entries)}; for the sections in wanted, entries lists each input section
    and each padding as (addr, size, input section, file), "*fill*" and ""
    for padding.  An input section whose name is too long for one line has
    its numbers on the next; they are joined here."""
    text = Path(map_path).read_text().split("Linker script and memory map", 1)[1]
    sections = {}
    current = None
    pending = None     # an input section name whose numbers are on the next line
    for line in text.splitlines():
        m = re.match(r"^(\.\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)", line)
        if m and not line.startswith(" "):
            current = m.group(1)
            sections[current] = (int(m.group(2), 16), int(m.group(3), 16), [])
            pending = None
            continue
        if current not in wanted:
            continue
        entries = sections[current][2]
        m = re.match(r"^ \*fill\*\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)", line)
        if m:
            entries.append((int(m.group(1), 16), int(m.group(2), 16), "*fill*", ""))
            continue
        m = re.match(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m:
            entries.append((int(m.group(2), 16), int(m.group(3), 16), m.group(1), m.group(4)))
            pending = None
            continue
        m = re.match(r"^ (\.\S+|COMMON)$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m and pending:
            entries.append((int(m.group(1), 16), int(m.group(2), 16), pending, m.group(3)))
            pending = None
    return sections


def agent_core_objects(map_path):
    """Flash per object of libherald.a, largest first (the 8 KiB budget)."""
    comps = {}
    for _, n, _, path in read_map(map_path, (".text",))[".text"][2]:
        m = re.search(r"libherald\.a\((\w+)\.o\)$", path)
        if m:
            comps[m.group(1)] = comps.get(m.group(1), 0) + n
    return sorted(comps.items(), key=lambda kv: -kv[1])


def component(path, section):
    name = Path(path).name
    m = re.match(r"\.(?:bss|data)\.(\w+)$", section)
    if m and m.group(1) in APP_RAM and "main.o" in path:
        return APP_RAM[m.group(1)]
    if "libherald.a" in path:
        return "agent core"
    if "libherald-port.a" in path:
        return "ports"
    if "liblwip.a" in path:
        return "lwIP"
    if "libmbedtls.a" in path:
        return "Mbed TLS"
    if "libcjson.a" in path:
        return "cJSON"
    if "libc_nano.a" in path or "libgcc.a" in path or "libc.a" in path or "libg" in name:
        return "libc and libgcc"
    if name == "blobs.o":
        return "embedded data"
    if "/boards/" in path:
        return "board and drivers"
    return "alignment" if not path else "board and drivers"


def parse_map(map_path):
    """{component: [flash, ram]} and the output section sizes.

    Sizes come from addresses, not from the sizes the map prints: merged
    string sections are listed with their size before merging and overlap
    the next entry, so each entry is charged up to where the next begins,
    and whatever the entries leave uncovered (ALIGN gaps) is alignment."""
    counted = (".text", ".ARM.exidx", ".data", ".bss")
    sections = read_map(map_path, counted)
    out = {r[0]: [0, 0] for r in ROWS}
    for name, (start, size, entries) in sections.items():
        if name not in counted:
            continue
        entries = sorted((addr, n, "alignment" if section == "*fill*" else component(path, section))
                         for addr, n, section, path in entries if n > 0)
        covered = 0
        for i, (addr, n, comp) in enumerate(entries):
            limit = entries[i + 1][0] if i + 1 < len(entries) else start + size
            n = max(0, min(n, limit - addr))
            charge(out, comp, name, n)
            covered += n
        charge(out, "alignment", name, size - covered)
    totals = {name: v[1] for name, v in sections.items()}
    out["stack"][1] = totals.get(".stack", 0)
    return out, totals


def charge(out, comp, section, size):
    """Flash holds code, constants and the initial values of .data; RAM holds
    .data and .bss."""
    if section in (".text", ".ARM.exidx"):
        out[comp][0] += size
    elif section == ".data":
        out[comp][0] += size
        out[comp][1] += size
    elif section == ".bss":
        out[comp][1] += size


def run_firmware(build, elf):
    """The firmware's own measurement: full, then resumed handshake."""
    proc = subprocess.run(["sh", str(REPO / "tools" / "scripts" / "run-qemu.sh"), "--build", str(build), "--elf",
                           str(elf), "--", "resume=1", "timeout=60"],
                          cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=180)
    return proc.returncode, proc.stdout.replace("\r", "")


def kib(n):
    return "%7.1f" % (n / KIB)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default="build")
    p.add_argument("--elf", required=True)
    p.add_argument("--map", required=True)
    p.add_argument("--no-run", action="store_true", help="skip the QEMU run (no heap peaks)")
    args = p.parse_args()

    comps, totals = parse_map(args.map)
    flash = totals.get(".text", 0) + totals.get(".ARM.exidx", 0) + totals.get(".data", 0)
    ram = totals.get(".data", 0) + totals.get(".bss", 0) + totals.get(".stack", 0)
    print("qemu-mps2-an385 image %s (-Os, Cortex-M3 Thumb-2), in KiB:" % args.elf)
    print("  %-18s %7s %7s   %s" % ("component", "flash", "RAM", ""))
    for name, what in ROWS:
        f, r = comps[name]
        print("  %-18s %s %s   %s" % (name, kib(f), kib(r), what))
    sf = sum(c[0] for c in comps.values())
    sr = sum(c[1] for c in comps.values())
    print("  %-18s %s %s" % ("total", kib(sf), kib(sr)))
    if (sf, sr) != (flash, ram):
        print("size.py: rows add up to %d/%d bytes but the image has %d/%d" % (sf, sr, flash, ram))
        return 1

    def verdict(used, budget):
        return "within budget (%.1f KiB left)" % ((budget - used) / KIB) if used <= budget else \
            "OVER budget by %.1f KiB" % ((used - budget) / KIB)
    print()
    print("budget: flash %6.1f of %d KiB: %s" % (flash / KIB, BUDGET_FLASH // KIB, verdict(flash, BUDGET_FLASH)))
    print("        RAM   %6.1f of %d KiB (TLS heap included): %s" % (ram / KIB, BUDGET_RAM // KIB,
                                                                      verdict(ram, BUDGET_RAM)))
    core = comps["agent core"][0]
    print("        agent core flash %.1f of %d KiB: %s" % (core / KIB, BUDGET_CORE // KIB, verdict(core, BUDGET_CORE)))

    objs = agent_core_objects(args.map)
    print("        agent core by object (map sizes, before string merging): " +
          ", ".join("%s %.1f" % (o, n / KIB) for o, n in objs))

    status = 0
    if not args.no_run:
        print()
        print("running the image under QEMU (resume=1) for the Mbed TLS heap peaks ...")
        rc, out = run_firmware(args.build, args.elf)
        lines = [l for l in out.splitlines() if l.startswith(("tls-heap:", "tls:", "stack:", "done:"))]
        for l in lines:
            print("  " + l)
        if rc != 0 or not any("resumed handshake" in l for l in lines):
            print("size.py: the firmware run failed (status %d):\n%s" % (rc, out))
            status = 1
        print("  (the static heap is %d bytes)" % comps["Mbed TLS heap"][1])
    return status


if __name__ == "__main__":
    sys.exit(main())
