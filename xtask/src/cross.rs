//! `cargo xtask sine`: `sine` cross-built with cargo-zigbuild for the glibc
//! of Amazon Linux 2, linked against a libsndfile install prefix.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use crate::arch::Arch;
use crate::tools::{project_root, run, with_zig_caches};

/// Builds the release `sine` for `arch` against the libsndfile in `prefix`
/// and returns the binary's path. pkg-config sees only that prefix, so the
/// host's libsndfile cannot be picked up.
pub fn build_sine(arch: Arch, prefix: &Path, cache: &Path) -> Result<PathBuf> {
    let root = project_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
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
        .env("PKG_CONFIG_ALLOW_CROSS", "1");
    run(with_zig_caches(&mut command, cache))?;
    Ok(root.join("target").join(arch.rust_target()).join("release/sine"))
}
