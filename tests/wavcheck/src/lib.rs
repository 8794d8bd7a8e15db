//! The tests' oracle for `sine`'s output, shared by the CLI tests and the
//! bundle smoke tests: decodes a WAV with hound and compares every sample with
//! `round(A·sin(2π·f·n/rate))` computed in f64, independently of `sine`'s own
//! oscillator.
#![warn(missing_docs)]

use std::f64::consts::TAU;
use std::io::Read;

/// `sine`'s own size formula, the same source file: one rule, not a copy.
#[path = "../../../src/wav_size.rs"]
mod wav_size;

/// What a WAV written by `sine` must hold.
#[derive(Clone, Copy, Debug)]
pub struct Expected {
    /// Tone frequency in Hz.
    pub frequency: f64,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Bits per sample: 16, 24 or 32.
    pub bits: u16,
    /// Peak as a fraction of full scale.
    pub amplitude: f64,
    /// Number of frames.
    pub frames: u32,
}

impl Expected {
    /// `sine FREQUENCY OUTPUT` with every option at its default.
    pub fn default_for(frequency: f64) -> Expected {
        Expected {
            frequency,
            sample_rate: 44_100,
            bits: 24,
            amplitude: 127.0 / 128.0,
            frames: 88_200,
        }
    }

    /// Size of the file: a 44-byte header (`fmt ` and `data` chunks only),
    /// the samples, and a pad byte after odd-length data.
    pub fn file_bytes(&self) -> usize {
        wav_size::file_bytes(u64::from(self.frames), u64::from(self.bits / 8)) as usize
    }

    /// Sample `n` of the ideal tone, clamped to the sample width.
    pub fn sample(&self, n: u32) -> f64 {
        let peak = self.amplitude * 2f64.powi(i32::from(self.bits) - 1);
        let ideal =
            (peak * (TAU * self.frequency * f64::from(n) / f64::from(self.sample_rate)).sin()).round();
        let full = 2f64.powi(i32::from(self.bits) - 1);
        ideal.clamp(-full, full - 1.0)
    }
}

/// Decodes `wav` and checks it against `expected`: format, size, every sample
/// within ±1 LSB, and the frequency from the count of rising zero crossings.
/// Returns the samples, or a one-line description of the first mismatch.
pub fn check(wav: impl Read, expected: &Expected) -> Result<Vec<i32>, String> {
    let reader = hound::WavReader::new(wav).map_err(|e| format!("not a WAV hound can read: {e}"))?;
    let spec = reader.spec();
    let want_spec = hound::WavSpec {
        channels: 1,
        sample_rate: expected.sample_rate,
        bits_per_sample: expected.bits,
        sample_format: hound::SampleFormat::Int,
    };
    if spec != want_spec {
        return Err(format!("format is {spec:?}, want {want_spec:?}"));
    }
    let samples: Vec<i32> = reader
        .into_samples()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("samples do not decode: {e}"))?;
    if samples.len() != expected.frames as usize {
        return Err(format!("{} frames, want {}", samples.len(), expected.frames));
    }
    for (n, &got) in (0..).zip(&samples) {
        let want = expected.sample(n);
        if (f64::from(got) - want).abs() > 1.0 {
            return Err(format!("sample {n} is {got}, want {want} ± 1"));
        }
    }
    let seconds = f64::from(expected.frames) / f64::from(expected.sample_rate);
    let rising = samples.windows(2).filter(|w| w[0] < 0 && w[1] >= 0).count();
    let measured = rising as f64 / seconds;
    if (measured - expected.frequency).abs() > 1.0 / seconds + 1e-9 {
        return Err(format!(
            "{measured} Hz by zero crossings, want {}",
            expected.frequency
        ));
    }
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn wav(expected: &Expected, sample: impl Fn(u32) -> i32) -> Vec<u8> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: expected.sample_rate,
            bits_per_sample: expected.bits,
            sample_format: hound::SampleFormat::Int,
        };
        let mut bytes = Cursor::new(Vec::new());
        let mut writer = hound::WavWriter::new(&mut bytes, spec).unwrap();
        for n in 0..expected.frames {
            writer.write_sample(sample(n)).unwrap();
        }
        writer.finalize().unwrap();
        bytes.into_inner()
    }

    fn small() -> Expected {
        Expected {
            frames: 4_410,
            ..Expected::default_for(1_000.0)
        }
    }

    #[test]
    fn accepts_the_ideal_tone_and_one_lsb_off() {
        let expected = small();
        assert!(
            check(
                Cursor::new(wav(&expected, |n| expected.sample(n) as i32 + 1)),
                &expected
            )
            .is_ok()
        );
    }

    #[test]
    fn rejects_two_lsb_off_and_names_the_sample() {
        let expected = small();
        let bytes = wav(&expected, |n| expected.sample(n) as i32 + i32::from(n == 7) * 2);
        assert_eq!(
            check(Cursor::new(bytes), &expected).unwrap_err(),
            format!(
                "sample 7 is {}, want {} ± 1",
                expected.sample(7) as i32 + 2,
                expected.sample(7)
            )
        );
    }

    #[test]
    fn rejects_another_format_or_length() {
        let expected = small();
        let bytes = wav(&Expected { bits: 16, ..expected }, |_| 0);
        assert!(
            check(Cursor::new(bytes), &expected)
                .unwrap_err()
                .starts_with("format is")
        );
        let bytes = wav(
            &Expected {
                frames: 10,
                ..expected
            },
            |n| expected.sample(n) as i32,
        );
        assert_eq!(
            check(Cursor::new(bytes), &expected).unwrap_err(),
            "10 frames, want 4410"
        );
    }

    #[test]
    fn the_reference_peak_is_the_24_bit_default() {
        let expected = Expected {
            frequency: 11_025.0,
            ..Expected::default_for(0.0)
        };
        assert_eq!(expected.sample(1), 8_323_072.0);
        assert_eq!(expected.file_bytes(), 264_644);
    }

    #[test]
    fn odd_length_data_counts_its_pad_byte() {
        let three = Expected {
            frames: 3,
            ..Expected::default_for(1_000.0)
        };
        assert_eq!(three.file_bytes(), 54);
    }
}
