//! The store data vocabulary (`rules/data-types.toml`): one row per data
//! type joining Google Play Data safety response ids (`PSL_*`), Apple
//! `NSPrivacyCollectedDataType*` keys, the project's data categories
//! (policy side, SDK documented data, data-API evidence) and the Android
//! permissions that give access to the data.
//!
//! Validation (errors name the entry): kebab-case unique ids, a label and a
//! source, at least one of `play` / `apple`, every `PSL_*` id, Apple key
//! and evidence category in one type only, and a positive and a negative
//! test; [`DataTypes::run_tests`] checks every case.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded vocabulary text.
pub const EMBEDDED: &str = include_str!("../../rules/data-types.toml");

/// Test cases of one entry, as `kind:value` (`play:`, `apple:`, `data:`, `permission:`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TypeTests {
    /// Values that must resolve to this type.
    pub positive: Vec<String>,
    /// Values that must not.
    pub negative: Vec<String>,
}

/// One data type.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DataType {
    /// Stable id, e.g. `device-id`.
    pub id: String,
    /// Play Console's English label.
    pub label: String,
    /// Data safety response ids, e.g. `PSL_DEVICE_ID`.
    #[serde(default)]
    pub play: Vec<String>,
    /// English labels of the Play ids (as `rules/data-apis.toml` writes `play`).
    #[serde(default)]
    pub play_labels: Vec<String>,
    /// `NSPrivacyCollectedDataType*` keys.
    #[serde(default)]
    pub apple: Vec<String>,
    /// Data categories whose build evidence lands on this type.
    #[serde(default)]
    pub data: Vec<String>,
    /// Policy data categories covering this type; `data` when absent.
    #[serde(default)]
    pub policy: Option<Vec<String>>,
    /// Permissions whose request is evidence for this type.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Where the mapping comes from.
    pub source: String,
    /// Cases the lookups must accept and reject.
    pub tests: TypeTests,
}

impl DataType {
    /// Policy categories whose mention covers this type.
    pub fn policy_categories(&self) -> &[String] {
        self.policy.as_deref().unwrap_or(&self.data)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: String,
    #[serde(rename = "type")]
    types: Vec<DataType>,
}

/// The compiled vocabulary: types in file order and lookups by id.
#[derive(Debug)]
pub struct DataTypes {
    /// `version` of the file.
    pub version: String,
    /// Every type, in file order (the table's row order).
    pub types: Vec<DataType>,
    by_play: HashMap<String, usize>,
    by_play_label: HashMap<String, usize>,
    by_apple: HashMap<String, usize>,
    by_data: HashMap<String, usize>,
    by_permission: HashMap<String, Vec<usize>>,
}

impl DataTypes {
    /// Parse and validate a vocabulary. Errors name the entry at fault.
    pub fn parse(text: &str) -> Result<DataTypes, String> {
        let file: File = toml::from_str(text).map_err(|e| format!("data-types.toml: {e}"))?;
        let mut v = DataTypes {
            version: file.version,
            types: Vec::new(),
            by_play: HashMap::new(),
            by_play_label: HashMap::new(),
            by_apple: HashMap::new(),
            by_data: HashMap::new(),
            by_permission: HashMap::new(),
        };
        for (i, t) in file.types.iter().enumerate() {
            let kebab = !t.id.is_empty()
                && t.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !kebab || file.types[..i].iter().any(|o| o.id == t.id) {
                return Err(format!("type {:?}: id must be unique kebab-case", t.id));
            }
            if t.label.is_empty() || t.source.is_empty() {
                return Err(format!("type {}: needs a label and a source", t.id));
            }
            if t.play.is_empty() && t.apple.is_empty() {
                return Err(format!("type {}: needs a play id or an apple key", t.id));
            }
            if t.tests.positive.is_empty() || t.tests.negative.is_empty() {
                return Err(format!(
                    "type {}: needs a positive and a negative test",
                    t.id
                ));
            }
            for (map, keys, what) in [
                (&mut v.by_play, &t.play, "play id"),
                (&mut v.by_play_label, &t.play_labels, "play label"),
                (&mut v.by_apple, &t.apple, "apple key"),
                (&mut v.by_data, &t.data, "data category"),
            ] {
                for k in keys {
                    if map.insert(k.clone(), i).is_some() {
                        return Err(format!("type {}: {what} {k} belongs to two types", t.id));
                    }
                }
            }
            for p in &t.permissions {
                v.by_permission.entry(p.clone()).or_default().push(i);
            }
        }
        v.types = file.types;
        Ok(v)
    }

    /// The embedded vocabulary (validated by the tests).
    pub fn embedded() -> &'static DataTypes {
        static V: OnceLock<DataTypes> = OnceLock::new();
        V.get_or_init(|| {
            DataTypes::parse(EMBEDDED).unwrap_or_else(|_| DataTypes {
                version: "invalid".into(),
                types: Vec::new(),
                by_play: HashMap::new(),
                by_play_label: HashMap::new(),
                by_apple: HashMap::new(),
                by_data: HashMap::new(),
                by_permission: HashMap::new(),
            })
        })
    }

    /// Index of the type of a Data safety response id (`PSL_DEVICE_ID`).
    pub fn by_play(&self, id: &str) -> Option<usize> {
        self.by_play.get(id).copied()
    }

    /// Index of the type of a Play English label (`Device or other IDs`).
    pub fn by_play_label(&self, label: &str) -> Option<usize> {
        self.by_play_label.get(label).copied()
    }

    /// Index of the type of an `NSPrivacyCollectedDataType*` key.
    pub fn by_apple(&self, key: &str) -> Option<usize> {
        self.by_apple.get(key).copied()
    }

    /// Index of the type a data category's evidence lands on.
    pub fn by_data(&self, category: &str) -> Option<usize> {
        self.by_data.get(category).copied()
    }

    /// Indexes of the types a permission is evidence for.
    pub fn by_permission(&self, permission: &str) -> &[usize] {
        self.by_permission
            .get(permission)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Indexes of the types a policy data category covers.
    pub fn covered_by_policy(&self, category: &str) -> Vec<usize> {
        (0..self.types.len())
            .filter(|&i| {
                self.types[i]
                    .policy_categories()
                    .iter()
                    .any(|c| c == category)
            })
            .collect()
    }

    fn resolves(&self, case: &str) -> Result<Vec<usize>, String> {
        let (kind, value) = case
            .split_once(':')
            .ok_or_else(|| format!("test case {case:?} is not kind:value"))?;
        Ok(match kind {
            "play" => self.by_play(value).into_iter().collect(),
            "apple" => self.by_apple(value).into_iter().collect(),
            "data" => self.by_data(value).into_iter().collect(),
            "permission" => self.by_permission(value).to_vec(),
            _ => return Err(format!("test case {case:?}: unknown kind {kind}")),
        })
    }

    /// Run every entry's positive and negative tests; one message per failure.
    pub fn run_tests(&self) -> Vec<String> {
        let mut failures = Vec::new();
        for (i, t) in self.types.iter().enumerate() {
            for (cases, want) in [(&t.tests.positive, true), (&t.tests.negative, false)] {
                for case in cases {
                    match self.resolves(case) {
                        Ok(hits) if hits.contains(&i) == want => {}
                        Ok(_) => failures.push(format!(
                            "type {}: {} case {case} failed",
                            t.id,
                            if want { "positive" } else { "negative" }
                        )),
                        Err(e) => failures.push(format!("type {}: {e}", t.id)),
                    }
                }
            }
        }
        failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_vocabulary_loads_and_passes_its_tests() {
        let v = DataTypes::parse(EMBEDDED).unwrap();
        assert!(v.types.len() >= 30);
        assert_eq!(v.run_tests(), Vec::<String>::new());
        let d = v.by_play("PSL_DEVICE_ID").unwrap();
        assert_eq!(v.types[d].id, "device-id");
        assert_eq!(v.by_apple("NSPrivacyCollectedDataTypeDeviceID"), Some(d));
        assert_eq!(v.by_data("advertising-id"), Some(d));
        assert_eq!(v.by_play("PSL_NOT_A_TYPE"), None);
        let loc = v.covered_by_policy("location");
        assert_eq!(loc.len(), 2);
    }

    #[test]
    fn every_play_label_and_apple_key_of_data_apis_has_a_type() {
        let v = DataTypes::embedded();
        let apis = crate::rules::data_apis::DataApiCatalog::embedded();
        for a in apis.apis() {
            if let Some(p) = &a.play {
                assert!(v.by_play_label(p).is_some(), "{}: play {p}", a.id);
            }
            if let Some(k) = &a.apple {
                assert!(v.by_apple(k).is_some(), "{}: apple {k}", a.id);
            }
        }
    }

    #[test]
    fn invalid_entries_are_rejected_by_name() {
        let dup = r#"version = "1"
[[type]]
id = "a"
label = "A"
play = ["PSL_A"]
source = "s"
[type.tests]
positive = ["play:PSL_A"]
negative = ["play:PSL_B"]
[[type]]
id = "b"
label = "B"
play = ["PSL_A"]
source = "s"
[type.tests]
positive = ["play:PSL_A"]
negative = ["play:PSL_B"]
"#;
        let e = DataTypes::parse(dup).unwrap_err();
        assert!(e.contains("type b") && e.contains("PSL_A"), "{e}");
        let no_tests = dup.replace(
            "negative = [\"play:PSL_B\"]\n[[type]]",
            "negative = []\n[[type]]",
        );
        assert!(DataTypes::parse(&no_tests).unwrap_err().contains("type a"));
    }
}
