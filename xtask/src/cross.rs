//! `cargo xtask sine`: `sine` cross-built with cargo-zigbuild for the glibc
//! of Amazon Linux 2, linked against a libsndfile install prefix.

use std::path::{Path, PathBuf};

use std::process::Stdio;

use anyhow::{Context, Result, bail};

use crate::arch::Arch;
use crate::tools::{cargo, project_root, with_zig_caches};

/// Builds the release `sine` for `arch` against the libsndfile in `prefix`
/// and returns the binary's path. pkg-config sees only that prefix, so the
/// host's libsndfile cannot be picked up.
pub fn build_sine(arch: Arch, prefix: &Path, cache: &Path) -> Result<PathBuf> {
    let root = project_root();
    let mut command = cargo();
    command
        .current_dir(&root)
        .args([
            "zigbuild",
            "--release",
            "--locked",
            "--package",
            "sine",
            "--bin",
            "sine",
        ])
        .args(["--target", &arch.zigbuild_target()])
        .env("PKG_CONFIG_LIBDIR", prefix.join("lib/pkgconfig"))
        .env("PKG_CONFIG_PATH", "")
        .env("PKG_CONFIG_ALLOW_CROSS", "1")
        .env("RUSTFLAGS", remap_flags(&remaps(&root, &cargo_home())?));
    // Cargo names the binary it built: wherever CARGO_TARGET_DIR or
    // build.target-dir put it, that is the one to bundle.
    command
        .arg("--message-format=json-render-diagnostics")
        .stderr(Stdio::inherit());
    let output = with_zig_caches(&mut command, cache)
        .output()
        .with_context(|| format!("cannot start {command:?}"))?;
    if !output.status.success() {
        bail!("{command:?} failed: {}", output.status);
    }
    built_executable(&output.stdout, "sine").context("cargo reported no sine executable")
}

/// The executable of the binary target `name` in cargo's JSON messages.
fn built_executable(messages: &[u8], name: &str) -> Option<PathBuf> {
    String::from_utf8_lossy(messages)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact" && message["target"]["name"] == name)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
}

/// What the binary's panic locations are remapped to: the checkout to
/// `/sine`, each of cargo's unpacked registries to `/crates` (so a crate is
/// `/crates/NAME-VERSION`), anything else of cargo's home to `/cargo`. The
/// bytes then depend neither on where this machine keeps them nor on the
/// path: nix/sine.nix maps the build directory and crane's vendored
/// registries to the same names. rustc lets the last matching flag win, so
/// the registries come after the home that holds them.
fn remaps(root: &Path, cargo_home: &Path) -> Result<Vec<(PathBuf, &'static str)>> {
    let mut remaps = vec![
        (root.to_path_buf(), "/sine"),
        (cargo_home.to_path_buf(), "/cargo"),
    ];
    let registries = cargo_home.join("registry/src");
    if registries.is_dir() {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&registries)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<std::io::Result<_>>()?;
        found.sort();
        remaps.extend(found.into_iter().map(|dir| (dir, "/crates")));
    }
    Ok(remaps)
}

/// `--remap-path-prefix=FROM=TO` for each pair, space-separated.
fn remap_flags(remaps: &[(PathBuf, &str)]) -> String {
    remaps
        .iter()
        .map(|(from, to)| format!("--remap-path-prefix={}={to}", from.display()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Cargo's home: `$CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_executable_cargo_names() {
        let messages = br#"{"reason":"compiler-artifact","target":{"name":"clap","kind":["lib"]},"executable":null}
{"reason":"compiler-artifact","target":{"name":"sine","kind":["bin"]},"executable":"/elsewhere/aarch64-unknown-linux-gnu/release/sine"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            built_executable(messages, "sine"),
            Some(PathBuf::from("/elsewhere/aarch64-unknown-linux-gnu/release/sine"))
        );
        assert_eq!(built_executable(b"{\"reason\":\"build-finished\"}", "sine"), None);
    }

    #[test]
    fn remaps_the_checkout_then_cargo_home_then_each_registry() {
        let home = tempfile::tempdir().unwrap();
        for registry in ["index.crates.io-1949cf8c6b5b557f", "other-0123"] {
            std::fs::create_dir_all(home.path().join("registry/src").join(registry)).unwrap();
        }
        let h = home.path().display();
        assert_eq!(
            remap_flags(&remaps(Path::new("/src/sine"), home.path()).unwrap()),
            format!(
                "--remap-path-prefix=/src/sine=/sine --remap-path-prefix={h}=/cargo \
                 --remap-path-prefix={h}/registry/src/index.crates.io-1949cf8c6b5b557f=/crates \
                 --remap-path-prefix={h}/registry/src/other-0123=/crates"
            )
        );
    }
}
