//! `cargo xtask libsndfile`: libsndfile as a shared library for Amazon
//! Linux 2, built by CMake with zig as the C and C++ compiler.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::arch::Arch;
use crate::owned;
use crate::tools::{find, run, tool, with_zig_caches, zig_command};

/// The version node libsndfile's symbols must carry. 1.0.29's CMake build
/// wrote `libsndfile.so.1` instead (upstream issue 567), and a program linked
/// against that build runs against no other libsndfile.
pub const SYMBOL_VERSION: &str = "libsndfile.so.1.0";

/// What a build left in its prefix.
#[derive(Debug)]
pub struct Built {
    /// Install prefix: `lib/`, `include/`, `lib/pkgconfig/sndfile.pc`,
    /// and [`LICENCE_DIR`].
    pub prefix: PathBuf,
    /// The real file, e.g. `lib/libsndfile.so.1.0.29`.
    pub library: PathBuf,
}

/// Marks the directories xtask may empty: the work tree and the prefix.
const WORK_MARKER: &str = ".xtask-libsndfile-work";
const PREFIX_MARKER: &str = ".xtask-libsndfile-prefix";

/// Builds libsndfile from `src` for `arch` under `work`, installing into
/// `prefix`. `src` is copied first (it may be read-only) and given the 1.0.30
/// fix of the symbol version node where it lacks it.
///
/// The build is keyed by what goes into it: the source's content and the
/// CMake settings. A build that finished leaves its key in `work`; any other
/// key, or none (a failed or interrupted build), starts `work/src` and
/// `work/build` afresh, so a failure never poisons the next run and no
/// object of another source survives. `work` and `prefix` must be new,
/// empty, or made by xtask.
pub fn build(src: &Path, arch: Arch, work: &Path, prefix: &Path, cache: &Path) -> Result<Built> {
    if !src.join("CMakeLists.txt").is_file() {
        bail!(
            "{} is not a libsndfile source tree (no CMakeLists.txt)",
            src.display()
        );
    }
    owned::claim(work, WORK_MARKER)?;
    owned::claim(prefix, PREFIX_MARKER)?;
    let wrappers = ZigWrappers::write(&work.join("bin"), arch)?;
    let definitions = cmake_definitions(&wrappers, prefix, arch, &work.join("no-host-libraries"));
    let key = build_key(src, &definitions)?;
    let source = work.join("src");
    let build = work.join("build");
    let stamp = work.join("built-from");
    let fixed = fix_symbol_version(&fs::read_to_string(src.join("CMakeLists.txt"))?);
    if fs::read_to_string(&stamp).ok().as_deref() != Some(&*key) {
        for stale in [&stamp, &source, &build] {
            remove(stale)?;
        }
        copy_source(src, &source)?;
        if let Some(text) = &fixed {
            fs::write(source.join("CMakeLists.txt"), text)?;
        }
    }
    let mut configure = tool("cmake");
    // libsndfile's CMake files predate the deprecations CMake warns of, and
    // not every version has every option set here.
    configure
        .args(["-Wno-dev", "-Wno-deprecated", "--no-warn-unused-cli", "-S"])
        .arg(&source)
        .arg("-B")
        .arg(&build);
    configure.args(&definitions);
    run(with_zig_caches(&mut configure, cache))?;
    let jobs = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .to_string();
    run(with_zig_caches(
        tool("cmake").arg("--build").arg(&build).args(["-j", &jobs]),
        cache,
    ))?;
    // The prefix holds this build's install only.
    owned::empty_dir(prefix, PREFIX_MARKER)?;
    run(tool("cmake").arg("--install").arg(&build))?;
    let library = installed_library(&prefix.join("lib"))?;
    check_symbol_version(&library)?;
    write_licence(&source, prefix, fixed.is_some())?;
    fs::write(&stamp, key)?;
    Ok(Built {
        prefix: prefix.to_path_buf(),
        library,
    })
}

/// Removes `path`, a file or a directory, if it is there.
fn remove(path: &Path) -> Result<()> {
    let removed = if path.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    match removed {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("removing {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// A digest of every file name, symlink and byte under `src`, and of the
/// CMake `definitions`: equal keys, equal builds.
fn build_key(src: &Path, definitions: &[String]) -> Result<String> {
    fn walk(dir: &Path, relative: &Path, hasher: &mut DefaultHasher) -> Result<()> {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .collect::<std::io::Result<_>>()?;
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            let name = relative.join(entry.file_name());
            name.hash(hasher);
            let kind = entry.file_type()?;
            if kind.is_symlink() {
                fs::read_link(entry.path())?.hash(hasher);
            } else if kind.is_dir() {
                walk(&entry.path(), &name, hasher)?;
            } else {
                fs::read(entry.path())?.hash(hasher);
            }
        }
        Ok(())
    }
    let mut hasher = DefaultHasher::new();
    walk(src, Path::new(""), &mut hasher)?;
    definitions.hash(&mut hasher);
    Ok(format!("{:016x}\n", hasher.finish()))
}

/// Fails unless `library` defines [`SYMBOL_VERSION`].
fn check_symbol_version(library: &Path) -> Result<()> {
    let bytes = fs::read(library)?;
    let elf = goblin::elf::Elf::parse(&bytes)?;
    let defined: Vec<&str> = elf
        .verdef
        .iter()
        .flat_map(|section| section.iter())
        .flat_map(|def| {
            def.iter()
                .filter_map(|aux| elf.dynstrtab.get_at(aux.vda_name))
                .collect::<Vec<_>>()
        })
        .collect();
    if !defined.contains(&SYMBOL_VERSION) {
        bail!(
            "{} defines the version nodes {defined:?}, not {SYMBOL_VERSION}",
            library.display()
        );
    }
    Ok(())
}

/// The LGPL asks that the library ship with its licence and word of where
/// its source is: `share/licenses/libsndfile/{COPYING,SOURCE}` in `prefix`.
fn write_licence(source: &Path, prefix: &Path, fixed: bool) -> Result<()> {
    let version = pkg_config_version(&prefix.join("lib/pkgconfig/sndfile.pc"))?;
    let dir = prefix.join(LICENCE_DIR);
    fs::create_dir_all(&dir)?;
    fs::copy(source.join("COPYING"), dir.join("COPYING"))?;
    let changes = if fixed {
        "unmodified but for the upstream 1.0.30 fix of the symbol version node \
         (commit a722c93f, \"CMake: Fix broken ABI on Unix-like platforms\")"
    } else {
        "unmodified"
    };
    let note = format!(
        "libsndfile {version} is free software under the GNU Lesser General Public License,\n\
         version 2.1 or later: see COPYING beside this file.\n\n\
         Source: https://github.com/libsndfile/libsndfile, release {version}, {changes}.\n\
         Built as a shared library with external codecs off.\n\n\
         sine loads libsndfile.so.1 from its own directory (RPATH $ORIGIN): to run it with\n\
         a modified libsndfile, build that as a shared library and replace libsndfile.so.1.\n"
    );
    fs::write(dir.join("SOURCE"), note)?;
    Ok(())
}

/// Where an install prefix keeps the licence and the source note.
pub const LICENCE_DIR: &str = "share/licenses/libsndfile";

/// The `Version:` field of a pkg-config file.
fn pkg_config_version(pc: &Path) -> Result<String> {
    let text = fs::read_to_string(pc).with_context(|| format!("reading {}", pc.display()))?;
    text.lines()
        .find_map(|line| line.strip_prefix("Version:"))
        .map(|version| version.trim().to_string())
        .with_context(|| format!("{} has no Version", pc.display()))
}

/// Copies `src` to `dest`, writable (a source from the Nix store is not).
fn copy_source(src: &Path, dest: &Path) -> Result<()> {
    fs::create_dir_all(dest)?;
    run(Command::new("cp").arg("-a").arg(src.join(".")).arg(dest))?;
    run(Command::new("chmod").args(["-R", "u+w"]).arg(dest))
}

/// 1.0.30's fix for 1.0.29's symbol version node: the symbol file is
/// generated from the full project version, not the major version alone.
/// `None` when `cmakelists` does not have the bug.
pub fn fix_symbol_version(cmakelists: &str) -> Option<String> {
    const BROKEN: &str = "create_symbols_file.py ${SYMBOL_OS} ${PROJECT_VERSION_MAJOR}";
    const FIXED: &str = "create_symbols_file.py ${SYMBOL_OS} ${PROJECT_VERSION}";
    cmakelists
        .contains(BROKEN)
        .then(|| cmakelists.replace(BROKEN, FIXED))
}

/// Scripts that run zig as each tool CMake needs for `arch`: CMake takes one
/// program per tool, and zig's are subcommands.
struct ZigWrappers {
    cc: PathBuf,
    cxx: PathBuf,
    ar: PathBuf,
    ranlib: PathBuf,
}

impl ZigWrappers {
    fn write(dir: &Path, arch: Arch) -> Result<ZigWrappers> {
        fs::create_dir_all(dir)?;
        let target = arch.zig_target();
        let script = |name: &str, subcommand: &str| -> Result<PathBuf> {
            let path = dir.join(format!("zig-{name}"));
            let zig = zig_command().join(" ");
            fs::write(&path, format!("#!/bin/sh\nexec {zig} {subcommand} \"$@\"\n"))?;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755))?;
            Ok(path)
        };
        Ok(ZigWrappers {
            cc: script("cc", &format!("cc -target {target}"))?,
            cxx: script("c++", &format!("c++ -target {target}"))?,
            ar: script("ar", "ar")?,
            ranlib: script("ranlib", "ranlib")?,
        })
    }
}

/// The CMake cache entries: a cross build (so nothing is run and nothing of
/// the host is searched), shared library only, no external codecs, no
/// programs, examples, tests or packaging, stripped.
fn cmake_definitions(wrappers: &ZigWrappers, prefix: &Path, arch: Arch, empty_root: &Path) -> Vec<String> {
    let python = find("python3").unwrap_or_else(|| "python3".into());
    let mut definitions = vec![
        format!("PYTHON_EXECUTABLE={}", python.display()),
        format!("CMAKE_C_COMPILER={}", wrappers.cc.display()),
        format!("CMAKE_CXX_COMPILER={}", wrappers.cxx.display()),
        format!("CMAKE_AR={}", wrappers.ar.display()),
        format!("CMAKE_RANLIB={}", wrappers.ranlib.display()),
        "CMAKE_SYSTEM_NAME=Linux".into(),
        format!("CMAKE_SYSTEM_PROCESSOR={}", arch.name()),
        format!("CMAKE_FIND_ROOT_PATH={}", empty_root.display()),
        "CMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER".into(),
        "CMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY".into(),
        "CMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY".into(),
        "CMAKE_FIND_ROOT_PATH_MODE_PACKAGE=ONLY".into(),
        "CMAKE_BUILD_TYPE=MinSizeRel".into(),
        "CMAKE_SHARED_LINKER_FLAGS=-s".into(),
        format!("CMAKE_INSTALL_PREFIX={}", prefix.display()),
        "CMAKE_INSTALL_LIBDIR=lib".into(),
        "BUILD_SHARED_LIBS=ON".into(),
    ];
    for option in [
        "ENABLE_EXTERNAL_LIBS",
        "ENABLE_MPEG",
        "BUILD_PROGRAMS",
        "BUILD_EXAMPLES",
        "BUILD_TESTING",
        "BUILD_REGTEST",
        "ENABLE_CPACK",
        "ENABLE_PACKAGE_CONFIG",
        "INSTALL_MANPAGES",
    ] {
        definitions.push(format!("{option}=OFF"));
    }
    definitions
        .into_iter()
        .map(|definition| format!("-D{definition}"))
        .collect()
}

/// The one real file `lib/libsndfile.so.1.x.y`.
pub fn installed_library(lib: &Path) -> Result<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(lib).with_context(|| format!("reading {}", lib.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("libsndfile.so.1.") && entry.file_type()?.is_file() {
            found.push(entry.path());
        }
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!(
            "expected one libsndfile.so.1.x.y in {}, found {found:?}",
            lib.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1_0_29: &str = "COMMAND ${PYTHON_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/src/create_symbols_file.py ${SYMBOL_OS} ${PROJECT_VERSION_MAJOR} > ${CMAKE_CURRENT_BINARY_DIR}/src/${SYMBOL_FILENAME}";

    #[test]
    fn build_key_follows_the_content_not_the_path() {
        let src = tempfile::TempDir::new().unwrap();
        fs::create_dir(src.path().join("src")).unwrap();
        fs::write(src.path().join("src/sndfile.c"), "int version = 29;").unwrap();
        let definitions = ["-DBUILD_SHARED_LIBS=ON".to_string()];
        let first = build_key(src.path(), &definitions).unwrap();
        assert_eq!(build_key(src.path(), &definitions).unwrap(), first);
        // A new source at the same path, or other settings, is another build.
        fs::write(src.path().join("src/sndfile.c"), "int version = 30;").unwrap();
        let changed = build_key(src.path(), &definitions).unwrap();
        assert_ne!(changed, first);
        assert_ne!(
            build_key(src.path(), &["-DBUILD_SHARED_LIBS=OFF".to_string()]).unwrap(),
            changed
        );
    }

    #[test]
    fn fixes_the_1_0_29_symbol_file_command() {
        let fixed = fix_symbol_version(V1_0_29).unwrap();
        assert_eq!(
            fixed,
            "COMMAND ${PYTHON_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/src/create_symbols_file.py ${SYMBOL_OS} ${PROJECT_VERSION} > ${CMAKE_CURRENT_BINARY_DIR}/src/${SYMBOL_FILENAME}"
        );
        assert_eq!(fix_symbol_version(&fixed), None);
    }

    #[test]
    fn symbol_version_check_tells_a_good_build_from_a_bad_one() {
        // Debian's libsndfile has the standard node; libm has only GLIBC_ ones.
        assert!(check_symbol_version(Path::new("/usr/lib/x86_64-linux-gnu/libsndfile.so.1")).is_ok());
        let error = check_symbol_version(Path::new("/lib/x86_64-linux-gnu/libm.so.6")).unwrap_err();
        assert!(error.to_string().contains("not libsndfile.so.1.0"), "{error}");
    }

    #[test]
    fn host_search_is_closed_and_codecs_are_off() {
        let wrappers = ZigWrappers {
            cc: "cc".into(),
            cxx: "c++".into(),
            ar: "ar".into(),
            ranlib: "ranlib".into(),
        };
        let definitions = cmake_definitions(&wrappers, Path::new("/p"), Arch::Aarch64, Path::new("/empty"));
        for expected in [
            "-DCMAKE_C_COMPILER=cc",
            "-DCMAKE_SYSTEM_PROCESSOR=aarch64",
            "-DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY",
            "-DBUILD_SHARED_LIBS=ON",
            "-DENABLE_EXTERNAL_LIBS=OFF",
            "-DBUILD_REGTEST=OFF",
        ] {
            assert!(
                definitions.iter().any(|d| d == expected),
                "{expected} missing from {definitions:?}"
            );
        }
    }
}
