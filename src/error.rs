use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a tone could not be written.
#[derive(Debug)]
pub enum Error {
    /// The request itself is wrong (a bad frequency, duration, rate, ...):
    /// nothing was written.
    Invalid(String),
    /// Reading or writing `path` (`-` for standard output) failed: nothing
    /// was left at `path`, and a file that was there before is untouched.
    Io {
        /// Where the WAV was going.
        path: PathBuf,
        /// What went wrong, from the OS or from libsndfile.
        source: io::Error,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(problem) => f.write_str(problem),
            // The cause is `source()`, not repeated here.
            Error::Io { path, .. } => write!(f, "cannot write {}", path.display()),
        }
    }
}

impl std::error::Error for Error {
    /// For [`Error::Io`], what went wrong.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Invalid(_) => None,
            Error::Io { source, .. } => Some(source),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn the_cause_is_the_source_and_not_repeated_in_the_message() {
        let error = Error::io("a.wav", io::Error::other("disk on fire"));
        assert_eq!(error.to_string(), "cannot write a.wav");
        assert_eq!(error.source().unwrap().to_string(), "disk on fire");
    }
}
