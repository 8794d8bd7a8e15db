//! Directories xtask makes and may empty again. It deletes only what it
//! made: a directory it may empty carries a marker file xtask wrote when it
//! made it; a non-empty directory without one is refused, never emptied.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Makes `dir` ready to be filled: made new with `marker` in it, or emptied
/// (but for `marker`) when `marker` is there, or given `marker` when empty.
/// A non-empty `dir` without `marker` is refused, untouched.
pub fn empty_dir(dir: &Path, marker: &str) -> Result<()> {
    claim(dir, marker)?;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == marker {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        }
        .with_context(|| format!("removing {}", path.display()))?;
    }
    Ok(())
}

/// Makes sure `dir` is xtask's: new or empty (then `marker` is written in
/// it) or already carrying `marker`. Deletes nothing.
pub fn claim(dir: &Path, marker: &str) -> Result<()> {
    let marked = dir.join(marker);
    if marked.is_file() {
        return Ok(());
    }
    if dir.exists()
        && fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty and was not made by xtask (it has no {marker}): \
             refusing to delete what is in it; choose a new or empty directory",
            dir.display()
        );
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    fs::write(&marked, "made by cargo xtask, which may empty this directory\n")
        .with_context(|| format!("writing {}", marked.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKER: &str = ".made-by-xtask";

    #[test]
    fn refuses_a_foreign_directory_and_leaves_it_alone() {
        let dir = tempfile::TempDir::new().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let error = empty_dir(dir.path(), MARKER).unwrap_err().to_string();
        assert!(
            error.contains("is not empty and was not made by xtask"),
            "{error}"
        );
        assert_eq!(fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine");
        assert!(!dir.path().join(MARKER).exists());
    }

    #[test]
    fn empties_a_directory_it_made() {
        let parent = tempfile::TempDir::new().unwrap();
        let dir = parent.path().join("out");
        empty_dir(&dir, MARKER).unwrap();
        fs::create_dir(dir.join("lib")).unwrap();
        fs::write(dir.join("lib/old.so"), "old").unwrap();
        empty_dir(&dir, MARKER).unwrap();
        let left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [MARKER]);
    }

    #[test]
    fn takes_an_empty_directory() {
        let dir = tempfile::TempDir::new().unwrap();
        empty_dir(dir.path(), MARKER).unwrap();
        assert!(dir.path().join(MARKER).is_file());
    }
}
