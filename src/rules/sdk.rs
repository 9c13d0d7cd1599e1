//! The SDK catalog: `rules/sdks/*.toml` (one file per vendor, schema in
//! `SDK_SCHEMA.md` / README "SDK catalog"), loaded, validated and compiled
//! once into matchers: one Aho-Corasick automaton for every `dex_class` /
//! `manifest_component` prefix (in DEX descriptor form `Lcom/foo/...`,
//! anchored at the descriptor start with a package-boundary check), one for
//! `objc_class` prefixes, exact maps plus `*` globs for native libraries and
//! archive files, one `RegexSet` per symbol kind, and exact maps for
//! meta-data keys, plist keys, frameworks and build-dependency coordinates.
//!
//! Distrusts rule files given with `--rules DIR`: unknown fields, missing
//! required fields, bad regexes, too-broad prefixes, duplicate SDK ids and a
//! `dex_class` prefix shared by two SDKs are errors naming the file, the SDK
//! id and the field. The embedded files are compiled in by `build.rs`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind, StartKind};
use regex::RegexSet;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod compile;
mod load;
mod matching;
mod relations;
mod schema;

pub(crate) use compile::{AndroidIndex, AppleIndex, CommonIndex, DepsIndex, Index};
pub use load::parse_file;
use load::*;
pub(crate) use matching::descriptor_prefix;
pub use matching::glob_match;
pub(crate) use relations::{Relations, StringIndex, StringPattern, WHAT_MARKER};
use schema::*;
pub use schema::{
    Bundle, CATEGORIES, CatalogError, ECOSYSTEMS, MATCHER_KINDS, Matchers, Sdk, SdkTests, Vendor,
    VersionRules,
};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/sdk_rules.rs"));
}

/// `rules/catalog.toml`, holding the catalog version.
pub const CATALOG_TOML: &str = include_str!("../../rules/catalog.toml");

/// The loaded, validated and compiled catalog.
#[derive(Debug)]
pub struct Catalog {
    version: String,
    sdks: Vec<Sdk>,
    by_id: HashMap<String, usize>,
    pub(crate) index: Index,
    /// `[[sdk.bundles]]`, `parts` and `[sdk.version]`, compiled.
    pub(crate) relations: Relations,
}

impl Catalog {
    /// The catalog built from the embedded rule files (parsed once). An
    /// invalid embedded catalog (a build bug, caught by the test suite)
    /// yields an empty catalog and a message on stderr, never a panic.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| match Catalog::try_embedded() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("privscan: embedded SDK catalog is invalid: {e}");
                Catalog::from_sdks(embedded_version(), Vec::new())
                    .unwrap_or_else(|_| Catalog::empty())
            }
        })
    }

    /// Build the embedded catalog, reporting the first error.
    pub fn try_embedded() -> Result<Catalog, CatalogError> {
        Catalog::load(&[])
    }

    fn empty() -> Catalog {
        Catalog {
            version: embedded_version(),
            sdks: Vec::new(),
            by_id: HashMap::new(),
            index: Index::default(),
            relations: Relations::default(),
        }
    }

    /// The embedded files plus every `*.toml` directly in each of
    /// `extra_dirs` (`--rules DIR`), sorted by name. A file in an extra dir
    /// with the same name as an embedded file replaces it.
    pub fn load(extra_dirs: &[PathBuf]) -> Result<Catalog, CatalogError> {
        /// Where one rule file's text comes from.
        enum Text {
            /// Embedded: the JSON form `build.rs` wrote.
            Embedded(&'static str),
            /// A `--rules` file: TOML read from disk.
            Toml(String),
        }
        let mut files: BTreeMap<String, (String, Text)> = BTreeMap::new(); // name → (label, text)
        for (name, _toml, json) in embedded::SDK_RULE_FILES {
            files.insert(
                (*name).to_string(),
                ((*name).to_string(), Text::Embedded(json)),
            );
        }
        for dir in extra_dirs {
            let io = |e: std::io::Error| CatalogError::Io {
                path: dir.display().to_string(),
                message: e.to_string(),
            };
            let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                .collect();
            paths.sort();
            for p in paths {
                let text = std::fs::read_to_string(&p).map_err(|e| CatalogError::Io {
                    path: p.display().to_string(),
                    message: e.to_string(),
                })?;
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.insert(name, (p.display().to_string(), Text::Toml(text)));
            }
        }
        let files: Vec<(String, (String, Text))> = files.into_iter().collect();
        let parse_one = |(name, (label, text)): &(String, (String, Text))| {
            let stem = Path::new(name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned());
            match text {
                Text::Embedded(json) => parse_embedded(label, stem.as_deref(), json),
                Text::Toml(toml) => parse_file(label, stem.as_deref(), toml),
            }
        };
        // `--rules` TOML lexes about six times slower than the embedded
        // JSON: parse those files in parallel (rayon's collect keeps file
        // order, so ids and evidence stay deterministic). The embedded
        // catalog is parsed on one thread: it is built inside
        // `Catalog::embedded`'s `OnceLock`, and a rayon worker blocked in a
        // parallel loop there could steal a scan job that waits on the same
        // `OnceLock`: a deadlock.
        let parsed: Vec<Result<Vec<Sdk>, CatalogError>> = if extra_dirs.is_empty() {
            files.iter().map(parse_one).collect()
        } else {
            use rayon::prelude::*;
            files.par_iter().map(parse_one).collect()
        };
        let mut sdks = Vec::new();
        for file in parsed {
            sdks.extend(file?);
        }
        Catalog::from_sdks(embedded_version(), sdks)
    }

    /// Build a catalog from rule-file texts `(file name, text)` only (no
    /// embedded files): for tests and tools.
    pub fn from_texts(files: &[(&str, &str)]) -> Result<Catalog, CatalogError> {
        let mut sdks = Vec::new();
        for (name, text) in files {
            let stem = Path::new(name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned());
            sdks.extend(parse_file(name, stem.as_deref(), text)?);
        }
        Catalog::from_sdks(embedded_version(), sdks)
    }

    fn from_sdks(version: String, sdks: Vec<Sdk>) -> Result<Catalog, CatalogError> {
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut vendors: HashMap<&str, &str> = HashMap::new();
        for (i, s) in sdks.iter().enumerate() {
            if let Some(&j) = by_id.get(&s.id) {
                return Err(CatalogError::DuplicateId {
                    what: "sdk",
                    id: s.id.clone(),
                    first: sdks[j].file.clone(),
                    second: s.file.clone(),
                });
            }
            if let Some(&first) = vendors.get(s.vendor.id.as_str())
                && first != s.file
            {
                return Err(CatalogError::DuplicateId {
                    what: "vendor",
                    id: s.vendor.id.clone(),
                    first: first.to_string(),
                    second: s.file.clone(),
                });
            }
            vendors.insert(&s.vendor.id, &s.file);
            by_id.insert(s.id.clone(), i);
        }
        let mut prefixes: HashMap<&str, usize> = HashMap::new();
        for (i, s) in sdks.iter().enumerate() {
            for p in &s.matchers.dex_class {
                match prefixes.get(p.as_str()) {
                    Some(&j) if j != i => {
                        return Err(CatalogError::SharedPrefix {
                            prefix: p.clone(),
                            first: sdks[j].id.clone(),
                            first_file: sdks[j].file.clone(),
                            second: s.id.clone(),
                            second_file: s.file.clone(),
                        });
                    }
                    _ => {
                        prefixes.insert(p, i);
                    }
                }
            }
        }
        let index = Index::default();
        let relations = Relations::build(&sdks, &by_id)?;
        Ok(Catalog {
            version,
            sdks,
            by_id,
            index,
            relations,
        })
    }

    /// The Android matchers, built on first use (no rayon inside: this may
    /// run in a rayon worker while others wait on the same `OnceLock`).
    pub(crate) fn android(&self) -> &AndroidIndex {
        self.index
            .android
            .get_or_init(|| AndroidIndex::build(&self.sdks))
    }

    /// The iOS matchers, built on first use.
    pub(crate) fn apple(&self) -> &AppleIndex {
        self.index
            .apple
            .get_or_init(|| AppleIndex::build(&self.sdks))
    }

    /// The file and domain matchers, built on first use.
    pub(crate) fn common(&self) -> &CommonIndex {
        self.index
            .common
            .get_or_init(|| CommonIndex::build(&self.sdks))
    }

    /// The build-dependency matchers, built on first use.
    pub(crate) fn deps(&self) -> &DepsIndex {
        self.index.deps.get_or_init(|| DepsIndex::build(&self.sdks))
    }

    /// The string-data automaton (domains, version markers), built on first use.
    pub(crate) fn strings(&self) -> &StringIndex {
        self.index
            .strings
            .get_or_init(|| StringIndex::build(&self.sdks))
    }

    /// Build the matchers an Android scan uses now rather than on first use.
    pub fn warm_android(&self) {
        let _ = (self.android(), self.common(), self.strings());
    }

    /// Build the matchers an iOS scan uses now rather than on first use.
    pub fn warm_apple(&self) {
        let _ = (self.apple(), self.common(), self.strings());
    }

    /// Catalog version from `rules/catalog.toml`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Every SDK, in file-name then file order.
    pub fn sdks(&self) -> &[Sdk] {
        &self.sdks
    }

    /// The SDK with catalog id `id`.
    pub fn sdk(&self, id: &str) -> Option<&Sdk> {
        self.by_id.get(id).and_then(|&i| self.sdks.get(i))
    }

    /// For the policy extractor: `(sdk id, own names, vendor names)`: the
    /// SDK name and its aliases; the vendor name and the vendor aliases; each
    /// list in that order, without duplicates (a name that is the SDK's own
    /// is not repeated among the vendor names).
    pub fn sdk_names(&self) -> Vec<(String, Vec<String>, Vec<String>)> {
        self.sdks
            .iter()
            .map(|s| {
                let mut own: Vec<String> = Vec::new();
                for n in std::iter::once(&s.name).chain(&s.aliases) {
                    if !own.contains(n) {
                        own.push(n.clone());
                    }
                }
                let mut vendor: Vec<String> = Vec::new();
                for n in std::iter::once(&s.vendor.name).chain(&s.vendor.aliases) {
                    if !own.contains(n) && !vendor.contains(n) {
                        vendor.push(n.clone());
                    }
                }
                (s.id.clone(), own, vendor)
            })
            .collect()
    }
}

fn embedded_version() -> String {
    toml::from_str::<CatalogVersion>(CATALOG_TOML)
        .map(|v| v.version)
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
pub(crate) mod tests;
