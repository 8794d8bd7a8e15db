//! The rules of loading: what ld.so of the policy's OS does with a file and
//! the libraries it pulls in. DT_NEEDED is resolved as ld.so would with
//! RPATH `$ORIGIN` (beside the file in the bundle), then among the OS's
//! system libraries; every version needed must be defined by the library
//! that provides it, and every undefined non-weak symbol must be defined,
//! at its version, by an object of the file's lookup scope.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use goblin::elf::dynamic::tag_to_str;
use goblin::elf::reloc::r_to_str;

use super::elf::{Class, ElfFacts, Import};
use super::entries::{Entry, Kind};
use super::policy::Policy;
use super::{ElfReport, bundle_path, join};
use crate::arch::Arch;

/// The ELF files of a bundle by path, and its symlinks.
pub struct Bundle<'a> {
    elves: BTreeMap<&'a str, &'a ElfFacts>,
    symlinks: BTreeMap<&'a str, String>,
}

/// Where a needed library comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Provider {
    /// A file of the bundle, by its path (symlinks followed).
    Bundled(String),
    /// A library of the OS, by soname.
    System(String),
}

impl<'a> Bundle<'a> {
    pub fn new(entries: &'a [Entry], elves: &'a [ElfReport]) -> Bundle<'a> {
        Bundle {
            elves: elves.iter().map(|e| (e.name.as_str(), &e.facts)).collect(),
            symlinks: entries
                .iter()
                .filter_map(|e| match &e.kind {
                    Kind::Symlink(target) => Some((e.name.as_str(), bundle_path(&e.name, target))),
                    _ => None,
                })
                .collect(),
        }
    }

    /// The ELF file at `path`, symlinks followed.
    fn file(&self, path: &str) -> Option<(String, &'a ElfFacts)> {
        let mut path = path.to_string();
        for _ in 0..8 {
            if let Some(facts) = self.elves.get(path.as_str()) {
                return Some((path, facts));
            }
            path = self.symlinks.get(path.as_str())?.clone();
        }
        None
    }

    /// Where ld.so finds `library` for the bundle file `from`.
    fn resolve(&self, from: &str, library: &str, policy: Policy) -> Option<Provider> {
        let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
        if let Some((path, _)) = self.file(&join(dir, library)) {
            Some(Provider::Bundled(path))
        } else {
            policy
                .is_system_library(library)
                .then(|| Provider::System(library.to_string()))
        }
    }

    /// The objects symbols of `from` are looked up in: itself, its
    /// dependencies breadth first, and the loader. glibc's own libraries
    /// (and libgcc_s) need libc.so.6.
    fn scope(&self, from: &str, policy: Policy) -> BTreeSet<Provider> {
        let mut scope = BTreeSet::from([Provider::System(policy.loader().to_string())]);
        let mut queue = VecDeque::from([Provider::Bundled(from.to_string())]);
        while let Some(provider) = queue.pop_front() {
            if !scope.insert(provider.clone()) {
                continue;
            }
            match &provider {
                Provider::Bundled(path) => {
                    let facts = self.elves[path.as_str()];
                    queue.extend(facts.needed.iter().filter_map(|n| self.resolve(path, n, policy)));
                }
                Provider::System(_) => queue.push_back(Provider::System("libc.so.6".into())),
            }
        }
        scope
    }

    /// Whether `provider` defines the version node `node`. A bundled
    /// library without symbol versions satisfies every need (ld.so only
    /// warns).
    fn defines(&self, provider: &Provider, node: &str, policy: Policy) -> bool {
        match provider {
            Provider::Bundled(path) => {
                let defines = &self.elves[path.as_str()].defines;
                defines.is_empty() || defines.contains(node)
            }
            Provider::System(soname) => policy.defines(soname, node),
        }
    }

    /// Whether `provider` defines `import` at the version it asks for.
    fn exports(&self, provider: &Provider, import: &Import, policy: Policy) -> bool {
        let node = import.version.as_ref().map(|(_, node)| node.as_str());
        match provider {
            Provider::Bundled(path) => {
                let facts = self.elves[path.as_str()];
                facts.exports.iter().any(|(name, version)| {
                    name == &import.name
                        && (node.is_none() || facts.defines.is_empty() || version.as_deref() == node)
                })
            }
            Provider::System(soname) => policy.exports(soname, &import.name, node),
        }
    }
}

impl Provider {
    fn describe(&self, policy: Policy) -> String {
        match self {
            Provider::Bundled(path) => format!("the bundle's {path}"),
            Provider::System(soname) => format!("{}'s {soname}", policy.name()),
        }
    }
}

/// Judges the bundle file `name` as ld.so of `policy` would load it.
pub fn check(name: &str, facts: &ElfFacts, bundle: &Bundle, policy: Policy, violations: &mut Vec<String>) {
    check_isa(name, facts, policy, violations);
    if matches!(facts.class(), Class::Static | Class::Other) {
        return;
    }
    let loader = format!("{}'s loader (glibc {})", policy.name(), policy.glibc());
    for tag in facts.tags.iter().collect::<BTreeSet<_>>() {
        if policy.known_tag(*tag).is_none() {
            violations.push(format!(
                "{name} has dynamic tag {}: {loader} does not know it and would ignore it",
                tag_name(*tag)
            ));
        }
    }
    for r_type in &facts.relocations {
        if !policy.applies_relocation(*r_type) {
            violations.push(format!(
                "{name} has dynamic relocations of type {r_type} ({}): {loader} does not apply them",
                r_to_str(*r_type, facts.machine)
            ));
        }
    }
    let mut all_found = true;
    for library in &facts.needed {
        if bundle.resolve(name, library, policy).is_none() {
            all_found = false;
            violations.push(format!(
                "{name} needs {library}, which is neither in the bundle beside it nor a system library of {}",
                policy.name()
            ));
        }
    }
    let from_bundle: Vec<&str> = facts
        .needed
        .iter()
        .filter(|library| matches!(bundle.resolve(name, library, policy), Some(Provider::Bundled(_))))
        .map(String::as_str)
        .collect();
    check_search_path(name, facts, &from_bundle, policy, violations);
    let mut missing_nodes = BTreeSet::new();
    for need in facts.needs.iter().filter(|need| !need.weak) {
        let Some(provider) = bundle.resolve(name, &need.file, policy) else {
            continue;
        };
        if !bundle.defines(&provider, &need.node, policy) {
            missing_nodes.insert(need.node.as_str());
            let symbols = &facts.versions[&need.node];
            let who = if symbols.is_empty() {
                need.node.clone()
            } else {
                symbols
                    .iter()
                    .map(|symbol| format!("{symbol}@{}", need.node))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            violations.push(format!(
                "{who} in {name}: {} does not provide it",
                provider.describe(policy)
            ));
        }
    }
    if !all_found {
        // Its symbols may come from the missing library: that is the violation.
        return;
    }
    let scope = bundle.scope(name, policy);
    let undefined: Vec<String> = facts
        .imports
        .iter()
        .filter(|import| !import.weak)
        .filter(|import| {
            import
                .version
                .as_ref()
                .is_none_or(|(_, node)| !missing_nodes.contains(node.as_str()))
        })
        .filter(|import| {
            !scope
                .iter()
                .any(|provider| bundle.exports(provider, import, policy))
        })
        .map(|import| match &import.version {
            Some((_, node)) => format!("{}@{node}", import.name),
            None => import.name.clone(),
        })
        .collect();
    if !undefined.is_empty() {
        let scope: Vec<String> = scope
            .iter()
            .map(|p| match p {
                Provider::Bundled(path) | Provider::System(path) => path.clone(),
            })
            .collect();
        violations.push(format!(
            "{} in {name}: undefined in {}, everything it loads on {}",
            undefined.join(", "),
            scope.join(" "),
            policy.name()
        ));
    }
}

/// The directories ld.so searches before the system libraries. A file that
/// needs a library of the bundle finds it only through RPATH `$ORIGIN`
/// (RUNPATH loses to Lambda's LD_LIBRARY_PATH, and with it ld.so ignores
/// RPATH); any other file needs no path, and may have at most `$ORIGIN`,
/// which finds nothing else.
fn check_search_path(
    name: &str,
    facts: &ElfFacts,
    from_bundle: &[&str],
    policy: Policy,
    violations: &mut Vec<String>,
) {
    let origin = ["$ORIGIN".to_string()];
    let paths = || {
        let listed: Vec<String> = [("RPATH", &facts.rpath), ("RUNPATH", &facts.runpath)]
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(tag, list)| format!("{tag} {}", list.join(":")))
            .collect();
        if listed.is_empty() {
            "RPATH none".to_string()
        } else {
            listed.join(" and ")
        }
    };
    if !from_bundle.is_empty() {
        if facts.rpath != origin || !facts.runpath.is_empty() {
            violations.push(format!(
                "{name} has {}: it needs the bundle's {}, which ld.so finds only through RPATH $ORIGIN and no RUNPATH",
                paths(),
                from_bundle.join(", ")
            ));
        }
    } else if [&facts.rpath, &facts.runpath]
        .iter()
        .any(|list| !list.is_empty() && **list != origin)
    {
        violations.push(format!(
            "{name} has {}: only $ORIGIN may be searched before {}'s system libraries",
            paths(),
            policy.name()
        ));
    }
}

/// Names a dynamic tag, also those goblin does not know.
fn tag_name(tag: u64) -> String {
    let name = match tag {
        35 => "DT_RELRSZ",
        36 => "DT_RELR",
        37 => "DT_RELRENT",
        0x6fff_fdf4 => "DT_GNU_FLAGS_1",
        _ => tag_to_str(tag),
    };
    format!("{tag:#x} ({name})")
}

/// glibc 2.33+ refuses a file whose GNU_PROPERTY_X86_ISA_1_NEEDED names an
/// ISA level the CPU lacks; older loaders ignore the note but the CPU must
/// still run the code.
fn check_isa(name: &str, facts: &ElfFacts, policy: Policy, violations: &mut Vec<String>) {
    if policy.arch() != Arch::X86_64 {
        return;
    }
    let beyond = facts.x86_isa_needed & !policy.x86_isa_guaranteed();
    if beyond == 0 {
        return;
    }
    let level = |bits: u32| match 32 - bits.leading_zeros() {
        1 => "x86-64 (baseline)".to_string(),
        n => format!("x86-64-v{n}"),
    };
    violations.push(format!(
        "{name} needs the ISA level {} (GNU_PROPERTY_X86_ISA_1_NEEDED): {} guarantees only {}",
        level(beyond),
        policy.name(),
        level(policy.x86_isa_guaranteed())
    ));
}
