//! `cargo xtask audit`: checks that every ELF in a bundle directory, ZIP or
//! single ELF file loads on a Lambda OS, and that a bundle is laid out as
//! Lambda needs.

mod elf;
mod entries;
mod loading;
pub mod policy;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde_json::json;

pub use elf::{Class, ElfFacts, is_elf};
pub use entries::{Entry, Kind, Source, read_entries, read_source};
use policy::{Policy, newer, split_version};

/// What the audit found in one ELF file.
#[derive(Debug)]
pub struct ElfReport {
    /// Path inside the bundle.
    pub name: String,
    /// The highest version needed per family (`GLIBC` → `2.18`).
    pub highest: BTreeMap<String, String>,
    /// The file's facts.
    pub facts: ElfFacts,
}

/// The outcome of an audit.
#[derive(Debug)]
pub struct Report {
    /// The policy judged against.
    pub policy: Policy,
    /// Every ELF file, in name order.
    pub elves: Vec<ElfReport>,
    /// Every problem, each naming its file.
    pub violations: Vec<String>,
}

/// Audits the directory, ZIP or ELF file at `path` against `policy`.
pub fn audit_path(path: &Path, policy: Policy) -> Result<Report> {
    let (source, entries) = read_source(path)?;
    Ok(audit(&entries, policy, source))
}

/// Audits `entries` read from `source`.
pub fn audit(entries: &[Entry], policy: Policy, source: Source) -> Report {
    let mut report = Report {
        policy,
        elves: Vec::new(),
        violations: Vec::new(),
    };
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    for entry in entries {
        check_entry(entry, &names, source, &mut report);
    }
    let bundle = loading::Bundle::new(entries, &report.elves);
    for elf in &report.elves {
        loading::check(&elf.name, &elf.facts, &bundle, policy, &mut report.violations);
    }
    report
}

fn check_entry(entry: &Entry, names: &[&str], source: Source, report: &mut Report) {
    let name = &entry.name;
    let modes = source != Source::Elf;
    let bytes = match &entry.kind {
        Kind::Dir => return check_mode(name, entry.mode, 0o755, "a directory", report),
        Kind::Symlink(target) => {
            if source != Source::Dir {
                report.violations.push(format!(
                    "{name} is a symlink: a Lambda ZIP must hold regular files"
                ));
            } else if !names.contains(&bundle_path(name, target).as_str()) {
                report
                    .violations
                    .push(format!("{name} is a symlink to {target}, outside the bundle"));
            }
            return;
        }
        Kind::File(bytes) => bytes,
    };
    if bytes.windows(b"/nix/store".len()).any(|w| w == b"/nix/store") {
        report
            .violations
            .push(format!("{name} contains a /nix/store path"));
    }
    if !is_elf(bytes) {
        return check_mode(name, entry.mode, 0o644, "a data file", report);
    }
    let facts = match ElfFacts::parse(bytes) {
        Ok(facts) => facts,
        Err(error) => return report.violations.push(format!("{name}: {error:#}")),
    };
    let (mode, what) = if facts.is_executable() {
        (0o755, "an executable")
    } else {
        (0o644, "a library")
    };
    if modes {
        check_mode(name, entry.mode, mode, what, report);
    }
    check_elf(name, &facts, report);
    let mut highest: BTreeMap<String, String> = BTreeMap::new();
    for (family, version) in facts.versions.keys().filter_map(|node| split_version(node)) {
        if highest.get(family).is_none_or(|known| newer(version, known)) {
            highest.insert(family.to_string(), version.to_string());
        }
    }
    report.elves.push(ElfReport {
        name: name.clone(),
        highest,
        facts,
    });
}

/// The rules about the file alone: what it is, for which machine and ABI,
/// and which loader it names.
fn check_elf(name: &str, facts: &ElfFacts, report: &mut Report) {
    let policy = report.policy;
    let arch = policy.arch();
    let violations = &mut report.violations;
    if facts.machine != arch.elf_machine() {
        violations.push(format!(
            "{name} is not built for {arch} (e_machine {})",
            facts.machine
        ));
    }
    // glibc's VALID_ELF_OSABI and VALID_ELF_ABIVERSION.
    const ELFOSABI_NONE: u8 = 0;
    const ELFOSABI_GNU: u8 = 3;
    if ![ELFOSABI_NONE, ELFOSABI_GNU].contains(&facts.osabi) {
        violations.push(format!(
            "{name} has EI_OSABI {}: glibc's loader accepts only 0 (System V) and 3 (GNU)",
            facts.osabi
        ));
    } else if facts.abiversion != 0
        && (facts.osabi != ELFOSABI_GNU || facts.abiversion >= policy.abi_versions())
    {
        violations.push(format!(
            "{name} has EI_ABIVERSION {}: {}'s loader accepts {}",
            facts.abiversion,
            policy.name(),
            if facts.osabi == ELFOSABI_GNU {
                format!("0 to {} with EI_OSABI 3", policy.abi_versions() - 1)
            } else {
                "only 0 with EI_OSABI 0".to_string()
            }
        ));
    }
    match facts.class() {
        Class::Executable | Class::Library => {}
        Class::Static => return,
        Class::NoLoader => violations.push(format!(
            "{name} is an executable that needs shared libraries but names no loader (no PT_INTERP)"
        )),
        Class::Other => {
            return violations.push(format!(
                "{name} is neither an executable nor a shared library (e_type {})",
                facts.file_type
            ));
        }
    }
    if let Some(interpreter) = &facts.interpreter
        && interpreter != arch.interpreter()
    {
        violations.push(format!(
            "{name} names the loader {interpreter}, not {}",
            arch.interpreter()
        ));
    }
}

fn check_mode(name: &str, mode: u32, want: u32, what: &str, report: &mut Report) {
    if mode & 0o7777 != want {
        report.violations.push(format!(
            "{name} has mode {:04o}: {what} must be {want:04o}",
            mode & 0o7777
        ));
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Where the symlink `name -> target` points, as a bundle path.
fn bundle_path(name: &str, target: &str) -> String {
    let dir = name.rsplit_once('/').map_or("", |(dir, _)| dir);
    join(dir, target)
}

impl Report {
    /// `true` when nothing was found.
    pub fn passed(&self) -> bool {
        self.violations.is_empty()
    }

    /// A line per ELF file, then the violations, then the verdict.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for elf in &self.elves {
            let highest: Vec<String> = elf.highest.iter().map(|(f, v)| format!("{f}_{v}")).collect();
            if elf.facts.class() == Class::Static {
                out += &format!("{}: static executable\n", elf.name);
                continue;
            }
            out += &format!(
                "{}: needs {}; libraries {}; RPATH {}\n",
                elf.name,
                if highest.is_empty() {
                    "no versioned symbols".into()
                } else {
                    highest.join(", ")
                },
                elf.facts.needed.join(" "),
                if elf.facts.rpath.is_empty() {
                    "none".into()
                } else {
                    elf.facts.rpath.join(":")
                },
            );
        }
        for violation in &self.violations {
            out += &format!("violation: {violation}\n");
        }
        out += &match self.violations.len() {
            0 => format!("ok: {} ELF files fit {}\n", self.elves.len(), self.policy.name()),
            n => format!("failed: {n} violations of {}\n", self.policy.name()),
        };
        out
    }

    /// The report as JSON, for other tools.
    pub fn json(&self) -> serde_json::Value {
        json!({
            "policy": self.policy.name(),
            "passed": self.passed(),
            "violations": self.violations,
            "elf": self.elves.iter().map(|elf| json!({
                "name": elf.name,
                "highest": elf.highest,
                "needed": elf.facts.needed,
                "rpath": elf.facts.rpath,
                "runpath": elf.facts.runpath,
                "interpreter": elf.facts.interpreter,
            })).collect::<Vec<_>>(),
        })
    }
}
