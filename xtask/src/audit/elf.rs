//! The facts about one ELF file that the audit judges, read with goblin.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, anyhow};
use goblin::elf::dynamic::{DF_1_PIE, DT_FLAGS_1, DT_NEEDED};
use goblin::elf::header::{ET_DYN, ET_EXEC};
use goblin::elf::section_header::SHN_UNDEF;
use goblin::elf::sym::{STB_LOCAL, STB_WEAK};
use goblin::elf::symver::VER_FLG_WEAK;
use goblin::elf::{Elf, note::NT_GNU_PROPERTY_TYPE_0};

/// What an ELF file asks of the system that loads it.
#[derive(Debug, Default)]
pub struct ElfFacts {
    /// `e_machine`.
    pub machine: u16,
    /// `e_type`.
    pub file_type: u16,
    /// `EI_OSABI`.
    pub osabi: u8,
    /// `EI_ABIVERSION`.
    pub abiversion: u8,
    /// PT_INTERP, for dynamically linked executables.
    pub interpreter: Option<String>,
    /// DF_1_PIE: a position-independent executable, not a library.
    pub pie: bool,
    /// DT_SONAME, for shared libraries.
    pub soname: Option<String>,
    /// DT_NEEDED entries.
    pub needed: Vec<String>,
    /// DT_RPATH entries (colon-separated lists split).
    pub rpath: Vec<String>,
    /// DT_RUNPATH entries.
    pub runpath: Vec<String>,
    /// Every dynamic tag, in file order.
    pub tags: Vec<u64>,
    /// Every dynamic relocation type (RELA, REL and PLT).
    pub relocations: BTreeSet<u32>,
    /// Every version needed, in file order.
    pub needs: Vec<VersionNeed>,
    /// Every version node defined, the base node (the file's own name)
    /// included: empty for a library without symbol versions.
    pub defines: BTreeSet<String>,
    /// Every defined dynamic symbol, with its version node if it has one.
    pub exports: BTreeSet<(String, Option<String>)>,
    /// Every undefined dynamic symbol.
    pub imports: Vec<Import>,
    /// GNU_PROPERTY_X86_ISA_1_NEEDED: a bit per x86-64 ISA level (1 the
    /// baseline, 2 v2, 4 v3, 8 v4).
    pub x86_isa_needed: u32,
    /// Every version node needed (`GLIBC_2.29`), with the dynamic symbols
    /// that need it.
    pub versions: BTreeMap<String, Vec<String>>,
}

/// A version needed from a library (`Elf64_Vernaux`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionNeed {
    /// The library's name as linked (`vn_file`: `libc.so.6`).
    pub file: String,
    /// The version node (`GLIBC_2.17`).
    pub node: String,
    /// VER_FLG_WEAK: ld.so only warns when it is missing.
    pub weak: bool,
}

/// An undefined dynamic symbol.
#[derive(Debug, Clone)]
pub struct Import {
    pub name: String,
    /// The version it needs: (`vn_file`, node).
    pub version: Option<(String, String)>,
    /// STB_WEAK: it may stay undefined.
    pub weak: bool,
}

/// GNU_PROPERTY_X86_ISA_1_NEEDED, as glibc 2.33+ reads it.
const GNU_PROPERTY_X86_ISA_1_NEEDED: u32 = 0xc000_8002;

/// `true` for an ELF file, by its magic number.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
}

impl ElfFacts {
    /// Parses `bytes`, an ELF file.
    pub fn parse(bytes: &[u8]) -> Result<ElfFacts> {
        let elf = Elf::parse(bytes).map_err(|e| anyhow!("not a readable ELF file: {e}"))?;
        let string = |offset: usize| elf.dynstrtab.get_at(offset).unwrap_or("?").to_string();
        let mut needs = Vec::new();
        let mut need_by_index = BTreeMap::new();
        for needed in elf.verneed.iter().flat_map(|section| section.iter()) {
            for aux in needed.iter() {
                let need = VersionNeed {
                    file: string(needed.vn_file),
                    node: string(aux.vna_name),
                    weak: aux.vna_flags & VER_FLG_WEAK != 0,
                };
                need_by_index.insert(aux.vna_other, need.clone());
                needs.push(need);
            }
        }
        let mut defines = BTreeSet::new();
        let mut define_by_index = BTreeMap::new();
        for def in elf.verdef.iter().flat_map(|section| section.iter()) {
            if let Some(aux) = def.iter().next() {
                define_by_index.insert(def.vd_ndx, string(aux.vda_name));
                defines.insert(string(aux.vda_name));
            }
        }
        let mut versions: BTreeMap<String, Vec<String>> =
            needs.iter().map(|n| (n.node.clone(), Vec::new())).collect();
        let mut exports = BTreeSet::new();
        let mut imports = Vec::new();
        for (index, symbol) in elf.dynsyms.iter().enumerate() {
            let bind = symbol.st_bind();
            if symbol.st_name == 0 || bind == STB_LOCAL {
                continue;
            }
            let name = string(symbol.st_name);
            let version = elf
                .versym
                .as_ref()
                .and_then(|v| v.get_at(index))
                .map(|v| v.version());
            if symbol.st_shndx == SHN_UNDEF as usize {
                let need = version.and_then(|v| need_by_index.get(&v));
                if let Some(need) = need {
                    versions.entry(need.node.clone()).or_default().push(name.clone());
                }
                imports.push(Import {
                    name,
                    version: need.map(|n| (n.file.clone(), n.node.clone())),
                    weak: bind == STB_WEAK,
                });
            } else {
                let node = version.and_then(|v| define_by_index.get(&v)).cloned();
                exports.insert((name, node));
            }
        }
        let split = |entries: &[&str]| {
            entries
                .iter()
                .flat_map(|e| e.split(':'))
                .map(String::from)
                .collect()
        };
        let tags: Vec<u64> = elf
            .dynamic
            .iter()
            .flat_map(|d| d.dyns.iter().map(|d| d.d_tag))
            .collect();
        let flags_1 = elf
            .dynamic
            .iter()
            .flat_map(|d| &d.dyns)
            .find(|d| d.d_tag == DT_FLAGS_1);
        let relocations = [&elf.dynrelas, &elf.dynrels, &elf.pltrelocs]
            .into_iter()
            .flat_map(|section| section.iter().map(|r| r.r_type))
            .collect();
        Ok(ElfFacts {
            machine: elf.header.e_machine,
            file_type: elf.header.e_type,
            osabi: elf.header.e_ident[goblin::elf::header::EI_OSABI],
            abiversion: elf.header.e_ident[goblin::elf::header::EI_ABIVERSION],
            interpreter: elf.interpreter.map(String::from),
            pie: flags_1.is_some_and(|d| d.d_val & DF_1_PIE != 0),
            soname: elf.soname.map(String::from),
            needed: elf.libraries.iter().map(|s| s.to_string()).collect(),
            rpath: split(&elf.rpaths),
            runpath: split(&elf.runpaths),
            tags,
            relocations,
            needs,
            defines,
            exports,
            imports,
            x86_isa_needed: x86_isa_needed(&elf, bytes),
            versions,
        })
    }

    /// What the kernel and ld.so make of the file.
    pub fn class(&self) -> Class {
        let executable =
            self.interpreter.is_some() || self.file_type == ET_EXEC || (self.file_type == ET_DYN && self.pie);
        match (executable, self.file_type) {
            (true, _) if self.interpreter.is_some() => Class::Executable,
            (true, _) if self.tags.contains(&DT_NEEDED) => Class::NoLoader,
            (true, _) => Class::Static,
            (false, ET_DYN) => Class::Library,
            (false, _) => Class::Other,
        }
    }

    /// An executable (with or without a loader), not a shared library.
    pub fn is_executable(&self) -> bool {
        matches!(self.class(), Class::Executable | Class::NoLoader | Class::Static)
    }
}

/// How a file is started or loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// An executable that names its loader (PT_INTERP).
    Executable,
    /// An executable that needs shared libraries but names no loader: the
    /// kernel would start it unrelocated.
    NoLoader,
    /// A static executable (static-pie included): no loader involved.
    Static,
    /// A shared library.
    Library,
    /// A relocatable object or a core dump.
    Other,
}

/// The union of the GNU_PROPERTY_X86_ISA_1_NEEDED bits in the file's notes.
fn x86_isa_needed(elf: &Elf, bytes: &[u8]) -> u32 {
    let mut needed = 0;
    for note in elf.iter_note_headers(bytes).into_iter().flatten().flatten() {
        if note.n_type != NT_GNU_PROPERTY_TYPE_0 || note.name != "GNU" {
            continue;
        }
        // Properties: type (u32), size (u32), data padded to 8 bytes.
        let mut rest = note.desc;
        while rest.len() >= 8 {
            let word = |at: usize| u32::from_le_bytes(rest[at..at + 4].try_into().unwrap());
            let (kind, size) = (word(0), word(4) as usize);
            if kind == GNU_PROPERTY_X86_ISA_1_NEEDED && size == 4 && rest.len() >= 12 {
                needed |= word(8);
            }
            rest = rest.get(8 + size.next_multiple_of(8)..).unwrap_or_default();
        }
    }
    needed
}
