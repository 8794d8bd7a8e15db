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
        .env(
            "RUSTFLAGS",
            remap_flags(&[(&root, "/sine"), (&cargo_home(), "/cargo")]),
        );
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

/// `--remap-path-prefix` flags: the binary's panic locations then name
/// `/sine/src/...` and `/cargo/registry/...`, not where this machine keeps
/// the checkout and the crates, so the bytes do not depend on either.
/// (nix/sine.nix does the same for the Nix build directory and vendor dir.)
fn remap_flags(prefixes: &[(&Path, &str)]) -> String {
    prefixes
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
    fn remaps_each_prefix() {
        let flags = remap_flags(&[
            (Path::new("/src/sine"), "/sine"),
            (Path::new("/home/u/.cargo"), "/cargo"),
        ]);
        assert_eq!(
            flags,
            "--remap-path-prefix=/src/sine=/sine --remap-path-prefix=/home/u/.cargo=/cargo"
        );
    }
}
