//! Writing a regular file in one piece: the content goes to a temporary file
//! in the target's directory that appears at the target's path only once
//! complete, so that an error or a signal leaves the directory as it was.
//!
//! Where the filesystem supports it (ext4, xfs, btrfs, tmpfs, ...) the
//! temporary file has no name at all (`O_TMPFILE`): even SIGKILL leaves
//! nothing. It is then linked into place: directly under the target's name
//! for a new file; for an existing one, since a link cannot replace a file,
//! under a fresh `.sine-*.tmp` name that is at once renamed over the target.
//! Only a SIGKILL (or a crash) between those two system calls leaves that
//! name, holding the complete WAV; SIGINT, SIGTERM and SIGHUP are held back
//! until the rename is done. Elsewhere (FUSE, NFS, ...) a named
//! `.sine-*.tmp` file is written and removed on error and on SIGINT,
//! SIGTERM and SIGHUP; SIGKILL leaves it behind.
//!
//! Replacing a file keeps its mode and, where the process may set them
//! (root), its owner and group; a new file gets `0666` less the umask. As
//! with any atomic replace, the target is a new inode: other hard links to
//! the old file keep the old content.

use std::fs::{File, Metadata, OpenOptions, Permissions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use rustix::fs::{AtFlags, CWD, Mode, OFlags};
use rustix::io::Errno;

use crate::signals;

/// Mode of a new file, less the umask, as any Unix tool creates files.
const NEW_FILE_MODE: u32 = 0o666;

/// Runs `write` on a temporary file beside `target`, then puts the file at
/// `target`, replacing `existing` (the target's metadata) if given.
pub fn write_in_one_piece(
    target: &Path,
    existing: Option<&Metadata>,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = match unnamed_in(dir) {
        Ok(file) => file,
        Err(error) if error.raw_os_error().is_some_and(no_unnamed_files) => {
            return signals::deferred(|| write_named(dir, target, existing, write))?;
        }
        Err(error) => return Err(error),
    };
    keep_owner_and_mode(&file, existing)?;
    write(&mut file)?;
    signals::deferred(|| link_into_place(&file, dir, target, existing.is_none()))?
}

/// An unnamed file in `dir`, for reading and writing.
fn unnamed_in(dir: &Path) -> io::Result<File> {
    let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(CWD, dir, flags, Mode::from_raw_mode(NEW_FILE_MODE))?;
    Ok(File::from(fd))
}

/// The errors by which `open(O_TMPFILE)` says the filesystem (or kernel)
/// has no unnamed files.
fn no_unnamed_files(errno: i32) -> bool {
    [Errno::OPNOTSUPP, Errno::ISDIR, Errno::INVAL]
        .iter()
        .any(|e| e.raw_os_error() == errno)
}

fn link_into_place(file: &File, dir: &Path, target: &Path, new: bool) -> io::Result<()> {
    if new {
        match link(file, target) {
            // Someone created the target meanwhile: replace it as below.
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
            done => return done,
        }
    }
    let linked = temp_name().make_in(dir, |name| link(file, name))?;
    // On failure the name is removed when `linked` is dropped.
    linked.persist(target).map(drop).map_err(|e| e.error)
}

/// Gives the unnamed `file` the name `to`.
fn link(file: &File, to: &Path) -> io::Result<()> {
    // Through /proc, which needs no privilege; AT_EMPTY_PATH needs
    // CAP_DAC_READ_SEARCH, but works without /proc.
    let by_proc = format!("/proc/self/fd/{}", file.as_raw_fd());
    match rustix::fs::linkat(CWD, by_proc.as_str(), CWD, to, AtFlags::SYMLINK_FOLLOW) {
        Err(Errno::NOENT) if !Path::new("/proc/self/fd").exists() => {
            rustix::fs::linkat(file, "", CWD, to, AtFlags::EMPTY_PATH)
        }
        linked => linked,
    }
    .map_err(io::Error::from)
}

fn temp_name() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".sine-").suffix(".tmp");
    builder
}

/// The fallback: a named temporary file, removed on error and on signals.
fn write_named(
    dir: &Path,
    target: &Path,
    existing: Option<&Metadata>,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let (mut file, pending) = signals::removed_on_signal(|| {
        let named = temp_name().make_in(dir, |name| {
            OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .mode(NEW_FILE_MODE)
                .open(name)
        })?;
        Ok(named.into_parts())
    })?;
    keep_owner_and_mode(&file, existing)?;
    write(&mut file)?;
    pending.persist(target)
}

/// Gives `file` the owner, group and mode of the file it replaces. Only a
/// privileged process may give a file away: elsewhere the new file keeps
/// the process's owner (or group) where the old one's cannot be set.
fn keep_owner_and_mode(file: &File, existing: Option<&Metadata>) -> io::Result<()> {
    let Some(old) = existing else {
        return Ok(());
    };
    // The owner first: changing it clears the set-user-ID and set-group-ID bits.
    let denied = |result: io::Result<()>| match result {
        Err(error) if error.kind() == io::ErrorKind::PermissionDenied => Ok(true),
        other => other.map(|()| false),
    };
    if denied(std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())))? {
        denied(std::os::unix::fs::fchown(file, None, Some(old.gid())))?;
    }
    file.set_permissions(Permissions::from_mode(old.mode() & 0o7777))
}
