//! The data-API catalog (`rules/data-apis.toml`): framework methods,
//! fields and strings (Android) and Objective-C classes/selectors and C
//! symbols (iOS) that read a data category, compiled once into hash maps.
//!
//! Lookups never allocate: DEX method and field references are matched as
//! `(class descriptor, member name)` byte pairs through a two-level map
//! (class, then name; `->*` entries match every member of a class), strings
//! by exact value or by one of a handful of prefixes.
//!
//! Validation (errors name the file and the entry): kebab-case unique ids,
//! a known `platform`, `data` one of the data categories of
//! `rules/data-categories.toml` or `rules/android-permissions.toml`, a
//! non-empty `source`, at least one matcher of the entry's platform, a
//! positive and a negative test, and no matcher claimed by two entries.
//! [`DataApiCatalog::run_tests`] checks every test case against the
//! compiled matchers.

use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The embedded catalog text.
pub const EMBEDDED: &str = include_str!("../../rules/data-apis.toml");

/// One catalog entry.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DataApi {
    /// Stable id, e.g. `telephony-device-id`.
    pub id: String,
    /// `android` or `ios`.
    pub platform: String,
    /// Data category read, in the policy side's vocabulary (`device-id`, `location`...).
    pub data: String,
    /// Google Play Data safety data type, e.g. `Device or other IDs`.
    #[serde(default)]
    pub play: Option<String>,
    /// Apple privacy-manifest `NSPrivacyCollectedDataType*` key.
    #[serde(default)]
    pub apple: Option<String>,
    /// Permissions guarding the API (any one suffices).
    #[serde(default)]
    pub permission: Vec<String>,
    /// Reference page the entry comes from.
    pub source: String,
    /// What matches.
    #[serde(rename = "match")]
    pub matchers: ApiMatchers,
    /// Cases the compiled matchers must accept and reject.
    pub tests: ApiTests,
}

/// Matchers of one entry (see the header of `rules/data-apis.toml`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ApiMatchers {
    /// `Lpkg/Class;->name` or `Lpkg/Class;->*`.
    #[serde(default)]
    pub method: Vec<String>,
    /// `Lpkg/Class;->NAME`, read by `sget*`/`iget*`.
    #[serde(default)]
    pub field: Vec<String>,
    /// Exact `const-string` values.
    #[serde(default)]
    pub string: Vec<String>,
    /// `const-string` prefixes.
    #[serde(default)]
    pub string_prefix: Vec<String>,
    /// `"Class selector"` pairs (both referenced by the Mach-O).
    #[serde(default)]
    pub objc: Vec<String>,
    /// Objective-C class names.
    #[serde(default)]
    pub objc_class: Vec<String>,
    /// Imported C symbols (`_CNCopyCurrentNetworkInfo`).
    #[serde(default)]
    pub symbol: Vec<String>,
}

/// Test cases `kind:value`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ApiTests {
    /// Must match this entry.
    pub positive: Vec<String>,
    /// Must not match this entry.
    pub negative: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    version: String,
    api: Vec<DataApi>,
}

/// Why the catalog could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataApiError {
    /// TOML syntax or schema error.
    #[error("{file}: {message}")]
    Parse {
        /// File name.
        file: String,
        /// The TOML parser's message.
        message: String,
    },
    /// An entry breaks a rule.
    #[error("{file}: api '{id}': {message}")]
    Invalid {
        /// File name.
        file: String,
        /// The entry's id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Debug, Default)]
struct ClassMembers {
    /// `->*`: every member.
    any: Option<usize>,
    names: HashMap<Vec<u8>, usize>,
}

/// The compiled catalog. Indices returned by the matchers index [`DataApiCatalog::apis`].
#[derive(Debug, Default)]
pub struct DataApiCatalog {
    version: String,
    apis: Vec<DataApi>,
    methods: HashMap<Vec<u8>, ClassMembers>,
    fields: HashMap<Vec<u8>, ClassMembers>,
    strings: HashMap<Vec<u8>, usize>,
    prefixes: Vec<(Vec<u8>, usize)>,
    objc: HashMap<(String, String), usize>,
    objc_classes: HashMap<String, usize>,
    symbols: HashMap<String, usize>,
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The data categories an entry may name: the keys of
/// `rules/data-categories.toml` and the `category` values of
/// `rules/android-permissions.toml`, minus `system` and `other`.
pub fn known_categories() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        #[derive(Deserialize)]
        struct Lex {
            categories: HashMap<String, toml::Value>,
        }
        #[derive(Deserialize)]
        struct Perm {
            category: String,
        }
        #[derive(Deserialize)]
        struct Perms {
            permission: Vec<Perm>,
        }
        let mut set: HashSet<String> = HashSet::new();
        if let Ok(l) = toml::from_str::<Lex>(super::DATA_CATEGORIES_TOML) {
            set.extend(l.categories.into_keys());
        }
        if let Ok(p) = toml::from_str::<Perms>(crate::rules::permissions::EMBEDDED) {
            set.extend(p.permission.into_iter().map(|p| p.category));
        }
        set.remove("system");
        set.remove("other");
        set
    })
}

/// Split `Lpkg/Class;->name` into `(class descriptor, name)`.
fn split_member(s: &str) -> Option<(&str, &str)> {
    let (c, n) = s.split_once("->")?;
    (c.starts_with('L') && c.ends_with(';') && !n.is_empty()).then_some((c, n))
}

impl DataApiCatalog {
    /// The embedded catalog, compiled on first use. A broken embedded file
    /// (caught by the unit tests) yields an empty catalog.
    pub fn embedded() -> &'static DataApiCatalog {
        static CAT: OnceLock<DataApiCatalog> = OnceLock::new();
        CAT.get_or_init(|| {
            DataApiCatalog::parse("rules/data-apis.toml", EMBEDDED).unwrap_or_default()
        })
    }

    /// Parse and compile `text` (named `file` in errors).
    pub fn parse(file: &str, text: &str) -> Result<DataApiCatalog, DataApiError> {
        let doc: FileDoc = toml::from_str(text).map_err(|e| DataApiError::Parse {
            file: file.into(),
            message: e.to_string(),
        })?;
        let mut cat = DataApiCatalog {
            version: doc.version,
            ..DataApiCatalog::default()
        };
        let mut ids: HashSet<String> = HashSet::new();
        for (i, api) in doc.api.iter().enumerate() {
            let bad = |message: String| DataApiError::Invalid {
                file: file.into(),
                id: api.id.clone(),
                message,
            };
            if !is_kebab(&api.id) {
                return Err(bad("id must be kebab-case".into()));
            }
            if !ids.insert(api.id.clone()) {
                return Err(bad("duplicate id".into()));
            }
            if !known_categories().contains(&api.data) {
                return Err(bad(format!(
                    "data '{}' is not a category of rules/data-categories.toml or rules/android-permissions.toml",
                    api.data
                )));
            }
            if api.source.trim().is_empty() {
                return Err(bad("source is empty".into()));
            }
            if api.tests.positive.is_empty() || api.tests.negative.is_empty() {
                return Err(bad("needs a positive and a negative test".into()));
            }
            let m = &api.matchers;
            let android = m.method.len() + m.field.len() + m.string.len() + m.string_prefix.len();
            let ios = m.objc.len() + m.objc_class.len() + m.symbol.len();
            match api.platform.as_str() {
                "android" if android > 0 && ios == 0 => {}
                "ios" if ios > 0 && android == 0 => {}
                "android" | "ios" => {
                    return Err(bad(format!(
                        "a {} entry needs matchers of its platform only",
                        api.platform
                    )));
                }
                p => return Err(bad(format!("platform '{p}' is not android or ios"))),
            }
            let dup = |what: &str, v: &str| bad(format!("{what} '{v}' is already claimed"));
            for (list, map) in [(&m.method, &mut cat.methods), (&m.field, &mut cat.fields)] {
                for s in list {
                    let (c, n) = split_member(s)
                        .ok_or_else(|| bad(format!("'{s}' is not Lpkg/Class;->name")))?;
                    let members = map.entry(c.as_bytes().to_vec()).or_default();
                    if n == "*" {
                        if members.any.replace(i).is_some() {
                            return Err(dup("matcher", s));
                        }
                    } else if members.names.insert(n.as_bytes().to_vec(), i).is_some() {
                        return Err(dup("matcher", s));
                    }
                }
            }
            for s in &m.string {
                if cat.strings.insert(s.as_bytes().to_vec(), i).is_some() {
                    return Err(dup("string", s));
                }
            }
            for s in &m.string_prefix {
                if s.is_empty() || cat.prefixes.iter().any(|(p, _)| p == s.as_bytes()) {
                    return Err(dup("string_prefix", s));
                }
                cat.prefixes.push((s.as_bytes().to_vec(), i));
            }
            for s in &m.objc {
                let (c, sel) = s
                    .split_once(' ')
                    .ok_or_else(|| bad(format!("objc '{s}' is not \"Class selector\"")))?;
                if cat.objc.insert((c.into(), sel.into()), i).is_some() {
                    return Err(dup("objc", s));
                }
            }
            for s in &m.objc_class {
                if cat.objc_classes.insert(s.clone(), i).is_some() {
                    return Err(dup("objc_class", s));
                }
            }
            for s in &m.symbol {
                if cat.symbols.insert(s.clone(), i).is_some() {
                    return Err(dup("symbol", s));
                }
            }
        }
        cat.apis = doc.api;
        Ok(cat)
    }

    /// Catalog version (`version` of the file).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Every entry, in file order.
    pub fn apis(&self) -> &[DataApi] {
        &self.apis
    }

    /// `true` when some method of class `descriptor` (`Lpkg/Class;`) is catalogued.
    pub fn has_method_class(&self, descriptor: &[u8]) -> bool {
        self.methods.contains_key(descriptor)
    }

    /// `true` when some field of class `descriptor` is catalogued.
    pub fn has_field_class(&self, descriptor: &[u8]) -> bool {
        self.fields.contains_key(descriptor)
    }

    /// The entry matching method `class->name`.
    pub fn match_method(&self, class: &[u8], name: &[u8]) -> Option<usize> {
        let m = self.methods.get(class)?;
        m.names.get(name).copied().or(m.any)
    }

    /// The entry matching field `class->name`.
    pub fn match_field(&self, class: &[u8], name: &[u8]) -> Option<usize> {
        let m = self.fields.get(class)?;
        m.names.get(name).copied().or(m.any)
    }

    /// The entry matching a `const-string` value: exact first, then the
    /// longest prefix that ends at a URI boundary (end, `/`, `?` or `#`), so
    /// `content://sms` matches `content://sms/inbox` but not `content://smsx`.
    pub fn match_string(&self, s: &[u8]) -> Option<usize> {
        if let Some(&i) = self.strings.get(s) {
            return Some(i);
        }
        self.prefixes
            .iter()
            .filter(|(p, _)| {
                s.starts_with(p) && matches!(s.get(p.len()), None | Some(b'/' | b'?' | b'#'))
            })
            .max_by_key(|(p, _)| p.len())
            .map(|&(_, i)| i)
    }

    /// Entries an iOS binary matches given the ObjC classes it references,
    /// the selectors it names and the symbols it imports. Returns
    /// `(entry, evidence)` with evidence `Class selector`, `Class` or the
    /// symbol, sorted and deduplicated.
    pub fn match_ios(
        &self,
        classes: &HashSet<&str>,
        selectors: &HashSet<&str>,
        symbols: &HashSet<&str>,
    ) -> Vec<(usize, String)> {
        let mut out: Vec<(usize, String)> = Vec::new();
        for ((c, sel), &i) in &self.objc {
            if classes.contains(c.as_str()) && selectors.contains(sel.as_str()) {
                out.push((i, format!("{c} {sel}")));
            }
        }
        for (c, &i) in &self.objc_classes {
            if classes.contains(c.as_str()) {
                out.push((i, c.clone()));
            }
        }
        for (s, &i) in &self.symbols {
            if symbols.contains(s.as_str()) {
                out.push((i, s.clone()));
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Which entry a test case `kind:value` matches (`None`: no entry).
    pub fn match_case(&self, case: &str) -> Result<Option<usize>, String> {
        let (kind, value) = case
            .split_once(':')
            .ok_or_else(|| format!("test case '{case}' is not kind:value"))?;
        let member = || split_member(value).ok_or_else(|| format!("'{value}' is not Lc;->name"));
        Ok(match kind {
            "method" => {
                let (c, n) = member()?;
                self.match_method(c.as_bytes(), n.as_bytes())
            }
            "field" => {
                let (c, n) = member()?;
                self.match_field(c.as_bytes(), n.as_bytes())
            }
            "string" => self.match_string(value.as_bytes()),
            "objc" => {
                let (c, s) = value
                    .split_once(' ')
                    .ok_or_else(|| format!("'{value}' is not \"Class selector\""))?;
                self.match_ios(&[c].into(), &[s].into(), &HashSet::new())
                    .first()
                    .map(|m| m.0)
            }
            "objc_class" => self
                .match_ios(&[value].into(), &HashSet::new(), &HashSet::new())
                .first()
                .map(|m| m.0),
            "symbol" => self
                .match_ios(&HashSet::new(), &HashSet::new(), &[value].into())
                .first()
                .map(|m| m.0),
            k => return Err(format!("unknown test kind '{k}' in '{case}'")),
        })
    }

    /// Run every entry's tests; returns one message per failure.
    pub fn run_tests(&self) -> Vec<String> {
        let mut fails = Vec::new();
        for (i, api) in self.apis.iter().enumerate() {
            for (case, want) in api
                .tests
                .positive
                .iter()
                .map(|c| (c, true))
                .chain(api.tests.negative.iter().map(|c| (c, false)))
            {
                match self.match_case(case) {
                    Err(e) => fails.push(format!("{}: {e}", api.id)),
                    Ok(got) if (got == Some(i)) != want => fails.push(format!(
                        "{}: case '{case}' {} (matched {:?})",
                        api.id,
                        if want { "does not match" } else { "matches" },
                        got.map(|g| &self.apis[g].id)
                    )),
                    Ok(_) => {}
                }
            }
        }
        fails
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_loads_and_passes_its_tests() {
        let cat = DataApiCatalog::parse("rules/data-apis.toml", EMBEDDED).unwrap();
        assert!(cat.apis().len() >= 35, "{}", cat.apis().len());
        assert_eq!(cat.run_tests(), Vec::<String>::new());
        let tm = b"Landroid/telephony/TelephonyManager;";
        let i = cat.match_method(tm, b"getDeviceId").unwrap();
        assert_eq!(cat.apis()[i].id, "telephony-device-id");
        assert_eq!(cat.apis()[i].data, "device-id");
        assert!(cat.match_method(tm, b"getDeviceIdX").is_none());
        assert!(cat.has_method_class(tm));
        assert!(!cat.has_method_class(b"Landroid/app/Activity;"));
        let s = cat.match_string(b"content://sms/inbox").unwrap();
        assert_eq!(cat.apis()[s].data, "sms");
        assert!(cat.match_string(b"content://settings").is_none());
        let a = cat.match_string(b"android_id").unwrap();
        assert_eq!(cat.apis()[a].id, "android-id");
    }

    #[test]
    fn every_entry_has_its_store_mapping_or_says_none() {
        let cat = DataApiCatalog::embedded();
        for api in cat.apis() {
            if let Some(a) = &api.apple {
                assert!(
                    a.starts_with("NSPrivacyCollectedDataType"),
                    "{}: {a}",
                    api.id
                );
            }
            assert!(
                api.source.contains("https://") || api.source.contains("SDK"),
                "{}",
                api.id
            );
        }
    }

    #[test]
    fn invalid_entries_are_refused_naming_the_entry() {
        let base = r#"
version = "1"
[[api]]
id = "x-api"
platform = "android"
data = "location"
source = "https://example.com"
[api.match]
method = ["La/B;->c"]
[api.tests]
positive = ["method:La/B;->c"]
negative = ["method:La/B;->d"]
"#;
        assert!(DataApiCatalog::parse("t.toml", base).is_ok());
        for (from, to, what) in [
            (
                "data = \"location\"",
                "data = \"gps-data\"",
                "not a category",
            ),
            (
                "negative = [\"method:La/B;->d\"]",
                "negative = []",
                "positive and a negative",
            ),
            (
                "method = [\"La/B;->c\"]",
                "method = [\"a.B.c\"]",
                "is not Lpkg",
            ),
            (
                "method = [\"La/B;->c\"]",
                "objc_class = [\"X\"]",
                "platform only",
            ),
            ("id = \"x-api\"", "id = \"X_api\"", "kebab"),
            (
                "platform = \"android\"",
                "platform = \"web\"",
                "not android or ios",
            ),
        ] {
            let e = DataApiCatalog::parse("t.toml", &base.replace(from, to)).unwrap_err();
            let msg = e.to_string();
            assert!(
                msg.contains(what) && msg.starts_with("t.toml: api '"),
                "{msg}"
            );
        }
        let twice = format!(
            "{base}{}",
            &base[base.find("[[api]]").unwrap()..].replace("x-api", "y-api")
        );
        let e = DataApiCatalog::parse("t.toml", &twice).unwrap_err();
        assert!(e.to_string().contains("already claimed"), "{e}");
        // A failing test case is reported by run_tests.
        let wrong = DataApiCatalog::parse(
            "t.toml",
            &base.replace(
                "negative = [\"method:La/B;->d\"]",
                "negative = [\"method:La/B;->c\"]",
            ),
        )
        .unwrap();
        assert_eq!(wrong.run_tests().len(), 1);
    }
}
