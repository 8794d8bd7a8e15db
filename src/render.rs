use std::io::{self, Read, Seek, Write};

use crate::Oscillator;
use crate::Tone;
use crate::sndfile::WavWriter;

/// Frames computed and handed to libsndfile at a time: memory use does not
/// depend on the duration.
const BLOCK: usize = 4096;

/// Writes `tone` as a WAV file to `stream` from its current position: the
/// bytes before it are left alone, and the WAV's header offsets count from
/// there.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Bits;
    use std::io::{Cursor, SeekFrom};

    #[test]
    fn renders_from_a_non_zero_position_leaving_what_is_before() {
        let tone = Tone::new(1_000.0, 0.01, 8_000, Bits::B16, 0.5).unwrap();
        let mut alone = Cursor::new(Vec::new());
        render(&tone, &mut alone).unwrap();
        let mut after = Cursor::new(b"0123456789".to_vec());
        after.seek(SeekFrom::End(0)).unwrap();
        render(&tone, &mut after).unwrap();
        let bytes = after.into_inner();
        assert_eq!(&bytes[..10], b"0123456789");
        assert!(bytes[10..] == alone.get_ref()[..]);
        let wav = hound::WavReader::new(&bytes[10..]).unwrap();
        assert_eq!(wav.len(), 80);
    }
}
