//! The `sine` command end to end: every WAV is decoded with hound and checked
//! sample by sample; every bad input must exit non-zero with a one-line
//! message and leave nothing behind.

mod util;

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;
use util::{Mount, listing, sine, skip};
use wavcheck::{Expected, check};

fn decode(path: &Path, expected: &Expected) -> Vec<i32> {
    let bytes = fs::read(path).unwrap();
    assert_eq!(bytes.len(), expected.file_bytes(), "size of {}", path.display());
    check(bytes.as_slice(), expected).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `sine ARGS OUT` into a fresh directory, expects silence and success,
/// and returns the decoded, checked samples.
fn render(args: &[&str], expected: &Expected) -> Vec<i32> {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out.wav");
    sine()
        .args(args)
        .arg(&out)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    decode(&out, expected)
}

#[test]
fn default_tone_matches_the_reference_program() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("2600.wav");
    sine()
        .arg("2600")
        .arg(&out)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    let samples = decode(&out, &Expected::default_for(2600.0));
    // The reference's first samples (32-bit float phase, truncated): ours
    // are rounded from an exact phase, so they may differ by one.
    let reference = [
        0, 3_013_143, 5_617_519, 7_459_812, 8_290_095, 7_995_729, 6_616_648, 4_339_942,
    ];
    for (n, (ours, theirs)) in samples.iter().zip(reference).enumerate() {
        assert!(
            (ours - theirs).abs() <= 1,
            "sample {n}: {ours} vs reference {theirs}"
        );
    }
    assert_eq!(fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o644);
}

#[test]
fn default_peak_is_the_references() {
    // A quarter of the sample rate reaches sin = 1 on every fourth sample.
    let samples = render(&["11025"], &Expected::default_for(11_025.0));
    assert_eq!(samples.iter().max(), Some(&8_323_072));
}

#[test]
fn every_sample_width() {
    for bits in [16, 24, 32] {
        let expected = Expected {
            bits,
            ..Expected::default_for(997.0)
        };
        render(&["997", "--bits", &bits.to_string()], &expected);
    }
}

#[test]
fn duration_rate_and_amplitude_options() {
    let args = [
        "440.5",
        "--duration",
        "0.75",
        "--sample-rate",
        "48000",
        "--amplitude",
        "0.25",
    ];
    let expected = Expected {
        frequency: 440.5,
        sample_rate: 48_000,
        bits: 24,
        amplitude: 0.25,
        frames: 36_000,
    };
    assert_eq!(render(&args, &expected).iter().max(), Some(&(1 << 21)));
}

#[test]
fn full_scale_amplitude_is_clamped_not_wrapped() {
    let expected = Expected {
        amplitude: 1.0,
        bits: 16,
        ..Expected::default_for(11_025.0)
    };
    let samples = render(&["11025", "--amplitude", "1", "--bits", "16"], &expected);
    assert_eq!(&samples[..4], &[0, 32_767, 0, -32_768]);
}

#[test]
fn a_long_render_stays_exact_to_the_last_sample() {
    let args = [
        "1234.5",
        "--duration",
        "60",
        "--sample-rate",
        "8000",
        "--bits",
        "32",
    ];
    let expected = Expected {
        frequency: 1_234.5,
        sample_rate: 8_000,
        bits: 32,
        amplitude: 127.0 / 128.0,
        frames: 480_000,
    };
    render(&args, &expected);
}

#[test]
fn dash_writes_the_wav_to_stdout() {
    let assert = sine().args(["2600", "-"]).assert().success().stderr("");
    let bytes = &assert.get_output().stdout;
    let expected = Expected::default_for(2600.0);
    assert_eq!(bytes.len(), expected.file_bytes());
    check(bytes.as_slice(), &expected).unwrap();
}

#[test]
fn replaces_an_existing_file() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("a.wav");
    fs::write(&out, b"old").unwrap();
    sine().arg("100").arg(&out).assert().success();
    decode(&out, &Expected::default_for(100.0));
    assert_eq!(listing(dir.path()), ["a.wav"]);
}

#[test]
fn writes_through_a_symlink_to_its_target() {
    let dir = TempDir::new().unwrap();
    let target = dir.path().join("target.wav");
    fs::write(&target, b"old").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("link.wav")).unwrap();
    sine()
        .arg("100")
        .arg(dir.path().join("link.wav"))
        .assert()
        .success();
    assert!(
        fs::symlink_metadata(dir.path().join("link.wav"))
            .unwrap()
            .is_symlink()
    );
    decode(&target, &Expected::default_for(100.0));
}

#[test]
fn help_shows_an_example_and_version_works() {
    sine()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("sine 2600 2600.wav"));
    sine().arg("--version").assert().success().stdout(
        predicate::str::is_match(format!(
            r"^sine {} \(libsndfile-1\.\d+\.\d+\)\n$",
            env!("CARGO_PKG_VERSION")
        ))
        .unwrap(),
    );
}

/// Runs `sine ARGS DIR/old.wav` where old.wav holds "old", and checks the
/// exit code, the one-line message, and that the directory is as it was.
fn rejects(args: &[&str], code: i32, message: &str) {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("old.wav");
    fs::write(&out, b"old").unwrap();
    let assert = sine().args(args).arg(&out).assert().code(code).stdout("");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.starts_with("sine: ") && stderr.contains(message),
        "{args:?}: {stderr:?}"
    );
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr:?}");
    assert_eq!(listing(dir.path()), ["old.wav"], "{args:?}");
    assert_eq!(fs::read(&out).unwrap(), b"old", "{args:?}");
}

#[test]
fn bad_frequencies_are_usage_errors() {
    rejects(&["abc"], 2, "invalid value 'abc' for '<FREQUENCY_HZ>'");
    rejects(
        &["nan"],
        2,
        "frequency must be a finite number of Hz above 0, got NaN",
    );
    rejects(
        &["inf"],
        2,
        "frequency must be a finite number of Hz above 0, got inf",
    );
    rejects(
        &["-5"],
        2,
        "frequency must be a finite number of Hz above 0, got -5",
    );
    rejects(
        &["0"],
        2,
        "frequency must be a finite number of Hz above 0, got 0",
    );
    rejects(
        &["22050"],
        2,
        "frequency 22050 Hz must be below 22050 Hz, the Nyquist frequency",
    );
    rejects(&["30000"], 2, "must be below 22050 Hz");
    rejects(&["5000", "--sample-rate", "8000"], 2, "must be below 4000 Hz");
}

#[test]
fn bad_durations_are_usage_errors() {
    for bad in ["nan", "inf", "0", "-1"] {
        rejects(
            &["440", "--duration", bad],
            2,
            "duration must be a finite number of seconds above 0",
        );
    }
    rejects(&["440", "--duration", "0.00001"], 2, "shorter than one sample");
    rejects(&["440", "--duration", "40000"], 2, "duration 40000 s is too long");
    rejects(&["440", "--duration", "1e300"], 2, "too long");
}

#[test]
fn bad_options_are_usage_errors() {
    rejects(
        &["440", "--bits", "8"],
        2,
        "invalid value '8' for '--bits <BITS>'",
    );
    rejects(
        &["440", "--sample-rate", "7999"],
        2,
        "sample rate 7999 Hz is not supported",
    );
    rejects(
        &["440", "--sample-rate", "x"],
        2,
        "invalid value 'x' for '--sample-rate <HZ>'",
    );
    rejects(&["440", "--amplitude", "1.5"], 2, "amplitude must be");
    rejects(&["440", "--amplitude", "0"], 2, "amplitude must be");
    rejects(&["440", "--frobnicate"], 2, "unexpected argument '--frobnicate'");
}

#[test]
fn missing_arguments_are_usage_errors() {
    let assert = sine().arg("440").assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(
        stderr,
        "sine: the following required arguments were not provided: <OUTPUT>\n"
    );
}

/// Runs `sine 440 OUT` expecting an I/O failure (exit 1) naming OUT.
fn fails_to_write(out: &Path, message: &str) {
    let assert = sine().arg("440").arg(out).assert().code(1).stdout("");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let want = format!("sine: cannot write {}: {message}", out.display());
    assert!(
        stderr.starts_with(&want),
        "{stderr:?} does not start with {want:?}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
}

#[test]
fn missing_directory() {
    let dir = TempDir::new().unwrap();
    fails_to_write(&dir.path().join("missing/x.wav"), "No such file or directory");
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn output_that_is_a_directory() {
    let dir = TempDir::new().unwrap();
    fails_to_write(dir.path(), "it is a directory");
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn dev_full() {
    fails_to_write(Path::new("/dev/full"), "No space left on device");
    assert!(fs::metadata("/dev/full").unwrap().file_type().is_char_device());
}

#[test]
fn read_only_directory() {
    let dir = TempDir::new().unwrap();
    let mount = match Mount::tmpfs(dir.path(), "ro,size=64k") {
        Ok(mount) => mount,
        Err(why) => return skip("read_only_directory", &why),
    };
    fails_to_write(&mount.path().join("x.wav"), "Read-only file system");
    assert!(listing(mount.path()).is_empty());
}

#[test]
fn filesystem_that_fills_up_mid_write() {
    let dir = TempDir::new().unwrap();
    // Room for the header and some samples, not for 264,644 bytes.
    let mount = match Mount::tmpfs(dir.path(), "size=64k") {
        Ok(mount) => mount,
        Err(why) => return skip("filesystem_that_fills_up_mid_write", &why),
    };
    let out = mount.path().join("old.wav");
    fs::write(&out, b"old").unwrap();
    fails_to_write(&out, "No space left on device");
    assert_eq!(listing(mount.path()), ["old.wav"]);
    assert_eq!(fs::read(&out).unwrap(), b"old");
}
