//! `cargo xtask dist`: every step, for each architecture, into `target/dist`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, bail};

use crate::arch::Arch;
use crate::audit::{audit_path, policy::Policy};
use crate::tools::project_root;
use crate::{bundle, cross, lambda_zip, libsndfile};

/// Builds libsndfile from `src` and `sine` for each of `arches`, then lays
/// out `out/<arch>/` and writes `out/sine-lambda-<arch>.zip`; audits both.
pub fn dist(src: &Path, arches: &[Arch], target: &Path, out: &Path) -> Result<()> {
    let cache = target.join("zig-cache");
    fs::create_dir_all(out)?;
    for &arch in arches {
        let started = Instant::now();
        let work = target.join("al2").join(arch.name()).join("libsndfile");
        let built = libsndfile::build(src, arch, &work, &work.join("prefix"), &cache)?;
        let sine = cross::build_sine(arch, &built.prefix, &cache)?;
        let tree = out.join(arch.name());
        let handler = project_root().join(bundle::HANDLER);
        bundle::bundle(&sine, &built.prefix, &handler, arch, &tree)?;
        let zip = zip_path(out, arch);
        lambda_zip::write_zip(&tree, &zip)?;
        for path in [&tree, &zip] {
            let report = audit_path(path, Policy::al2(arch))?;
            print!("{}:\n{}", path.display(), report.text());
            if !report.passed() {
                bail!("{} fails the audit", path.display());
            }
        }
        println!(
            "{arch}: sine {} B, {} {} B, ZIP {} B, in {:.1} s",
            fs::metadata(tree.join("sine"))?.len(),
            built.library.file_name().unwrap().to_string_lossy(),
            fs::metadata(&built.library)?.len(),
            fs::metadata(&zip)?.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// `out/sine-lambda-<arch>.zip`.
pub fn zip_path(out: &Path, arch: Arch) -> PathBuf {
    out.join(format!("sine-lambda-{arch}.zip"))
}
