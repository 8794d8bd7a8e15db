//! The steps as a Nix builder runs them: an unprivileged user, inputs
//! read-only (as in the Nix store), `HOME=/homeless-shelter`, no network.
//! Needs root to become that user; without root the test fails unless
//! `SINE_TEST_ALLOW_SKIP=1` allows the skip.

use std::fs::{self, Permissions};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// The user a Nix build runs as here: `nobody`, with no supplementary groups.
const BUILDER: [&str; 4] = ["--reuid=65534", "--regid=65534", "--clear-groups", "--"];

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// `name` on PATH, or in the project's tool venv.
fn tool(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([root.join(".venv/bin")])
        .map(|dir| dir.join(name))
        .find(|file| file.is_file())
        .unwrap_or_else(|| panic!("{name} not found on PATH or in .venv/bin"))
}

/// Makes every file and directory under `dir` read-only, as the store does.
fn read_only(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_only(&path);
            fs::set_permissions(&path, Permissions::from_mode(0o555)).unwrap();
        } else {
            let executable = fs::metadata(&path).unwrap().permissions().mode() & 0o111 != 0;
            let mode = if executable { 0o555 } else { 0o444 };
            fs::set_permissions(&path, Permissions::from_mode(mode)).unwrap();
        }
    }
}

#[test]
fn bundle_and_zip_run_as_an_unprivileged_builder_on_read_only_inputs() {
    if !is_root() {
        assert!(
            std::env::var_os("SINE_TEST_ALLOW_SKIP").is_some_and(|v| v == "1"),
            "this test must run as root to become an unprivileged user; \
             set SINE_TEST_ALLOW_SKIP=1 to skip it"
        );
        eprintln!("SKIPPED: not root");
        return;
    }
    let scratch = TempDir::new().unwrap();
    let top = scratch.path();
    fs::set_permissions(top, Permissions::from_mode(0o755)).unwrap();

    // Inputs, read-only as in the store: any ELF executable stands in for
    // sine and libsndfile (patchelf only needs ELF files), plus the tools.
    let inputs = top.join("inputs");
    let licences = inputs.join("prefix/share/licenses/libsndfile");
    fs::create_dir_all(&licences).unwrap();
    fs::create_dir_all(inputs.join("prefix/lib")).unwrap();
    fs::create_dir_all(inputs.join("bin")).unwrap();
    let elf = tool("true");
    fs::copy(&elf, inputs.join("sine")).unwrap();
    fs::copy(&elf, inputs.join("prefix/lib/libsndfile.so.1.0.29")).unwrap();
    for file in ["COPYING", "SOURCE"] {
        fs::write(licences.join(file), file).unwrap();
    }
    fs::write(inputs.join("lambda_function.py"), "def handler(e, c): pass\n").unwrap();
    fs::copy(env!("CARGO_BIN_EXE_xtask"), inputs.join("bin/xtask")).unwrap();
    fs::copy(tool("patchelf"), inputs.join("bin/patchelf")).unwrap();
    read_only(&inputs);
    fs::set_permissions(&inputs, Permissions::from_mode(0o555)).unwrap();

    let work = top.join("work");
    fs::create_dir(&work).unwrap();
    Command::new("chown")
        .args(["65534:65534"])
        .arg(&work)
        .status()
        .unwrap();

    let step = |args: &[&str]| {
        let out = Command::new(tool("unshare"))
            .arg("--net")
            .arg(tool("setpriv"))
            .args(BUILDER)
            .arg(inputs.join("bin/xtask"))
            .args(args)
            .current_dir(&work)
            .env_clear()
            .env("PATH", inputs.join("bin"))
            .env("HOME", "/homeless-shelter")
            .env("XTASK_TARGET_DIR", work.join("target"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "xtask {args:?} as an unprivileged builder: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let input = |name: &str| inputs.join(name).to_str().unwrap().to_owned();
    step(&[
        "bundle",
        "--sine",
        &input("sine"),
        "--libsndfile",
        &input("prefix"),
        "--handler",
        &input("lambda_function.py"),
        "--arch",
        "x86_64",
        "--out",
        "bundle",
    ]);
    step(&["zip", "bundle", "--out", "bundle.zip"]);

    let mode = |name: &str| {
        fs::metadata(work.join("bundle").join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777
    };
    assert_eq!(mode("sine"), 0o755);
    assert_eq!(mode("libsndfile.so.1.0.29"), 0o644);
    let rpath = Command::new(tool("patchelf"))
        .args(["--print-rpath"])
        .arg(work.join("bundle/sine"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&rpath.stdout).trim(), "$ORIGIN");
    assert!(work.join("bundle.zip").is_file());
}
