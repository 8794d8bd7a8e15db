//! The facts about one ELF file that the audit judges, read with goblin.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow};
use goblin::elf::Elf;

/// What an ELF file asks of the system that loads it.
#[derive(Debug, Default)]
pub struct ElfFacts {
    /// `e_machine`.
    pub machine: u16,
    /// PT_INTERP, for executables.
    pub interpreter: Option<String>,
    /// DT_SONAME, for shared libraries.
    pub soname: Option<String>,
    /// DT_NEEDED entries.
    pub needed: Vec<String>,
    /// DT_RPATH entries (colon-separated lists split).
    pub rpath: Vec<String>,
    /// DT_RUNPATH entries.
    pub runpath: Vec<String>,
    /// Every version node needed (`GLIBC_2.29`), with the dynamic symbols
    /// that need it.
    pub versions: BTreeMap<String, Vec<String>>,
}

/// `true` for an ELF file, by its magic number.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
}

impl ElfFacts {
    /// Parses `bytes`, an ELF file.
    pub fn parse(bytes: &[u8]) -> Result<ElfFacts> {
        let elf = Elf::parse(bytes).map_err(|e| anyhow!("not a readable ELF file: {e}"))?;
        let mut versions: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut by_index = BTreeMap::new();
        for needed in elf.verneed.iter().flat_map(|section| section.iter()) {
            for aux in needed.iter() {
                let name = elf.dynstrtab.get_at(aux.vna_name).unwrap_or("?").to_string();
                by_index.insert(aux.vna_other, name.clone());
                versions.entry(name).or_default();
            }
        }
        if let Some(versym) = &elf.versym {
            for (index, symbol) in elf.dynsyms.iter().enumerate() {
                let version = versym.get_at(index).map(|v| v.version());
                if let (true, Some(node)) = (symbol.is_import(), version.and_then(|v| by_index.get(&v))) {
                    let name = elf.dynstrtab.get_at(symbol.st_name).unwrap_or("?").to_string();
                    versions.get_mut(node).expect("indexed above").push(name);
                }
            }
        }
        let split = |entries: &[&str]| {
            entries
                .iter()
                .flat_map(|e| e.split(':'))
                .map(String::from)
                .collect()
        };
        Ok(ElfFacts {
            machine: elf.header.e_machine,
            interpreter: elf.interpreter.map(String::from),
            soname: elf.soname.map(String::from),
            needed: elf.libraries.iter().map(|s| s.to_string()).collect(),
            rpath: split(&elf.rpaths),
            runpath: split(&elf.runpaths),
            versions,
        })
    }

    /// An executable (it names a loader), not a shared library.
    pub fn is_executable(&self) -> bool {
        self.interpreter.is_some()
    }
}
