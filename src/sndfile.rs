//! The libsndfile binding: a WAV writer over any `Read + Write + Seek`
//! stream, through libsndfile's virtual I/O. Every `unsafe` of the crate is in
//! this module.
//!
//! Its tests are not run under Miri: Miri interprets Rust only, and every
//! test here calls into libsndfile's C code, which Miri cannot execute (its
//! experimental `-Zmiri-native-lib` runs C code unchecked, and Miri needs a
//! nightly toolchain). The pointer discipline is kept simple instead: the
//! `VirtualFile` is owned through a raw pointer from `Box::into_raw` from
//! `create` until after `sf_close`, and reached only through that pointer,
//! never through a reference that outlives one callback or one call.

use std::ffi::{CStr, c_int, c_void};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ptr::NonNull;

use sndfile_sys as sf;

use crate::Bits;

/// Where libsndfile writes: a file, a memory buffer, ...
pub trait Stream: Read + Write + Seek {}
impl<T: Read + Write + Seek> Stream for T {}

/// The libsndfile version string, e.g. `libsndfile-1.0.29`.
pub fn libsndfile_version() -> String {
    // SAFETY: sf_version_string returns a pointer to a static NUL-terminated string.
    unsafe { CStr::from_ptr(sf::sf_version_string()) }
        .to_string_lossy()
        .into_owned()
}

/// The state libsndfile's callbacks reach through their `user_data` pointer.
struct VirtualFile<'a> {
    stream: &'a mut dyn Stream,
    /// Where the WAV starts in `stream`: libsndfile's offsets count from here.
    origin: u64,
    /// The first I/O error, which libsndfile itself can only report as a
    /// short count.
    error: Option<io::Error>,
}

impl VirtualFile<'_> {
    fn record<T>(&mut self, result: io::Result<T>, failed: T) -> T {
        result.unwrap_or_else(|error| {
            self.error.get_or_insert(error);
            failed
        })
    }
}

/// # Safety
/// `user_data` is the pointer that `WavWriter::create` took from
/// `Box::into_raw`: libsndfile calls back only between `sf_open_virtual` and
/// the end of `sf_close`, while the writer owns that box and holds no
/// reference into it.
unsafe fn virtual_file<'a>(user_data: *mut c_void) -> &'a mut VirtualFile<'a> {
    unsafe { &mut *user_data.cast::<VirtualFile<'a>>() }
}

/// An offset of libsndfile's (from the WAV's start) as one of the stream's.
fn from_origin(file: &VirtualFile, at: u64) -> io::Result<sf::sf_count_t> {
    let offset = at
        .checked_sub(file.origin)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start of the WAV"))?;
    Ok(offset as sf::sf_count_t)
}

extern "C" fn get_filelen(user_data: *mut c_void) -> sf::sf_count_t {
    // SAFETY: see `virtual_file`.
    let file = unsafe { virtual_file(user_data) };
    let length = (|| {
        let here = file.stream.stream_position()?;
        let end = file.stream.seek(SeekFrom::End(0))?;
        file.stream.seek(SeekFrom::Start(here))?;
        from_origin(file, end)
    })();
    file.record(length, -1)
}

extern "C" fn seek(offset: sf::sf_count_t, whence: c_int, user_data: *mut c_void) -> sf::sf_count_t {
    // SAFETY: see `virtual_file`.
    let file = unsafe { virtual_file(user_data) };
    let target = match whence {
        sf::SF_SEEK_SET => SeekFrom::Start(file.origin.saturating_add_signed(offset)),
        sf::SF_SEEK_CUR => SeekFrom::Current(offset),
        _ => SeekFrom::End(offset),
    };
    let position = file.stream.seek(target).and_then(|at| from_origin(file, at));
    file.record(position, -1)
}

extern "C" fn read(ptr: *mut c_void, count: sf::sf_count_t, user_data: *mut c_void) -> sf::sf_count_t {
    // SAFETY: see `virtual_file`; libsndfile hands a buffer of `count` bytes.
    let (file, buffer) = unsafe {
        (
            virtual_file(user_data),
            std::slice::from_raw_parts_mut(ptr.cast::<u8>(), count as usize),
        )
    };
    let read = file.stream.read(buffer).map(|n| n as sf::sf_count_t);
    file.record(read, 0)
}

extern "C" fn write(ptr: *const c_void, count: sf::sf_count_t, user_data: *mut c_void) -> sf::sf_count_t {
    // SAFETY: see `virtual_file`; libsndfile hands `count` initialised bytes.
    let (file, bytes) = unsafe {
        (
            virtual_file(user_data),
            std::slice::from_raw_parts(ptr.cast::<u8>(), count as usize),
        )
    };
    let written = file.stream.write_all(bytes).map(|()| count);
    file.record(written, 0)
}

extern "C" fn tell(user_data: *mut c_void) -> sf::sf_count_t {
    // SAFETY: see `virtual_file`.
    let file = unsafe { virtual_file(user_data) };
    let position = file.stream.stream_position().and_then(|at| from_origin(file, at));
    file.record(position, -1)
}

/// A mono PCM WAV being written by libsndfile. Dropping it without
/// [`WavWriter::finish`] closes the handle and ignores errors.
pub struct WavWriter<'a> {
    handle: NonNull<sf::SNDFILE>,
    /// The `user_data` of libsndfile's callbacks, from `Box::into_raw`: owned
    /// by the writer, freed after `sf_close`.
    file: *mut VirtualFile<'a>,
    bits: Bits,
}

impl<'a> WavWriter<'a> {
    /// Starts a WAV file on `stream` at its current position: libsndfile
    /// writes its header now.
    pub fn create(stream: &'a mut dyn Stream, sample_rate: u32, bits: Bits) -> io::Result<Self> {
        let subtype = match bits {
            Bits::B16 => sf::SF_FORMAT_PCM_16,
            Bits::B24 => sf::SF_FORMAT_PCM_24,
            Bits::B32 => sf::SF_FORMAT_PCM_32,
        };
        let mut info = sf::SF_INFO {
            frames: 0,
            samplerate: sample_rate as c_int,
            channels: 1,
            format: sf::SF_FORMAT_WAV | subtype,
            sections: 0,
            seekable: 0,
        };
        let mut callbacks = sf::SF_VIRTUAL_IO {
            get_filelen,
            seek,
            read,
            write,
            tell,
        };
        let origin = stream.stream_position()?;
        let file = Box::into_raw(Box::new(VirtualFile {
            stream,
            origin,
            error: None,
        }));
        // SAFETY: the pointers are valid for the call; libsndfile copies the
        // callbacks and keeps `user_data`, which the returned writer owns.
        let handle = unsafe { sf::sf_open_virtual(&mut callbacks, sf::SFM_WRITE, &mut info, file.cast()) };
        let Some(handle) = NonNull::new(handle) else {
            // SAFETY: from `Box::into_raw` above; libsndfile keeps no pointer
            // to it after a failed open.
            let mut file = unsafe { Box::from_raw(file) };
            return Err(file
                .error
                .take()
                .unwrap_or_else(|| sndfile_error(std::ptr::null_mut())));
        };
        Ok(WavWriter { handle, file, bits })
    }

    /// Moves to frame `frame` (beyond the frames written so far too, as
    /// writes that skip ahead do): the next sample written is that frame.
    pub fn seek(&mut self, frame: u64) -> io::Result<()> {
        // SAFETY: the handle is open.
        let at = unsafe { sf::sf_seek(self.handle.as_ptr(), frame as sf::sf_count_t, sf::SF_SEEK_SET) };
        if at == frame as sf::sf_count_t {
            Ok(())
        } else {
            Err(self
                .take_error()
                .unwrap_or_else(|| sndfile_error(self.handle.as_ptr())))
        }
    }

    /// Appends samples, each in the file's sample width (-2^23..2^23 for 24 bits).
    ///
    /// Takes the block mutably because libsndfile wants samples scaled to the
    /// full `i32` range, which is done in place.
    pub fn write(&mut self, samples: &mut [i32]) -> io::Result<()> {
        let shift = 32 - self.bits.count();
        for sample in samples.iter_mut() {
            *sample <<= shift;
        }
        let handle = self.handle.as_ptr();
        // SAFETY: the handle is open and `samples` holds `len` ints.
        let written = unsafe { sf::sf_write_int(handle, samples.as_ptr(), samples.len() as sf::sf_count_t) };
        if written == samples.len() as sf::sf_count_t {
            Ok(())
        } else {
            Err(self.take_error().unwrap_or_else(|| sndfile_error(handle)))
        }
    }

    /// Completes the header and closes the file, reporting any error.
    pub fn finish(self) -> io::Result<()> {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: the handle is open; `this` is not dropped, so neither the
        // handle nor the file is used again.
        let (code, mut file) = unsafe { this.close() };
        match file.error.take() {
            Some(error) => Err(error),
            None if code != 0 => Err(error_number(code)),
            None => file.stream.flush(),
        }
    }

    /// The first I/O error a callback recorded, if any.
    fn take_error(&mut self) -> Option<io::Error> {
        // SAFETY: see `virtual_file`; libsndfile is not running a callback
        // now, so this is the only reference.
        unsafe { (*self.file).error.take() }
    }

    /// Closes the handle and takes back the `VirtualFile`.
    ///
    /// # Safety
    /// Called once; the writer is not used afterwards.
    unsafe fn close(&self) -> (c_int, Box<VirtualFile<'a>>) {
        // SAFETY: the handle is open; after `sf_close` returns, libsndfile
        // holds no pointer to the file, which came from `Box::into_raw`.
        unsafe {
            let code = sf::sf_close(self.handle.as_ptr());
            (code, Box::from_raw(self.file))
        }
    }
}

impl Drop for WavWriter<'_> {
    fn drop(&mut self) {
        // SAFETY: `finish` does not drop the writer, so this is the one close.
        drop(unsafe { self.close() });
    }
}

/// libsndfile's message for the last error of `handle` (or of the last
/// failed open, for a null handle).
fn sndfile_error(handle: *mut sf::SNDFILE) -> io::Error {
    // SAFETY: sf_strerror accepts an open handle or null and returns a
    // NUL-terminated string.
    message(unsafe { sf::sf_strerror(handle) })
}

fn error_number(code: c_int) -> io::Error {
    // SAFETY: sf_error_number returns a NUL-terminated string for any code.
    message(unsafe { sf::sf_error_number(code) })
}

fn message(text: *const std::ffi::c_char) -> io::Error {
    // SAFETY: callers pass libsndfile's static NUL-terminated strings.
    let text = unsafe { CStr::from_ptr(text) };
    io::Error::other(format!("libsndfile: {}", text.to_string_lossy()))
}
