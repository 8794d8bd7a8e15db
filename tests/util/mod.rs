//! Helpers for the CLI tests: the binary, real filesystems that are
//! read-only, nearly full or without unnamed temporary files, and waiting.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin_cmd;

/// The `sine` binary under test.
pub fn sine() -> assert_cmd::Command {
    cargo_bin_cmd!("sine")
}

/// A tmpfs mounted for one test, unmounted when dropped.
pub struct Mount(PathBuf);

impl Mount {
    /// Mounts a tmpfs with `options` (e.g. `size=64k` or `ro`) at `dir`, or
    /// explains why it cannot.
    pub fn tmpfs(dir: &Path, options: &str) -> Result<Mount, String> {
        let mut mount = Command::new("mount");
        mount.args(["-t", "tmpfs", "-o", options, "tmpfs"]).arg(dir);
        Mount::by(mount, dir)
    }

    /// Mounts `source` at `dir` through bindfs, a FUSE filesystem that has
    /// no unnamed temporary files (`O_TMPFILE`), or explains why it cannot.
    pub fn bindfs(source: &Path, dir: &Path) -> Result<Mount, String> {
        let mut mount = Command::new("bindfs");
        mount.arg(source).arg(dir);
        Mount::by(mount, dir)
    }

    fn by(mut command: Command, dir: &Path) -> Result<Mount, String> {
        let name = command.get_program().to_string_lossy().into_owned();
        let out = command.output().map_err(|e| format!("cannot run {name}: {e}"))?;
        if out.status.success() {
            Ok(Mount(dir.to_path_buf()))
        } else {
            Err(format!(
                "{name} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Setting that lets a test that cannot run here (no mount permission,
/// no bindfs) pass as skipped; without it such a test fails. CI never sets it.
pub const ALLOW_SKIP: &str = "SINE_TEST_ALLOW_SKIP";

/// A test cannot run here: fails, unless [`ALLOW_SKIP`] is `1`, then says
/// so on the terminal (past the harness's capture of `eprintln!`).
pub fn skip(test: &str, why: &str) {
    use std::io::Write;
    if std::env::var(ALLOW_SKIP).as_deref() != Ok("1") {
        panic!("{test} cannot run here ({why}); set {ALLOW_SKIP}=1 to skip it");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

/// Waits until `done` holds, for at most 30 s.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Names of the files in `dir`, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
