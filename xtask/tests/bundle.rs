//! The bundle pipeline end to end. Tests marked `ignore` need the bundles of
//! `cargo xtask dist` in target/dist; `cargo xtask ci` builds them first and
//! runs these with `--include-ignored`.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::run;
use tempfile::TempDir;
use wavcheck::{Expected, check};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn dist() -> PathBuf {
    root().join("target/dist")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn audit(path: &Path, policy: &str) -> (bool, String) {
    let out = xtask(&["audit", path.to_str().unwrap(), "--policy", policy]);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Fails unless the audit failed and reported every one of `violations`.
fn assert_violations((passed, report): (bool, String), violations: &[&str]) {
    assert!(!passed, "the audit passed:\n{report}");
    for violation in violations {
        assert!(
            report.contains(&format!("violation: {violation}")),
            "{violation:?} not in:\n{report}"
        );
    }
}

/// Unzips `zip` into a fresh directory with `unzip`, as Lambda does.
fn unzip(zip: &Path) -> TempDir {
    let task = TempDir::new().unwrap();
    run(Command::new("unzip")
        .arg("-q")
        .arg(zip)
        .arg("-d")
        .arg(task.path()));
    task
}

#[test]
#[ignore = "needs `cargo xtask dist`; run by `cargo xtask ci`"]
fn both_bundles_and_zips_pass_the_al2_audit() {
    for (arch, policy) in [("x86_64", "al2-x86_64"), ("aarch64", "al2-aarch64")] {
        for path in [dist().join(arch), dist().join(format!("sine-lambda-{arch}.zip"))] {
            let (passed, report) = audit(&path, policy);
            assert!(passed, "{}:\n{report}", path.display());
            assert!(
                report.contains("sine: needs GLIBC_2.") && report.contains("RPATH $ORIGIN"),
                "{report}"
            );
        }
        // The JSON report says the same, and GLIBC stays at or below 2.26.
        let zip = dist().join(format!("sine-lambda-{arch}.zip"));
        let out = xtask(&["audit", zip.to_str().unwrap(), "--policy", policy, "--json"]);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["passed"], true);
        let names: Vec<&str> = report["elf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["libsndfile.so.1", "sine"]);
        for elf in report["elf"].as_array().unwrap() {
            let glibc = elf["highest"]["GLIBC"].as_str().unwrap();
            let minor: u32 = glibc.strip_prefix("2.").unwrap().parse().unwrap();
            assert!(minor <= 26, "{} needs GLIBC_{glibc}", elf["name"]);
        }
    }
}

#[test]
#[ignore = "needs `cargo xtask dist`; run by `cargo xtask ci`"]
fn sine_names_no_path_of_the_build_machine() {
    // Panic locations are remapped, so a build in another checkout or by
    // another user gives the same bytes.
    let cargo_home =
        std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap()));
    for arch in ["x86_64", "aarch64"] {
        let bytes = fs::read(dist().join(arch).join("sine")).unwrap();
        for path in [root().to_str().unwrap(), cargo_home.as_str()] {
            let found = bytes.windows(path.len()).any(|w| w == path.as_bytes());
            assert!(!found, "{arch} sine contains {path}");
        }
    }
}

#[test]
fn audit_names_what_debians_libsndfile_needs() {
    let bundle = TempDir::new().unwrap();
    let debian = fs::canonicalize("/usr/lib/x86_64-linux-gnu/libsndfile.so.1").unwrap();
    fs::copy(debian, bundle.path().join("libsndfile.so.1")).unwrap();
    assert_violations(
        audit(bundle.path(), "al2-x86_64"),
        &[
            "pow@GLIBC_2.29 in libsndfile.so.1",
            "fstat@GLIBC_2.33, stat@GLIBC_2.33 in libsndfile.so.1",
            "libsndfile.so.1 needs libFLAC.so.12, which is neither in the bundle",
        ],
    );
    // Amazon Linux 2023's glibc 2.34 has those symbols: only the codecs
    // remain.
    let (_, report) = audit(bundle.path(), "al2023-x86_64");
    assert!(
        !report.contains("GLIBC_2.33 in") && report.contains("libFLAC.so.12"),
        "{report}"
    );
}

#[test]
fn audit_rejects_a_nix_store_runpath() {
    let bundle = TempDir::new().unwrap();
    let exe = bundle.path().join("true");
    fs::copy("/bin/true", &exe).unwrap();
    run(Command::new("patchelf")
        .args(["--set-rpath", "/nix/store/0000-libsndfile-1.0.29/lib"])
        .arg(&exe));
    assert_violations(
        audit(bundle.path(), "al2-x86_64"),
        &[
            "true has RUNPATH /nix/store/0000-libsndfile-1.0.29/lib",
            "true contains a /nix/store path",
        ],
    );
}

#[test]
fn audit_rejects_a_zip_with_a_symlink_or_a_private_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bad.zip");
    let mut zip = zip::ZipWriter::new(fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.add_symlink("libsndfile.so", "libsndfile.so.1", options)
        .unwrap();
    zip.start_file("notes.txt", options.unix_permissions(0o600))
        .unwrap();
    zip.write_all(b"private").unwrap();
    zip.finish().unwrap();
    assert_violations(
        audit(&path, "al2-x86_64"),
        &[
            "libsndfile.so is a symlink: a Lambda ZIP must hold regular files",
            "notes.txt has mode 0600: a data file must be 0644",
        ],
    );
}

#[test]
#[ignore = "needs `cargo xtask dist`; run by `cargo xtask ci`"]
fn dist_is_reproducible() {
    let again = TempDir::new().unwrap();
    let out = xtask(&[
        "dist",
        "--arch",
        "x86_64",
        "--out",
        again.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let first = fs::read(dist().join("sine-lambda-x86_64.zip")).unwrap();
    let second = fs::read(again.path().join("sine-lambda-x86_64.zip")).unwrap();
    assert!(first == second, "two dist runs gave different ZIPs");
}

/// Runs tests/lambda-smoke.sh on the unzipped ZIP of `arch`, with Debian's
/// libsndfile as the decoy, and checks the WAV sample by sample.
fn smoke(arch: &str, runner: &str, decoy_lib: &str) -> Result<(), String> {
    let task = unzip(&dist().join(format!("sine-lambda-{arch}.zip")));
    let decoy = TempDir::new().unwrap();
    fs::copy(
        fs::canonicalize(decoy_lib).unwrap(),
        decoy.path().join("libsndfile.so.1"),
    )
    .unwrap();
    smoke_in(task.path(), runner, decoy.path())
}

fn smoke_in(task: &Path, runner: &str, decoy: &Path) -> Result<(), String> {
    let out = TempDir::new().unwrap();
    let wav = out.path().join("2600.wav");
    let result = Command::new("sh")
        .arg(root().join("tests/lambda-smoke.sh"))
        .arg(task)
        .arg(&wav)
        .env("SMOKE_DECOY_DIR", decoy)
        .env("SMOKE_RUNNER", runner)
        .output()
        .unwrap();
    if !result.status.success() {
        return Err(String::from_utf8_lossy(&result.stderr).into_owned());
    }
    check(fs::File::open(&wav).unwrap(), &Expected::default_for(2600.0)).map(|_| ())
}

#[test]
#[ignore = "needs `cargo xtask dist`; run by `cargo xtask ci`"]
fn x86_64_zip_runs_from_a_fresh_directory_with_its_own_libsndfile() {
    smoke("x86_64", "", "/usr/lib/x86_64-linux-gnu/libsndfile.so.1").unwrap();
}

#[test]
#[ignore = "needs `cargo xtask dist`; run by `cargo xtask ci`"]
fn aarch64_zip_runs_under_qemu_with_its_own_libsndfile() {
    // Debian's arm64 libsndfile is not installed: a copy of the bundle's own,
    // loadable but elsewhere, is the decoy.
    let runner = "qemu-aarch64-static -L /usr/aarch64-linux-gnu";
    smoke(
        "aarch64",
        runner,
        dist().join("aarch64/libsndfile.so.1").to_str().unwrap(),
    )
    .unwrap();
}

#[test]
#[ignore = "needs `cargo xtask dist`; run by `cargo xtask ci`"]
fn without_rpath_the_decoy_wins_and_the_smoke_check_says_so() {
    let task = unzip(&dist().join("sine-lambda-x86_64.zip"));
    run(Command::new("patchelf")
        .args(["--set-rpath", "$ORIGIN"])
        .arg(task.path().join("sine")));
    let decoy = TempDir::new().unwrap();
    let debian = fs::canonicalize("/usr/lib/x86_64-linux-gnu/libsndfile.so.1").unwrap();
    fs::copy(debian, decoy.path().join("libsndfile.so.1")).unwrap();
    let error = smoke_in(task.path(), "", decoy.path()).unwrap_err();
    assert!(
        error.contains(&format!(
            "FAIL: loaded libsndfile from '{}",
            decoy.path().display()
        )),
        "{error}"
    );
}

#[test]
#[ignore = "needs `cargo xtask dist`; run by `cargo xtask ci`"]
fn sine_runs_against_another_libsndfile_put_in_place_of_its_own() {
    // The LGPL's promise: a user can swap in their own libsndfile. Here,
    // Debian's build replaces the bundled one.
    let task = unzip(&dist().join("sine-lambda-x86_64.zip"));
    let debian = fs::canonicalize("/usr/lib/x86_64-linux-gnu/libsndfile.so.1").unwrap();
    fs::copy(debian, task.path().join("libsndfile.so.1")).unwrap();
    let out = TempDir::new().unwrap();
    let wav = out.path().join("swapped.wav");
    run(Command::new(task.path().join("sine")).arg("2600").arg(&wav));
    check(fs::File::open(&wav).unwrap(), &Expected::default_for(2600.0)).unwrap();
}
