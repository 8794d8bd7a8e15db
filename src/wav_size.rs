//! The size of the WAV files `sine` writes: the one formula, also used by
//! the test oracle (tests/wavcheck includes this file, so it holds only
//! what both use).
//!
//! libsndfile writes a 44-byte header (`RIFF` size, `fmt ` chunk, `data`
//! chunk header) and the PCM data, plus one zero byte when the data has an
//! odd length (RIFF chunks are word aligned: 3 frames of 24 bits take 54
//! bytes, not 53).

/// Bytes before the PCM data.
pub const HEADER_BYTES: u64 = 44;

/// Size of a WAV file of `frames` mono frames of `bytes_per_frame` bytes:
/// `44 + d + (d mod 2)` where `d = frames · bytes_per_frame`.
pub const fn file_bytes(frames: u64, bytes_per_frame: u64) -> u64 {
    let data = frames * bytes_per_frame;
    HEADER_BYTES + data + data % 2
}
