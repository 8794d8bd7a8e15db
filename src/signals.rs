//! Keeping SIGINT, SIGTERM and SIGHUP from leaving a file behind: they are
//! held back while a finished file is moved into place, and a named
//! temporary file is removed before they end the process.
//!
//! A signal the process started with ignored (`nohup` ignores SIGHUP, a
//! non-interactive shell's background job SIGINT) is left alone: blocked, it
//! would still be queued, and the watcher would remove the file for a signal
//! that then does not end the process. The others are assumed to have the
//! default action (ending the process), as a command has. SIGKILL cannot be
//! caught, which is why a named temporary file is only the fallback where
//! the filesystem has no unnamed ones (`O_TMPFILE`).

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask, raise};
use tempfile::TempPath;

/// SIGINT, SIGTERM and SIGHUP, less those ignored when first asked.
fn ending() -> SigSet {
    static ENDING: OnceLock<SigSet> = OnceLock::new();
    *ENDING.get_or_init(|| {
        let ignored = ignored_signals();
        let mut set = SigSet::empty();
        for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
            if ignored & (1 << (signal as i32 - 1)) == 0 {
                set.add(signal);
            }
        }
        set
    })
}

/// The signals this process ignores, bit `n - 1` for signal `n`, from the
/// `SigIgn` line of /proc/self/status: reading a disposition through
/// sigaction(2) would take `unsafe`. Without /proc, none.
fn ignored_signals() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| sig_ign_mask(&status))
        .unwrap_or(0)
}

fn sig_ign_mask(status: &str) -> Option<u64> {
    let hex = status.lines().find_map(|line| line.strip_prefix("SigIgn:"))?;
    u64::from_str_radix(hex.trim(), 16).ok()
}

/// Runs `f` with SIGINT, SIGTERM and SIGHUP (those not ignored) blocked in
/// this thread: in a single-threaded process one that arrives meanwhile ends
/// it only after `f`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ignored_mask_is_read_from_the_status_line() {
        let status = "Name:\tsine\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000003\n";
        assert_eq!(sig_ign_mask(status), Some(0b11));
        assert_eq!(sig_ign_mask("Name:\tsine\n"), None);
    }
}
