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
        Some(path) if !path.exists() => bail!("{}: no such file or directory", path.display()),
        Some(path) => path.to_path_buf(),
        None => cached_or_downloaded(&pin)?,
    };
    let tree = if origin.is_dir() {
        origin.clone()
    } else {
        unpack(&origin, work)?
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
pub fn cache_dir() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(std::env::var_os("HOME").context("neither XDG_CACHE_HOME nor HOME is set")?)
            .join(".cache"),
    };
    Ok(base.join("sine-lambda"))
}

fn cached_or_downloaded(pin: &Pin) -> Result<PathBuf> {
    let cache = cache_dir()?;
    let names = pin.archive_names();
    if let Some(found) = names
        .iter()
        .map(|name| cache.join(name))
        .find(|path| path.is_file())
    {
        return Ok(found);
    }
    fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
    let archive = cache.join(&names[0]);
    let partial = tempfile::NamedTempFile::new_in(&cache)?;
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
        // `nix hash path` of this tree (Nix 2.26): a file, an executable,
        // a symlink and a subdirectory.
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("t");
        fs::create_dir_all(tree.join("sub")).unwrap();
        fs::write(tree.join("a.txt"), "hello\n").unwrap();
        fs::write(tree.join("sub/run"), "#!/bin/sh\n").unwrap();
        fs::set_permissions(tree.join("sub/run"), fs::Permissions::from_mode(0o755)).unwrap();
        symlink("a.txt", tree.join("link")).unwrap();
        assert_eq!(nar_hash(&tree).unwrap(), NIX_HASH_OF_TEST_TREE);
    }

    const NIX_HASH_OF_TEST_TREE: &str = "sha256-pVR8gMVyEvALHyp6MTNipMH0FPlaIPoegBUhdpL1o4I=";

    #[test]
    fn the_pin_is_a_release_with_an_sri_hash() {
        let pin = Pin::get();
        assert_eq!(pin.tag, format!("v{}", pin.version));
        assert!(pin.url.contains(&pin.tag));
        assert!(pin.nar_hash.starts_with("sha256-") && pin.nar_hash.len() == 51);
    }
}
