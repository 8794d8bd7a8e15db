//! The libsndfile binding: a WAV writer over any `Read + Write + Seek`
//! stream, through libsndfile's virtual I/O. Every `unsafe` of the crate is in
//! this module.

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
/// `user_data` is the `VirtualFile` that `WavWriter::create` boxed, and
/// libsndfile calls back only while that box is alive and not otherwise borrowed.
unsafe fn virtual_file<'a>(user_data: *mut c_void) -> &'a mut VirtualFile<'a> {
    unsafe { &mut *user_data.cast::<VirtualFile<'a>>() }
}

extern "C" fn get_filelen(user_data: *mut c_void) -> sf::sf_count_t {
    // SAFETY: see `virtual_file`.
    let file = unsafe { virtual_file(user_data) };
    let length = (|| {
        let here = file.stream.stream_position()?;
        let end = file.stream.seek(SeekFrom::End(0))?;
        file.stream.seek(SeekFrom::Start(here))?;
        Ok(end as sf::sf_count_t)
    })();
    file.record(length, -1)
}

extern "C" fn seek(offset: sf::sf_count_t, whence: c_int, user_data: *mut c_void) -> sf::sf_count_t {
    // SAFETY: see `virtual_file`.
    let file = unsafe { virtual_file(user_data) };
    let target = match whence {
        sf::SF_SEEK_SET => SeekFrom::Start(offset as u64),
        sf::SF_SEEK_CUR => SeekFrom::Current(offset),
        _ => SeekFrom::End(offset),
    };
    let position = file.stream.seek(target).map(|at| at as sf::sf_count_t);
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
    let position = file.stream.stream_position().map(|at| at as sf::sf_count_t);
    file.record(position, -1)
}

/// A mono PCM WAV being written by libsndfile. Dropping it without
/// [`WavWriter::finish`] closes the handle and ignores errors.
pub struct WavWriter<'a> {
    handle: Option<NonNull<sf::SNDFILE>>,
    /// Boxed so that the address handed to libsndfile stays put.
    file: Box<VirtualFile<'a>>,
    bits: Bits,
}

impl<'a> WavWriter<'a> {
    /// Starts a WAV file on `stream`: libsndfile writes its header now.
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
        let mut file = Box::new(VirtualFile { stream, error: None });
        let user_data = (&raw mut *file).cast::<c_void>();
        // SAFETY: the pointers are valid for the call; libsndfile copies the
        // callbacks and keeps `user_data`, which the returned writer owns.
        let handle = unsafe { sf::sf_open_virtual(&mut callbacks, sf::SFM_WRITE, &mut info, user_data) };
        match NonNull::new(handle) {
            Some(handle) => Ok(WavWriter {
                handle: Some(handle),
                file,
                bits,
            }),
            None => Err(file
                .error
                .take()
                .unwrap_or_else(|| sndfile_error(std::ptr::null_mut()))),
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
        let handle = self.handle();
        // SAFETY: the handle is open and `samples` holds `len` ints.
        let written = unsafe { sf::sf_write_int(handle, samples.as_ptr(), samples.len() as sf::sf_count_t) };
        if written == samples.len() as sf::sf_count_t {
            Ok(())
        } else {
            Err(self.file.error.take().unwrap_or_else(|| sndfile_error(handle)))
        }
    }

    /// Completes the header and closes the file, reporting any error.
    pub fn finish(mut self) -> io::Result<()> {
        let handle = self.handle();
        self.handle = None;
        // SAFETY: the handle is open, and is not used again.
        let code = unsafe { sf::sf_close(handle) };
        match self.file.error.take() {
            Some(error) => Err(error),
            None if code != 0 => Err(error_number(code)),
            None => self.file.stream.flush(),
        }
    }

    fn handle(&self) -> *mut sf::SNDFILE {
        self.handle.expect("WavWriter used after finish").as_ptr()
    }
}

impl Drop for WavWriter<'_> {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            // SAFETY: the handle is open and is not used again.
            unsafe { sf::sf_close(handle.as_ptr()) };
        }
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
