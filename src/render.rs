use std::io::{self, Read, Seek, Write};

use crate::Oscillator;
use crate::Tone;
use crate::sndfile::WavWriter;

/// Frames computed and handed to libsndfile at a time: memory use does not
/// depend on the duration.
const BLOCK: usize = 4096;

/// Writes `tone` as a WAV file to `stream`, from its current position.
pub fn render(tone: &Tone, stream: &mut (impl Read + Write + Seek)) -> io::Result<()> {
    let mut writer = WavWriter::create(stream, tone.sample_rate(), tone.bits())?;
    let mut oscillator = Oscillator::new(tone);
    let mut block = [0; BLOCK];
    let mut left = tone.frames();
    while left > 0 {
        let len = left.min(BLOCK as u64) as usize;
        oscillator.fill(&mut block[..len]);
        writer.write(&mut block[..len])?;
        left -= len as u64;
    }
    writer.finish()
}
