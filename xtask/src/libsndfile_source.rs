//! The libsndfile source both paths build: the release pinned in
//! `xtask/libsndfile-source.json`, which nix/libsndfile.nix reads too.
//!
//! The pin is the NAR hash of the source *tree*, the hash `fetchFromGitHub`
//! checks, so any archive of the tag passes (GitHub's generated tarballs,
//! a `git archive`, an unpacked checkout) and nothing else does.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// `xtask/libsndfile-source.json`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pin {
    pub version: String,
    pub tag: String,
    pub url: String,
    pub nar_hash: String,
}

impl Pin {
    pub fn get() -> Pin {
        serde_json::from_str(include_str!("../libsndfile-source.json"))
            .expect("xtask/libsndfile-source.json is valid")
    }

    /// The archive names looked for in the download cache, newest format first.
    fn archive_names(&self) -> [String; 2] {
        ["tar.gz", "tar.xz"].map(|ext| format!("libsndfile-{}.{ext}", self.version))
    }
}

/// The pinned source, unpacked under `work` and checked: from `given` (a
/// tree or an archive) if set, else from the download cache, else
/// downloaded into it.
pub fn pinned(given: Option<&Path>, work: &Path) -> Result<PathBuf> {
    let pin = Pin::get();
    let origin = match given {
        Some(path) => path.to_path_buf(),
        None => cached_or_downloaded(&pin, &cache_dir()?)?,
    };
    checked(&pin, &origin, work)
}

/// `origin` (a tree, or an archive unpacked under `work`) if its tree is
/// the one `pin` names.
fn checked(pin: &Pin, origin: &Path, work: &Path) -> Result<PathBuf> {
    if !origin.exists() {
        bail!("{}: no such file or directory", origin.display());
    }
    let tree = if origin.is_dir() {
        origin.to_path_buf()
    } else {
        unpack(origin, work)?
    };
    let hash = nar_hash(&tree)?;
    if hash != pin.nar_hash {
        bail!(
            "{} is not libsndfile {}: its tree has NAR hash {hash}, the pin in \
             xtask/libsndfile-source.json is {}",
            origin.display(),
            pin.version,
            pin.nar_hash
        );
    }
    Ok(tree)
}

/// `${XDG_CACHE_HOME:-$HOME/.cache}/sine-lambda`.
fn cache_dir() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(std::env::var_os("HOME").context("neither XDG_CACHE_HOME nor HOME is set")?)
            .join(".cache"),
    };
    Ok(base.join("sine-lambda"))
}

fn cached_or_downloaded(pin: &Pin, cache: &Path) -> Result<PathBuf> {
    let names = pin.archive_names();
    if let Some(found) = names
        .iter()
        .map(|name| cache.join(name))
        .find(|path| path.is_file())
    {
        return Ok(found);
    }
    fs::create_dir_all(cache).with_context(|| format!("creating {}", cache.display()))?;
    let archive = cache.join(&names[0]);
    let partial = tempfile::NamedTempFile::new_in(cache)?;
    println!("downloading libsndfile {} from {}", pin.version, pin.url);
    let out = Command::new("curl")
        .args(["--fail", "--location", "--silent", "--show-error", "--output"])
        .arg(partial.path())
        .arg(&pin.url)
        .output()
        .context("cannot start curl (apt-get install curl)")?;
    if !out.status.success() {
        bail!(
            "cannot download libsndfile {} from {}: {}; offline, put an archive of tag {} at {} \
             or pass --libsndfile-src with a tree or an archive of it",
            pin.version,
            pin.url,
            String::from_utf8_lossy(&out.stderr).trim(),
            pin.tag,
            archive.display()
        );
    }
    partial.persist(&archive)?;
    Ok(archive)
}

/// Unpacks `archive` (any compression tar knows) into a fresh `work/src`
/// and returns its one top directory.
fn unpack(archive: &Path, work: &Path) -> Result<PathBuf> {
    let dest = work.join("src");
    if dest.exists() {
        fs::remove_dir_all(&dest)?;
    }
    fs::create_dir_all(&dest)?;
    let out = Command::new("tar")
        .arg("-xf")
        .arg(archive)
        .arg("-C")
        .arg(&dest)
        .output()
        .context("cannot start tar")?;
    if !out.status.success() {
        bail!(
            "{}: not a tar archive: {}",
            archive.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let entries: Vec<_> = fs::read_dir(&dest)?.collect::<io::Result<_>>()?;
    match entries.as_slice() {
        [one] if one.path().is_dir() => Ok(one.path()),
        _ => bail!("{}: expected one top directory", archive.display()),
    }
}

/// The SRI form of the SHA-256 of `tree` serialised as a NAR: what
/// `nix hash path` prints and `fetchFromGitHub` checks.
pub fn nar_hash(tree: &Path) -> Result<String> {
    let mut nar = nix_nar::Encoder::new(tree).with_context(|| format!("reading {}", tree.display()))?;
    let mut sha = Sha256::new();
    io::copy(&mut nar, &mut sha).with_context(|| format!("reading {}", tree.display()))?;
    Ok(format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(sha.finalize())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    #[test]
    fn nar_hash_agrees_with_nix() {
        let (_dir, tree, _) = test_tree_and_archive();
        assert_eq!(nar_hash(&tree).unwrap(), NIX_HASH_OF_TEST_TREE);
    }

    fn test_pin(url: &str, nar_hash: &str) -> Pin {
        Pin {
            version: "1.0.29".into(),
            tag: "v1.0.29".into(),
            url: url.into(),
            nar_hash: nar_hash.into(),
        }
    }

    /// A directory holding `t/` as in `nar_hash_agrees_with_nix`, and an
    /// archive of it.
    fn test_tree_and_archive() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("t");
        fs::create_dir_all(tree.join("sub")).unwrap();
        fs::write(tree.join("a.txt"), "hello\n").unwrap();
        fs::write(tree.join("sub/run"), "#!/bin/sh\n").unwrap();
        fs::set_permissions(tree.join("sub/run"), fs::Permissions::from_mode(0o755)).unwrap();
        symlink("a.txt", tree.join("link")).unwrap();
        let archive = dir.path().join("t.tar.gz");
        let status = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(dir.path())
            .arg("t")
            .status()
            .unwrap();
        assert!(status.success());
        (dir, tree, archive)
    }

    #[test]
    fn a_tree_or_an_archive_with_the_pinned_hash_is_taken() {
        let (dir, tree, archive) = test_tree_and_archive();
        let pin = test_pin("unused", NIX_HASH_OF_TEST_TREE);
        assert_eq!(checked(&pin, &tree, &dir.path().join("w1")).unwrap(), tree);
        let unpacked = checked(&pin, &archive, &dir.path().join("w2")).unwrap();
        assert_eq!(unpacked, dir.path().join("w2/src/t"));
        assert_eq!(fs::read_to_string(unpacked.join("a.txt")).unwrap(), "hello\n");
    }

    #[test]
    fn another_tree_is_refused_naming_both_hashes() {
        let (dir, tree, _) = test_tree_and_archive();
        fs::write(tree.join("a.txt"), "changed\n").unwrap();
        let pin = test_pin("unused", NIX_HASH_OF_TEST_TREE);
        let error = checked(&pin, &tree, &dir.path().join("w"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("is not libsndfile 1.0.29"), "{error}");
        assert!(error.contains(NIX_HASH_OF_TEST_TREE), "{error}");
    }

    #[test]
    fn a_missing_source_or_a_non_archive_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let pin = test_pin("unused", NIX_HASH_OF_TEST_TREE);
        let missing = dir.path().join("nowhere.tar.gz");
        let error = checked(&pin, &missing, dir.path()).unwrap_err().to_string();
        assert_eq!(error, format!("{}: no such file or directory", missing.display()));
        let text = dir.path().join("notes.txt");
        fs::write(&text, "not a tarball").unwrap();
        let error = checked(&pin, &text, &dir.path().join("w"))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(&format!("{}: not a tar archive", text.display())),
            "{error}"
        );
    }

    #[test]
    fn a_failed_download_says_what_to_do_offline_and_leaves_nothing() {
        let cache = tempfile::tempdir().unwrap();
        // Nothing listens on port 9 (discard) here: the connection is refused.
        let pin = test_pin("http://127.0.0.1:9/v1.0.29.tar.gz", NIX_HASH_OF_TEST_TREE);
        let error = cached_or_downloaded(&pin, cache.path()).unwrap_err().to_string();
        assert!(
            error.starts_with("cannot download libsndfile 1.0.29 from http://127.0.0.1:9/"),
            "{error}"
        );
        assert!(error.contains("--libsndfile-src"), "{error}");
        assert_eq!(
            fs::read_dir(cache.path()).unwrap().count(),
            0,
            "debris in the cache"
        );
    }

    #[test]
    fn a_cached_archive_is_used_without_downloading() {
        let cache = tempfile::tempdir().unwrap();
        let cached = cache.path().join("libsndfile-1.0.29.tar.xz");
        fs::write(&cached, "").unwrap();
        let pin = test_pin("http://127.0.0.1:9/never", NIX_HASH_OF_TEST_TREE);
        assert_eq!(cached_or_downloaded(&pin, cache.path()).unwrap(), cached);
    }

    /// `nix hash path` (Nix 2.26) of the test tree: a file, an executable,
    /// a symlink and a subdirectory.
    const NIX_HASH_OF_TEST_TREE: &str = "sha256-pVR8gMVyEvALHyp6MTNipMH0FPlaIPoegBUhdpL1o4I=";

    #[test]
    fn the_pin_is_a_release_with_an_sri_hash() {
        let pin = Pin::get();
        assert_eq!(pin.tag, format!("v{}", pin.version));
        assert!(pin.url.contains(&pin.tag));
        assert!(pin.nar_hash.starts_with("sha256-") && pin.nar_hash.len() == 51);
    }
}
