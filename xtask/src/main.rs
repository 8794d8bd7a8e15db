//! `cargo xtask`: the steps that turn this repository into Lambda bundles,
//! one subcommand each. `dist` runs them all; the Nix flake calls the same
//! subcommands one derivation at a time.

mod arch;
mod audit;
mod bundle;
mod ci;
mod cross;
mod dist;
mod lambda_zip;
mod libsndfile;
mod libsndfile_source;
mod owned;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};

use arch::Arch;
use audit::policy::Policy;
use tools::project_root;

#[derive(Parser)]
#[command(about = "Build steps of the sine Lambda bundle")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Build libsndfile as a shared library for Amazon Linux 2 with zig
    Libsndfile {
        /// libsndfile source tree
        #[arg(long)]
        src: PathBuf,
        #[arg(long, value_enum, default_value = "x86_64")]
        arch: Arch,
        /// Where to build [default: target/al2/ARCH/libsndfile]
        #[arg(long)]
        out: Option<PathBuf>,
        /// Where to install [default: OUT/prefix]
        #[arg(long)]
        prefix: Option<PathBuf>,
    },
    /// Cross-build sine with cargo-zigbuild against a libsndfile prefix
    Sine {
        /// libsndfile install prefix (from `libsndfile`)
        #[arg(long)]
        libsndfile: PathBuf,
        #[arg(long, value_enum, default_value = "x86_64")]
        arch: Arch,
    },
    /// Lay out a bundle directory: sine, libsndfile, symlinks, licence; RPATH $ORIGIN
    Bundle {
        /// The sine binary
        #[arg(long)]
        sine: PathBuf,
        /// libsndfile install prefix (from `libsndfile`)
        #[arg(long)]
        libsndfile: PathBuf,
        /// The Lambda handler [default: lambda/lambda_function.py]
        #[arg(long)]
        handler: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "x86_64")]
        arch: Arch,
        /// The directory to (re)create
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a deterministic Lambda ZIP from a bundle directory
    Zip {
        /// The bundle directory
        bundle: PathBuf,
        /// The ZIP file to write
        #[arg(long)]
        out: PathBuf,
    },
    /// Build everything: OUT/ARCH/ and OUT/sine-lambda-ARCH.zip, audited
    Dist {
        /// Architectures to build [default: both]
        #[arg(long, value_enum)]
        arch: Vec<Arch>,
        /// A tree or tar archive of the pinned libsndfile release
        /// [default: downloaded once into ~/.cache/sine-lambda]
        #[arg(long)]
        libsndfile_src: Option<PathBuf>,
        /// Output directory [default: target/dist]
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run every check CI runs: fmt, clippy, Nix syntax, dist, all tests
    Ci,
    /// Check every ELF in a directory, ZIP or ELF file against a Lambda OS
    Audit {
        /// A bundle directory, a ZIP, or one ELF file
        path: PathBuf,
        #[arg(long, value_enum, default_value = "al2-x86_64")]
        policy: Policy,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse().task) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Where builds, caches and `dist` go: `$XTASK_TARGET_DIR` (a Nix build sets
/// it, having no checkout), else the workspace's `target/`.
fn target_dir() -> PathBuf {
    std::env::var_os("XTASK_TARGET_DIR").map_or_else(|| project_root().join("target"), PathBuf::from)
}

/// The tools `task` needs, checked before it starts.
fn needs(task: &Task) -> Vec<tools::Need> {
    use tools::{CARGO_ZIGBUILD, CMAKE, Need, PATCHELF, PKG_CONFIG, PYTHON3};
    match task {
        Task::Libsndfile { .. } => vec![Need::Zig, CMAKE, PYTHON3],
        Task::Sine { arch, .. } => vec![Need::Zig, CARGO_ZIGBUILD, PKG_CONFIG, Need::RustTarget(*arch)],
        Task::Bundle { .. } => vec![PATCHELF],
        Task::Dist { arch, .. } if !arch.is_empty() => tools::dist_needs(arch),
        Task::Dist { .. } => tools::dist_needs(&Arch::ALL),
        Task::Ci => tools::ci_needs(),
        Task::Zip { .. } | Task::Audit { .. } => Vec::new(),
    }
}

fn run(task: Task) -> Result<()> {
    tools::require(&needs(&task))?;
    let target = target_dir();
    let cache = target.join("zig-cache");
    match task {
        Task::Libsndfile {
            src,
            arch,
            out,
            prefix,
        } => {
            let work = out.unwrap_or_else(|| target.join("al2").join(arch.name()).join("libsndfile"));
            let prefix = prefix.unwrap_or_else(|| work.join("prefix"));
            let built = libsndfile::build(&src, arch, &work, &prefix, &cache)?;
            println!("{}", built.library.display());
        }
        Task::Sine { libsndfile, arch } => {
            println!("{}", cross::build_sine(arch, &libsndfile, &cache)?.display());
        }
        Task::Bundle {
            sine,
            libsndfile,
            handler,
            arch,
            out,
        } => {
            let handler = handler.unwrap_or_else(|| project_root().join(bundle::HANDLER));
            bundle::bundle(&sine, &libsndfile, &handler, arch, &out)?;
        }
        Task::Zip { bundle, out } => lambda_zip::write_zip(&bundle, &out)?,
        Task::Dist {
            arch,
            libsndfile_src,
            out,
        } => {
            let arches = if arch.is_empty() { Arch::ALL.to_vec() } else { arch };
            let src =
                libsndfile_source::pinned(libsndfile_src.as_deref(), &target.join("libsndfile-source"))?;
            dist::dist(
                &src,
                &arches,
                &target,
                &out.unwrap_or_else(|| target.join("dist")),
            )?;
        }
        Task::Ci => ci::ci(&project_root())?,
        Task::Audit { path, policy, json } => {
            let report = audit::audit_path(&path, policy)?;
            if json {
                println!("{:#}", report.json());
            } else {
                print!("{}", report.text());
            }
            if !report.passed() {
                bail!("{} does not fit {}", path.display(), policy.name());
            }
        }
    }
    Ok(())
}
