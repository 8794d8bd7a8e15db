use std::ffi::OsStr;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use crate::replace::write_in_one_piece;
use crate::stream::render_unseekable;
use crate::{Error, Result, Tone, render};

/// Where a WAV goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Standard output (`-` on the command line).
    Stdout,
    /// A file, replaced only once the whole WAV was written.
    Path(PathBuf),
}

impl From<&OsStr> for Output {
    fn from(arg: &OsStr) -> Output {
        if arg == "-" {
            Output::Stdout
        } else {
            Output::Path(arg.into())
        }
    }
}

/// Writes `tone` to `output`, in constant memory.
///
/// A regular file is written in one piece (see the README): on error, or
/// when the process is killed, nothing is left at its path and a file that
/// was there is untouched; a replaced file keeps its mode (and owner and
/// group, where permitted). A symlink is written through, to its target,
/// even a dangling one. Standard output, devices and FIFOs get the WAV in
/// one pass, its header first.
pub fn write_wav(tone: &Tone, output: &Output) -> Result<()> {
    match output {
        Output::Stdout => write_stdout(tone).map_err(|e| Error::io("-", e)),
        Output::Path(path) => write_path(tone, path).map_err(|e| Error::io(path, e)),
    }
}

fn write_stdout(tone: &Tone) -> io::Result<()> {
    // Unbuffered: `io::stdout()` would flush at every newline byte.
    let stdout = File::from(io::stdout().as_fd().try_clone_to_owned()?);
    render_unseekable(tone, stdout)
}

fn write_path(tone: &Tone, path: &Path) -> io::Result<()> {
    match resolve(path)? {
        Target::New(target) => write_in_one_piece(&target, None, |file| render(tone, file)),
        Target::File(target, old) => write_in_one_piece(&target, Some(&old), |file| render(tone, file)),
        // A device or FIFO cannot be renamed over, nor seek.
        Target::Special => render_unseekable(tone, OpenOptions::new().write(true).open(path)?),
    }
}

/// What a path names once its symlinks are followed.
enum Target {
    /// Nothing yet: a file is created at this path.
    New(PathBuf),
    /// A regular file at this path, with its metadata.
    File(PathBuf, Metadata),
    /// A device, FIFO or socket.
    Special,
}

/// Follows `path`'s symlinks, as `open` would, to the file to write; a
/// dangling link leads to the path of a new file. Errors other than "not
/// found" (permission denied, a loop, ...) are errors.
fn resolve(path: &Path) -> io::Result<Target> {
    /// Linux's limit on symlinks followed in one lookup.
    const MAX_LINKS: usize = 40;
    let mut path = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_symlink() => {
                let link = fs::read_link(&path)?;
                path = path.parent().unwrap_or(Path::new("")).join(link);
            }
            Ok(meta) if meta.is_dir() => {
                return Err(io::Error::new(io::ErrorKind::IsADirectory, "it is a directory"));
            }
            Ok(meta) if meta.is_file() => return Ok(Target::File(path, meta)),
            Ok(_) => return Ok(Target::Special),
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Target::New(path)),
            Err(error) => return Err(error),
        }
    }
    Err(rustix::io::Errno::LOOP.into())
}
