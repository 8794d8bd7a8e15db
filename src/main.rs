//! The `sine` command: writes a sine tone as a PCM WAV file.
//!
//! Exit codes: 0 written, 1 the file could not be written (I/O or
//! libsndfile error), 2 bad usage (an invalid or missing argument).
//! `--dry-run` judges the arguments the same way and prints the WAV's size.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};
use sine::{Bits, Error, Output, Tone, libsndfile_version, write_wav};

const EXAMPLES: &str = "\
Examples:
  sine 2600 2600.wav                       2 s of 2600 Hz, 24-bit, 44.1 kHz
  sine 440 - --duration 0.5 --bits 16 > a.wav
  sine 1000 tone.wav --sample-rate 48000 --amplitude 0.5
  sine 440 - --duration 600 --dry-run      prints 79380044, the WAV's size

Exit codes: 0 written, 1 I/O error (nothing is left at OUTPUT), 2 bad usage.";

/// Writes a sine tone as a mono PCM WAV file through libsndfile.
#[derive(Debug, clap::Parser)]
#[command(after_help = EXAMPLES)]
struct Args {
    /// Frequency in Hz, above 0 and below half the sample rate
    #[arg(value_name = "FREQUENCY_HZ", allow_negative_numbers = true)]
    frequency: f64,

    /// WAV file to write, or - for standard output
    output: OsString,

    /// Length in seconds
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 2.0,
        allow_negative_numbers = true
    )]
    duration: f64,

    /// Samples per second, 8000 to 192000
    #[arg(long, value_name = "HZ", default_value_t = 44_100)]
    sample_rate: u32,

    /// Bits per sample
    #[arg(long, value_enum, default_value = "24")]
    bits: Bits,

    /// Peak as a fraction of full scale, above 0 and at most 1
    /// (the default, 127/128, is -0.068 dBFS)
    #[arg(long, value_name = "FRACTION", default_value_t = Tone::DEFAULT_AMPLITUDE, allow_negative_numbers = true)]
    amplitude: f64,

    /// Check the arguments and print the exact size in bytes of the WAV
    /// that would be written, without writing anything
    #[arg(long)]
    dry_run: bool,
}

fn main() -> ExitCode {
    // The libsndfile actually loaded, which need not be the one linked.
    let version = format!("{} ({})", env!("CARGO_PKG_VERSION"), libsndfile_version());
    let matches = Args::command().version(version).try_get_matches();
    let args = match matches.and_then(|matches| Args::from_arg_matches(&matches)) {
        Ok(args) => args,
        Err(error) if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => return fail(&first_paragraph(&error.render().to_string()), 2),
    };
    let tone = Tone::new(
        args.frequency,
        args.duration,
        args.sample_rate,
        args.bits,
        args.amplitude,
    );
    let written = tone.and_then(|tone| {
        if args.dry_run {
            println!("{}", tone.wav_bytes());
            Ok(())
        } else {
            write_wav(&tone, &Output::from(args.output.as_os_str()))
        }
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error @ Error::Invalid(_)) => fail(&error.to_string(), 2),
        Err(error) => fail(&with_causes(&error), 1),
    }
}

/// Prints the one-line error as `sine: <problem>`.
fn fail(problem: &str, code: u8) -> ExitCode {
    eprintln!("sine: {problem}");
    ExitCode::from(code)
}

/// `error: its source: that one's source ...` on one line.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        line = format!("{line}: {error}");
        cause = error.source();
    }
    line
}

/// Clap's message on one line: its first paragraph, without its `error: `
/// prefix, the usage and the tips.
fn first_paragraph(rendered: &str) -> String {
    rendered
        .trim_start_matches("error: ")
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}
