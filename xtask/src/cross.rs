//! `cargo xtask sine`: `sine` cross-built with cargo-zigbuild for the glibc
//! of Amazon Linux 2, linked against a libsndfile install prefix.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::arch::Arch;
use crate::tools::{cargo, project_root, run, with_zig_caches};

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
    run(with_zig_caches(&mut command, cache))?;
    Ok(root.join("target").join(arch.rust_target()).join("release/sine"))
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
