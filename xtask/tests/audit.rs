//! The audit against a corpus built here from the C files of
//! `tests/audit-corpus/`: every case it must reject, with its reason, and
//! bundles it must pass. Each verdict is compared with an actual load on
//! this machine (x86_64, glibc 2.36): the bundle's `main` is run with
//! `LD_BIND_NOW=1`, so ld.so resolves every symbol before `main` starts, as
//! the audit assumes.
//!
//! The mapping: the cases built by gcc here need at most GLIBC_2.34, so the
//! `al2023-x86_64` policy (glibc 2.34) judges what this loader judges. Where
//! glibc 2.36 differs from 2.34 (it knows DT_RELR and GLIBC_ABI_DT_RELR) the
//! test says so and checks that the file loads here. The CPU baseline of a
//! policy is checked under `qemu-x86_64-static -cpu Nehalem`, a CPU of
//! x86-64-v2, what AL2023 guarantees.
//!
//! Compilers and tools missing make these tests fail; set
//! `AUDIT_CORPUS_ALLOW_SKIP=1` to skip them instead (CI never does).

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::run;
use tempfile::TempDir;

fn corpus(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/audit-corpus")
        .join(file)
}

/// `false` (after saying why) when `tool` cannot run and the skip is
/// allowed; panics when it is not.
fn have(tool: &[&str]) -> bool {
    let runs = Command::new(tool[0])
        .args(&tool[1..])
        .output()
        .is_ok_and(|out| out.status.success());
    if runs {
        return true;
    }
    let why = format!("`{}` does not run here", tool.join(" "));
    if std::env::var("AUDIT_CORPUS_ALLOW_SKIP").as_deref() == Ok("1") {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
        return false;
    }
    panic!("{why}: install it (see .ci/install) or set AUDIT_CORPUS_ALLOW_SKIP=1");
}

fn gcc() -> bool {
    have(&["gcc", "--version"])
}

/// A bundle directory being built.
struct Bundle(TempDir);

impl Bundle {
    fn new() -> Bundle {
        Bundle(TempDir::new().unwrap())
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    /// Compiles `sources` with `cc` (gcc, or zig cc with its target) into
    /// the bundle file `out`, with RPATH $ORIGIN and the bundle's modes.
    fn cc(&self, cc: &[&str], sources: &[&str], out: &str, args: &[&str]) -> &Bundle {
        let mut command = Command::new(cc[0]);
        command.args(&cc[1..]).current_dir(self.0.path());
        command.args(["-O1", "-fPIC", "-Wl,--disable-new-dtags", "-Wl,-rpath,$ORIGIN"]);
        command.args(sources.iter().map(|s| corpus(s)));
        command.args(args).arg("-o").arg(self.path(out));
        run(&mut command);
        if cc[0] != "gcc" {
            // zig cc writes RUNPATH for executables whatever it is told.
            run(Command::new("patchelf")
                .args(["--force-rpath", "--set-rpath", "$ORIGIN"])
                .arg(self.path(out)));
        }
        let mode = if out.contains(".so") { 0o644 } else { 0o755 };
        fs::set_permissions(self.path(out), fs::Permissions::from_mode(mode)).unwrap();
        self
    }

    /// The stand-in libsndfile.so.1, exporting `nodes`: a version script's
    /// `NODE { global: SYMBOLS; local: *; };` blocks.
    fn library(&self, cc: &[&str], nodes: &[(&str, &str)], args: &[&str]) -> &Bundle {
        let script: String = nodes
            .iter()
            .map(|(node, symbols)| format!("{node} {{ global: {symbols}; local: *; }};\n"))
            .collect();
        let map = self.path("lib.map");
        fs::write(&map, script).unwrap();
        let map_arg = format!("-Wl,--version-script={}", map.display());
        let mut all = vec!["-shared", "-Wl,-soname,libsndfile.so.1", map_arg.as_str()];
        all.extend(args);
        self.cc(cc, &["lib.c"], "libsndfile.so.1", &all);
        fs::remove_file(map).unwrap();
        self
    }

    /// `main`, linked against the library now in the bundle.
    fn main(&self, cc: &[&str]) -> &Bundle {
        self.cc(cc, &["main.c"], "main", &["-L.", "-l:libsndfile.so.1"])
    }

    /// Sets bytes of `file` at `offset`.
    fn patch(&self, file: &str, offset: usize, bytes: &[u8]) {
        let path = self.path(file);
        let mut data = fs::read(&path).unwrap();
        data[offset..offset + bytes.len()].copy_from_slice(bytes);
        fs::write(path, data).unwrap();
    }

    /// The audit's verdict and report.
    fn audit(&self, policy: &str) -> (bool, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["audit", self.0.path().to_str().unwrap(), "--policy", policy])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }

    /// Runs `main` (through `runner`, e.g. qemu), every symbol bound at
    /// load; `Err` with ld.so's message when it does not start.
    fn load(&self, runner: &[&str]) -> Result<String, String> {
        let mut command = match runner {
            [] => Command::new(self.path("main")),
            [tool, args @ ..] => {
                let mut command = Command::new(tool);
                command.args(args).arg(self.path("main"));
                command
            }
        };
        let out = command
            .env("LD_BIND_NOW", "1")
            .env_remove("LD_LIBRARY_PATH")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() {
            Ok(stdout)
        } else {
            Err(format!(
                "{} {stdout}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    fn assert_passes(&self, policy: &str) {
        let (passed, report) = self.audit(policy);
        assert!(passed, "{policy}:\n{report}");
    }

    /// The audit fails naming `violation`, and loading fails saying `ld_so`.
    fn assert_rejected(&self, policy: &str, violation: &str, ld_so: Option<&str>) {
        let (passed, report) = self.audit(policy);
        assert!(!passed, "the audit passed:\n{report}");
        assert!(
            report.contains(&format!("violation: {violation}")),
            "{violation:?} not in:\n{report}"
        );
        if let Some(ld_so) = ld_so {
            let error = self.load(&[]).expect_err("it loaded");
            assert!(error.contains(ld_so), "{ld_so:?} not in: {error}");
        }
    }
}

const GCC: &[&str] = &["gcc"];
/// The version node libsndfile's symbols carry.
const NODE: &str = "libsndfile.so.1.0";

/// A bundle that must pass, built by gcc: libsndfile.so.1 and main.
fn good() -> Bundle {
    let bundle = Bundle::new();
    bundle
        .library(GCC, &[(NODE, "sf_version_string; sf_newer")], &[])
        .main(GCC);
    bundle
}

#[test]
fn a_good_bundle_passes_and_loads() {
    if !gcc() {
        return;
    }
    let bundle = good();
    bundle.assert_passes("al2023-x86_64");
    assert_eq!(bundle.load(&[]).unwrap(), "libsndfile-1.0.29 newer\n");
    // gcc here links main against glibc 2.36: __libc_start_main@GLIBC_2.34
    // loads here and on AL2023, not on AL2.
    bundle.assert_rejected(
        "al2-x86_64",
        "__libc_start_main@GLIBC_2.34 in main: al2-x86_64's libc.so.6 does not provide it",
        None,
    );
}

#[test]
fn bundles_built_for_glibc_2_26_pass_every_policy_and_run() {
    let tools = [
        &["python3", "-m", "ziglang", "version"][..],
        &["qemu-aarch64-static", "--version"],
        &["patchelf", "--version"],
    ];
    if !tools.iter().all(|tool| have(tool)) {
        return;
    }
    for (arch, runner) in [
        ("x86_64", vec![]),
        (
            "aarch64",
            vec!["qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu"],
        ),
    ] {
        let target = format!("{arch}-linux-gnu.2.26");
        let zig = ["python3", "-m", "ziglang", "cc", "-target", target.as_str()];
        let bundle = Bundle::new();
        bundle
            .library(&zig, &[(NODE, "sf_version_string; sf_newer")], &[])
            .main(&zig);
        for policy in ["al2", "al2023"] {
            bundle.assert_passes(&format!("{policy}-{arch}"));
        }
        assert_eq!(
            bundle.load(&runner).unwrap(),
            "libsndfile-1.0.29 newer\n",
            "{arch}"
        );
    }
}

#[test]
fn an_empty_stub_library_is_rejected_for_each_symbol_it_lacks() {
    if !gcc() {
        return;
    }
    let bundle = good();
    bundle.cc(
        GCC,
        &["empty.c"],
        "libsndfile.so.1",
        &["-shared", "-Wl,-soname,libsndfile.so.1"],
    );
    bundle.assert_rejected(
        "al2023-x86_64",
        "sf_version_string@libsndfile.so.1.0 in main: undefined in",
        Some("undefined symbol: sf_version_string, version libsndfile.so.1.0"),
    );
}

#[test]
fn a_library_with_the_wrong_version_node_is_rejected() {
    if !gcc() {
        return;
    }
    let bundle = good();
    bundle.library(GCC, &[("libsndfile.so.1", "sf_version_string; sf_newer")], &[]);
    bundle.assert_rejected(
        "al2023-x86_64",
        "sf_version_string@libsndfile.so.1.0, sf_newer@libsndfile.so.1.0 in main: \
         the bundle's libsndfile.so.1 does not provide it",
        Some("version `libsndfile.so.1.0' not found (required by"),
    );
}

#[test]
fn a_missing_symbol_is_rejected() {
    if !gcc() {
        return;
    }
    let bundle = good();
    bundle.library(GCC, &[(NODE, "sf_newer")], &[]);
    bundle.assert_rejected(
        "al2023-x86_64",
        "sf_version_string@libsndfile.so.1.0 in main: undefined in libsndfile.so.1",
        Some("undefined symbol: sf_version_string, version libsndfile.so.1.0"),
    );
}

#[test]
fn a_weak_version_need_and_a_weak_symbol_may_be_missing() {
    if !gcc() {
        return;
    }
    // main takes sf_newer weakly, from its own node NEWER, which the
    // library put in its place lacks.
    let bundle = Bundle::new();
    let newer = format!(
        "{NODE} {{ global: sf_version_string; local: *; }};\nNEWER {{ global: sf_newer; }} {NODE};\n"
    );
    fs::write(bundle.path("lib.map"), newer).unwrap();
    let map = format!("-Wl,--version-script={}", bundle.path("lib.map").display());
    bundle
        .cc(
            GCC,
            &["lib.c"],
            "libsndfile.so.1",
            &["-shared", "-Wl,-soname,libsndfile.so.1", &map],
        )
        .main(GCC);
    bundle.library(GCC, &[(NODE, "sf_version_string")], &[]);
    // ld (binutils 2.40) leaves the need strong: ld.so refuses it.
    bundle.assert_rejected(
        "al2023-x86_64",
        "sf_newer@NEWER in main: the bundle's libsndfile.so.1 does not provide it",
        Some("version `NEWER' not found"),
    );
    // Marked VER_FLG_WEAK, ld.so loads without it.
    let flags = vernaux_flags(&fs::read(bundle.path("main")).unwrap(), "NEWER");
    bundle.patch("main", flags, &[2, 0]);
    bundle.assert_passes("al2023-x86_64");
    assert_eq!(bundle.load(&[]).unwrap(), "libsndfile-1.0.29 -\n");
}

/// The file offset of `vna_flags` of the version need `node`.
fn vernaux_flags(bytes: &[u8], node: &str) -> usize {
    let elf = goblin::elf::Elf::parse(bytes).unwrap();
    let section = elf
        .section_headers
        .iter()
        .find(|s| elf.shdr_strtab.get_at(s.sh_name) == Some(".gnu.version_r"))
        .unwrap();
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let mut need = section.sh_offset as usize;
    loop {
        let mut aux = need + word(need + 8);
        loop {
            if elf.dynstrtab.get_at(word(aux + 8)) == Some(node) {
                return aux + 4;
            }
            match word(aux + 12) {
                0 => break,
                next => aux += next,
            }
        }
        match word(need + 12) {
            0 => panic!("no need of {node}"),
            next => need += next,
        }
    }
}

#[test]
fn packed_relative_relocations_are_rejected_by_both_policies() {
    if !gcc() {
        return;
    }
    let bundle = good();
    bundle.library(
        GCC,
        &[(NODE, "sf_version_string; sf_newer")],
        &["-Wl,-z,pack-relative-relocs"],
    );
    for policy in ["al2-x86_64", "al2023-x86_64"] {
        for violation in [
            format!("GLIBC_ABI_DT_RELR in libsndfile.so.1: {policy}'s libc.so.6 does not provide it"),
            format!("libsndfile.so.1 has dynamic tag 0x24 (DT_RELR): {policy}'s loader"),
        ] {
            bundle.assert_rejected(policy, &violation, None);
        }
    }
    // glibc 2.36, this machine's, is the first to know DT_RELR.
    assert_eq!(bundle.load(&[]).unwrap(), "libsndfile-1.0.29 newer\n");
}

#[test]
fn a_relocation_type_the_loader_does_not_apply_is_rejected() {
    if !gcc() {
        return;
    }
    let bundle = good();
    // The first R_X86_64_GLOB_DAT (6) of .rela.dyn becomes R_X86_64_GOTPCREL (9).
    let bytes = fs::read(bundle.path("libsndfile.so.1")).unwrap();
    let elf = goblin::elf::Elf::parse(&bytes).unwrap();
    let rela = elf
        .section_headers
        .iter()
        .find(|s| elf.shdr_strtab.get_at(s.sh_name) == Some(".rela.dyn"))
        .unwrap();
    let info = (0..rela.sh_size as usize / 24)
        .map(|i| rela.sh_offset as usize + 24 * i + 8)
        .find(|&at| bytes[at] == 6)
        .expect("a GLOB_DAT relocation");
    bundle.patch("libsndfile.so.1", info, &[9]);
    bundle.assert_rejected(
        "al2023-x86_64",
        "libsndfile.so.1 has dynamic relocations of type 9 (X86_64_GOTPCREL)",
        Some("unexpected reloc type 0x09"),
    );
}

#[test]
fn an_unknown_os_abi_or_abi_version_is_rejected() {
    if !gcc() {
        return;
    }
    let bundle = good();
    bundle.patch("libsndfile.so.1", 7, &[9]); // ELFOSABI_FREEBSD
    bundle.assert_rejected(
        "al2023-x86_64",
        "libsndfile.so.1 has EI_OSABI 9",
        Some("ELF file OS ABI invalid"),
    );
    bundle.patch("libsndfile.so.1", 7, &[3, 9]); // ELFOSABI_GNU, ABI version 9
    bundle.assert_rejected(
        "al2023-x86_64",
        "libsndfile.so.1 has EI_ABIVERSION 9",
        Some("ELF file ABI version invalid"),
    );
    bundle.patch("libsndfile.so.1", 7, &[3, 2]); // GNU IFUNC: every x86_64 glibc
    bundle.assert_passes("al2023-x86_64");
    bundle.load(&[]).unwrap();
}

#[test]
fn an_isa_level_beyond_the_policys_cpu_baseline_is_rejected() {
    if !gcc() || !have(&["qemu-x86_64-static", "--version"]) {
        return;
    }
    // AL2023 guarantees x86-64-v2, the ISA of a Nehalem CPU.
    let nehalem = ["qemu-x86_64-static", "-cpu", "Nehalem"];
    let bundle = good();
    bundle.library(
        GCC,
        &[(NODE, "sf_version_string; sf_newer")],
        &["-Wl,-z,x86-64-v3"],
    );
    bundle.assert_rejected(
        "al2023-x86_64",
        "libsndfile.so.1 needs the ISA level x86-64-v3 (GNU_PROPERTY_X86_ISA_1_NEEDED): al2023-x86_64 guarantees only x86-64-v2",
        None,
    );
    let error = bundle.load(&nehalem).unwrap_err();
    assert!(error.contains("CPU ISA level is lower than required"), "{error}");
    bundle.library(
        GCC,
        &[(NODE, "sf_version_string; sf_newer")],
        &["-Wl,-z,x86-64-v2"],
    );
    bundle.assert_passes("al2023-x86_64");
    bundle.load(&nehalem).unwrap();
    // AL2 is built for the x86-64 baseline: v2 is not guaranteed.
    bundle.assert_rejected(
        "al2-x86_64",
        "libsndfile.so.1 needs the ISA level x86-64-v2 (GNU_PROPERTY_X86_ISA_1_NEEDED): al2-x86_64 guarantees only x86-64 (baseline)",
        None,
    );
}

#[test]
fn a_static_executable_is_an_executable_and_one_without_a_loader_is_rejected() {
    if !gcc() {
        return;
    }
    let bundle = Bundle::new();
    bundle.cc(GCC, &["hello.c"], "main", &["-static"]);
    for policy in ["al2-x86_64", "al2023-x86_64"] {
        bundle.assert_passes(policy);
    }
    assert_eq!(bundle.load(&[]).unwrap(), "hello\n");
    // As a library it would have to be 0644.
    fs::set_permissions(bundle.path("main"), fs::Permissions::from_mode(0o644)).unwrap();
    bundle.assert_rejected(
        "al2-x86_64",
        "main has mode 0644: an executable must be 0755",
        None,
    );

    let bundle = Bundle::new();
    bundle.cc(GCC, &["hello.c"], "main", &["-Wl,--no-dynamic-linker"]);
    bundle.assert_rejected(
        "al2023-x86_64",
        "main is an executable that needs shared libraries but names no loader (no PT_INTERP)",
        None,
    );
    bundle.load(&[]).expect_err("it ran");
}

#[test]
fn a_single_elf_file_is_audited_and_bad_paths_are_named() {
    if !gcc() {
        return;
    }
    let bundle = good();
    let xtask = |path: &Path| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["audit", path.to_str().unwrap(), "--policy", "al2023-x86_64"])
            .output()
            .unwrap()
    };
    let out = xtask(&bundle.path("main"));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        report.contains("violation: main needs libsndfile.so.1, which is neither in the bundle beside it"),
        "{report}"
    );
    assert!(xtask(&bundle.path("libsndfile.so.1")).status.success());
    for (path, error) in [
        (bundle.path("nothing/"), "nothing/: no such file or directory"),
        (corpus("main.c"), "main.c: not a directory, a ZIP or an ELF file"),
    ] {
        let out = xtask(&path);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains(error), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

fn patchelf(args: &[&str], file: &Path) {
    run(Command::new("patchelf").args(args).arg(file));
}

#[test]
fn rpath_origin_is_required_only_to_find_a_bundled_library() {
    if !gcc() || !have(&["patchelf", "--version"]) {
        return;
    }
    // The library needs only libc: without RPATH it loads, in the bundle
    // and audited alone.
    let bundle = good();
    let library = bundle.path("libsndfile.so.1");
    patchelf(&["--remove-rpath"], &library);
    bundle.assert_passes("al2023-x86_64");
    assert_eq!(bundle.load(&[]).unwrap(), "libsndfile-1.0.29 newer\n");
    let alone = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["audit", library.to_str().unwrap(), "--policy", "al2023-x86_64"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&alone.stdout);
    assert!(alone.status.success(), "{report}");
    assert!(report.contains("libsndfile.so.1: needs GLIBC_2."), "{report}");
    // Another directory would be searched before the system's.
    patchelf(&["--force-rpath", "--set-rpath", "/opt/lib"], &library);
    bundle.assert_rejected(
        "al2023-x86_64",
        "libsndfile.so.1 has RPATH /opt/lib: only $ORIGIN may be searched before al2023-x86_64's system libraries",
        None,
    );

    // main needs the bundle's libsndfile.so.1: without RPATH ld.so does
    // not find it, and loads another one (this machine's) or none.
    let bundle = good();
    patchelf(&["--remove-rpath"], &bundle.path("main"));
    bundle.assert_rejected(
        "al2023-x86_64",
        "main has RPATH none: it needs the bundle's libsndfile.so.1, which ld.so finds only through RPATH $ORIGIN and no RUNPATH",
        None,
    );
    let loaded = bundle.load(&[]);
    assert_ne!(loaded, Ok("libsndfile-1.0.29 newer\n".to_string()));
}
