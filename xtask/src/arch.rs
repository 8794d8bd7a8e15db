//! The two Lambda architectures and what each means to zig, rustc and ld.so.

use std::fmt;

/// A Lambda architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Arch {
    /// `x86_64` Lambda functions.
    #[value(name = "x86_64")]
    X86_64,
    /// `arm64` Lambda functions (Graviton).
    #[value(name = "aarch64")]
    Aarch64,
}

/// glibc of Amazon Linux 2, the oldest Lambda OS still served.
pub const GLIBC: &str = "2.26";

impl Arch {
    /// Both, in the order they are built.
    pub const ALL: [Arch; 2] = [Arch::X86_64, Arch::Aarch64];

    /// The name used in file names, in `uname -m` form.
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
        }
    }

    /// zig's target, pinned to the glibc of Amazon Linux 2.
    pub fn zig_target(self) -> String {
        format!("{}-linux-gnu.{GLIBC}", self.name())
    }

    /// Rust's target triple.
    pub fn rust_target(self) -> String {
        format!("{}-unknown-linux-gnu", self.name())
    }

    /// cargo-zigbuild's target: Rust's with the glibc version appended.
    pub fn zigbuild_target(self) -> String {
        format!("{}.{GLIBC}", self.rust_target())
    }

    /// The dynamic loader executables must name (PT_INTERP).
    pub fn interpreter(self) -> &'static str {
        match self {
            Arch::X86_64 => "/lib64/ld-linux-x86-64.so.2",
            Arch::Aarch64 => "/lib/ld-linux-aarch64.so.1",
        }
    }

    /// The ELF `e_machine` value.
    pub fn elf_machine(self) -> u16 {
        match self {
            Arch::X86_64 => goblin::elf::header::EM_X86_64,
            Arch::Aarch64 => goblin::elf::header::EM_AARCH64,
        }
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
