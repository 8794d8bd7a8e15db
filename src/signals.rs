//! Keeping SIGINT, SIGTERM and SIGHUP from leaving a file behind: they are
//! held back while a finished file is moved into place, and a named
//! temporary file is removed before they end the process.
//!
//! This assumes the default action (ending the process) for those signals,
//! as a command has; SIGKILL cannot be caught, which is why a named
//! temporary file is only the fallback where the filesystem has no unnamed
//! ones (`O_TMPFILE`).

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask, raise};
use tempfile::TempPath;

fn ending() -> SigSet {
    let mut set = SigSet::empty();
    for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        set.add(signal);
    }
    set
}

/// Runs `f` with SIGINT, SIGTERM and SIGHUP blocked in this thread: in a
/// single-threaded process one that arrives meanwhile ends it only after `f`.
pub fn deferred<T>(f: impl FnOnce() -> T) -> io::Result<T> {
    let mut old = SigSet::empty();
    pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&ending()), Some(&mut old))?;
    let result = f();
    pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old), None)?;
    Ok(result)
}

/// Paths of the named temporary files that exist now.
static PENDING: Mutex<Vec<std::path::PathBuf>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<std::path::PathBuf>> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A named temporary file that is removed when dropped, and also when
/// SIGINT, SIGTERM or SIGHUP ends the process.
pub struct Pending(Option<TempPath>);

/// Creates a named temporary file with `create` and registers it for removal
/// on a signal. Call it inside [`deferred`]: the signals must reach the
/// watching thread, not the one that renders.
pub fn removed_on_signal(
    create: impl FnOnce() -> io::Result<(File, TempPath)>,
) -> io::Result<(File, Pending)> {
    start_watcher()?;
    // Created and registered under the lock, so that no signal falls between.
    let mut pending = pending();
    let (file, path) = create()?;
    pending.push(path.to_path_buf());
    Ok((file, Pending(Some(path))))
}

impl Pending {
    /// Renames the file to `target`, where it is no longer removed.
    pub fn persist(mut self, target: &Path) -> io::Result<()> {
        let path = self.0.take().expect("persisted once");
        let mut pending = pending();
        pending.retain(|p| p.as_path() != &*path);
        // On failure the returned TempPath is dropped, which removes the file.
        path.persist(target).map_err(|e| e.error)
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let mut pending = pending();
            pending.retain(|p| p.as_path() != &*path);
            drop(path);
        }
    }
}

/// Starts, once, the thread that waits for the signals, removes the pending
/// files and then lets the signal end the process.
fn start_watcher() -> io::Result<()> {
    static STARTED: OnceLock<Result<(), String>> = OnceLock::new();
    let started = STARTED.get_or_init(|| {
        let signals = ending();
        // Blocked in the new thread too (it inherits this thread's mask, but
        // say so), so that sigwait receives them.
        std::thread::Builder::new()
            .name("sine-signals".into())
            .spawn(move || {
                let _ = signals.thread_block();
                while let Ok(signal) = signals.wait() {
                    let pending = pending();
                    for path in pending.iter() {
                        let _ = std::fs::remove_file(path);
                    }
                    let _ = signals.thread_unblock();
                    let _ = raise(signal);
                    // Only reached if the signal does not end the process.
                    let _ = signals.thread_block();
                    drop(pending);
                }
            })
            .map(drop)
            .map_err(|e| e.to_string())
    });
    started.clone().map_err(io::Error::other)
}
