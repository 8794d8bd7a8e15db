//! `cargo xtask bundle`: the reference layout, ready for Lambda.
//!
//! ```text
//! sine                      0755, RPATH $ORIGIN
//! libsndfile.so.1.x.y       0644, RPATH $ORIGIN
//! libsndfile.so.1 -> libsndfile.so.1.x.y
//! libsndfile.so -> libsndfile.so.1
//! LICENSES/libsndfile/{COPYING,SOURCE}
//! lambda_function.py        0644, the Lambda handler
//! ```

use std::fs::{self, Permissions};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::arch::Arch;
use crate::libsndfile::{LICENCE_DIR, installed_library};
use crate::tools::{run, tool};

/// The handler's place in the repository.
pub const HANDLER: &str = "lambda/lambda_function.py";

/// Where the bundle keeps libsndfile's licence and source note.
pub const LICENCE_DEST: &str = "LICENSES/libsndfile";

/// Lays out `out` (new, empty, or an earlier bundle, emptied first) from the `sine` binary, the libsndfile
/// install `prefix` (its library and licence) and the Lambda `handler`, with
/// the loader of `arch` and `$ORIGIN` as DT_RPATH.
pub fn bundle(sine: &Path, prefix: &Path, handler: &Path, arch: Arch, out: &Path) -> Result<()> {
    let library = &installed_library(&prefix.join("lib"))?;
    clear_earlier_bundle(out)?;
    fs::create_dir_all(out.join(LICENCE_DEST))?;
    let real_name = library.file_name().context("library path has no file name")?;
    let real = out.join(real_name);
    // Copies keep their source's mode: read-only out of the Nix store, so
    // the final modes are set before patchelf has to write to them.
    fs::copy(library, &real).with_context(|| format!("copying {}", library.display()))?;
    fs::set_permissions(&real, Permissions::from_mode(0o644))?;
    symlink(real_name, out.join("libsndfile.so.1"))?;
    symlink("libsndfile.so.1", out.join("libsndfile.so"))?;
    let exe = out.join("sine");
    fs::copy(sine, &exe).with_context(|| format!("copying {}", sine.display()))?;
    fs::set_permissions(&exe, Permissions::from_mode(0o755))?;
    for file in ["COPYING", "SOURCE"] {
        let dest = out.join(LICENCE_DEST).join(file);
        fs::copy(prefix.join(LICENCE_DIR).join(file), &dest)?;
        fs::set_permissions(dest, Permissions::from_mode(0o644))?;
    }
    let handler_dest = out.join("lambda_function.py");
    fs::copy(handler, &handler_dest).with_context(|| format!("copying {}", handler.display()))?;
    fs::set_permissions(handler_dest, Permissions::from_mode(0o644))?;
    fs::set_permissions(out.join("LICENSES"), Permissions::from_mode(0o755))?;
    fs::set_permissions(out.join(LICENCE_DEST), Permissions::from_mode(0o755))?;
    // --force-rpath writes DT_RPATH, which ld.so searches before
    // LD_LIBRARY_PATH; Lambda's LD_LIBRARY_PATH lists /lib64 first.
    run(tool("patchelf")
        .args(["--set-interpreter", arch.interpreter()])
        .arg(&exe))?;
    for elf in [&exe, &real] {
        run(tool("patchelf")
            .args(["--force-rpath", "--set-rpath", "$ORIGIN"])
            .arg(elf))?;
    }
    Ok(())
}

/// Removes `out` if it holds an earlier bundle, and only then: a name a
/// bundle does not have means the directory is someone else's (`--out .`),
/// and it is refused, untouched.
fn clear_earlier_bundle(out: &Path) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    let mut foreign = Vec::new();
    for entry in fs::read_dir(out).with_context(|| format!("reading {}", out.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !is_bundle_entry(&name) {
            foreign.push(name);
        }
    }
    if !foreign.is_empty() {
        foreign.sort();
        bail!(
            "{} holds {}, which a bundle does not: refusing to delete it; \
             choose a new or empty directory, or an earlier bundle",
            out.display(),
            foreign.join(", ")
        );
    }
    fs::remove_dir_all(out).with_context(|| format!("removing the earlier bundle {}", out.display()))
}

/// Whether `name` is one of the bundle's top-level entries.
fn is_bundle_entry(name: &str) -> bool {
    matches!(
        name,
        "sine" | "libsndfile.so" | "libsndfile.so.1" | "lambda_function.py" | "LICENSES"
    ) || name.starts_with("libsndfile.so.1.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_an_out_directory_that_is_not_a_bundle() {
        let out = tempfile::TempDir::new().unwrap();
        fs::write(out.path().join("sine"), "").unwrap();
        fs::write(out.path().join("Cargo.toml"), "[workspace]").unwrap();
        let error = clear_earlier_bundle(out.path()).unwrap_err().to_string();
        assert!(
            error.contains("holds Cargo.toml, which a bundle does not"),
            "{error}"
        );
        assert!(out.path().join("Cargo.toml").is_file() && out.path().join("sine").is_file());
    }

    #[test]
    fn removes_an_earlier_bundle() {
        let parent = tempfile::TempDir::new().unwrap();
        let out = parent.path().join("x86_64");
        fs::create_dir_all(out.join(LICENCE_DEST)).unwrap();
        for name in ["sine", "libsndfile.so.1.0.29", "lambda_function.py"] {
            fs::write(out.join(name), "").unwrap();
        }
        symlink("libsndfile.so.1.0.29", out.join("libsndfile.so.1")).unwrap();
        clear_earlier_bundle(&out).unwrap();
        assert!(!out.exists());
    }
}
