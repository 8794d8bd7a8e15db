//! The longest WAV file: its RIFF size field holds the file size less 8 in
//! 32 bits.

use crate::wav_size::{HEADER_BYTES, file_bytes};

/// The largest file whose RIFF size field (file size - 8) fits in 32 bits.
pub const MAX_FILE_BYTES: u64 = u32::MAX as u64 + 8;

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
