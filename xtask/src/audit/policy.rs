//! What each Lambda OS provides: glibc's and libgcc's symbol versions, the
//! system libraries a bundle may rely on, and the loader.

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

/// The libraries of glibc and libgcc that every Lambda image has.
const SYSTEM_LIBRARIES: [&str; 6] = [
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "libpthread.so.0",
    "librt.so.1",
    "libgcc_s.so.1",
];

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

    /// The highest version of a symbol-version family (`GLIBC`, `GCC`,
    /// `GLIBCXX`, `CXXABI`) the OS provides; `None` for other families.
    /// AL2: glibc 2.26 and GCC 7; AL2023: glibc 2.34 and GCC 11.
    pub fn highest(self, family: &str) -> Option<&'static str> {
        let al2 = matches!(self, Policy::Al2X86_64 | Policy::Al2Aarch64);
        Some(match (family, al2) {
            ("GLIBC", true) => "2.26",
            ("GLIBC", false) => "2.34",
            ("GCC", true) => "7.0.0",
            ("GCC", false) => "11.0",
            ("GLIBCXX", true) => "3.4.24",
            ("GLIBCXX", false) => "3.4.29",
            ("CXXABI", true) => "1.3.11",
            ("CXXABI", false) => "1.3.13",
            _ => return None,
        })
    }

    /// Whether `name` is a library the OS provides: glibc's, libgcc's, or
    /// the loader.
    pub fn is_system_library(self, name: &str) -> bool {
        SYSTEM_LIBRARIES.contains(&name) || self.arch().interpreter().ends_with(&format!("/{name}"))
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
    fn al2_is_older_than_al2023() {
        assert_eq!(Policy::Al2Aarch64.highest("GLIBC"), Some("2.26"));
        assert_eq!(Policy::Al2023X86_64.highest("GLIBC"), Some("2.34"));
        assert_eq!(Policy::Al2X86_64.highest("libsndfile.so.1"), None);
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
