use std::ffi::OsStr;
use std::fs::{self, File, Permissions};
use std::io::{self, Cursor, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

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

/// Writes `tone` to `output`. On error nothing partial is left behind: a
/// file is written beside the target and renamed into place only after
/// libsndfile closed it without error.
pub fn write_wav(tone: &Tone, output: &Output) -> Result<()> {
    match output {
        Output::Stdout => write_buffered(tone, &mut io::stdout().lock()).map_err(|e| Error::io("-", e)),
        Output::Path(path) => write_file(tone, path).map_err(|e| Error::io(path, e)),
    }
}

fn write_file(tone: &Tone, path: &Path) -> io::Result<()> {
    let target = match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Err(io::Error::new(io::ErrorKind::IsADirectory, "it is a directory"));
        }
        // A device or FIFO cannot be renamed over, and may not seek.
        Ok(meta) if !meta.is_file() => return write_buffered(tone, &mut File::create(path)?),
        // Replace the file a symlink points to, not the link.
        Ok(_) => fs::canonicalize(path)?,
        Err(_) => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".sine-")
        .suffix(".tmp")
        .permissions(Permissions::from_mode(0o644))
        .tempfile_in(dir)?;
    render(tone, temp.as_file_mut())?;
    temp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Renders into memory, since a WAV header is completed by seeking back,
/// then copies the bytes to `sink`.
fn write_buffered(tone: &Tone, sink: &mut impl Write) -> io::Result<()> {
    const MAX_RESERVED: u64 = 64 << 20;
    let mut buffer = Cursor::new(Vec::with_capacity(tone.wav_bytes().min(MAX_RESERVED) as usize));
    render(tone, &mut buffer)?;
    sink.write_all(buffer.get_ref())?;
    sink.flush()
}
