use std::f64::consts::TAU;

use crate::Tone;

/// Independent rotations advanced side by side, so that the multiplications
/// do not wait on each other and vectorise.
const LANES: usize = 8;

/// Samples computed by rotation between two exact phases.
const RESYNC: usize = 4096;

/// Computes `round(A·sin(2π·f·n/rate))` for consecutive frames `n`, a block
/// at a time, without calling `sin` per sample.
///
/// Every 4096 samples (whatever the length of the slices filled) each lane
/// starts from an exact phase, then advances by complex multiplication with
/// `e^(i·LANES·ω)`, `ω = 2π·f/rate`. The rotation's rounding error grows by
/// about one ulp per step, so within 512 steps it stays far below half an
/// LSB even at 32 bits, and the resynchronisation keeps it from
/// accumulating: every sample is within ±1 LSB of the f64 formula.
#[derive(Clone, Debug)]
pub struct Oscillator {
    /// Integer part of the frequency, in Hz.
    whole_hz: u64,
    /// Fractional part of the frequency, in Hz.
    fraction_hz: f64,
    rate: u32,
    /// `(cos, sin)` of `LANES·ω`.
    step: (f64, f64),
    peak: f64,
    min: f64,
    max: f64,
    next: u64,
}

impl Oscillator {
    /// An oscillator for `tone`, at frame 0.
    pub fn new(tone: &Tone) -> Oscillator {
        let frequency = tone.frequency();
        let mut oscillator = Oscillator {
            whole_hz: frequency.trunc() as u64,
            fraction_hz: frequency.fract(),
            rate: tone.sample_rate(),
            step: (1.0, 0.0),
            peak: tone.peak(),
            min: f64::from(tone.bits().min()),
            max: f64::from(tone.bits().max()),
            next: 0,
        };
        let (sin, cos) = oscillator.phase(LANES as u64).sin_cos();
        oscillator.step = (cos, sin);
        oscillator
    }

    /// Moves to frame `n`: the next sample filled is sample `n`.
    pub fn seek(&mut self, n: u64) {
        self.next = n;
    }

    /// Fills `samples` with the next `samples.len()` samples, clamped to the
    /// sample width (only an amplitude of 1 reaches the clamp).
    pub fn fill(&mut self, samples: &mut [i32]) {
        for block in samples.chunks_mut(RESYNC) {
            self.fill_from_exact_phase(block);
        }
    }

    fn fill_from_exact_phase(&mut self, block: &mut [i32]) {
        let mut cos = [0.0; LANES];
        let mut sin = [0.0; LANES];
        for lane in 0..LANES {
            (sin[lane], cos[lane]) = self.phase(self.next + lane as u64).sin_cos();
        }
        let (step_cos, step_sin) = self.step;
        let mut chunks = block.chunks_exact_mut(LANES);
        for chunk in &mut chunks {
            for lane in 0..LANES {
                chunk[lane] = self.quantise(sin[lane]);
                (cos[lane], sin[lane]) = (
                    cos[lane] * step_cos - sin[lane] * step_sin,
                    sin[lane] * step_cos + cos[lane] * step_sin,
                );
            }
        }
        let rest = chunks.into_remainder();
        for (sample, &sin) in rest.iter_mut().zip(&sin) {
            *sample = self.quantise(sin);
        }
        self.next += block.len() as u64;
    }

    /// `round(A·sin)` clamped to the sample width. Adding 1.5·2^52 to a
    /// number below 2^51 in magnitude leaves it rounded to the nearest integer
    /// (ties to even) in the low bits of the mantissa, in two's complement:
    /// a branch-free round-and-convert that vectorises, where `f64::round` is
    /// a libm call per sample on baseline x86_64.
    fn quantise(&self, sin: f64) -> i32 {
        const ROUNDING_BIAS: f64 = 6_755_399_441_055_744.0;
        ((self.peak * sin).clamp(self.min, self.max) + ROUNDING_BIAS).to_bits() as i32
    }

    /// The phase of frame `n` in radians, `2π·frac(f·n/rate)`. The integer
    /// part of `f` is multiplied and reduced modulo the rate in integer
    /// arithmetic, so the only large rounding is in the f64 product of the
    /// fractional part with `n`: half an ulp of a number below `n`. The
    /// longest file is 16-bit (2,147,483,629 frames, under 2^31): up to
    /// 2^-23 ≈ 1.2e-7 cycles·rate, about 9e-11 rad at 8 kHz late in it
    /// (3e-6 LSB at 16 bits); the longest 32-bit file (under 2^30 frames)
    /// half that, 5e-11 rad (0.1 LSB at 32 bits). Integer frequencies are
    /// exact to about 1e-15 rad.
    fn phase(&self, n: u64) -> f64 {
        let rate = u64::from(self.rate);
        let whole = (u128::from(self.whole_hz) * u128::from(n) % u128::from(rate)) as f64;
        let fraction = (self.fraction_hz * n as f64) % rate as f64;
        TAU * ((whole + fraction) / rate as f64).fract()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Bits, wav_limit};

    /// `2π·frac(f·n/rate)` for any f64 frequency, in exact integer
    /// arithmetic (`f = m/2^k` exactly), rounded to f64 only at the end.
    fn exact_phase(frequency: f64, rate: u32, n: u64) -> f64 {
        let bits = frequency.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as u32;
        let mut mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
        let mut shift = 1075 - exponent; // frequency = mantissa / 2^shift
        while mantissa.is_multiple_of(2) && shift > 0 {
            mantissa /= 2;
            shift -= 1;
        }
        let denominator = u128::from(rate) << shift;
        let numerator = u128::from(mantissa) * u128::from(n) % denominator;
        TAU * (numerator as f64 / denominator as f64)
    }

    /// Distance between two angles, modulo 2π.
    fn angle_error(a: f64, b: f64) -> f64 {
        let d = (a - b).rem_euclid(TAU);
        d.min(TAU - d)
    }

    /// Differences in LSB between `fill` of one slice of `len` samples from
    /// frame `start` and `round(A·sin(exact phase))`, over the last
    /// `checked` samples of the slice.
    fn errors(tone: &Tone, start: u64, len: usize, checked: usize) -> Vec<f64> {
        let mut oscillator = Oscillator::new(tone);
        oscillator.seek(start);
        let mut block = vec![0; len];
        oscillator.fill(&mut block);
        let first = len - checked;
        block[first..]
            .iter()
            .zip(start + first as u64..)
            .map(|(&got, n)| {
                let phase = exact_phase(tone.frequency(), tone.sample_rate(), n);
                let want = (tone.peak() * phase.sin()).round();
                (f64::from(got) - want).abs()
            })
            .collect()
    }

    /// The largest of [`errors`].
    fn max_error(tone: &Tone, start: u64, len: usize, checked: usize) -> f64 {
        errors(tone, start, len, checked).into_iter().fold(0.0, f64::max)
    }

    /// The longest WAV of `bits` at 8 kHz: about 1.07e9 frames at 32 bits,
    /// 2.15e9 at 16 bits.
    fn longest(bits: Bits, frequency: f64) -> Tone {
        let frames = wav_limit::max_frames(bits.bytes());
        let tone = Tone::new(frequency, frames as f64 / 8_000.0, 8_000, bits, 0.99).unwrap();
        assert_eq!(tone.frames(), frames);
        tone
    }

    #[test]
    fn phase_is_exact_for_integer_frequencies_to_the_end_of_the_longest_file() {
        let tone = longest(Bits::B16, 3_999.0);
        let oscillator = Oscillator::new(&tone);
        for n in [0, 1, 12_345, tone.frames() - 1] {
            let error = angle_error(oscillator.phase(n), exact_phase(3_999.0, 8_000, n));
            assert!(error < 1e-14, "frame {n}: {error:e} rad");
        }
    }

    #[test]
    fn phase_of_fractional_frequencies_is_within_1e_10_rad_late_in_the_longest_files() {
        // Half an ulp of f·n: 2^-24 cycles·rate below 2^30 frames (32
        // bits), 2^-23 below 2^31 (16 bits), plus the few ulps of the rest.
        for (bits, bound) in [(Bits::B32, 5e-11), (Bits::B16, 1e-10)] {
            for frequency in [1_234.5, 1_234.567, 0.1, 3_999.999_9] {
                let tone = longest(bits, frequency);
                let oscillator = Oscillator::new(&tone);
                let last = tone.frames() - 1;
                for n in [last - 12_345, last - 1, last] {
                    let error = angle_error(oscillator.phase(n), exact_phase(frequency, 8_000, n));
                    assert!(
                        error < bound,
                        "{bits:?}, {frequency} Hz, frame {n}: {error:e} rad"
                    );
                }
            }
        }
    }

    #[test]
    fn within_one_lsb_at_32_bits_late_in_the_longest_file() {
        for frequency in [1_234.0, 1_234.567, 0.1] {
            let tone = longest(Bits::B32, frequency);
            let error = max_error(&tone, tone.frames() - 8_192, 8_192, 8_192);
            assert!(error <= 1.0, "{frequency} Hz: {error} LSB");
        }
    }

    #[test]
    fn within_one_lsb_at_24_bits() {
        let tone = Tone::new(2_600.0, 2.0, 44_100, Bits::B24, Tone::DEFAULT_AMPLITUDE).unwrap();
        assert!(max_error(&tone, 0, 88_200, 88_200) <= 1.0);
    }

    #[test]
    fn one_long_fill_keeps_the_rounding_of_the_exact_formula() {
        // Integer frequencies have an exact phase, so at 32 bits only the
        // rotation's drift can make a sample round the other way. With a
        // resynchronisation every 4096 samples the drift stays about 1e-4
        // LSB: at most a near-tie in a thousand may round differently.
        // Without one inside a fill it grows over this 4 MiB slice to a
        // large part of an LSB: thousands of the last 65,536 samples do.
        for frequency in [2_600.0, 3_999.0] {
            let tone = longest(Bits::B32, frequency);
            let errors = errors(&tone, 1_000_000_000, 1 << 20, 1 << 16);
            let differ = errors.iter().filter(|&&e| e > 0.0).count();
            assert!(
                differ <= errors.len() / 1000,
                "{frequency} Hz: {differ} samples differ"
            );
            assert!(errors.iter().all(|&e| e <= 1.0), "{frequency} Hz");
        }
    }

    #[test]
    fn full_scale_is_clamped_to_the_sample_width() {
        // 11025 Hz at 44.1 kHz hits sin = ±1 every fourth sample.
        let tone = Tone::new(11_025.0, 1.0, 44_100, Bits::B16, 1.0).unwrap();
        let mut block = [0; 4];
        Oscillator::new(&tone).fill(&mut block);
        assert_eq!(block, [0, 32_767, 0, -32_768]);
    }

    #[test]
    fn consecutive_fills_give_the_same_samples_as_one() {
        let tone = Tone::new(440.5, 1.0, 48_000, Bits::B24, 0.5).unwrap();
        let mut whole = vec![0; 30_000];
        Oscillator::new(&tone).fill(&mut whole);
        let mut parts = vec![0; 30_000];
        let mut oscillator = Oscillator::new(&tone);
        for chunk in parts.chunks_mut(1_000) {
            oscillator.fill(chunk);
        }
        let differ = whole
            .iter()
            .zip(&parts)
            .filter(|(a, b)| (**a - **b).abs() > 1)
            .count();
        assert_eq!(differ, 0);
    }
}
