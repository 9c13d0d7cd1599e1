//! The implied-permission rules, `rules/implied-permissions.toml`: the
//! permissions Android adds to an app's requested set at parse time.
//!
//! Source of the facts: AOSP `frameworks/base`
//! `core/java/com/android/internal/pm/permission/CompatibilityPermissionInfo.java`
//! (`COMPAT_PERMS`, formerly `PackageParser.NEW_PERMISSIONS`) and the
//! `<split-permission>` entries of `data/etc/platform.xml`, applied by
//! `ParsingPackageUtils.convertCompatPermissions` / `convertSplitPermissions`.
//! `crate::android::implied` applies them to a manifest.

use serde::Deserialize;
use std::sync::OnceLock;

/// The embedded rules text.
pub const EMBEDDED: &str = include_str!("../../rules/implied-permissions.toml");

/// A manifest shape used by a rule's positive or negative test.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleCase {
    /// `targetSdkVersion` of the test manifest.
    pub target_sdk: u32,
    /// `uses-permission` names of the test manifest.
    pub requested: Vec<String>,
}

/// One `COMPAT_PERMS` entry: `permission` is added when `targetSdkVersion < sdk_version`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompatRule {
    /// The added permission.
    pub permission: String,
    /// API level from which apps no longer get it.
    pub sdk_version: u32,
    /// Where the entry is in AOSP.
    pub source: String,
    /// A manifest that gets the permission.
    pub positive: RuleCase,
    /// A manifest that does not.
    pub negative: RuleCase,
}

/// One `<split-permission name=from targetSdk=..><new-permission name=permission/>`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitRule {
    /// The requested permission that was split (`name` in platform.xml).
    pub from: String,
    /// The added permission (`new-permission`).
    pub permission: String,
    /// `targetSdk`: applies below this level; `None` = every app
    /// (`SystemConfig` defaults it to `CUR_DEVELOPMENT + 1`).
    #[serde(default)]
    pub target_sdk: Option<u32>,
    /// aconfig `featureFlag` gating the entry; gated entries are not applied.
    #[serde(default)]
    pub feature_flag: Option<String>,
    /// Where the entry is in AOSP.
    pub source: String,
    /// A manifest that gets the permission (with the flag on, for a gated entry).
    pub positive: RuleCase,
    /// A manifest that does not.
    pub negative: RuleCase,
}

/// The rules, in the order the platform applies them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpliedRules {
    /// `COMPAT_PERMS`, newest first (the walk stops at the first entry the target reaches).
    #[serde(default)]
    pub compat: Vec<CompatRule>,
    /// `<split-permission>` entries in platform.xml order.
    #[serde(default)]
    pub split: Vec<SplitRule>,
}

impl ImpliedRules {
    /// Parse a rules file. Errors name the line and column (toml's message),
    /// or the entry whose `compat` order is not newest first.
    pub fn parse(text: &str) -> Result<Self, String> {
        let rules: ImpliedRules = toml::from_str(text).map_err(|e| e.to_string())?;
        for w in rules.compat.windows(2) {
            if let [a, b] = w
                && a.sdk_version < b.sdk_version
            {
                return Err(format!(
                    "[[compat]] {} (sdk_version {}) must come after {} (sdk_version {}): COMPAT_PERMS is newest first",
                    a.permission, a.sdk_version, b.permission, b.sdk_version
                ));
            }
        }
        Ok(rules)
    }

    /// The embedded rules (parsed once; a unit test checks they parse).
    pub fn embedded() -> &'static ImpliedRules {
        static RULES: OnceLock<ImpliedRules> = OnceLock::new();
        RULES.get_or_init(|| ImpliedRules::parse(EMBEDDED).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_parse_with_every_aosp_entry() {
        let r = ImpliedRules::parse(EMBEDDED).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.compat.len(), 3);
        assert_eq!(
            r.compat[0].permission,
            "android.permission.POST_NOTIFICATIONS"
        );
        assert_eq!(r.compat[0].sdk_version, 33);
        // platform.xml (Android 16) has 28 <split-permission> entries.
        assert_eq!(r.split.len(), 28);
        let bg: Vec<&str> = r
            .split
            .iter()
            .filter(|s| s.permission == "android.permission.ACCESS_BACKGROUND_LOCATION")
            .map(|s| s.from.as_str())
            .collect();
        assert_eq!(
            bg,
            [
                "android.permission.ACCESS_FINE_LOCATION",
                "android.permission.ACCESS_COARSE_LOCATION"
            ]
        );
    }

    #[test]
    fn compat_rules_out_of_order_are_refused() {
        let text = r#"
[[compat]]
permission = "a.B"
sdk_version = 4
source = "x"
positive = { target_sdk = 3, requested = [] }
negative = { target_sdk = 4, requested = [] }
[[compat]]
permission = "a.C"
sdk_version = 33
source = "x"
positive = { target_sdk = 3, requested = [] }
negative = { target_sdk = 33, requested = [] }
"#;
        let e = ImpliedRules::parse(text).err().unwrap_or_default();
        assert!(e.contains("newest first"), "{e}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e = ImpliedRules::parse("[[split]]\nfrom = \"a\"\nbogus = 1\n")
            .err()
            .unwrap_or_default();
        assert!(e.contains("bogus"), "{e}");
    }
}
