//! A bundle's files as the audit sees them, from a directory or a ZIP.

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

use super::elf::is_elf;

/// One file, directory or symlink of a bundle.
#[derive(Debug)]
pub struct Entry {
    /// Path inside the bundle, `/`-separated, no trailing slash.
    pub name: String,
    /// Unix permission bits.
    pub mode: u32,
    /// What it is.
    pub kind: Kind,
}

/// The kinds of entries.
#[derive(Debug)]
pub enum Kind {
    /// A regular file and its bytes.
    File(Vec<u8>),
    /// A directory.
    Dir,
    /// A symbolic link and its target.
    Symlink(String),
}

/// What an audited path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A bundle directory: symlinks allowed.
    Dir,
    /// A Lambda ZIP.
    Zip,
    /// One ELF file, a bundle of one: no mode rules.
    Elf,
}

/// Reads the directory, ZIP or ELF file at `path`.
pub fn read_source(path: &Path) -> Result<(Source, Vec<Entry>)> {
    let shown = path.display();
    let meta = fs::metadata(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => anyhow!("{shown}: no such file or directory"),
        _ => anyhow!("{shown}: {error}"),
    })?;
    if meta.is_dir() {
        return Ok((Source::Dir, read_entries(path)?));
    }
    let bytes = fs::read(path).with_context(|| format!("reading {shown}"))?;
    if is_elf(&bytes) {
        let name = path
            .file_name()
            .map_or("?".into(), |n| n.to_string_lossy().into_owned());
        let mode = meta.permissions().mode();
        return Ok((
            Source::Elf,
            vec![Entry {
                name,
                mode,
                kind: Kind::File(bytes),
            }],
        ));
    }
    if !bytes.starts_with(b"PK") {
        bail!("{shown}: not a directory, a ZIP or an ELF file");
    }
    let mut entries = Vec::new();
    read_zip(path, &mut entries).with_context(|| format!("{shown}: not a readable ZIP"))?;
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((Source::Zip, entries))
}

/// Reads the bundle directory `dir`.
pub fn read_entries(dir: &Path) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    read_dir(dir, "", &mut entries)?;
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

fn read_dir(dir: &Path, prefix: &str, entries: &mut Vec<Entry>) -> Result<()> {
    for item in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let item = item?;
        let name = format!("{prefix}{}", item.file_name().to_string_lossy());
        let meta = fs::symlink_metadata(item.path())?;
        let mode = meta.permissions().mode();
        let kind = if meta.is_symlink() {
            Kind::Symlink(fs::read_link(item.path())?.to_string_lossy().into_owned())
        } else if meta.is_dir() {
            read_dir(&item.path(), &format!("{name}/"), entries)?;
            Kind::Dir
        } else {
            Kind::File(fs::read(item.path())?)
        };
        entries.push(Entry { name, mode, kind });
    }
    Ok(())
}

fn read_zip(path: &Path, entries: &mut Vec<Entry>) -> Result<()> {
    const S_IFMT: u32 = 0o170000;
    const S_IFLNK: u32 = 0o120000;
    let mut archive = zip::ZipArchive::new(fs::File::open(path)?)?;
    for index in 0..archive.len() {
        let mut file = archive.by_index(index)?;
        let mode = file.unix_mode().unwrap_or(0);
        let name = file.name().trim_end_matches('/').to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let kind = if file.is_dir() {
            Kind::Dir
        } else if mode & S_IFMT == S_IFLNK {
            Kind::Symlink(String::from_utf8_lossy(&bytes).into_owned())
        } else {
            Kind::File(bytes)
        };
        entries.push(Entry { name, mode, kind });
    }
    Ok(())
}
