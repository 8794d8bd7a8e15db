//! `cargo xtask zip`: a Lambda deployment ZIP from a bundle directory, the
//! same bytes from the same files whenever and wherever it is made.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::audit::{ElfFacts, Entry, Kind, is_elf, read_entries};

/// What goes into the ZIP from a bundle: every directory and regular file,
/// each shared library under its DT_SONAME (the name the loader asks for,
/// as a regular file: deployment tools mishandle symlinks), and no
/// symlinks. Sorted by name; 0755 for directories and executables, 0644
/// for the rest.
fn zip_entries(entries: Vec<Entry>) -> Result<Vec<Entry>> {
    let mut files = Vec::new();
    for Entry { name, mode, kind } in entries {
        match kind {
            Kind::Symlink(_) => {}
            Kind::Dir => files.push(Entry {
                name,
                mode: 0o755,
                kind: Kind::Dir,
            }),
            Kind::File(bytes) => {
                let mut name = name;
                if is_elf(&bytes) {
                    let facts = ElfFacts::parse(&bytes).with_context(|| name.clone())?;
                    if let (false, Some(soname)) = (facts.is_executable(), &facts.soname) {
                        name = match name.rsplit_once('/') {
                            Some((dir, _)) => format!("{dir}/{soname}"),
                            None => soname.clone(),
                        };
                    }
                }
                let mode = if mode & 0o100 != 0 { 0o755 } else { 0o644 };
                files.push(Entry {
                    name,
                    mode,
                    kind: Kind::File(bytes),
                });
            }
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// zopfli's default effort.
const ZOPFLI_ITERATIONS: i64 = 24;

/// Writes the ZIP of the bundle directory `tree` to `out`.
pub fn write_zip(tree: &Path, out: &Path) -> Result<()> {
    let files = zip_entries(read_entries(tree)?)?;
    let mut zip = ZipWriter::new(File::create(out).with_context(|| format!("creating {}", out.display()))?);
    // DOS time cannot be before 1980; this is its first instant. Levels
    // above 9 are zopfli's: slower, and a few percent smaller than zlib's best.
    let options = SimpleFileOptions::default()
        .last_modified_time(DateTime::default())
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(ZOPFLI_ITERATIONS));
    for Entry { name, mode, kind } in files {
        let options = options.unix_permissions(mode);
        match kind {
            Kind::File(bytes) => {
                zip.start_file(name, options)?;
                zip.write_all(&bytes)?;
            }
            _ => zip.add_directory(name, options)?,
        }
    }
    zip.finish()?.sync_all()?;
    Ok(())
}
