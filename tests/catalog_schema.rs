//! Schema and hygiene checks for the SDK catalog `rules/sdks/*.toml`.
//!
//! Owns: nothing at run time; this test distrusts every rule file and checks it
//! against the contract in `SDK_SCHEMA.md` (one file per vendor, `[vendor]` plus
//! `[[sdk]]` entries with `[sdk.match]` and `[sdk.tests]`). It parses each file with
//! `toml` into serde structs that deny unknown fields, then checks required fields,
//! kebab-case unique ids, allowed categories, prefix specificity (package-boundary
//! rule: a `dex_class` prefix has at least two dotted segments and no two SDKs share
//! one), regex validity, and runs every `[sdk.tests]` case through a small reference
//! matcher that follows the schema's matching rules (most specific SDK wins).
//! Finally it checks the εxodus-derived `sdk_truth` lists of the shared corpus
//! (`../shared/corpus/*/*.expected.json`) are all covered by some catalog entry.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VendorFile {
    vendor: Vendor,
    sdk: Vec<Sdk>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vendor {
    id: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    entity: Vec<Entity>,
    #[serde(default)]
    product_family: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Entity {
    name: String,
    local_name: Option<String>,
    jurisdiction: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sdk {
    id: String,
    name: String,
    category: String,
    source: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    data: Vec<String>,
    #[serde(default)]
    permissions: Vec<String>,
    #[serde(default)]
    apple_privacy_manifest_required: bool,
    #[serde(rename = "match")]
    matchers: Matchers,
    tests: Tests,
    #[serde(default)]
    #[allow(dead_code)]
    bundles: Vec<Bundle>,
    #[serde(default)]
    #[allow(dead_code)]
    parts: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<VersionRules>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Bundle {
    sdk: String,
    #[serde(default)]
    dex_class: Vec<String>,
    #[serde(default)]
    objc_class: Vec<String>,
    #[serde(default)]
    files: Vec<String>,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct VersionRules {
    #[serde(default)]
    file_name: Vec<String>,
    #[serde(default)]
    string: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Matchers {
    #[serde(default)]
    dex_class: Vec<String>,
    #[serde(default)]
    native_lib: Vec<String>,
    #[serde(default)]
    elf_symbol: Vec<String>,
    #[serde(default)]
    objc_class: Vec<String>,
    #[serde(default)]
    macho_symbol: Vec<String>,
    #[serde(default)]
    framework: Vec<String>,
    #[serde(default)]
    manifest_component: Vec<String>,
    #[serde(default)]
    manifest_meta_data: Vec<String>,
    #[serde(default)]
    plist_key: Vec<String>,
    #[serde(default)]
    file: Vec<String>,
    #[serde(default)]
    gradle: Vec<String>,
    #[serde(default)]
    cocoapods: Vec<String>,
    #[serde(default)]
    spm: Vec<String>,
    #[serde(default, rename = "pub")]
    pub_: Vec<String>,
    #[serde(default)]
    npm: Vec<String>,
    #[serde(default)]
    domains: Vec<String>,
}

impl Matchers {
    /// The matcher list of one kind, by its TOML key.
    fn kind(&self, kind: &str) -> Option<&[String]> {
        Some(match kind {
            "dex_class" => &self.dex_class,
            "native_lib" => &self.native_lib,
            "elf_symbol" => &self.elf_symbol,
            "objc_class" => &self.objc_class,
            "macho_symbol" => &self.macho_symbol,
            "framework" => &self.framework,
            "manifest_component" => &self.manifest_component,
            "manifest_meta_data" => &self.manifest_meta_data,
            "plist_key" => &self.plist_key,
            "file" => &self.file,
            "gradle" => &self.gradle,
            "cocoapods" => &self.cocoapods,
            "spm" => &self.spm,
            "pub" => &self.pub_,
            "npm" => &self.npm,
            "domains" => &self.domains,
            _ => return None,
        })
    }
}

// The matcher kinds and categories the schema allows are the library's
// lists (what `privscan::rules::sdk` enforces at load time).
use privscan::rules::sdk::{CATEGORIES, MATCHER_KINDS as KINDS};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tests {
    positive: Vec<String>,
    negative: Vec<String>,
}

struct Loaded {
    file: PathBuf,
    vendor: Vendor,
    sdks: Vec<Sdk>,
}

fn sdk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/sdks")
}

fn load_all() -> Vec<Loaded> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(sdk_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let parsed: VendorFile =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            Loaded {
                file: p,
                vendor: parsed.vendor,
                sdks: parsed.sdk,
            }
        })
        .collect()
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Package-boundary prefix match: `com.foo` matches `com.foo`, `com.foo.X`,
/// `com.foo$Inner`, never `com.foobar.X`.
fn boundary_prefix(prefix: &str, value: &str) -> bool {
    match value.strip_prefix(prefix) {
        Some("") => true,
        Some(rest) => rest.starts_with('.') || rest.starts_with('$'),
        None => false,
    }
}

/// `*` glob over a whole string (no other metacharacters).
fn glob(pattern: &str, value: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == value;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !value.starts_with(first) || !value.ends_with(last) || value.len() < first.len() + last.len()
    {
        return false;
    }
    let mut rest = &value[first.len()..value.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// Reference matcher: the specificity (length of the matched pattern) with which
/// `sdk` matches an observed `value` of matcher `kind`, or `None`.
fn match_strength(sdk: &Sdk, kind: &str, value: &str) -> Option<usize> {
    let pats = sdk.matchers.kind(kind)?;
    let mut best: Option<usize> = None;
    for p in pats {
        let hit = match kind {
            "dex_class" | "manifest_component" => boundary_prefix(p, value),
            "native_lib" | "file" => glob(p, value),
            "elf_symbol" | "macho_symbol" => regex::Regex::new(p).unwrap().is_match(value),
            "objc_class" => match p.strip_suffix('*') {
                Some(prefix) => value.starts_with(prefix),
                None => value == p,
            },
            "gradle" => {
                if p.contains(':') {
                    value == p
                        || value
                            .strip_prefix(p.as_str())
                            .is_some_and(|r| r.starts_with(':'))
                } else {
                    value.split(':').next() == Some(p.as_str())
                }
            }
            "cocoapods" => value.split('/').next() == Some(p.as_str()),
            "domains" => value == p || value.ends_with(&format!(".{p}")),
            _ => value == p,
        };
        if hit {
            best = best.max(Some(p.len()));
        }
    }
    best
}

/// The SDK ids the reference matcher reports for one observation: for prefix
/// kinds only the most specific match(es), for the others every match.
fn detect<'a>(all: &'a [Loaded], kind: &str, value: &str) -> Vec<&'a str> {
    let mut hits: Vec<(&str, usize)> = Vec::new();
    for l in all {
        for s in &l.sdks {
            if let Some(n) = match_strength(s, kind, value) {
                hits.push((s.id.as_str(), n));
            }
        }
    }
    if matches!(kind, "dex_class" | "manifest_component" | "objc_class") {
        let max = hits.iter().map(|h| h.1).max().unwrap_or(0);
        hits.retain(|h| h.1 == max);
    }
    let mut out: Vec<&str> = hits.into_iter().map(|h| h.0).collect();
    // A JNI export also names its Java class: matched as that class would be.
    if kind == "elf_symbol"
        && let Some(m) = privscan::native::jni::demangle(value)
    {
        for id in detect(all, "dex_class", &m.dotted()) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

#[test]
fn every_rule_file_follows_the_schema() {
    let all = load_all();
    let mut errors: Vec<String> = Vec::new();
    let mut sdk_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut dex_owner: BTreeMap<String, String> = BTreeMap::new();
    let mut component_owner: BTreeMap<String, String> = BTreeMap::new();
    let mut lib_owner: BTreeMap<String, String> = BTreeMap::new();
    let mut vendor_ids = BTreeSet::new();
    for l in &all {
        let stem = l.file.file_stem().unwrap().to_string_lossy().to_string();
        let f = l.file.file_name().unwrap().to_string_lossy().to_string();
        if l.vendor.id != stem {
            errors.push(format!("{f}: vendor.id {:?} != file stem", l.vendor.id));
        }
        if !is_kebab(&l.vendor.id) {
            errors.push(format!("{f}: vendor.id {:?} not kebab-case", l.vendor.id));
        }
        if l.vendor.name.trim().is_empty() {
            errors.push(format!("{f}: empty vendor.name"));
        }
        if l.vendor.aliases.iter().any(|a| a.trim().is_empty()) {
            errors.push(format!("{f}: empty vendor alias"));
        }
        // A product family's name is the brand its SDKs carry.
        if l.vendor.product_family
            && !l.sdks.iter().all(|s| {
                std::iter::once(&s.name)
                    .chain(&s.aliases)
                    .any(|n| n.contains(&l.vendor.name))
            })
        {
            errors.push(format!(
                "{f}: product_family vendor {:?} is not in the name or an alias of every SDK",
                l.vendor.name
            ));
        }
        for e in &l.vendor.entity {
            if e.name.trim().is_empty()
                || e.local_name.as_deref().is_some_and(|n| n.trim().is_empty())
            {
                errors.push(format!("{f}: empty vendor.entity name"));
            }
            if let Some(j) = &e.jurisdiction
                && !(j.len() == 2 && j.bytes().all(|b| b.is_ascii_uppercase()))
            {
                errors.push(format!("{f}: jurisdiction {j:?} is not ISO 3166-1 alpha-2"));
            }
        }
        vendor_ids.insert(l.vendor.id.clone());
        if l.sdks.is_empty() {
            errors.push(format!("{f}: no [[sdk]]"));
        }
        for s in &l.sdks {
            let at = format!("{f}: sdk {:?}", s.id);
            if !is_kebab(&s.id) {
                errors.push(format!("{at}: id not kebab-case"));
            }
            if let Some(prev) = sdk_ids.insert(s.id.clone(), f.clone()) {
                errors.push(format!("{at}: duplicate id (also in {prev})"));
            }
            if s.name.trim().is_empty() {
                errors.push(format!("{at}: empty name"));
            }
            if !CATEGORIES.contains(&s.category.as_str()) {
                errors.push(format!("{at}: category {:?} not allowed", s.category));
            }
            if !s.source.contains("https://") {
                errors.push(format!("{at}: source must cite a public https URL"));
            }
            for p in &s.permissions {
                if !p.contains('.') || p.contains(' ') {
                    errors.push(format!("{at}: permission {p:?} not fully qualified"));
                }
            }
            for d in &s.data {
                if !is_kebab(d) {
                    errors.push(format!("{at}: data type {d:?} not kebab-case"));
                }
            }
            let _ = s.apple_privacy_manifest_required;
            let m = &s.matchers;
            let total: usize = KINDS.iter().map(|k| m.kind(k).unwrap().len()).sum();
            if total == 0 {
                errors.push(format!("{at}: no matcher"));
            }
            for k in KINDS {
                for v in m.kind(k).unwrap() {
                    if v.trim().is_empty() || v.trim() != v {
                        errors.push(format!("{at}: {k} value {v:?} empty or padded"));
                    }
                }
            }
            for p in m.dex_class.iter().chain(&m.manifest_component) {
                let segs: Vec<&str> = p.split('.').collect();
                if segs.len() < 2 || segs.iter().any(|s| s.is_empty()) {
                    errors.push(format!(
                        "{at}: prefix {p:?} needs >= 2 non-empty dotted segments"
                    ));
                }
                if p.contains('/') || p.contains(';') || p.contains('*') {
                    errors.push(format!("{at}: prefix {p:?} must be dotted, no glob"));
                }
                if matches!(
                    p.as_str(),
                    "com.google" | "com.android" | "android.support" | "androidx.core"
                ) {
                    errors.push(format!("{at}: prefix {p:?} too broad"));
                }
            }
            for p in &m.dex_class {
                if let Some(prev) = dex_owner.insert(p.clone(), s.id.clone()) {
                    errors.push(format!("{at}: dex_class {p:?} also in sdk {prev}"));
                }
            }
            for p in &m.manifest_component {
                if let Some(prev) = component_owner.insert(p.clone(), s.id.clone()) {
                    errors.push(format!("{at}: manifest_component {p:?} also in sdk {prev}"));
                }
            }
            for p in &m.native_lib {
                if !p.ends_with(".so") {
                    errors.push(format!("{at}: native_lib {p:?} is not a .so file name"));
                }
                if let Some(prev) = lib_owner.insert(p.clone(), s.id.clone()) {
                    errors.push(format!("{at}: native_lib {p:?} also in sdk {prev}"));
                }
            }
            for p in m.elf_symbol.iter().chain(&m.macho_symbol) {
                if let Err(e) = regex::Regex::new(p) {
                    errors.push(format!("{at}: bad regex {p:?}: {e}"));
                }
            }
            for g in &m.gradle {
                let parts: Vec<&str> = g.split(':').collect();
                if parts.len() > 2 || parts.iter().any(|p| p.is_empty()) || !parts[0].contains('.')
                {
                    errors.push(format!(
                        "{at}: gradle {g:?} must be group or group:artifact"
                    ));
                }
            }
            for d in &m.domains {
                if !d.contains('.') || d.contains('/') || d.starts_with('.') {
                    errors.push(format!("{at}: domain {d:?} must be a bare host name"));
                }
            }
            if s.tests.positive.is_empty() || s.tests.negative.is_empty() {
                errors.push(format!("{at}: needs >= 1 positive and >= 1 negative test"));
            }
        }
    }
    let n_sdks = sdk_ids.len();
    let n_vendors = vendor_ids.len();
    eprintln!("catalog: {n_sdks} SDKs from {n_vendors} vendors");
    if n_sdks < 130 {
        errors.push(format!("only {n_sdks} SDKs (need >= 130)"));
    }
    if n_vendors < 65 {
        errors.push(format!("only {n_vendors} vendors (need >= 65)"));
    }
    assert!(
        errors.is_empty(),
        "{} catalog errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn every_sdk_test_case_behaves_under_the_reference_matcher() {
    let all = load_all();
    let mut errors = Vec::new();
    let mut cases = 0usize;
    for l in &all {
        for s in &l.sdks {
            for (case, want) in s
                .tests
                .positive
                .iter()
                .map(|c| (c, true))
                .chain(s.tests.negative.iter().map(|c| (c, false)))
            {
                cases += 1;
                let Some((kind, value)) = case.split_once(':') else {
                    errors.push(format!("{}: case {case:?} lacks `kind:`", s.id));
                    continue;
                };
                if !KINDS.contains(&kind) {
                    errors.push(format!("{}: case {case:?} has unknown kind", s.id));
                    continue;
                }
                let got = detect(&all, kind, value);
                let hit = got.contains(&s.id.as_str());
                if hit != want {
                    errors.push(format!(
                        "{}: {} case {case:?} -> detected {:?}",
                        s.id,
                        if want { "positive" } else { "negative" },
                        got
                    ));
                }
            }
        }
    }
    eprintln!("ran {cases} test cases");
    assert!(
        errors.is_empty(),
        "{} failing cases:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn reference_matcher_respects_package_boundaries() {
    assert!(boundary_prefix("com.foo", "com.foo.X"));
    assert!(boundary_prefix("com.foo", "com.foo.bar.Y"));
    assert!(boundary_prefix("com.foo.Bar", "com.foo.Bar$Inner"));
    assert!(!boundary_prefix("com.foo", "com.foobar.X"));
    assert!(!boundary_prefix("com.foo", "org.com.foo.X"));
    assert!(glob("libjcore*.so", "libjcore421.so"));
    assert!(!glob("libjcore*.so", "libjcore421.so.bak"));
    assert!(!glob("libBugly.so", "libBugly_x.so"));
}

fn corpus_dir() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if here.is_dir() {
        return Some(here);
    }
    let abs = PathBuf::from("/work/shared/corpus");
    abs.is_dir().then_some(abs)
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every SDK listed in a corpus `sdk_truth` is matched by the reference matcher
/// on its recorded evidence, and the detected entry carries the truth's name as
/// its name, an alias, or its vendor's name/alias.
#[test]
fn corpus_sdk_truth_is_covered_by_the_catalog() {
    let Some(dir) = corpus_dir() else {
        eprintln!("SKIP: shared corpus not found");
        return;
    };
    let all = load_all();
    let mut checked = 0usize;
    let mut errors = Vec::new();
    for kind_dir in std::fs::read_dir(&dir).unwrap() {
        let kind_dir = kind_dir.unwrap().path();
        if !kind_dir.is_dir() {
            continue;
        }
        for e in std::fs::read_dir(&kind_dir).unwrap() {
            let p = e.unwrap().path();
            if !p.to_string_lossy().ends_with(".expected.json") {
                continue;
            }
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let Some(sdks) = v["sdk_truth"]["sdks"].as_array() else {
                continue;
            };
            for t in sdks {
                let name = t["name"].as_str().unwrap();
                let via = t["via"].as_str().unwrap_or("");
                for m in t["matched"].as_array().unwrap() {
                    let m = m.as_str().unwrap();
                    checked += 1;
                    let (kind, value) = match via {
                        "dex-class" => ("dex_class", m.to_string()),
                        "objc-class" => ("objc_class", m.to_string()),
                        "native-lib" if m.contains(".framework/") => {
                            ("framework", m.rsplit('/').next().unwrap_or(m).to_string())
                        }
                        "native-lib" => ("native_lib", m.rsplit('/').next().unwrap().to_string()),
                        other => {
                            eprintln!("note: {}: via {other:?} not simulated", p.display());
                            continue;
                        }
                    };
                    let ids = detect(&all, kind, &value);
                    let named = ids.iter().any(|id| {
                        all.iter().any(|l| {
                            l.sdks.iter().any(|s| {
                                s.id == *id
                                    && std::iter::once(&s.name)
                                        .chain(&s.aliases)
                                        .chain(std::iter::once(&l.vendor.name))
                                        .chain(&l.vendor.aliases)
                                        .any(|n| norm(n) == norm(name))
                            })
                        })
                    });
                    if !named {
                        errors.push(format!(
                            "{}: truth {name:?} via {kind}:{value} -> {ids:?}",
                            p.file_name().unwrap().to_string_lossy()
                        ));
                    }
                }
            }
        }
    }
    eprintln!("checked {checked} sdk_truth evidence strings");
    assert!(errors.is_empty(), "uncovered truth:\n{}", errors.join("\n"));
}
