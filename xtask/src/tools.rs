//! Running the external tools (zig, cmake, cargo-zigbuild, patchelf) with
//! their caches inside the build tree and a readable error when one fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The workspace root, from this crate's manifest directory.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs `command`, failing with its command line if it does not succeed.
pub fn run(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot start {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed: {status}");
    }
    Ok(())
}

/// How to start zig: `$ZIG` if set, `zig` if on PATH (Nix), else PyPI's
/// `python3 -m ziglang`, the same lookup cargo-zigbuild makes.
pub fn zig_command() -> Vec<String> {
    if let Some(zig) = std::env::var_os("ZIG") {
        return vec![zig.to_string_lossy().into_owned()];
    }
    match find_on_path("zig") {
        Some(zig) => vec![zig.to_string_lossy().into_owned()],
        None => ["python3", "-m", "ziglang"].map(String::from).to_vec(),
    }
}

/// The first `name` in `$PATH`.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|file| file.is_file())
}

/// Points zig's and cargo-zigbuild's caches at `cache`: zig must not
/// write to $HOME (read-only in a Nix build), and CI keeps one cache per tree.
pub fn with_zig_caches<'a>(command: &'a mut Command, cache: &Path) -> &'a mut Command {
    command
        .env("ZIG_GLOBAL_CACHE_DIR", cache.join("zig-global"))
        .env("ZIG_LOCAL_CACHE_DIR", cache.join("zig-local"))
        .env("XDG_CACHE_HOME", cache.join("xdg"))
}
