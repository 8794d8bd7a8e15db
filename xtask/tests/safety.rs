//! xtask deletes only what it made: pointed at a directory of someone
//! else's, it refuses with a message and leaves every file in place.

use std::fs;
use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

/// Runs xtask with `args`; returns its exit status and stderr.
fn xtask(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A directory holding a file of the user's.
fn users_dir() -> TempDir {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("thesis.tex"), "years of work").unwrap();
    dir
}

fn assert_untouched(dir: &Path) {
    let names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["thesis.tex"]);
    assert_eq!(
        fs::read_to_string(dir.join("thesis.tex")).unwrap(),
        "years of work"
    );
}

#[test]
fn bundle_refuses_an_out_directory_that_is_not_a_bundle() {
    let inputs = TempDir::new().unwrap();
    let lib = inputs.path().join("prefix/lib");
    fs::create_dir_all(&lib).unwrap();
    fs::write(lib.join("libsndfile.so.1.0.29"), "").unwrap();
    fs::write(inputs.path().join("sine"), "").unwrap();
    let out = users_dir();
    let (ok, stderr) = xtask(&[
        "bundle",
        "--sine",
        inputs.path().join("sine").to_str().unwrap(),
        "--libsndfile",
        inputs.path().join("prefix").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        stderr.contains("holds thesis.tex, which a bundle does not"),
        "{stderr}"
    );
    assert_untouched(out.path());
}

#[test]
fn libsndfile_refuses_a_work_or_prefix_directory_it_did_not_make() {
    let src = TempDir::new().unwrap();
    fs::write(src.path().join("CMakeLists.txt"), "").unwrap();
    let src = src.path().to_str().unwrap();
    let mine = TempDir::new().unwrap();
    for option in ["--out", "--prefix"] {
        let users = users_dir();
        let work = mine.path().join("work");
        let (ok, stderr) = xtask(&[
            "libsndfile",
            "--src",
            src,
            option,
            users.path().to_str().unwrap(),
            if option == "--out" { "--prefix" } else { "--out" },
            work.join(option).to_str().unwrap(),
        ]);
        assert!(!ok);
        assert!(
            stderr.contains("is not empty and was not made by xtask"),
            "{option}: {stderr}"
        );
        assert_untouched(users.path());
    }
}
