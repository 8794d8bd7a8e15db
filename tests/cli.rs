//! The `sine` command end to end: every WAV is decoded with hound and checked
//! sample by sample; every bad input must exit non-zero with a one-line
//! message and leave nothing behind.

mod util;

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use predicates::prelude::*;
use tempfile::TempDir;
use util::{Mount, listing, sine, skip, wait_until};
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
fn dash_writes_the_wav_to_stdout_byte_for_byte_as_to_a_file() {
    for args in [&["2600"][..], &["997", "--bits", "24", "--duration", "0.000068"]] {
        let assert = sine().args(args).arg("-").assert().success().stderr("");
        let streamed = &assert.get_output().stdout;
        let dir = TempDir::new().unwrap();
        let out = dir.path().join("out.wav");
        sine().args(args).arg(&out).assert().success();
        assert!(*streamed == fs::read(&out).unwrap(), "{args:?}");
    }
    // 3 frames of 24 bits: 9 bytes of data and a pad byte.
    let assert = sine()
        .args(["997", "-", "--sample-rate", "44100", "--duration", "0.000068"])
        .assert()
        .success();
    assert_eq!(assert.get_output().stdout.len(), 54);
    let assert = sine().args(["2600", "-"]).assert().success();
    check(
        assert.get_output().stdout.as_slice(),
        &Expected::default_for(2600.0),
    )
    .unwrap();
}

#[test]
fn a_device_gets_the_wav_streamed() {
    sine()
        .args(["440", "/dev/null", "--duration", "1"])
        .assert()
        .success()
        .stderr("");
    assert!(fs::metadata("/dev/null").unwrap().file_type().is_char_device());
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

/// The mode bits of `path`.
fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Runs `sine ARGS` under `umask MASK`, expecting success.
fn sine_with_umask(mask: &str, args: &[&std::ffi::OsStr]) {
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("umask {mask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_sine"))
        .args(args)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_new_file_gets_0666_less_the_umask() {
    for (mask, want) in [("022", 0o644), ("077", 0o600), ("002", 0o664), ("027", 0o640)] {
        let dir = TempDir::new().unwrap();
        let out = dir.path().join("new.wav");
        sine_with_umask(mask, &["100".as_ref(), out.as_os_str()]);
        assert_eq!(mode(&out), want, "umask {mask}");
        decode(&out, &Expected::default_for(100.0));
    }
}

#[test]
fn a_replaced_file_keeps_its_mode_whatever_the_umask() {
    for old_mode in [0o600, 0o640, 0o755, 0o444] {
        let dir = TempDir::new().unwrap();
        let out = dir.path().join("a.wav");
        fs::write(&out, b"old").unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(old_mode)).unwrap();
        sine_with_umask("077", &["100".as_ref(), out.as_os_str()]);
        assert_eq!(mode(&out), old_mode, "{old_mode:o}");
        decode(&out, &Expected::default_for(100.0));
    }
}

#[test]
fn a_replaced_file_keeps_its_owner_and_group() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("a.wav");
    fs::write(&out, b"old").unwrap();
    if let Err(why) = std::os::unix::fs::chown(&out, Some(4_321), Some(8_765)) {
        return skip(
            "a_replaced_file_keeps_its_owner_and_group",
            &format!("cannot give a file away (not root): {why}"),
        );
    }
    sine().arg("100").arg(&out).assert().success();
    let meta = fs::metadata(&out).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4_321, 8_765));
    decode(&out, &Expected::default_for(100.0));
}

#[test]
fn replacing_breaks_a_hard_link_as_documented() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("a.wav");
    fs::write(&out, b"old").unwrap();
    fs::hard_link(&out, dir.path().join("other.wav")).unwrap();
    sine().arg("100").arg(&out).assert().success();
    decode(&out, &Expected::default_for(100.0));
    assert_eq!(fs::read(dir.path().join("other.wav")).unwrap(), b"old");
}

#[test]
fn writes_through_a_dangling_symlink_to_its_target_path() {
    let dir = TempDir::new().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    // Relative to the link's directory, through a second link.
    symlink("sub/target.wav", dir.path().join("middle.wav")).unwrap();
    symlink("middle.wav", dir.path().join("link.wav")).unwrap();
    sine()
        .arg("100")
        .arg(dir.path().join("link.wav"))
        .assert()
        .success();
    for link in ["link.wav", "middle.wav"] {
        assert!(fs::symlink_metadata(dir.path().join(link)).unwrap().is_symlink());
    }
    decode(&dir.path().join("sub/target.wav"), &Expected::default_for(100.0));
    assert_eq!(listing(&dir.path().join("sub")), ["target.wav"]);
}

#[test]
fn a_symlink_loop_is_an_error() {
    let dir = TempDir::new().unwrap();
    symlink("b.wav", dir.path().join("a.wav")).unwrap();
    symlink("a.wav", dir.path().join("b.wav")).unwrap();
    fails_to_write(&dir.path().join("a.wav"), "Too many levels of symbolic links");
    assert_eq!(listing(dir.path()), ["a.wav", "b.wav"]);
}

#[test]
fn a_path_through_a_file_is_an_error() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("file"), b"old").unwrap();
    fails_to_write(&dir.path().join("file/x.wav"), "Not a directory");
    assert_eq!(listing(dir.path()), ["file"]);
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
/// exit code, the one-line message, and that the directory is as it was;
/// then that `--dry-run` judges the same arguments alike, to the byte.
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
    sine()
        .arg("--dry-run")
        .args(args)
        .arg(&out)
        .assert()
        .code(code)
        .stdout("")
        .stderr(stderr);
    assert_eq!(fs::read(&out).unwrap(), b"old", "--dry-run {args:?}");
}

/// `--dry-run` prints the size of the very file the same arguments write,
/// and writes nothing, not even a new file.
#[test]
fn dry_run_prints_the_size_of_the_wav_and_writes_nothing() {
    let cases: [(&[&str], Expected); 4] = [
        (&[], Expected::default_for(440.0)),
        (
            // 3 frames of 24 bits: 9 bytes of data and libsndfile's pad byte.
            &["--sample-rate", "8000", "--duration", "0.000375"],
            Expected {
                sample_rate: 8_000,
                frames: 3,
                ..Expected::default_for(440.0)
            },
        ),
        (
            &["--bits", "16", "--duration", "0.5"],
            Expected {
                bits: 16,
                frames: 22_050,
                ..Expected::default_for(440.0)
            },
        ),
        (
            &["--bits", "32", "--sample-rate", "48000"],
            Expected {
                bits: 32,
                sample_rate: 48_000,
                frames: 96_000,
                ..Expected::default_for(440.0)
            },
        ),
    ];
    for (options, expected) in cases {
        let dir = TempDir::new().unwrap();
        let out = dir.path().join("out.wav");
        let dry = sine()
            .arg("440")
            .arg(&out)
            .args(options)
            .arg("--dry-run")
            .assert()
            .success()
            .stderr("");
        let printed = String::from_utf8(dry.get_output().stdout.clone()).unwrap();
        assert!(listing(dir.path()).is_empty(), "{options:?}");
        sine().arg("440").arg(&out).args(options).assert().success();
        decode(&out, &expected);
        let written = fs::metadata(&out).unwrap().len();
        assert_eq!(printed, format!("{written}\n"), "{options:?}");
    }
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
fn missing_directory_is_named_as_given() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("missing/x.wav");
    fails_to_write(&out, "No such file or directory");
    let assert = sine().arg("440").arg(&out).assert().code(1);
    assert_eq!(
        String::from_utf8_lossy(&assert.get_output().stderr),
        format!(
            "sine: cannot write {}: No such file or directory (os error 2)\n",
            out.display()
        )
    );
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

/// Starts `sine` on a 50-minute render to `out`, waits until `written`
/// says it is writing, kills it with `signal` and waits for it to end.
/// `env` starts it with the signals' default actions: a test run in the
/// background of a non-interactive shell (CI's is) inherits SIGINT ignored,
/// and sine rightly leaves an ignored signal alone.
fn kill_mid_render(out: &Path, signal: Signal, written: impl Fn(u32) -> bool) {
    let mut child = Command::new("env")
        .arg("--default-signal=INT,TERM,HUP")
        .arg(env!("CARGO_BIN_EXE_sine"))
        .args(["440", "--duration", "3000"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    wait_until("sine is writing", || {
        assert!(child.try_wait().unwrap().is_none(), "sine ended early");
        written(pid)
    });
    kill(Pid::from_raw(pid as i32), signal).unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "{signal}: {status}");
}

/// Whether process `pid` has an unnamed file (`O_TMPFILE`) in `dir` open
/// with over 1 MB written.
fn writing_unnamed_file(pid: u32, dir: &Path) -> bool {
    let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten().any(|fd| {
        let target = fs::read_link(fd.path()).unwrap_or_default();
        let name = target.to_string_lossy();
        name.starts_with(&format!("{}/#", dir.display()))
            && fs::metadata(fd.path()).is_ok_and(|m| m.len() > 1 << 20)
    })
}

/// Whether a named `.sine-*.tmp` file in `dir` holds over 1 MB.
fn writing_named_file(dir: &Path) -> bool {
    fs::read_dir(dir).unwrap().flatten().any(|entry| {
        entry.file_name().to_string_lossy().starts_with(".sine-")
            && entry.metadata().is_ok_and(|m| m.len() > 1 << 20)
    })
}

/// For a new file and for one that is replaced: `sine` killed by each
/// signal while writing leaves the directory as it was.
fn killed_runs_leave_nothing(dir: &Path, signals: &[Signal], written: impl Fn(u32) -> bool) {
    for &signal in signals {
        let new = dir.join("new.wav");
        kill_mid_render(&new, signal, &written);
        assert!(listing(dir).is_empty(), "{signal}: {:?}", listing(dir));

        let old = dir.join("old.wav");
        fs::write(&old, b"old").unwrap();
        kill_mid_render(&old, signal, &written);
        assert_eq!(listing(dir), ["old.wav"], "{signal}");
        assert_eq!(fs::read(&old).unwrap(), b"old", "{signal}");
        fs::remove_file(&old).unwrap();
    }
}

#[test]
fn a_killed_run_leaves_nothing_even_sigkill() {
    let dir = TempDir::new().unwrap();
    let path: PathBuf = dir.path().canonicalize().unwrap();
    let signals = [Signal::SIGKILL, Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP];
    killed_runs_leave_nothing(&path, &signals, |pid| writing_unnamed_file(pid, &path));
}

/// bindfs mounts a directory of this test's at another, as a FUSE
/// filesystem without unnamed temporary files.
fn without_unnamed_files(test: &str) -> Option<(TempDir, Mount)> {
    let dir = TempDir::new().unwrap();
    fs::create_dir(dir.path().join("source")).unwrap();
    fs::create_dir(dir.path().join("mount")).unwrap();
    match Mount::bindfs(&dir.path().join("source"), &dir.path().join("mount")) {
        Ok(mount) => Some((dir, mount)),
        Err(why) => {
            skip(test, &why);
            None
        }
    }
}

#[test]
fn without_unnamed_files_a_named_file_is_written_and_replaces_in_one_piece() {
    let Some((_dir, mount)) =
        without_unnamed_files("without_unnamed_files_a_named_file_is_written_and_replaces_in_one_piece")
    else {
        return;
    };
    let out = mount.path().join("a.wav");
    sine_with_umask("027", &["100".as_ref(), out.as_os_str()]);
    assert_eq!(mode(&out), 0o640);
    decode(&out, &Expected::default_for(100.0));
    fs::set_permissions(&out, fs::Permissions::from_mode(0o604)).unwrap();
    sine().arg("200").arg(&out).assert().success();
    decode(&out, &Expected::default_for(200.0));
    assert_eq!(mode(&out), 0o604);
    assert_eq!(listing(mount.path()), ["a.wav"]);
}

#[test]
fn without_unnamed_files_sigint_sigterm_and_sighup_leave_nothing() {
    let Some((_dir, mount)) =
        without_unnamed_files("without_unnamed_files_sigint_sigterm_and_sighup_leave_nothing")
    else {
        return;
    };
    let path = mount.path().to_path_buf();
    let signals = [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP];
    killed_runs_leave_nothing(&path, &signals, |_| writing_named_file(&path));
}

/// `nohup` and a non-interactive shell's background jobs start `sine` with
/// SIGHUP or SIGINT ignored: such a signal must neither end the render nor
/// remove its temporary file. It is sent while `sine` is stopped mid-render,
/// so that it is pending (or, ignored, discarded) before the render goes on.
#[test]
fn without_unnamed_files_an_ignored_signal_changes_nothing() {
    let Some((_dir, mount)) =
        without_unnamed_files("without_unnamed_files_an_ignored_signal_changes_nothing")
    else {
        return;
    };
    let out = mount.path().join("a.wav");
    let expected = Expected {
        bits: 16,
        frames: 300 * 44_100,
        ..Expected::default_for(440.0)
    };
    for (signal, trap) in [(Signal::SIGHUP, "HUP"), (Signal::SIGINT, "INT")] {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "trap '' {trap}; exec \"$0\" 440 \"$1\" --duration 300 --bits 16"
            ))
            .arg(env!("CARGO_BIN_EXE_sine"))
            .arg(&out)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = Pid::from_raw(child.id() as i32);
        wait_until("sine is writing", || {
            assert!(child.try_wait().unwrap().is_none(), "sine ended early");
            writing_named_file(mount.path())
        });
        kill(pid, Signal::SIGSTOP).unwrap();
        assert!(
            writing_named_file(mount.path()),
            "{signal}: stopped after the render"
        );
        kill(pid, signal).unwrap();
        kill(pid, Signal::SIGCONT).unwrap();
        let done = child.wait_with_output().unwrap();
        assert!(
            done.status.success(),
            "{signal}: {}: {}",
            done.status,
            String::from_utf8_lossy(&done.stderr)
        );
        decode(&out, &expected);
        assert_eq!(listing(mount.path()), ["a.wav"], "{signal}");
        fs::remove_file(&out).unwrap();
    }
}
