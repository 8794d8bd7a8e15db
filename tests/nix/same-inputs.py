"""Reads `nix derivation show -r` of the ZIP for several build systems (one
JSON file each, named after the system) and fails unless every input that is
not a toolchain is the same store path on all of them: the crates, the
libsndfile source, patchelf's source and the project's own files. Toolchain
downloads (zig, cargo-zigbuild, Rust, stdenv) differ per build system by
design and are listed, not compared."""

import json
import sys
from pathlib import Path

# Fixed-output downloads that carry source, by where they come from.
SOURCE_URLS = ("crates.io", "github.com/libsndfile", "/patchelf-")


def inputs(closure):
    """The source store paths the closure's derivations take."""
    found = set()
    for drv in closure.values():
        env = drv.get("env", {})
        out = drv["outputs"].get("out", {})
        urls = " ".join(env.get(key, "") for key in ("url", "urls"))
        if "hash" in out and any(s in urls or s in env.get("name", "") for s in SOURCE_URLS):
            found.add(out["path"])
        for src in drv.get("inputSrcs", []):
            # The project's files, filtered by lib.fileset (named "source").
            if src.endswith("-source"):
                found.add(src)
    return found


def main(files):
    per_system = {Path(f).stem: inputs(json.loads(Path(f).read_text())) for f in files}
    first, *rest = per_system
    ok = True
    for system in rest:
        only_first = per_system[first] - per_system[system]
        only_other = per_system[system] - per_system[first]
        if only_first or only_other:
            ok = False
            print(f"{first} vs {system}: inputs differ", file=sys.stderr)
            for path in sorted(only_first):
                print(f"  only {first}: {path}", file=sys.stderr)
            for path in sorted(only_other):
                print(f"  only {system}: {path}", file=sys.stderr)
    count = len(per_system[first])
    if not ok or count == 0:
        sys.exit(1)
    print(f"same-inputs: {', '.join(per_system)}: the same {count} source inputs")


main(sys.argv[1:])
