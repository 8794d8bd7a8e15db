//! `sine` writes a sine tone as a PCM WAV file through libsndfile.
//!
//! The library half of the `sine` command: [`Tone`] checks what to render,
//! [`Oscillator`] computes the samples, and [`write_wav`] renders a tone to a
//! file or a stream without ever leaving a partial file behind.
//!
//! ```no_run
//! use sine::{Bits, Output, Tone, write_wav};
//!
//! let tone = Tone::new(2600.0, 2.0, 44_100, Bits::B24, Tone::DEFAULT_AMPLITUDE)?;
//! write_wav(&tone, &Output::Path("2600.wav".into()))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod error;
mod oscillator;
mod output;
mod render;
mod replace;
mod signals;
mod sndfile;
mod stream;
mod tone;
mod wav_limit;
mod wav_size;

pub use error::{Error, Result};
pub use oscillator::Oscillator;
pub use output::{Output, write_wav};
pub use render::render;
pub use sndfile::libsndfile_version;
pub use tone::{Bits, Tone};
