//! A WAV to a sink that cannot seek (a pipe, a terminal, a device), in one
//! pass and in constant memory.
//!
//! libsndfile completes a WAV header by seeking back to it when the file is
//! closed. The frame count is known in advance, though, so the final header
//! is too: libsndfile itself writes it for a file of that many frames into
//! memory first ([`header`]), and that header is sent ahead of the data. The
//! header libsndfile rewrites at the end must then be the same bytes, and
//! the stream as long as announced: both are checked.

use std::io::{self, Read, Seek, SeekFrom, Write};

use crate::sndfile::WavWriter;
use crate::wav_size::HEADER_BYTES;
use crate::{Tone, render};

/// Writes `tone` as a WAV file to `sink` without seeking.
pub fn render_unseekable(tone: &Tone, sink: impl Write) -> io::Result<()> {
    let mut stream = HeaderFirst::new(sink, header(tone)?, tone.wav_bytes())?;
    render(tone, &mut stream)?;
    stream.finish()
}

/// The header libsndfile writes for `tone` when it closes the file: got by
/// writing only the last frame (libsndfile skips ahead to it) into a
/// [`Probe`], which keeps the header and only the length of the rest.
fn header(tone: &Tone) -> io::Result<Vec<u8>> {
    let mut probe = Probe::default();
    let mut writer = WavWriter::create(&mut probe, tone.sample_rate(), tone.bits())?;
    writer.seek(tone.frames() - 1)?;
    writer.write(&mut [0])?;
    writer.finish()?;
    if probe.end != tone.wav_bytes() {
        return Err(io::Error::other(format!(
            "libsndfile makes a WAV of {} frames {} bytes long, not {}",
            tone.frames(),
            probe.end,
            tone.wav_bytes()
        )));
    }
    Ok(probe.head)
}

/// A file in memory that keeps its first [`HEADER_BYTES`] and the length of
/// the rest.
struct Probe {
    head: Vec<u8>,
    position: u64,
    end: u64,
}

impl Default for Probe {
    fn default() -> Self {
        Probe {
            head: vec![0; HEADER_BYTES as usize],
            position: 0,
            end: 0,
        }
    }
}

impl Write for Probe {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let head_len = self.head.len() as u64;
        if self.position < head_len {
            let start = self.position as usize;
            let kept = bytes.len().min(self.head.len() - start);
            self.head[start..start + kept].copy_from_slice(&bytes[..kept]);
        }
        self.position += bytes.len() as u64;
        self.end = self.end.max(self.position);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Seek for Probe {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.position = resolve(to, self.position, self.end)?;
        Ok(self.position)
    }
}

impl Read for Probe {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::ErrorKind::Unsupported.into())
    }
}

/// A seekable face on a forward-only sink, for a file whose header is known
/// before its data: the header is sent at once, the data as it comes;
/// libsndfile's own writes over the header are kept aside, to be compared.
struct HeaderFirst<W: Write> {
    sink: W,
    header: Vec<u8>,
    /// What libsndfile wrote over the header's bytes.
    rewritten: Vec<u8>,
    /// Length of the whole file.
    total: u64,
    position: u64,
    /// Bytes sent to the sink.
    sent: u64,
}

impl<W: Write> HeaderFirst<W> {
    fn new(mut sink: W, header: Vec<u8>, total: u64) -> io::Result<Self> {
        sink.write_all(&header)?;
        Ok(HeaderFirst {
            sink,
            rewritten: vec![0; header.len()],
            sent: header.len() as u64,
            header,
            total,
            position: 0,
        })
    }

    fn finish(mut self) -> io::Result<()> {
        if self.rewritten != self.header {
            return Err(io::Error::other(
                "libsndfile's final WAV header differs from the one sent ahead",
            ));
        }
        if self.sent != self.total {
            return Err(io::Error::other(format!(
                "libsndfile wrote {} bytes, not the {} announced",
                self.sent, self.total
            )));
        }
        self.sink.flush()
    }
}

impl<W: Write> Write for HeaderFirst<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let end = self.position + bytes.len() as u64;
        if end <= self.header.len() as u64 {
            self.rewritten[self.position as usize..end as usize].copy_from_slice(bytes);
        } else if self.position == self.sent {
            self.sink.write_all(bytes)?;
            self.sent = end;
        } else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "cannot seek back on a stream",
            ));
        }
        self.position = end;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sink.flush()
    }
}

impl<W: Write> Seek for HeaderFirst<W> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.position = resolve(to, self.position, self.total)?;
        Ok(self.position)
    }
}

impl<W: Write> Read for HeaderFirst<W> {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::ErrorKind::Unsupported.into())
    }
}

/// The position `to` leads to from `position` in a file of `len` bytes.
fn resolve(to: SeekFrom, position: u64, len: u64) -> io::Result<u64> {
    let target = match to {
        SeekFrom::Start(at) => Some(at),
        SeekFrom::Current(by) => position.checked_add_signed(by),
        SeekFrom::End(by) => len.checked_add_signed(by),
    };
    target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Bits, wav_limit};
    use std::io::Cursor;

    fn file_bytes(tone: &Tone) -> Vec<u8> {
        let mut file = Cursor::new(Vec::new());
        render(tone, &mut file).unwrap();
        file.into_inner()
    }

    fn stream_bytes(tone: &Tone) -> Vec<u8> {
        let mut sink = Vec::new();
        render_unseekable(tone, &mut sink).unwrap();
        sink
    }

    #[test]
    fn the_stream_is_the_file_byte_for_byte() {
        for (frames, bits) in [
            (88_200, Bits::B24),
            (3, Bits::B24),
            (1, Bits::B16),
            (4_097, Bits::B32),
        ] {
            let tone = Tone::new(997.0, frames as f64 / 8_000.0, 8_000, bits, 0.5).unwrap();
            assert_eq!(tone.frames(), frames);
            let file = file_bytes(&tone);
            assert_eq!(file.len() as u64, tone.wav_bytes(), "{frames} frames, {bits:?}");
            assert!(stream_bytes(&tone) == file, "{frames} frames, {bits:?}");
        }
    }

    #[test]
    fn the_header_of_the_longest_file_has_sizes_that_fit() {
        for bits in [Bits::B16, Bits::B24, Bits::B32] {
            let frames = wav_limit::max_frames(bits.bytes());
            let tone = Tone::new(440.0, frames as f64 / 8_000.0, 8_000, bits, 0.5).unwrap();
            let header = header(&tone).unwrap();
            let field = |at: usize| u64::from(u32::from_le_bytes(header[at..at + 4].try_into().unwrap()));
            assert_eq!(&header[..4], b"RIFF");
            assert_eq!(field(4), tone.wav_bytes() - 8, "{bits:?}: RIFF size");
            assert_eq!(&header[36..40], b"data");
            assert_eq!(field(40), frames * bits.bytes(), "{bits:?}: data size");
        }
    }

    #[test]
    fn a_stream_refuses_to_seek_back_into_its_data() {
        let mut stream = HeaderFirst::new(Vec::new(), vec![1; 4], 10).unwrap();
        stream.write_all(&[2; 4]).unwrap();
        stream.write_all(&[3; 4]).unwrap();
        stream.seek(SeekFrom::Start(5)).unwrap();
        let error = stream.write_all(&[4]).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::Unsupported);
    }

    #[test]
    fn a_header_rewritten_differently_is_an_error() {
        let mut stream = HeaderFirst::new(Vec::new(), vec![1; 4], 6).unwrap();
        stream.write_all(&[1, 1, 9, 1]).unwrap();
        stream.write_all(&[0, 0]).unwrap();
        let error = stream.finish().unwrap_err();
        assert!(error.to_string().contains("differs"), "{error}");
    }
}
