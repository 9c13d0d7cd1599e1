//! Compilation: the per-platform indexes (Aho-Corasick automata, exact
//! maps, globs, `RegexSet`s) built once from the validated entries.

use super::*;

/// A pattern owned by an SDK: `(sdk index, pattern as written)`.
pub(crate) type Owned = (usize, String);

/// Compiled matchers over all SDKs (indices into `Catalog::sdks`), in
/// groups built on first use: an APK scan never pays for the Objective-C
/// automaton or the dependency maps, an IPA scan never for the DEX one.
#[derive(Debug, Default)]
pub(crate) struct Index {
    pub(super) android: OnceLock<AndroidIndex>,
    pub(super) apple: OnceLock<AppleIndex>,
    pub(super) common: OnceLock<CommonIndex>,
    pub(super) deps: OnceLock<DepsIndex>,
    pub(super) strings: OnceLock<super::relations::StringIndex>,
}

/// Matchers for what Android binaries and manifests show.
#[derive(Debug)]
pub(crate) struct AndroidIndex {
    /// `dex_class` patterns in descriptor form, each three times with a
    /// package boundary appended (`Lcom/foo/bar/`, `...;`, `...$`);
    /// anchored, leftmost-longest. Pattern id / 3 indexes `dex_owners`.
    pub dex_ac: Option<AhoCorasick>,
    pub dex_owners: Vec<Vec<Owned>>,
    /// The same for `manifest_component`.
    pub comp_ac: Option<AhoCorasick>,
    pub comp_owners: Vec<Vec<Owned>>,
    pub native_exact: HashMap<String, Vec<Owned>>,
    pub native_globs: Vec<Owned>,
    pub elf_set: Option<RegexSet>,
    pub elf_owners: Vec<Owned>,
    pub meta_data: HashMap<String, Vec<Owned>>,
}

/// Matchers for what iOS binaries and plists show.
#[derive(Debug)]
pub(crate) struct AppleIndex {
    /// `objc_class` patterns without `*`: exact class names.
    pub objc_exact: HashMap<String, Vec<Owned>>,
    /// `objc_class` patterns ending in `*` (the `*` removed): class-name
    /// prefixes, anchored, leftmost-longest; pattern id indexes `objc_owners`.
    pub objc_ac: Option<AhoCorasick>,
    pub objc_owners: Vec<Vec<Owned>>,
    pub macho_set: Option<RegexSet>,
    pub macho_owners: Vec<Owned>,
    /// Lower-cased framework names.
    pub frameworks: HashMap<String, Vec<Owned>>,
    pub plist_keys: HashMap<String, Vec<Owned>>,
}

/// Matchers for both platforms: archive files and domains.
#[derive(Debug)]
pub(crate) struct CommonIndex {
    pub file_exact: HashMap<String, Vec<Owned>>,
    pub file_globs: Vec<Owned>,
    /// Lower-cased domains.
    pub domains: HashMap<String, Vec<Owned>>,
}

/// Build-dependency coordinates (source-repository mode).
#[derive(Debug)]
pub(crate) struct DepsIndex {
    /// `(ecosystem, lower-cased coordinate)` → owners.
    pub deps: HashMap<(&'static str, String), Vec<Owned>>,
}

pub(super) fn push_map(
    map: &mut HashMap<String, Vec<Owned>>,
    key: String,
    sdk: usize,
    pattern: &str,
) {
    map.entry(key).or_default().push((sdk, pattern.to_string()));
}

/// An anchored leftmost-longest automaton, `None` without patterns.
pub(super) fn anchored(pats: &[Vec<u8>]) -> Option<AhoCorasick> {
    if pats.is_empty() {
        return None;
    }
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .start_kind(StartKind::Anchored)
        .build(pats)
        .ok()
}

/// Dotted prefixes → descriptor patterns with each package boundary.
#[derive(Default)]
pub(super) struct PrefixTable {
    pub(super) patterns: Vec<Vec<u8>>,
    pub(super) owners: Vec<Vec<Owned>>,
    pub(super) pos: HashMap<String, usize>,
}

impl PrefixTable {
    pub(super) fn add(&mut self, sdk: usize, dotted: &str) {
        let n = self.owners.len();
        let pos = *self.pos.entry(dotted.to_string()).or_insert(n);
        if pos == n {
            let base = descriptor_prefix(dotted);
            for boundary in [b'/', b';', b'$'] {
                let mut p = base.clone();
                p.push(boundary);
                self.patterns.push(p);
            }
            self.owners.push(Vec::new());
        }
        if let Some(o) = self.owners.get_mut(pos) {
            o.push((sdk, dotted.to_string()));
        }
    }
}

impl AndroidIndex {
    pub(super) fn build(sdks: &[Sdk]) -> AndroidIndex {
        let mut dex = PrefixTable::default();
        let mut comp = PrefixTable::default();
        let mut native_exact = HashMap::new();
        let mut native_globs = Vec::new();
        let mut elf_pats = Vec::new();
        let mut elf_owners = Vec::new();
        let mut meta_data = HashMap::new();
        for (i, s) in sdks.iter().enumerate() {
            let m = &s.matchers;
            for p in &m.dex_class {
                dex.add(i, p);
            }
            for p in &m.manifest_component {
                comp.add(i, p);
            }
            for p in &m.native_lib {
                if p.contains('*') {
                    native_globs.push((i, p.clone()));
                } else {
                    push_map(&mut native_exact, p.clone(), i, p);
                }
            }
            for p in &m.elf_symbol {
                elf_pats.push(p.clone());
                elf_owners.push((i, p.clone()));
            }
            for p in &m.manifest_meta_data {
                push_map(&mut meta_data, p.clone(), i, p);
            }
        }
        AndroidIndex {
            dex_ac: anchored(&dex.patterns),
            dex_owners: dex.owners,
            comp_ac: anchored(&comp.patterns),
            comp_owners: comp.owners,
            native_exact,
            native_globs,
            elf_set: regex_set(&elf_pats),
            elf_owners,
            meta_data,
        }
    }
}

impl AppleIndex {
    pub(super) fn build(sdks: &[Sdk]) -> AppleIndex {
        let mut objc_pats: Vec<Vec<u8>> = Vec::new();
        let mut objc_owners: Vec<Vec<Owned>> = Vec::new();
        let mut objc_pos: HashMap<&str, usize> = HashMap::new();
        let mut objc_exact = HashMap::new();
        let mut macho_pats = Vec::new();
        let mut macho_owners = Vec::new();
        let mut frameworks = HashMap::new();
        let mut plist_keys = HashMap::new();
        for (i, s) in sdks.iter().enumerate() {
            let m = &s.matchers;
            for p in &m.objc_class {
                let Some(prefix) = p.strip_suffix('*') else {
                    push_map(&mut objc_exact, p.clone(), i, p);
                    continue;
                };
                let pos = *objc_pos.entry(prefix).or_insert_with(|| {
                    objc_pats.push(prefix.as_bytes().to_vec());
                    objc_owners.push(Vec::new());
                    objc_owners.len() - 1
                });
                if let Some(o) = objc_owners.get_mut(pos) {
                    o.push((i, p.clone()));
                }
            }
            for p in &m.macho_symbol {
                macho_pats.push(p.clone());
                macho_owners.push((i, p.clone()));
            }
            for p in &m.framework {
                push_map(&mut frameworks, p.to_lowercase(), i, p);
            }
            for p in &m.plist_key {
                push_map(&mut plist_keys, p.clone(), i, p);
            }
        }
        AppleIndex {
            objc_exact,
            objc_ac: anchored(&objc_pats),
            objc_owners,
            macho_set: regex_set(&macho_pats),
            macho_owners,
            frameworks,
            plist_keys,
        }
    }
}

impl CommonIndex {
    pub(super) fn build(sdks: &[Sdk]) -> CommonIndex {
        let mut file_exact = HashMap::new();
        let mut file_globs = Vec::new();
        let mut domains = HashMap::new();
        for (i, s) in sdks.iter().enumerate() {
            let m = &s.matchers;
            for p in &m.file {
                if p.contains('*') {
                    file_globs.push((i, p.clone()));
                } else {
                    push_map(&mut file_exact, p.clone(), i, p);
                }
            }
            for p in &m.domains {
                push_map(&mut domains, p.to_lowercase(), i, p);
            }
        }
        CommonIndex {
            file_exact,
            file_globs,
            domains,
        }
    }
}

impl DepsIndex {
    pub(super) fn build(sdks: &[Sdk]) -> DepsIndex {
        let mut deps: HashMap<(&'static str, String), Vec<Owned>> = HashMap::new();
        for (i, s) in sdks.iter().enumerate() {
            for eco in ECOSYSTEMS {
                for p in s.matchers.list(eco).unwrap_or_default() {
                    deps.entry((eco, p.to_lowercase()))
                        .or_default()
                        .push((i, p.clone()));
                }
            }
        }
        DepsIndex { deps }
    }
}

/// One `RegexSet` over `pats`, `None` without patterns (each pattern was
/// compiled alone when the rule file was validated).
pub(super) fn regex_set(pats: &[String]) -> Option<RegexSet> {
    if pats.is_empty() {
        return None;
    }
    regex::RegexSetBuilder::new(pats)
        .size_limit(1 << 24)
        .build()
        .ok()
}
