//! `cargo bench`: prints the figures the speed and memory targets are judged
//! by. Targets: the oscillator at least 10x faster than a per-sample `sin`
//! loop of equal accuracy; peak RSS of a 10-minute render within 1 MiB of a
//! 2-second one, to a file and to standard output (`/dev/null`, a pipe).

use std::f64::consts::TAU;
use std::hint::black_box;
use std::io;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};
use sine::{Bits, Oscillator, Tone};

const FREQUENCY: f64 = 2600.0;
const TEN_MINUTES: f64 = 600.0;

/// The obvious implementation: one libm `sin` per sample.
fn naive(tone: &Tone, block: &mut [i32], start: u64) {
    let step = TAU * tone.frequency() / f64::from(tone.sample_rate());
    let (min, max) = (f64::from(tone.bits().min()), f64::from(tone.bits().max()));
    for (n, sample) in (start..).zip(block.iter_mut()) {
        *sample = (tone.peak() * (step * n as f64).sin()).round().clamp(min, max) as i32;
    }
}

/// Renders the whole tone a block at a time; returns the time and the
/// largest difference between the two methods.
fn time_blocks(tone: &Tone, mut fill: impl FnMut(&mut [i32], u64)) -> (Duration, Vec<i32>) {
    let mut block = vec![0; 4096];
    let mut kept = Vec::with_capacity(tone.frames() as usize / 4096 + 1);
    let started = Instant::now();
    let mut n = 0;
    while n < tone.frames() {
        let len = (tone.frames() - n).min(4096) as usize;
        fill(&mut block[..len], n);
        kept.push(black_box(block[len / 2]));
        n += len as u64;
    }
    (started.elapsed(), kept)
}

fn per_second(samples: u64, time: Duration) -> f64 {
    samples as f64 / time.as_secs_f64()
}

fn median_process_time(args: &[&str], runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let status = Command::new(env!("CARGO_BIN_EXE_sine"))
                .args(args)
                .status()
                .unwrap();
            assert!(status.success());
            started.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// Set in a copy of this bench that runs one `sine` and reports its peak RSS:
/// the kernel reports the largest of all waited-for children, so each
/// measurement needs a parent of its own. Its value says where `sine`'s
/// standard output goes: `null` (/dev/null) or `pipe` (read by the parent).
const MEASURE: &str = "SINE_BENCH_MEASURE_RSS";

/// Peak RSS in KiB of `sine ARGS`, its standard output to `stdout`.
fn peak_rss_kib(stdout: &str, args: &[&str]) -> i64 {
    let out = Command::new(std::env::current_exe().unwrap())
        .env(MEASURE, stdout)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().parse().unwrap()
}

/// The measuring copy: runs `sine ARGS` and prints its peak RSS in KiB.
fn measure(stdout: &str) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sine = Command::new(env!("CARGO_BIN_EXE_sine"));
    sine.args(&args);
    let status = if stdout == "pipe" {
        let mut child = sine.stdout(Stdio::piped()).spawn().unwrap();
        io::copy(&mut child.stdout.take().unwrap(), &mut io::sink()).unwrap();
        child.wait().unwrap()
    } else {
        sine.stdout(Stdio::null()).status().unwrap()
    };
    assert!(status.success());
    println!("{}", getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss());
}

fn main() {
    if let Ok(stdout) = std::env::var(MEASURE) {
        return measure(&stdout);
    }
    let tone = Tone::new(FREQUENCY, TEN_MINUTES, 44_100, Bits::B24, Tone::DEFAULT_AMPLITUDE).unwrap();
    let mut oscillator = Oscillator::new(&tone);
    let (fast, fast_kept) = time_blocks(&tone, |block, n| {
        oscillator.seek(n);
        oscillator.fill(block);
    });
    let (slow, slow_kept) = time_blocks(&tone, |block, n| naive(&tone, block, n));
    let differ = fast_kept
        .iter()
        .zip(&slow_kept)
        .map(|(a, b)| (a - b).abs())
        .max()
        .unwrap();
    println!("10-minute render, {} samples (24-bit, 44.1 kHz):", tone.frames());
    println!(
        "  oscillator       {:>14.0} samples/s",
        per_second(tone.frames(), fast)
    );
    println!(
        "  per-sample sin() {:>14.0} samples/s",
        per_second(tone.frames(), slow)
    );
    println!(
        "  speed-up         {:>14.1}x (target >= 10x); largest difference {differ} LSB",
        slow.as_secs_f64() / fast.as_secs_f64()
    );

    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("bench.wav");
    let out = out.to_str().unwrap();
    let default = median_process_time(&["2600", out], 101);
    println!(
        "whole process, default 2 s render: {:.2} ms (median of 101)",
        default.as_secs_f64() * 1e3
    );

    println!("peak RSS, 2 s vs 10-minute render (target: difference <= 1024 KiB):");
    for (name, stdout, output) in [
        ("to a file", "null", out),
        ("to stdout, /dev/null", "null", "-"),
        ("to stdout, a pipe", "pipe", "-"),
    ] {
        let short = peak_rss_kib(stdout, &["2600", output]);
        let long = peak_rss_kib(stdout, &["2600", output, "--duration", "600"]);
        println!(
            "  {name:<22} {short} KiB vs {long} KiB, difference {} KiB",
            long - short
        );
    }
}
