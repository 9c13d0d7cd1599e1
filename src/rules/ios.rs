//! The embedded iOS catalogs: `rules/ios-usage-keys.toml` (purpose-string
//! keys → data category, and which linked frameworks need which key) and
//! `rules/required-reason-apis.toml` (Apple's required-reason API categories
//! → symbols/selectors and approved reasons). Both are data written from
//! Apple's documentation (sources cited in the files) and parsed once.

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

use std::sync::OnceLock;

use serde::Deserialize;

const USAGE_KEYS_TOML: &str = include_str!("../../rules/ios-usage-keys.toml");
const REQUIRED_REASON_TOML: &str = include_str!("../../rules/required-reason-apis.toml");

/// One purpose-string key.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UsageKey {
    /// Info.plist key, e.g. `NSCameraUsageDescription`.
    pub key: String,
    /// Data category it grants access to (vocabulary of `rules/android-permissions.toml`), e.g. `camera`.
    pub category: String,
    /// Whether Apple has deprecated the key (e.g. `NSLocationAlwaysUsageDescription`); `false` when unset.
    #[serde(default)]
    pub deprecated: bool,
    /// For an add/write-only key (`NSPhotoLibraryAddUsageDescription`): the
    /// key that reading needs (`NSPhotoLibraryUsageDescription`).
    #[serde(default)]
    pub write_only_of: Option<String>,
}

/// A framework (optionally narrowed by symbols) that needs one of `keys`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UsageRequirement {
    /// Stable id of the requirement, e.g. `camera-capture`.
    pub id: String,
    /// Framework names, matched on `<Name>.framework/` in `LC_LOAD_DYLIB`/`LC_LOAD_WEAK_DYLIB` paths.
    pub frameworks: Vec<String>,
    /// Imported symbols that narrow the requirement; empty means linking the framework is enough.
    #[serde(default)]
    pub symbols: Vec<String>,
    /// Usage keys of which at least one must be present.
    pub keys: Vec<String>,
}

/// `rules/ios-usage-keys.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UsageCatalog {
    /// Every `[[key]]` entry, in file order.
    #[serde(rename = "key")]
    pub keys: Vec<UsageKey>,
    /// Every `[[requirement]]` entry, in file order.
    #[serde(rename = "requirement")]
    pub requirements: Vec<UsageRequirement>,
    /// Words by which a policy says a key is used to read, view or pick
    /// the user's data (English matched as whole words, case-insensitive).
    #[serde(default)]
    pub read_words: Vec<String>,
}

impl UsageCatalog {
    /// The data category of a usage key, if catalogued.
    pub fn category(&self, key: &str) -> Option<&str> {
        self.keys
            .iter()
            .find(|k| k.key == key)
            .map(|k| k.category.as_str())
    }
}

/// One required-reason API category.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReasonCategory {
    /// `NSPrivacyAccessedAPICategory...`.
    pub id: String,
    /// Human-readable name, e.g. `File timestamp APIs`.
    pub name: String,
    /// Approved reason codes, e.g. `C617.1`.
    pub reasons: Vec<String>,
    /// C functions, constants and ObjC class symbols that belong to the category, as written in source (matched after `normalize_symbol`).
    pub symbols: Vec<String>,
    /// ObjC selectors looked up in `__objc_methname`; empty when none are specific enough.
    #[serde(default)]
    pub selectors: Vec<String>,
}

/// `rules/required-reason-apis.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReasonCatalog {
    /// Every `[[category]]` entry, in file order.
    #[serde(rename = "category")]
    pub categories: Vec<ReasonCategory>,
}

/// Strips one leading `_` and any `$...` suffix that is not part of an
/// `OBJC_CLASS_$_` name (`_stat$INODE64` → `stat`).
pub fn normalize_symbol(sym: &str) -> &str {
    let s = sym.strip_prefix('_').unwrap_or(sym);
    if s.starts_with("OBJC_CLASS_$_") {
        return s;
    }
    s.split('$').next().unwrap_or(s)
}

impl ReasonCatalog {
    /// Categories whose symbol list contains `symbol` (a raw Mach-O symbol).
    pub fn categories_for_symbol(&self, symbol: &str) -> impl Iterator<Item = &ReasonCategory> {
        let n = normalize_symbol(symbol);
        self.categories
            .iter()
            .filter(move |c| c.symbols.iter().any(|s| s == n))
    }
}

/// The embedded usage-key catalog.
///
/// The embedded TOML is checked by a unit test; should it ever fail to
/// parse, the catalog is empty rather than a panic.
pub fn usage_catalog() -> &'static UsageCatalog {
    static CAT: OnceLock<UsageCatalog> = OnceLock::new();
    CAT.get_or_init(|| {
        toml::from_str(USAGE_KEYS_TOML).unwrap_or(UsageCatalog {
            keys: Vec::new(),
            requirements: Vec::new(),
            read_words: Vec::new(),
        })
    })
}

/// The embedded required-reason API catalog (empty on a parse failure, see `usage_catalog`).
pub fn reason_catalog() -> &'static ReasonCatalog {
    static CAT: OnceLock<ReasonCatalog> = OnceLock::new();
    CAT.get_or_init(|| {
        toml::from_str(REQUIRED_REASON_TOML).unwrap_or(ReasonCatalog {
            categories: Vec::new(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogs_parse_and_are_consistent() {
        let u: UsageCatalog = toml::from_str(USAGE_KEYS_TOML).unwrap();
        assert!(u.keys.len() >= 40, "{}", u.keys.len());
        let mut seen = std::collections::HashSet::new();
        for k in &u.keys {
            assert!(seen.insert(k.key.as_str()), "duplicate {}", k.key);
            assert!(
                k.key.ends_with("UsageDescription")
                    || k.key.contains("UsageDescription")
                    || k.key.starts_with("NSHealth"),
                "{}",
                k.key
            );
        }
        for must in [
            "NSUserTrackingUsageDescription",
            "NSLocalNetworkUsageDescription",
            "NSFaceIDUsageDescription",
            "NFCReaderUsageDescription",
        ] {
            assert!(u.category(must).is_some(), "{must}");
        }
        for r in &u.requirements {
            assert!(!r.frameworks.is_empty() && !r.keys.is_empty(), "{}", r.id);
            for k in &r.keys {
                assert!(u.category(k).is_some(), "{}: {k} not catalogued", r.id);
            }
        }
        let c: ReasonCatalog = toml::from_str(REQUIRED_REASON_TOML).unwrap();
        let ids: Vec<&str> = c.categories.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "NSPrivacyAccessedAPICategoryFileTimestamp",
                "NSPrivacyAccessedAPICategorySystemBootTime",
                "NSPrivacyAccessedAPICategoryDiskSpace",
                "NSPrivacyAccessedAPICategoryActiveKeyboards",
                "NSPrivacyAccessedAPICategoryUserDefaults"
            ]
        );
        for cat in &c.categories {
            assert!(!cat.reasons.is_empty());
            assert!(
                cat.reasons
                    .iter()
                    .all(|r| r.len() == 6 && r.as_bytes()[4] == b'.'),
                "{:?}",
                cat.reasons
            );
            assert!(
                !cat.symbols.is_empty() || !cat.selectors.is_empty(),
                "{}",
                cat.id
            );
        }
        assert_eq!(&u, usage_catalog());
        assert_eq!(&c, reason_catalog());
    }

    #[test]
    fn symbol_matching() {
        let c = reason_catalog();
        let cats: Vec<&str> = c
            .categories_for_symbol("_stat$INODE64")
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(cats, ["NSPrivacyAccessedAPICategoryFileTimestamp"]);
        let cats: Vec<&str> = c
            .categories_for_symbol("_OBJC_CLASS_$_NSUserDefaults")
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(cats, ["NSPrivacyAccessedAPICategoryUserDefaults"]);
        assert_eq!(c.categories_for_symbol("_getattrlist").count(), 2);
        assert_eq!(c.categories_for_symbol("_printf").count(), 0);
    }
}
