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

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/sdk_rules.rs"));
}

/// `rules/catalog.toml`, holding the catalog version.
pub const CATALOG_TOML: &str = include_str!("../../rules/catalog.toml");

/// Allowed `category` values.
pub const CATEGORIES: &[&str] = &[
    "analytics",
    "ads",
    "attribution",
    "crash",
    "push",
    "rtc",
    "live-streaming",
    "im",
    "social-login",
    "payments",
    "identity-verification",
    "location",
    "maps",
    "auth",
    "remote-config",
    "performance",
    "engagement",
    "messaging",
    "support",
    "feature-flags",
    "cdp",
    "other",
];

/// Matcher kinds that observations can be fed to (`[sdk.tests]` prefixes).
pub const MATCHER_KINDS: &[&str] = &[
    "dex_class",
    "native_lib",
    "elf_symbol",
    "objc_class",
    "macho_symbol",
    "framework",
    "manifest_component",
    "manifest_meta_data",
    "plist_key",
    "file",
    "gradle",
    "cocoapods",
    "spm",
    "pub",
    "npm",
    "domains",
];

/// Dependency ecosystems of [`Matchers`].
pub const ECOSYSTEMS: &[&str] = &["gradle", "cocoapods", "spm", "pub", "npm"];

/// Prefixes too broad to identify an SDK.
const TOO_BROAD: &[&str] = &[
    "com",
    "org",
    "net",
    "io",
    "cn",
    "me",
    "android",
    "androidx",
    "java",
    "javax",
    "kotlin",
    "kotlinx",
    "dalvik",
    "com.google",
    "com.android",
    "com.google.android",
    "com.google.android.gms",
    "com.facebook",
    "com.tencent",
    "com.alibaba",
    "com.baidu",
    "com.huawei",
    "com.amazon",
    "com.microsoft",
    "android.support",
];

/// `[vendor]` of a rule file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// Kebab-case id, equal to the file stem.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Legal names, other languages, former names.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// `[sdk.match]`: every matcher list (all optional, ≥1 non-empty).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Matchers {
    /// Java package/class prefixes, dotted, matched on package boundaries.
    #[serde(default)]
    pub dex_class: Vec<String>,
    /// `lib/<abi>/*.so` file names (exact, `*` glob allowed).
    #[serde(default)]
    pub native_lib: Vec<String>,
    /// Regexes on ELF dynamic symbol names.
    #[serde(default)]
    pub elf_symbol: Vec<String>,
    /// Objective-C class-name prefixes.
    #[serde(default)]
    pub objc_class: Vec<String>,
    /// Regexes on Mach-O symbol names.
    #[serde(default)]
    pub macho_symbol: Vec<String>,
    /// iOS framework / xcframework / dylib names without extension.
    #[serde(default)]
    pub framework: Vec<String>,
    /// Prefixes of component class names (package-boundary rule).
    #[serde(default)]
    pub manifest_component: Vec<String>,
    /// Exact `<meta-data android:name>` keys.
    #[serde(default)]
    pub manifest_meta_data: Vec<String>,
    /// Exact top-level Info.plist keys.
    #[serde(default)]
    pub plist_key: Vec<String>,
    /// Archive entry paths (exact, `*` glob allowed); `*.version` content gives the version.
    #[serde(default)]
    pub file: Vec<String>,
    /// `group:artifact` or `group` coordinates.
    #[serde(default)]
    pub gradle: Vec<String>,
    /// Pod names (subspecs match their root pod).
    #[serde(default)]
    pub cocoapods: Vec<String>,
    /// SwiftPM package identities / repository names.
    #[serde(default)]
    pub spm: Vec<String>,
    /// Flutter pub packages (TOML key `pub`).
    #[serde(default, rename = "pub")]
    pub pub_: Vec<String>,
    /// npm packages.
    #[serde(default)]
    pub npm: Vec<String>,
    /// Host names the SDK talks to (a host matches itself and subdomains).
    #[serde(default)]
    pub domains: Vec<String>,
}

impl Matchers {
    /// The list of a matcher kind (`"pub"` for Flutter), `None` for an unknown kind.
    pub fn list(&self, kind: &str) -> Option<&[String]> {
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

/// `[sdk.tests]`: `"<matcher-kind>:<observed value>"` cases.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SdkTests {
    /// Cases that must detect this SDK.
    #[serde(default)]
    pub positive: Vec<String>,
    /// Cases that must not detect it.
    #[serde(default)]
    pub negative: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SdkDef {
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
    tests: SdkTests,
}

/// One `[[sdk]]` entry with its vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdk {
    /// Globally unique kebab-case id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One of [`CATEGORIES`].
    pub category: String,
    /// Public source of the matchers.
    pub source: String,
    /// Other product names.
    pub aliases: Vec<String>,
    /// Documented data collected (data categories).
    pub data: Vec<String>,
    /// Permissions its AAR manifest merges into the app.
    pub permissions: Vec<String>,
    /// On Apple's list of commonly used third-party SDKs.
    pub apple_privacy_manifest_required: bool,
    /// `[sdk.match]`.
    pub matchers: Matchers,
    /// `[sdk.tests]`.
    pub tests: SdkTests,
    /// The `[vendor]` of its file.
    pub vendor: Vendor,
    /// Rule file it came from (`firebase.toml`, or a path for `--rules`).
    pub file: String,
}

/// A rule file that could not be loaded, or a catalog that is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// The file is not valid TOML.
    #[error("{file}: {message}")]
    Toml {
        /// Rule file name (e.g. `zego.toml`) or path given with `--rules`.
        file: String,
        /// The TOML parser's message (with line and column).
        message: String,
    },
    /// A field breaks the schema.
    #[error("{file}: sdk '{sdk}': field '{field}': {message}")]
    Invalid {
        /// Rule file name or path.
        file: String,
        /// Id of the offending SDK, or `(vendor)` / `(file)` when the error is outside any `[[sdk]]`.
        sdk: String,
        /// The offending field, e.g. `dex_class`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// Two SDKs (or vendors) share an id.
    #[error("duplicate {what} id '{id}' in {first} and {second}")]
    DuplicateId {
        /// `sdk` or `vendor`.
        what: &'static str,
        /// The duplicated id.
        id: String,
        /// Rule file of the first definition.
        first: String,
        /// Rule file of the second definition.
        second: String,
    },
    /// Two SDKs share an identical `dex_class` prefix.
    #[error(
        "dex_class prefix '{prefix}' is shared by sdk '{first}' ({first_file}) and sdk '{second}' ({second_file})"
    )]
    SharedPrefix {
        /// The shared `dex_class` prefix, dotted form (e.g. `im.zego.zegoexpress`).
        prefix: String,
        /// Id of the first SDK declaring it.
        first: String,
        /// Rule file of the first SDK.
        first_file: String,
        /// Id of the second SDK declaring it.
        second: String,
        /// Rule file of the second SDK.
        second_file: String,
    },
    /// A `--rules` directory or file could not be read.
    #[error("reading {path}: {message}")]
    Io {
        /// The directory or file that could not be read.
        path: String,
        /// The I/O error's message.
        message: String,
    },
}

/// A pattern owned by an SDK: `(sdk index, pattern as written)`.
pub(crate) type Owned = (usize, String);

/// Compiled matchers over all SDKs (indices into `Catalog::sdks`), in
/// groups built on first use: an APK scan never pays for the Objective-C
/// automaton or the dependency maps, an IPA scan never for the DEX one.
#[derive(Debug, Default)]
pub(crate) struct Index {
    android: OnceLock<AndroidIndex>,
    apple: OnceLock<AppleIndex>,
    common: OnceLock<CommonIndex>,
    deps: OnceLock<DepsIndex>,
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

/// The loaded, validated and compiled catalog.
#[derive(Debug)]
pub struct Catalog {
    version: String,
    sdks: Vec<Sdk>,
    by_id: HashMap<String, usize>,
    pub(crate) index: Index,
}

#[derive(Deserialize)]
struct CatalogVersion {
    version: String,
}

fn invalid(file: &str, sdk: &str, field: &str, message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid {
        file: file.into(),
        sdk: sdk.into(),
        field: field.into(),
        message: message.into(),
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Field name from a serde message such as "unknown field `foo`, expected ...".
fn field_of(message: &str) -> String {
    message.split('`').nth(1).unwrap_or("-").to_string()
}

/// Parse and validate one rule file. `file` names it in errors; `stem`,
/// when given, must equal `vendor.id`.
pub fn parse_file(file: &str, stem: Option<&str>, text: &str) -> Result<Vec<Sdk>, CatalogError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| CatalogError::Toml {
        file: file.into(),
        message: e.to_string(),
    })?;
    parse_table(file, stem, table)
}

/// [`parse_file`] for an embedded rule file, read from the JSON form
/// `build.rs` converted its TOML to (same table, same validation; an error
/// here is a build bug that the test suite catches).
fn parse_embedded(file: &str, stem: Option<&str>, json: &str) -> Result<Vec<Sdk>, CatalogError> {
    let table: toml::Table = serde_json::from_str(json).map_err(|e| CatalogError::Toml {
        file: file.into(),
        message: format!("embedded JSON form: {e}"),
    })?;
    parse_table(file, stem, table)
}

/// Validate one rule file's parsed TOML document (see [`parse_file`]).
fn parse_table(
    file: &str,
    stem: Option<&str>,
    table: toml::Table,
) -> Result<Vec<Sdk>, CatalogError> {
    for key in table.keys() {
        if key != "vendor" && key != "sdk" {
            return Err(invalid(
                file,
                "(file)",
                key,
                "unknown top-level key (expected [vendor] and [[sdk]])",
            ));
        }
    }
    let vendor_value = table
        .get("vendor")
        .cloned()
        .ok_or_else(|| invalid(file, "(vendor)", "vendor", "missing [vendor] table"))?;
    let vendor: Vendor = vendor_value.try_into().map_err(|e: toml::de::Error| {
        let m = e.to_string();
        invalid(file, "(vendor)", &field_of(&m), m.trim())
    })?;
    if !is_kebab(&vendor.id) {
        return Err(invalid(
            file,
            "(vendor)",
            "id",
            format!("'{}' is not kebab-case", vendor.id),
        ));
    }
    if let Some(stem) = stem
        && stem != vendor.id
    {
        return Err(invalid(
            file,
            "(vendor)",
            "id",
            format!("'{}' differs from the file name '{stem}'", vendor.id),
        ));
    }
    if vendor.name.trim().is_empty() {
        return Err(invalid(file, "(vendor)", "name", "empty"));
    }
    let entries = match table.get("sdk") {
        None => return Err(invalid(file, "(file)", "sdk", "no [[sdk]] entries")),
        Some(toml::Value::Array(a)) => a.clone(),
        Some(_) => {
            return Err(invalid(
                file,
                "(file)",
                "sdk",
                "must be an array of tables ([[sdk]])",
            ));
        }
    };
    let mut out = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        let label = entry
            .get("id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{}", i + 1));
        let def: SdkDef = entry.try_into().map_err(|e: toml::de::Error| {
            let m = e.to_string();
            invalid(file, &label, &field_of(&m), m.trim())
        })?;
        let sdk = Sdk {
            id: def.id,
            name: def.name,
            category: def.category,
            source: def.source,
            aliases: def.aliases,
            data: def.data,
            permissions: def.permissions,
            apple_privacy_manifest_required: def.apple_privacy_manifest_required,
            matchers: def.matchers,
            tests: def.tests,
            vendor: vendor.clone(),
            file: file.to_string(),
        };
        validate_sdk(&sdk)?;
        out.push(sdk);
    }
    Ok(out)
}

fn validate_prefix(sdk: &Sdk, field: &str, p: &str) -> Result<(), CatalogError> {
    let bad = |m: String| invalid(&sdk.file, &sdk.id, field, m);
    if p.is_empty()
        || p.starts_with('.')
        || p.ends_with('.')
        || p.contains("..")
        || p.contains('/')
        || p.contains(' ')
    {
        return Err(bad(format!(
            "'{p}' is not a dotted Java package or class prefix"
        )));
    }
    if !p.contains('.') || TOO_BROAD.contains(&p) {
        return Err(bad(format!("'{p}' is too broad to identify one SDK")));
    }
    Ok(())
}

fn validate_sdk(sdk: &Sdk) -> Result<(), CatalogError> {
    let f = sdk.file.as_str();
    let id = sdk.id.as_str();
    if !is_kebab(id) {
        return Err(invalid(f, id, "id", "not kebab-case"));
    }
    if sdk.name.trim().is_empty() {
        return Err(invalid(f, id, "name", "empty"));
    }
    if !CATEGORIES.contains(&sdk.category.as_str()) {
        return Err(invalid(
            f,
            id,
            "category",
            format!("'{}' is not one of {}", sdk.category, CATEGORIES.join(", ")),
        ));
    }
    if sdk.source.trim().is_empty() {
        return Err(invalid(
            f,
            id,
            "source",
            "empty: every SDK names the public source of its matchers",
        ));
    }
    let m = &sdk.matchers;
    if MATCHER_KINDS
        .iter()
        .all(|k| m.list(k).is_none_or(|l| l.is_empty()))
    {
        return Err(invalid(
            f,
            id,
            "match",
            "no matcher: at least one matcher list must be non-empty",
        ));
    }
    for kind in MATCHER_KINDS {
        for p in m.list(kind).unwrap_or_default() {
            if p.trim().is_empty() || p.trim() != p {
                return Err(invalid(
                    f,
                    id,
                    kind,
                    format!("pattern {p:?} is empty or has surrounding whitespace"),
                ));
            }
        }
    }
    for p in m.dex_class.iter() {
        validate_prefix(sdk, "dex_class", p)?;
    }
    for p in m.manifest_component.iter() {
        validate_prefix(sdk, "manifest_component", p)?;
    }
    for (field, list) in [
        ("elf_symbol", &m.elf_symbol),
        ("macho_symbol", &m.macho_symbol),
    ] {
        for p in list {
            regex::RegexBuilder::new(p)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| invalid(f, id, field, format!("bad regex {p:?}: {e}")))?;
        }
    }
    for (field, list) in [("native_lib", &m.native_lib), ("file", &m.file)] {
        for p in list {
            if p.trim_matches('*').is_empty() {
                return Err(invalid(
                    f,
                    id,
                    field,
                    format!("glob {p:?} matches everything"),
                ));
            }
        }
    }
    if sdk.tests.positive.is_empty() {
        return Err(invalid(
            f,
            id,
            "tests.positive",
            "at least one positive case is required",
        ));
    }
    if sdk.tests.negative.is_empty() {
        return Err(invalid(
            f,
            id,
            "tests.negative",
            "at least one negative case is required",
        ));
    }
    for (field, list) in [
        ("tests.positive", &sdk.tests.positive),
        ("tests.negative", &sdk.tests.negative),
    ] {
        for case in list {
            match case.split_once(':') {
                Some((k, v)) if MATCHER_KINDS.contains(&k) && !v.is_empty() => {}
                _ => {
                    return Err(invalid(
                        f,
                        id,
                        field,
                        format!(
                            "case {case:?} is not \"<matcher-kind>:<value>\" with a kind of {}",
                            MATCHER_KINDS.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `com.foo.bar` → `Lcom/foo/bar` (descriptor prefix form).
pub(crate) fn descriptor_prefix(dotted: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(dotted.len() + 1);
    v.push(b'L');
    v.extend(dotted.bytes().map(|b| if b == b'.' { b'/' } else { b }));
    v
}

/// `*`-only glob match (`libjcore*.so`), case-sensitive.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text.ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
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
        Ok(Catalog {
            version,
            sdks,
            by_id,
            index,
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

    /// Build the matchers an Android scan uses now rather than on first use.
    pub fn warm_android(&self) {
        let _ = (self.android(), self.common());
    }

    /// Build the matchers an iOS scan uses now rather than on first use.
    pub fn warm_apple(&self) {
        let _ = (self.apple(), self.common());
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

fn push_map(map: &mut HashMap<String, Vec<Owned>>, key: String, sdk: usize, pattern: &str) {
    map.entry(key).or_default().push((sdk, pattern.to_string()));
}

/// An anchored leftmost-longest automaton, `None` without patterns.
fn anchored(pats: &[Vec<u8>]) -> Option<AhoCorasick> {
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
struct PrefixTable {
    patterns: Vec<Vec<u8>>,
    owners: Vec<Vec<Owned>>,
    pos: HashMap<String, usize>,
}

impl PrefixTable {
    fn add(&mut self, sdk: usize, dotted: &str) {
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
    fn build(sdks: &[Sdk]) -> AndroidIndex {
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
    fn build(sdks: &[Sdk]) -> AppleIndex {
        let mut objc_pats: Vec<Vec<u8>> = Vec::new();
        let mut objc_owners: Vec<Vec<Owned>> = Vec::new();
        let mut objc_pos: HashMap<&str, usize> = HashMap::new();
        let mut macho_pats = Vec::new();
        let mut macho_owners = Vec::new();
        let mut frameworks = HashMap::new();
        let mut plist_keys = HashMap::new();
        for (i, s) in sdks.iter().enumerate() {
            let m = &s.matchers;
            for p in &m.objc_class {
                let pos = *objc_pos.entry(p.as_str()).or_insert_with(|| {
                    objc_pats.push(p.as_bytes().to_vec());
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
    fn build(sdks: &[Sdk]) -> CommonIndex {
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
    fn build(sdks: &[Sdk]) -> DepsIndex {
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
fn regex_set(pats: &[String]) -> Option<RegexSet> {
    if pats.is_empty() {
        return None;
    }
    regex::RegexSetBuilder::new(pats)
        .size_limit(1 << 24)
        .build()
        .ok()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The JSON form build.rs embeds is the same document as the TOML file
    /// (no value lost or retyped in the conversion), for every rule file.
    #[test]
    fn embedded_json_equals_toml() {
        assert!(embedded::SDK_RULE_FILES.len() >= 100);
        for (name, toml_text, json) in embedded::SDK_RULE_FILES {
            let from_toml: toml::Table = toml::from_str(toml_text).unwrap();
            let from_json: toml::Table = serde_json::from_str(json).unwrap();
            assert_eq!(from_toml, from_json, "{name}");
            let stem = name.trim_end_matches(".toml");
            let a = parse_file(name, Some(stem), toml_text).unwrap();
            let b = parse_embedded(name, Some(stem), json).unwrap();
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{name}");
        }
    }

    /// An embedded JSON form that does not parse is an error naming the file.
    #[test]
    fn embedded_json_error_names_file() {
        let e = parse_embedded("x.toml", Some("x"), "{").unwrap_err();
        assert!(e.to_string().contains("x.toml"), "{e}");
        assert!(e.to_string().contains("embedded JSON"), "{e}");
    }

    /// A small inline catalog used by the engine's unit tests.
    pub(crate) const ZEGO: &str = r#"
[vendor]
id = "zego"
name = "ZEGO"
aliases = ["Shenzhen Jigou Technology Co., Ltd.", "即构科技"]

[[sdk]]
id = "zego-express"
name = "ZEGO Express Engine"
category = "rtc"
source = "https://doc-zh.zego.im/article/195"
aliases = ["Zego Express"]
permissions = ["android.permission.RECORD_AUDIO", "android.permission.CAMERA"]
apple_privacy_manifest_required = true
[sdk.match]
dex_class = ["im.zego.zegoexpress"]
native_lib = ["libZegoExpressEngine.so", "libzego*.so"]
elf_symbol = ["^Java_im_zego_zegoexpress_"]
objc_class = ["ZegoExpress"]
macho_symbol = ["^_OBJC_CLASS_\\$_ZegoExpressEngine"]
framework = ["ZegoExpressEngine"]
manifest_component = ["im.zego.zegoexpress"]
manifest_meta_data = ["com.zego.appid"]
plist_key = ["ZegoAppID"]
file = ["META-INF/im.zego_express-video.version", "assets/zego/*.dat"]
gradle = ["im.zego:express-video", "im.zego"]
cocoapods = ["ZegoExpressEngine"]
spm = ["zego-express-sdk-ios"]
pub = ["zego_express_engine"]
npm = ["zego-express-engine-reactnative"]
domains = ["zego.im"]
[sdk.tests]
positive = ["dex_class:im.zego.zegoexpress.ZegoExpressEngine", "native_lib:libZegoExpressEngine.so"]
negative = ["dex_class:im.zegox.Foo", "dex_class:com.example.im.zego.zegoexpress.Bar"]

[[sdk]]
id = "zego-express-internal"
name = "ZEGO Express internal"
category = "other"
source = "test"
[sdk.match]
dex_class = ["im.zego.zegoexpress.internal"]
[sdk.tests]
positive = ["dex_class:im.zego.zegoexpress.internal.X"]
negative = ["dex_class:im.zego.zegoexpress.X"]
"#;

    #[test]
    fn loads_inline_catalog_and_names() {
        let c = Catalog::from_texts(&[("zego.toml", ZEGO)]).unwrap();
        assert_eq!(c.sdks().len(), 2);
        assert_eq!(c.version(), "2026.12.07");
        let names = c.sdk_names();
        assert_eq!(names[0].0, "zego-express");
        assert_eq!(names[0].1, vec!["ZEGO Express Engine", "Zego Express"]);
        assert_eq!(
            names[0].2,
            vec!["ZEGO", "Shenzhen Jigou Technology Co., Ltd.", "即构科技"]
        );
        assert_eq!(c.sdk("zego-express").unwrap().vendor.id, "zego");
    }

    fn err(text: &str) -> String {
        Catalog::from_texts(&[("zego.toml", text)])
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn schema_errors_name_file_sdk_and_field() {
        let e = err(&ZEGO.replace("category = \"rtc\"", "category = \"rtc\"\ncolour = \"red\""));
        assert!(
            e.contains("zego.toml") && e.contains("'zego-express'") && e.contains("colour"),
            "{e}"
        );
        let e = err(&ZEGO.replace("source = \"https://doc-zh.zego.im/article/195\"\n", ""));
        assert!(e.contains("'zego-express'") && e.contains("source"), "{e}");
        let e = err(&ZEGO.replace("category = \"rtc\"", "category = \"spyware\""));
        assert!(e.contains("field 'category'"), "{e}");
        let e = err(&ZEGO.replace("^Java_im_zego_zegoexpress_", "(unclosed"));
        assert!(
            e.contains("field 'elf_symbol'") && e.contains("bad regex"),
            "{e}"
        );
        let e = err(&ZEGO.replace(
            "dex_class = [\"im.zego.zegoexpress\"]",
            "dex_class = [\"com.google\"]",
        ));
        assert!(e.contains("too broad"), "{e}");
        let e = err(&ZEGO.replace("negative = [\"dex_class:im.zegox.Foo\", \"dex_class:com.example.im.zego.zegoexpress.Bar\"]", "negative = []"));
        assert!(e.contains("tests.negative"), "{e}");
        let e = err(&ZEGO.replace("id = \"zego\"", "id = \"zegocloud\""));
        assert!(e.contains("differs from the file name"), "{e}");
        let e = err(&ZEGO.replace(
            "\"dex_class:im.zego.zegoexpress.internal.X\"",
            "\"dexclass:im.zego.X\"",
        ));
        assert!(
            e.contains("zego-express-internal") && e.contains("tests.positive"),
            "{e}"
        );
    }

    #[test]
    fn duplicate_ids_and_shared_prefixes_are_errors() {
        let other = ZEGO.replace("id = \"zego\"", "id = \"zego2\"");
        let e = Catalog::from_texts(&[("zego.toml", ZEGO), ("zego2.toml", &other)]).unwrap_err();
        assert!(
            matches!(e, CatalogError::DuplicateId { what: "sdk", ref id, .. } if id == "zego-express"),
            "{e}"
        );
        let shared = ZEGO.replace(
            "dex_class = [\"im.zego.zegoexpress.internal\"]",
            "dex_class = [\"im.zego.zegoexpress\"]",
        );
        let e = Catalog::from_texts(&[("zego.toml", &shared)]).unwrap_err();
        assert!(
            matches!(e, CatalogError::SharedPrefix { ref prefix, .. } if prefix == "im.zego.zegoexpress"),
            "{e}"
        );
    }

    #[test]
    fn globs() {
        assert!(glob_match("libjcore*.so", "libjcore123.so"));
        assert!(glob_match("libjcore*.so", "libjcore.so"));
        assert!(!glob_match("libjcore*.so", "libjcor.so"));
        assert!(glob_match("a*b*c", "aXbYc"));
        assert!(!glob_match("a*b*c", "acb"));
        assert!(glob_match("exact.so", "exact.so"));
    }

    #[test]
    fn embedded_catalog_is_valid() {
        let c = Catalog::try_embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.sdks().len(), Catalog::embedded().sdks().len());
    }
}
