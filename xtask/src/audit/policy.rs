//! What each Lambda OS provides: the loader's vocabulary (dynamic tags,
//! relocation types, ELF ABI versions), the symbol versions of glibc and
//! libgcc_s, and the CPU baseline. The symbol versions and tags are data,
//! `xtask/policy/glibc-*.txt`, derived from glibc's and GCC's own files
//! (see `xtask/policy/README.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use goblin::elf::reloc::*;

use crate::arch::Arch;

/// A target OS and architecture to audit against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Policy {
    /// Amazon Linux 2 (provided.al2, python3.9-3.11, nodejs18.x), x86_64.
    #[value(name = "al2-x86_64")]
    Al2X86_64,
    /// Amazon Linux 2, arm64.
    #[value(name = "al2-aarch64")]
    Al2Aarch64,
    /// Amazon Linux 2023 (provided.al2023, python3.12+, nodejs20.x+), x86_64.
    #[value(name = "al2023-x86_64")]
    Al2023X86_64,
    /// Amazon Linux 2023, arm64.
    #[value(name = "al2023-aarch64")]
    Al2023Aarch64,
}

/// The system libraries of one policy and the dynamic tags its loader knows.
#[derive(Debug, Default)]
pub struct SystemData {
    /// soname → version node → symbols.
    libraries: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    /// tag → name, from glibc's elf.h.
    tags: BTreeMap<u64, String>,
}

impl SystemData {
    /// Parses the `[section]`-and-lines format `derive.py` writes.
    fn parse(text: &str) -> SystemData {
        let mut data = SystemData::default();
        let mut section = "";
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name;
                continue;
            }
            let mut words = line.split(' ');
            let first = words.next().unwrap_or_default();
            if section == "dynamic-tags" {
                let value = u64::from_str_radix(first.trim_start_matches("0x"), 16).expect("a hex tag");
                data.tags
                    .insert(value, words.next().unwrap_or_default().to_string());
            } else {
                let library = data.libraries.entry(section.to_string()).or_default();
                library.insert(first.to_string(), words.map(String::from).collect());
            }
        }
        data
    }
}

impl Policy {
    /// The AL2 policy for `arch`: what the bundles are built for.
    pub fn al2(arch: Arch) -> Policy {
        match arch {
            Arch::X86_64 => Policy::Al2X86_64,
            Arch::Aarch64 => Policy::Al2Aarch64,
        }
    }

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Al2X86_64 => "al2-x86_64",
            Policy::Al2Aarch64 => "al2-aarch64",
            Policy::Al2023X86_64 => "al2023-x86_64",
            Policy::Al2023Aarch64 => "al2023-aarch64",
        }
    }

    /// The architecture every ELF must be built for.
    pub fn arch(self) -> Arch {
        match self {
            Policy::Al2X86_64 | Policy::Al2023X86_64 => Arch::X86_64,
            Policy::Al2Aarch64 | Policy::Al2023Aarch64 => Arch::Aarch64,
        }
    }

    fn is_al2(self) -> bool {
        matches!(self, Policy::Al2X86_64 | Policy::Al2Aarch64)
    }

    /// The OS's glibc release.
    pub fn glibc(self) -> &'static str {
        if self.is_al2() { "2.26" } else { "2.34" }
    }

    fn data(self) -> &'static SystemData {
        static DATA: [OnceLock<SystemData>; 4] = [const { OnceLock::new() }; 4];
        DATA[self as usize].get_or_init(|| {
            SystemData::parse(match self {
                Policy::Al2X86_64 => include_str!("../../policy/glibc-2.26-x86_64.txt"),
                Policy::Al2Aarch64 => include_str!("../../policy/glibc-2.26-aarch64.txt"),
                Policy::Al2023X86_64 => include_str!("../../policy/glibc-2.34-x86_64.txt"),
                Policy::Al2023Aarch64 => include_str!("../../policy/glibc-2.34-aarch64.txt"),
            })
        })
    }

    /// Whether `soname` is a library the OS provides: glibc's, libgcc_s, or
    /// the loader.
    pub fn is_system_library(self, soname: &str) -> bool {
        self.data().libraries.contains_key(soname)
    }

    /// The version nodes the system library `soname` defines.
    pub fn defines(self, soname: &str, node: &str) -> bool {
        self.data()
            .libraries
            .get(soname)
            .is_some_and(|nodes| nodes.contains_key(node))
    }

    /// Whether the system library `soname` exports `symbol`, at `node` or,
    /// for an unversioned reference, at any node.
    pub fn exports(self, soname: &str, symbol: &str, node: Option<&str>) -> bool {
        let Some(nodes) = self.data().libraries.get(soname) else {
            return false;
        };
        match node {
            Some(node) => nodes.get(node).is_some_and(|symbols| symbols.contains(symbol)),
            None => nodes.values().any(|symbols| symbols.contains(symbol)),
        }
    }

    /// The loader's soname (`ld-linux-x86-64.so.2`): in every scope.
    pub fn loader(self) -> &'static str {
        let path = self.arch().interpreter();
        path.rsplit_once('/').map_or(path, |(_, name)| name)
    }

    /// The name of a dynamic tag the loader knows; `None` when it ignores it.
    pub fn known_tag(self, tag: u64) -> Option<&'static str> {
        self.data().tags.get(&tag).map(String::as_str)
    }

    /// Whether the loader applies dynamic relocations of type `r_type`:
    /// the cases of `elf_machine_rela` in glibc's
    /// `sysdeps/{x86_64,aarch64}/dl-machine.h`, the same in 2.26 and 2.34.
    pub fn applies_relocation(self, r_type: u32) -> bool {
        let known: &[u32] = match self.arch() {
            Arch::X86_64 => &[
                R_X86_64_NONE,
                R_X86_64_64,
                R_X86_64_PC32,
                R_X86_64_COPY,
                R_X86_64_GLOB_DAT,
                R_X86_64_JUMP_SLOT,
                R_X86_64_RELATIVE,
                R_X86_64_32,
                R_X86_64_DTPMOD64,
                R_X86_64_DTPOFF64,
                R_X86_64_TPOFF64,
                R_X86_64_SIZE32,
                R_X86_64_SIZE64,
                R_X86_64_TLSDESC,
                R_X86_64_IRELATIVE,
                R_X86_64_RELATIVE64,
            ],
            Arch::Aarch64 => &[
                R_AARCH64_NONE,
                R_AARCH64_ABS64,
                R_AARCH64_ABS32,
                R_AARCH64_COPY,
                R_AARCH64_GLOB_DAT,
                R_AARCH64_JUMP_SLOT,
                R_AARCH64_RELATIVE,
                R_AARCH64_TLS_DTPMOD,
                R_AARCH64_TLS_DTPREL,
                R_AARCH64_TLS_TPREL,
                R_AARCH64_TLSDESC,
                R_AARCH64_IRELATIVE,
            ],
        };
        known.contains(&r_type)
    }

    /// The EI_ABIVERSION values the loader accepts with ELFOSABI_GNU:
    /// below LIBC_ABI_MAX, from glibc's `libc-abis` (UNIQUE; IFUNC on
    /// x86_64; ABSOLUTE from 2.28).
    pub fn abi_versions(self) -> u8 {
        let ifunc = u8::from(self.arch() == Arch::X86_64);
        let absolute = u8::from(!self.is_al2());
        2 + ifunc + absolute
    }

    /// The x86-64 ISA levels every CPU of the OS has, as
    /// GNU_PROPERTY_X86_ISA_1 bits: AL2 is built for the x86-64 baseline;
    /// AL2023 is built for x86-64-v2, so no CPU running it lacks v2.
    /// `0` on aarch64, which has no such notes.
    pub fn x86_isa_guaranteed(self) -> u32 {
        match self {
            Policy::Al2X86_64 => 0b1,
            Policy::Al2023X86_64 => 0b11,
            Policy::Al2Aarch64 | Policy::Al2023Aarch64 => 0,
        }
    }
}

/// Splits `GLIBC_2.29` into `("GLIBC", "2.29")`.
pub fn split_version(node: &str) -> Option<(&str, &str)> {
    let (family, version) = node.split_once('_')?;
    version
        .starts_with(|c: char| c.is_ascii_digit())
        .then_some((family, version))
}

/// Compares dotted versions numerically: `2.9 < 2.26`.
pub fn newer(version: &str, than: &str) -> bool {
    let parse = |v: &str| {
        v.split('.')
            .map(|part| part.parse::<u32>().unwrap_or(u32::MAX))
            .collect::<Vec<_>>()
    };
    parse(version) > parse(than)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_as_numbers() {
        assert!(newer("2.29", "2.26"));
        assert!(!newer("2.9", "2.26"));
        assert!(!newer("2.26", "2.26"));
        assert!(newer("2.26.1", "2.26"));
        assert!(newer("12.0.0", "7.0.0"));
    }

    #[test]
    fn version_nodes_split_into_family_and_version() {
        assert_eq!(split_version("GLIBC_2.29"), Some(("GLIBC", "2.29")));
        assert_eq!(split_version("GLIBC_PRIVATE"), None);
        assert_eq!(split_version("libsndfile.so.1.0"), None);
    }

    #[test]
    fn the_data_holds_each_glibc_and_libgcc_s() {
        assert!(Policy::Al2X86_64.defines("libc.so.6", "GLIBC_2.26"));
        assert!(!Policy::Al2X86_64.defines("libc.so.6", "GLIBC_2.27"));
        assert!(Policy::Al2023X86_64.defines("libc.so.6", "GLIBC_2.34"));
        assert!(!Policy::Al2023X86_64.defines("libc.so.6", "GLIBC_ABI_DT_RELR"));
        assert!(Policy::Al2Aarch64.exports("libm.so.6", "pow", Some("GLIBC_2.17")));
        assert!(!Policy::Al2Aarch64.exports("libm.so.6", "pow", Some("GLIBC_2.29")));
        assert!(Policy::Al2023Aarch64.exports("libm.so.6", "pow", Some("GLIBC_2.29")));
        // 2.34 moved pthread_create into libc.so.6; libpthread.so.0 keeps its nodes.
        assert!(Policy::Al2023X86_64.exports("libc.so.6", "pthread_create", Some("GLIBC_2.2.5")));
        assert!(Policy::Al2023X86_64.defines("libpthread.so.0", "GLIBC_2.2.5"));
        assert!(Policy::Al2X86_64.exports("libgcc_s.so.1", "_Unwind_Resume", Some("GCC_3.0")));
        assert!(Policy::Al2X86_64.defines("libgcc_s.so.1", "GCC_7.0.0"));
        assert!(!Policy::Al2023X86_64.defines("libgcc_s.so.1", "GCC_12.0.0"));
    }

    #[test]
    fn the_loaders_know_no_relr() {
        for policy in [Policy::Al2X86_64, Policy::Al2023Aarch64] {
            assert_eq!(policy.known_tag(0x6fff_fef5), Some("DT_GNU_HASH"));
            assert_eq!(policy.known_tag(36), None, "DT_RELR");
        }
    }

    #[test]
    fn system_libraries_include_the_loader_of_the_arch() {
        assert!(Policy::Al2X86_64.is_system_library("ld-linux-x86-64.so.2"));
        assert!(!Policy::Al2X86_64.is_system_library("ld-linux-aarch64.so.1"));
        assert!(Policy::Al2Aarch64.is_system_library("libgcc_s.so.1"));
        assert!(!Policy::Al2Aarch64.is_system_library("libstdc++.so.6"));
        assert!(!Policy::Al2X86_64.is_system_library("libsndfile.so.1"));
    }
}
