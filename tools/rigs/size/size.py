#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make size`: flash and RAM of the agent core, per module, for a Cortex-M3
at -Os, the way embedded libraries publish their size tables; cJSON listed
apart as a dependency; and, when a board image has been built, the whole
image per component (from its linker map).

Each firmware/src/*.c is compiled with arm-none-eabi-gcc under the firmware
defaults (a config folder whose herald_config.h is empty, so every option
takes its default from herald/config_defaults.h) and measured with
arm-none-eabi-size: text is code plus read-only data, data is initialised
RAM (also stored in flash), bss is zeroed RAM.  Object sizes are before
linking, so functions the linker would drop are counted.

  size.py --build BUILD --cjson CJSON_DIR [--image-dir DIR] [--image ELF [--map MAP]]
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import datetime

CC = "arm-none-eabi-gcc"
SIZE = "arm-none-eabi-size"
NM = "arm-none-eabi-nm"
CFLAGS = ["-mcpu=cortex-m3", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections", "-std=c11",
          "-Wall", "-Wextra", "-Wshadow", "-Wconversion", "-Wstrict-prototypes", "-Wmissing-prototypes",
          "-Wcast-qual"]
TARGET_FLASH = 8 * 1024
ANCHORS = [("coreHTTP", 2.7), ("coreJSON", 2.5), ("backoffAlgorithm", 0.2)]
HEAP_SYMBOLS = {"malloc", "calloc", "realloc", "free", "_malloc_r", "_calloc_r", "_realloc_r", "_free_r"}
QEMU_BOARD = "qemu-mps2-an385"
TOOLCHAIN_LIBS = {"gcc", "c", "c_nano", "m", "nosys", "g", "g_nano", "rdimon"}


class SizeError(Exception):
    pass


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    return p.returncode, p.stdout, p.stderr


def compile_obj(src, obj, includes, flags):
    os.makedirs(os.path.dirname(obj), exist_ok=True)
    rc, _, err = run([CC] + flags + includes + ["-c", src, "-o", obj])
    if rc != 0:
        raise SizeError("%s does not compile for Cortex-M3:\n%s" % (src, err))
    return err.strip()


def berkeley(path):
    """(text, data, bss) of an object or image."""
    rc, out, err = run([SIZE, "-B", path])
    if rc != 0:
        raise SizeError("%s %s: %s" % (SIZE, path, err))
    line = out.strip().splitlines()[-1].split()
    return int(line[0]), int(line[1]), int(line[2])


def heap_refs(objs):
    rc, out, err = run([NM, "-u"] + objs)
    if rc != 0:
        raise SizeError("%s: %s" % (NM, err))
    found = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U" and parts[1] in HEAP_SYMBOLS:
            found.add(parts[1])
    return sorted(found)


def table(head, rows):
    w = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    fmt_row = lambda r: "  ".join(str(c).rjust(w[i]) if i else str(c).ljust(w[i])  # noqa: E731
                                  for i, c in enumerate(r)).rstrip()
    return "\n".join([fmt_row(head), "  ".join("-" * x for x in w)] + [fmt_row(r) for r in rows])


def md_table(head, rows):
    return "\n".join(["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)] +
                     ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


def kb(n):
    return "%.1f KB" % (n / 1024.0)


# ---------------------------------------------------------------- board image

MAP_LINE = re.compile(r"^\s(\.\S+|COMMON)?\s*(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)\s+(\S.*)$")


def component_of(source):
    """libmbedtls.a(ssl_tls.o) -> mbedtls; build/x/obj/port/lwip/net.o -> port/lwip."""
    m = re.match(r"(?:.*/)?lib([^/()]+)\.a\(", source)
    if m:
        name = m.group(1)
        return "lib" + name + " (toolchain)" if name in TOOLCHAIN_LIBS else name
    m = re.search(r"/obj/(firmware|port/[^/]+|boards/[^/]+|tools/[^/]+)/", source)
    if m:
        return m.group(1)
    if "/arm-none-eabi/" in source or "libgcc" in source or "libc_nano" in source:
        return "toolchain (libc, libgcc)"
    return os.path.basename(source)


def map_components(map_path):
    """Bytes per component and kind (text, data, bss) from a GNU ld map."""
    comps = {}
    pending = None   # an input section name whose numbers are on the next line
    in_map = False
    with open(map_path, errors="replace") as f:
        for line in f:
            if line.startswith("Linker script and memory map"):
                in_map = True
                continue
            if not in_map:
                continue
            m_name = re.match(r"^ (\.\S+|COMMON)\s*$", line)
            if m_name:
                pending = m_name.group(1)
                continue
            m = MAP_LINE.match(line)
            if not m:
                pending = None
                continue
            name = m.group(1) or pending
            pending = None
            size, src = int(m.group(3), 16), m.group(4).strip()
            if not name or size == 0 or src.startswith("*") or " " in src:
                continue
            if name.startswith((".text", ".rodata", ".ARM", ".init", ".fini", ".isr_vector", ".vectors")):
                kind = "text"
            elif name.startswith(".data"):
                kind = "data"
            elif name.startswith(".bss") or name == "COMMON" or name.startswith(".noinit"):
                kind = "bss"
            else:
                continue
            c = comps.setdefault(component_of(src), {"text": 0, "data": 0, "bss": 0})
            c[kind] += size
    return comps


def find_image(image_dir):
    elfs = sorted(glob.glob(os.path.join(image_dir, "**", "*.elf"), recursive=True))
    if not elfs:
        return None, None
    elf = elfs[0]
    maps = [os.path.splitext(elf)[0] + ".map"] + sorted(glob.glob(os.path.join(image_dir, "**", "*.map"),
                                                                   recursive=True))
    return elf, next((m for m in maps if os.path.exists(m)), None)


def image_section(elf, map_path):
    out, md = [], []
    t, d, b = berkeley(elf)
    out.append("board image %s: flash %s (text %d + data %d), RAM %s (data %d + bss %d)" %
               (elf, kb(t + d), t, d, kb(d + b), d, b))
    md.append(out[-1])
    if map_path:
        comps = map_components(map_path)
        head = ["component", "text", "data", "bss", "flash", "RAM"]
        rows = [[name, c["text"], c["data"], c["bss"], c["text"] + c["data"], c["data"] + c["bss"]]
                for name, c in sorted(comps.items(), key=lambda kv: -(kv[1]["text"] + kv[1]["data"]))]
        rest = [t - sum(r[1] for r in rows), d - sum(r[2] for r in rows), b - sum(r[3] for r in rows)]
        if any(rest):
            rows.append(["linker script (stack, heap, alignment)"] + rest + [rest[0] + rest[1], rest[1] + rest[2]])
        rows.append(["total", t, d, b, t + d, d + b])
        out += ["", "whole image per component (from %s)" % map_path, table(head, rows)]
        md += ["", "Whole image per component (from the linker map):", "", md_table(head, rows)]
    else:
        out.append("(no linker map next to the image: per-component figures need the board to link with "
                   "-Wl,-Map=<image>.map)")
        md.append(out[-1])
    return out, md


# ---------------------------------------------------------------- main

def dep_version(folder):
    """The version tools/scripts/fetch-deps.sh unpacked in folder, with a trailing space
    (a newer release than the pinned one when Debian moved on); "" for a copy
    of the user's own."""
    try:
        with open(os.path.join(folder, ".herald-unpacked")) as f:
            return f.read().split()[1] + " "
    except (OSError, IndexError):
        return ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--cjson", required=True, help="cJSON source folder")
    ap.add_argument("--image-dir", help="where a board image may be (default BUILD/%s)" % QEMU_BOARD)
    ap.add_argument("--image", help="an ELF image to break down (skips the search)")
    ap.add_argument("--map", help="its linker map")
    a = ap.parse_args()

    missing = [t for t in (CC, SIZE, NM) if not shutil.which(t)]
    if missing:
        sys.stderr.write("size: missing %s (tools/scripts/bootstrap.sh size installs them)\n" % ", ".join(missing))
        return 1
    work = os.path.join(a.build, "size")
    cfg = os.path.join(work, "config")
    os.makedirs(cfg, exist_ok=True)
    with open(os.path.join(cfg, "herald_config.h"), "w") as f:
        f.write("/* Empty on purpose: `make size` measures the firmware defaults. */\n")
    includes = ['-DHERALD_CONFIG_FILE="%s"' % os.path.abspath(os.path.join(cfg, "herald_config.h")),
                "-Ifirmware/include", "-Ihal/include", "-I" + a.cjson]

    try:
        rows, objs, warnings = [], [], []
        for src in sorted(glob.glob("firmware/src/*.c")):
            obj = os.path.join(work, "cortex-m3", os.path.basename(src)[:-2] + ".o")
            w = compile_obj(src, obj, includes, CFLAGS)
            if w:
                warnings.append(w)
            objs.append(obj)
            rows.append([os.path.basename(src)] + list(berkeley(obj)))
        cjson_obj = os.path.join(work, "cortex-m3", "dep-cJSON.o")
        compile_obj(os.path.join(a.cjson, "cJSON.c"), cjson_obj, [],
                    ["-mcpu=cortex-m3", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections", "-std=c11"])
        cjson = berkeley(cjson_obj)
        heap = heap_refs(objs)
        cjson_heap = heap_refs([cjson_obj])
        image = None
        if a.image:
            image = image_section(a.image, a.map)
        else:
            elf, map_path = find_image(a.image_dir or os.path.join(a.build, QEMU_BOARD))
            if elf:
                image = image_section(elf, map_path)
    except SizeError as e:
        sys.stderr.write("size: %s\n" % e)
        return 1

    total = [sum(r[i] for r in rows) for i in (1, 2, 3)]
    flash, ram = total[0] + total[1], total[1] + total[2]
    head = ["module (Cortex-M3, -Os)", "text", "data", "bss"]
    body = rows + [["total, agent core", total[0], total[1], total[2]]]
    dep = [["cJSON %s(dependency)" % dep_version(a.cjson), cjson[0], cjson[1], cjson[2]]]
    gcc = run([CC, "-dumpversion"])[1].strip()
    lines = [
        "Herald agent core, %s %s, -mcpu=cortex-m3 -mthumb -Os -ffunction-sections -fdata-sections, "
        "firmware defaults (empty herald_config.h)" % (CC, gcc),
        table(head, body + dep),
        "",
        "agent core: flash %s (text+data %d B; target <= %s: %s), RAM %s (data+bss %d B)" % (
            kb(flash), flash, kb(TARGET_FLASH), "met" if flash <= TARGET_FLASH else "not met", kb(ram), ram),
        "heap: %s" % ("none (no module references malloc, calloc, realloc or free)" if not heap
                      else "REFERENCED: " + ", ".join(heap)),
        "cJSON: flash %s, RAM %d B%s; not in the total" % (
            kb(cjson[0] + cjson[1]), cjson[1] + cjson[2],
            "; its default hooks use " + ", ".join(cjson_heap) + " (Herald binds them to a static arena)"
            if cjson_heap else ""),
        "anchors (FreeRTOS libraries at -Os, as published): " + ", ".join("%s %.1f KB" % x for x in ANCHORS),
        "(object sizes before linking: functions a linker with --gc-sections would drop are counted; the "
        "static arenas of the defaults are the bss)",
    ]
    md = ["# Herald size", "", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d") + ", " +
          lines[0] + ".", "", md_table(head, body + dep), ""] + ["- " + x for x in lines[3:]]
    if image:
        lines += [""] + image[0]
        md += [""] + image[1]
    else:
        lines.append("board image: run make BOARD=%s size" % QEMU_BOARD)
        md.append("- board image: run make BOARD=%s size" % QEMU_BOARD)
    if warnings:
        lines += ["", "compiler warnings for Cortex-M3 (the native build turns these into errors):"] + warnings
    print("\n".join(lines))
    with open(os.path.join(work, "size.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
