#!/usr/bin/env python3
"""Writes the policy data of `cargo xtask audit` (see README.md here).

    python3 derive.py GLIBC_GIT_DIR OUT_DIR

GLIBC_GIT_DIR is a clone of glibc (https://sourceware.org/git/glibc.git or a
mirror) with the tags glibc-2.26 and glibc-2.34. libgcc_s comes from
Debian 12's libgcc_s.so.1 (GCC 12, packages libgcc-s1 and
libgcc-s1-arm64-cross), read with `readelf`.
"""

import re
import subprocess
import sys
from pathlib import Path

GLIBC_TAGS = ["2.26", "2.34"]
ARCHES = {
    # abilist directory, loader soname, processor prefix of dynamic tags
    "x86_64": ("sysdeps/unix/sysv/linux/x86_64/64", "ld-linux-x86-64.so.2", "DT_X86_64_"),
    "aarch64": ("sysdeps/unix/sysv/linux/aarch64", "ld-linux-aarch64.so.1", "DT_AARCH64_"),
}
# The glibc libraries a bundle may rely on: abilist name -> soname.
LIBRARIES = {
    "libc": "libc.so.6",
    "libm": "libm.so.6",
    "libpthread": "libpthread.so.0",
    "libdl": "libdl.so.2",
    "librt": "librt.so.1",
    "libutil": "libutil.so.1",
    "libresolv": "libresolv.so.2",
    "libanl": "libanl.so.1",
}
# GCC release of each OS's libgcc_s: AL2 has GCC 7, AL2023 GCC 11.
GCC = {"2.26": 7, "2.34": 11}
LIBGCC = {
    "x86_64": "/lib/x86_64-linux-gnu/libgcc_s.so.1",
    "aarch64": "/usr/aarch64-linux-gnu/lib/libgcc_s.so.1",
}
# Processor ranges of dynamic tags that are not a processor's own.
GENERIC_HIGH_TAGS = {"DT_AUXILIARY", "DT_USED", "DT_FILTER"}


def git_show(glibc, tag, path):
    result = subprocess.run(
        ["git", "-C", glibc, "show", f"glibc-{tag}:{path}"], capture_output=True, text=True
    )
    return result.stdout if result.returncode == 0 else None


def abilist(text):
    """{node: [symbols]} from an abilist (`NODE SYMBOL TYPE [SIZE]` lines)."""
    nodes = {}
    for line in text.splitlines():
        node, symbol = line.split()[:2]
        symbols = nodes.setdefault(node, [])
        if symbol != node:  # `NODE NODE A` only names the node (2.26's format)
            symbols.append(symbol)
    return nodes


def dynamic_tags(elf_h, processor):
    """(value, name) of every DT_ tag glibc's elf.h defines, ranges excluded."""
    tags = []
    pattern = r"^#define\s+(DT_\w+)\s+(0x[0-9a-fA-F]+|\d+|\(DT_LOPROC \+ \d+\))"
    for name, value in re.findall(pattern, elf_h, re.M):
        value = 0x70000000 + int(value[12:-1]) if value.startswith("(") else int(value, 0)
        # Range markers and counts (DT_NUM, DT_VALNUM, ...), not tags.
        if re.search(r"(_NUM|TAGNUM|EXTRANUM|VALNUM|ADDRNUM|PROCNUM|RNGLO|RNGHI|LOOS|HIOS|LOPROC|HIPROC|"
                     r"LOSUNW|HISUNW|ENCODING)$", name):
            continue
        if value >= 0x70000000 and name not in GENERIC_HIGH_TAGS and not name.startswith(processor):
            continue
        tags.append((value, name))
    return sorted(set(tags))


def libgcc(path, gcc):
    """{node: [symbols]} of libgcc_s.so.1, nodes of GCC releases up to `gcc`."""
    out = subprocess.run(["readelf", "--dyn-syms", "-W", path], capture_output=True, text=True, check=True)
    nodes = {}
    for match in re.finditer(r"\s(\w+)@@?(GCC_[\d.]+)", out.stdout):
        symbol, node = match.groups()
        if int(node.split("_")[1].split(".")[0]) <= gcc:
            nodes.setdefault(node, []).append(symbol)
    for node in re.findall(r"Name: (GCC_[\d.]+)", subprocess.run(
            ["readelf", "-V", "-W", path], capture_output=True, text=True, check=True).stdout):
        if int(node.split("_")[1].split(".")[0]) <= gcc:
            nodes.setdefault(node, [])
    return nodes


def write_library(out, soname, nodes):
    out.append(f"[{soname}]")
    for node in sorted(nodes):
        out.append(" ".join([node] + sorted(set(nodes[node]))))


def main(glibc, out_dir):
    for tag in GLIBC_TAGS:
        elf_h = git_show(glibc, tag, "elf/elf.h")
        for arch, (directory, loader, processor) in ARCHES.items():
            out = [
                f"# glibc {tag} and GCC {GCC[tag]}'s libgcc_s, {arch}: written by derive.py",
                f"# from glibc's tag glibc-{tag} ({directory}/*.abilist, elf/elf.h)",
                f"# and Debian 12's libgcc_s.so.1, nodes of GCC <= {GCC[tag]}.",
            ]
            for name, soname in list(LIBRARIES.items()) + [("ld", loader)]:
                text = git_show(glibc, tag, f"{directory}/{name}.abilist")
                if text is None:
                    sys.exit(f"no {name}.abilist at glibc-{tag}")
                write_library(out, soname, abilist(text))
            if arch == "x86_64":
                text = git_show(glibc, tag, "sysdeps/unix/sysv/linux/x86_64/libmvec.abilist")
                write_library(out, "libmvec.so.1", abilist(text))
            write_library(out, "libgcc_s.so.1", libgcc(LIBGCC[arch], GCC[tag]))
            out.append("[dynamic-tags]")
            out += [f"{value:#x} {name}" for value, name in dynamic_tags(elf_h, processor)]
            Path(out_dir, f"glibc-{tag}-{arch}.txt").write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
