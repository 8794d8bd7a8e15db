//! `cargo xtask ci`: every check, in the order a failure is cheapest to find.

use std::path::Path;
use std::process::Command;

use anyhow::Result;

use crate::tools::{self, find, run, tool};

/// Formatting, lints, the Nix files' syntax, both bundles, then every test:
/// the Rust ones (with the bundle tests that need `dist`), then the Lambda
/// handler's, on the x86_64 ZIP and, under qemu, on the aarch64 one.
pub fn ci(root: &Path) -> Result<()> {
    let cargo = |args: &[&str]| {
        let mut command = tools::cargo();
        command.current_dir(root).args(args);
        command
    };
    run(&mut cargo(&["fmt", "--all", "--check"]))?;
    run(&mut cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    parse_nix_files(root)?;
    run(&mut cargo(&[
        "run",
        "--quiet",
        "--package",
        "xtask",
        "--",
        "dist",
    ]))?;
    run(&mut cargo(&[
        "test",
        "--workspace",
        "--locked",
        "--",
        "--include-ignored",
    ]))?;
    let unittest = |pattern: &str, arch: &str| {
        let mut command = tool("python3");
        command
            .current_dir(root)
            .args(["-m", "unittest", "discover", "-s", "lambda/tests", "-p", pattern])
            .env("HANDLER_TEST_ARCH", arch)
            // No __pycache__ left in the tree, by the tests or the processes they start.
            .env("PYTHONDONTWRITEBYTECODE", "1");
        command
    };
    run(&mut unittest("test_*.py", "x86_64"))?;
    run(&mut unittest("test_handler.py", "aarch64"))
}

/// `nix-instantiate --parse` on every tracked .nix file: a syntax error is
/// caught here, where Nix cannot build.
fn parse_nix_files(root: &Path) -> Result<()> {
    let listed = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "*.nix"])
        .output()?;
    let files: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(String::from)
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    let Some(nix) = find("nix-instantiate") else {
        anyhow::bail!(
            "nix-instantiate is needed to parse {} Nix files (apt-get install nix-bin)",
            files.len()
        );
    };
    for file in files {
        run(Command::new(&nix)
            .current_dir(root)
            // Parsing needs no build users: no warning that their group is missing.
            .args(["--option", "build-users-group", "", "--parse"])
            .arg(&file)
            .stdout(std::process::Stdio::null()))?;
    }
    Ok(())
}
