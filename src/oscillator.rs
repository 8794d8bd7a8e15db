use std::f64::consts::TAU;

use crate::Tone;

/// Independent rotations advanced side by side, so that the multiplications
/// do not wait on each other and vectorise.
const LANES: usize = 8;

/// Computes `round(A·sin(2π·f·n/rate))` for consecutive frames `n`, a block
/// at a time, without calling `sin` per sample.
///
/// Each block starts every lane from an exact phase, then advances each by
/// complex multiplication with `e^(i·LANES·ω)`, `ω = 2π·f/rate`. The
/// rotation's rounding error grows by about one ulp per step, so within a
/// block of a few thousand samples it stays far below half an LSB even at 32
/// bits, and the exact resynchronisation keeps it from accumulating across
/// blocks.
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

    /// Fills `block` with the next `block.len()` samples, clamped to the
    /// sample width (only an amplitude of 1 reaches the clamp).
    pub fn fill(&mut self, block: &mut [i32]) {
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

    /// The phase of frame `n` in radians, `2π·frac(f·n/rate)`, accurate to
    /// about 1e-15 for every `n` a WAV can hold: the integer part of `f` is
    /// multiplied and reduced modulo the rate in integer arithmetic, so the
    /// only rounding is in the product of the fractional part with `n`.
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
    use crate::Bits;

    /// The phase in plain f64 arithmetic, exact for integer frequencies.
    fn exact_phase(frequency: u64, rate: u64, n: u64) -> f64 {
        TAU * ((frequency * n % rate) as f64 / rate as f64)
    }

    fn max_error(tone: &Tone, start: u64, len: usize) -> f64 {
        let mut oscillator = Oscillator::new(tone);
        oscillator.seek(start);
        let mut block = vec![0; len];
        oscillator.fill(&mut block);
        let frequency = tone.frequency() as u64;
        let rate = u64::from(tone.sample_rate());
        block
            .iter()
            .enumerate()
            .map(|(k, &got)| {
                let want = (tone.peak() * exact_phase(frequency, rate, start + k as u64).sin()).round();
                (f64::from(got) - want).abs()
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn phase_is_exact_near_the_end_of_the_longest_file() {
        // 32-bit at 8 kHz is the longest WAV: about 1.07e9 frames.
        let tone = Tone::new(3_999.0, 134_217.0, 8_000, Bits::B32, 1.0).unwrap();
        let oscillator = Oscillator::new(&tone);
        for n in [0, 1, 12_345, tone.frames() - 1] {
            let want = exact_phase(3_999, 8_000, n);
            assert!((oscillator.phase(n) - want).abs() < 1e-12, "frame {n}");
        }
    }

    #[test]
    fn block_is_within_one_lsb_at_32_bits_late_in_a_long_file() {
        let tone = Tone::new(1_234.0, 134_217.0, 8_000, Bits::B32, 0.99).unwrap();
        assert!(max_error(&tone, tone.frames() - 8_192, 8_192) <= 1.0);
    }

    #[test]
    fn block_is_within_one_lsb_at_24_bits() {
        let tone = Tone::new(2_600.0, 2.0, 44_100, Bits::B24, Tone::DEFAULT_AMPLITUDE).unwrap();
        assert!(max_error(&tone, 0, 88_200) <= 1.0);
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
    fn consecutive_fills_continue_the_wave() {
        let tone = Tone::new(440.5, 1.0, 48_000, Bits::B24, 0.5).unwrap();
        let mut whole = vec![0; 3_000];
        Oscillator::new(&tone).fill(&mut whole);
        let mut parts = vec![0; 3_000];
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
