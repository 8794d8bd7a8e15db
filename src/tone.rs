use crate::{Error, Result};
use crate::{wav_limit, wav_size};

/// PCM sample width of the WAV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Bits {
    /// 16-bit signed PCM.
    #[value(name = "16")]
    B16,
    /// 24-bit signed PCM (the default, like the reference program).
    #[value(name = "24")]
    B24,
    /// 32-bit signed PCM.
    #[value(name = "32")]
    B32,
}

impl Bits {
    /// Bits per sample.
    pub fn count(self) -> u32 {
        match self {
            Bits::B16 => 16,
            Bits::B24 => 24,
            Bits::B32 => 32,
        }
    }

    /// Bytes one mono frame takes in the file.
    pub fn bytes(self) -> u64 {
        u64::from(self.count() / 8)
    }

    /// Largest sample value.
    pub fn max(self) -> i32 {
        i32::MAX >> (32 - self.count())
    }

    /// Smallest sample value.
    pub fn min(self) -> i32 {
        i32::MIN >> (32 - self.count())
    }
}

/// A validated request for a mono sine tone.
#[derive(Clone, Debug, PartialEq)]
pub struct Tone {
    frequency: f64,
    sample_rate: u32,
    frames: u64,
    bits: Bits,
    amplitude: f64,
}

impl Tone {
    /// The reference program's peak, 0x7F000000 / 2^31 of full scale (-0.068 dBFS).
    pub const DEFAULT_AMPLITUDE: f64 = 127.0 / 128.0;
    /// Sample rates accepted, in Hz.
    pub const SAMPLE_RATES: std::ops::RangeInclusive<u32> = 8_000..=192_000;

    /// Checks a request: `frequency` in Hz, strictly between 0 and the Nyquist
    /// frequency; `seconds` positive, at least one frame and at most what a WAV
    /// file can hold; `sample_rate` within [`Tone::SAMPLE_RATES`]; `amplitude`
    /// a fraction of full scale in (0, 1].
    pub fn new(frequency: f64, seconds: f64, sample_rate: u32, bits: Bits, amplitude: f64) -> Result<Tone> {
        let invalid = |problem: String| Err(Error::Invalid(problem));
        if !Self::SAMPLE_RATES.contains(&sample_rate) {
            return invalid(format!(
                "sample rate {sample_rate} Hz is not supported (use {} to {} Hz)",
                Self::SAMPLE_RATES.start(),
                Self::SAMPLE_RATES.end()
            ));
        }
        let nyquist = f64::from(sample_rate) / 2.0;
        if !frequency.is_finite() || frequency <= 0.0 {
            return invalid(format!(
                "frequency must be a finite number of Hz above 0, got {frequency}"
            ));
        }
        if frequency >= nyquist {
            return invalid(format!(
                "frequency {frequency} Hz must be below {nyquist} Hz, \
                 the Nyquist frequency of a {sample_rate} Hz sample rate"
            ));
        }
        if !seconds.is_finite() || seconds <= 0.0 {
            return invalid(format!(
                "duration must be a finite number of seconds above 0, got {seconds}"
            ));
        }
        let max_frames = wav_limit::max_frames(bits.bytes());
        let exact_frames = (seconds * f64::from(sample_rate)).round();
        if exact_frames > max_frames as f64 {
            return invalid(format!(
                "duration {seconds} s is too long: a {}-bit WAV at {sample_rate} Hz holds at most {:.1} s (4 GiB)",
                bits.count(),
                max_frames as f64 / f64::from(sample_rate)
            ));
        }
        if exact_frames < 1.0 {
            return invalid(format!(
                "duration {seconds} s is shorter than one sample at {sample_rate} Hz"
            ));
        }
        if !(amplitude > 0.0 && amplitude <= 1.0) {
            return invalid(format!(
                "amplitude must be a fraction of full scale above 0 and at most 1, got {amplitude}"
            ));
        }
        Ok(Tone {
            frequency,
            sample_rate,
            frames: exact_frames as u64,
            bits,
            amplitude,
        })
    }

    /// Frequency in Hz.
    pub fn frequency(&self) -> f64 {
        self.frequency
    }

    /// Sample rate in Hz.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Number of frames (samples, as the tone is mono).
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Sample width.
    pub fn bits(&self) -> Bits {
        self.bits
    }

    /// Peak as a fraction of full scale.
    pub fn amplitude(&self) -> f64 {
        self.amplitude
    }

    /// Peak in sample units: the `A` of `round(A·sin(2π·f·n/rate))`.
    pub fn peak(&self) -> f64 {
        self.amplitude * 2f64.powi(self.bits.count() as i32 - 1)
    }

    /// Size of the WAV file, exactly: see [`wav_size::file_bytes`].
    pub fn wav_bytes(&self) -> u64 {
        wav_size::file_bytes(self.frames, self.bits.bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(frequency: f64, seconds: f64) -> Result<Tone> {
        Tone::new(frequency, seconds, 44_100, Bits::B24, Tone::DEFAULT_AMPLITUDE)
    }

    fn problem(result: Result<Tone>) -> String {
        match result {
            Err(Error::Invalid(problem)) => problem,
            other => panic!("expected Error::Invalid, got {other:?}"),
        }
    }

    #[test]
    fn default_matches_the_reference() {
        let tone = tone(2600.0, 2.0).unwrap();
        assert_eq!(tone.frames(), 88_200);
        assert_eq!(tone.peak(), 8_323_072.0);
        assert_eq!(tone.wav_bytes(), 264_644);
    }

    #[test]
    fn sample_limits_follow_the_width() {
        assert_eq!((Bits::B16.min(), Bits::B16.max()), (-32_768, 32_767));
        assert_eq!((Bits::B24.min(), Bits::B24.max()), (-8_388_608, 8_388_607));
        assert_eq!((Bits::B32.min(), Bits::B32.max()), (i32::MIN, i32::MAX));
    }

    #[test]
    fn frequency_must_be_positive_finite_and_below_nyquist() {
        for bad in [f64::NAN, f64::INFINITY, -5.0, 0.0] {
            assert!(problem(tone(bad, 2.0)).starts_with("frequency must be"), "{bad}");
        }
        assert!(problem(tone(22_050.0, 2.0)).contains("Nyquist"));
        assert!(tone(22_049.9, 2.0).is_ok());
    }

    #[test]
    fn duration_must_fit_between_one_frame_and_four_gib() {
        for bad in [f64::NAN, f64::NEG_INFINITY, -1.0, 0.0] {
            assert!(problem(tone(440.0, bad)).starts_with("duration must be"), "{bad}");
        }
        assert!(problem(tone(440.0, 1e-6)).contains("shorter than one sample"));
        // 4 GiB of 24-bit mono at 44.1 kHz is 32,463.8 s.
        assert!(problem(tone(440.0, 32_464.0)).contains("too long"));
        assert!(tone(440.0, 32_463.0).is_ok());
    }

    #[test]
    fn odd_length_data_is_padded_to_an_even_size() {
        let three_frames = Tone::new(440.0, 3.0 / 8_000.0, 8_000, Bits::B24, 0.5).unwrap();
        assert_eq!(three_frames.frames(), 3);
        assert_eq!(three_frames.wav_bytes(), 54);
        let four_frames = Tone::new(440.0, 4.0 / 8_000.0, 8_000, Bits::B24, 0.5).unwrap();
        assert_eq!(four_frames.wav_bytes(), 56);
    }

    #[test]
    fn the_longest_accepted_tone_has_a_riff_size_that_fits_32_bits() {
        for bits in [Bits::B16, Bits::B24, Bits::B32] {
            let rate = 8_000;
            let longest = wav_limit::max_frames(bits.bytes());
            let seconds = |frames: u64| frames as f64 / f64::from(rate);
            let tone = Tone::new(440.0, seconds(longest), rate, bits, 0.5).unwrap();
            assert_eq!(tone.frames(), longest, "{bits:?}");
            // The RIFF size field, file size - 8, must not wrap.
            assert!(tone.wav_bytes() - 8 <= u64::from(u32::MAX), "{bits:?}");
            let over = Tone::new(440.0, seconds(longest + 1), rate, bits, 0.5);
            assert!(problem(over).contains("too long"), "{bits:?}");
        }
        // 24 bits: 1,431,655,753 frames would be 4,294,967,259 bytes of
        // data, padded to an even 4,294,967,260: a RIFF size of 2^32.
        assert_eq!(wav_limit::max_frames(3), 1_431_655_752);
        assert_eq!(wav_limit::max_frames(2), 2_147_483_629);
        assert_eq!(wav_limit::max_frames(4), 1_073_741_814);
    }

    #[test]
    fn rate_and_amplitude_are_checked() {
        let rate = Tone::new(440.0, 1.0, 7_999, Bits::B16, 0.5);
        assert!(problem(rate).contains("sample rate 7999 Hz is not supported"));
        for bad in [0.0, -0.5, 1.5, f64::NAN] {
            let amp = Tone::new(440.0, 1.0, 48_000, Bits::B16, bad);
            assert!(problem(amp).starts_with("amplitude must be"), "{bad}");
        }
    }
}
