//! The size of the WAV files `sine` writes: the one formula, also used by
//! the test oracle (tests/wavcheck includes this file).
//!
//! libsndfile writes a 44-byte header (`RIFF` size, `fmt ` chunk, `data`
//! chunk header) and the PCM data, plus one zero byte when the data has an
//! odd length (RIFF chunks are word aligned: 3 frames of 24 bits take 54
//! bytes, not 53). The RIFF size field holds the file size less 8 in 32 bits.

/// Bytes before the PCM data.
pub const HEADER_BYTES: u64 = 44;

/// The largest file whose RIFF size field (file size - 8) fits in 32 bits.
pub const MAX_FILE_BYTES: u64 = u32::MAX as u64 + 8;

/// Size of a WAV file of `frames` mono frames of `bytes_per_frame` bytes:
/// `44 + d + (d mod 2)` where `d = frames · bytes_per_frame`.
pub const fn file_bytes(frames: u64, bytes_per_frame: u64) -> u64 {
    let data = frames * bytes_per_frame;
    HEADER_BYTES + data + data % 2
}

/// The most frames of `bytes_per_frame` bytes a WAV file can hold: the
/// largest count whose [`file_bytes`] is at most [`MAX_FILE_BYTES`].
pub const fn max_frames(bytes_per_frame: u64) -> u64 {
    let frames = (MAX_FILE_BYTES - HEADER_BYTES) / bytes_per_frame;
    if file_bytes(frames, bytes_per_frame) > MAX_FILE_BYTES {
        frames - 1
    } else {
        frames
    }
}
