//! The Android permission catalog, `rules/android-permissions.toml`:
//! every platform permission with its protectionLevel and a data category.
//!
//! Source of the facts: AOSP `frameworks/base/core/res/AndroidManifest.xml`
//! (`<permission android:protectionLevel=...>`) and the
//! `android.Manifest.permission` reference.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded catalog text.
pub const EMBEDDED: &str = include_str!("../../rules/android-permissions.toml");

/// One platform permission.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionInfo {
    /// Fully-qualified name, e.g. `android.permission.CAMERA`.
    pub name: String,
    /// Base protection level with flags, as in AOSP: `dangerous`, `normal`,
    /// `signature|privileged`, `signature|appop`...
    pub protection_level: String,
    /// Data category: `camera`, `microphone`, `location`, `photos`,
    /// `contacts`, `phone`, `sms`, `calendar`, `device-id`, `storage`,
    /// `bluetooth`, `network`, `notifications`, `health`, `activity`,
    /// `accounts`, `system`, ...
    pub category: String,
    /// API level that added it, when known.
    #[serde(default)]
    pub added_in: Option<u32>,
    /// API level that removed or deprecated it, when known.
    #[serde(default)]
    pub deprecated_in: Option<u32>,
}

impl PermissionInfo {
    /// `true` for runtime ("dangerous") permissions.
    pub fn is_dangerous(&self) -> bool {
        self.protection_level.split('|').next() == Some("dangerous")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(rename = "permission")]
    permissions: Vec<PermissionInfo>,
}

/// The catalog, indexed by name.
#[derive(Debug, Default)]
pub struct PermissionCatalog {
    by_name: HashMap<String, PermissionInfo>,
}

impl PermissionCatalog {
    /// Parse a catalog file. Errors name the line and column (toml's message).
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: CatalogFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut by_name = HashMap::with_capacity(file.permissions.len());
        for p in file.permissions {
            if let Some(old) = by_name.insert(p.name.clone(), p) {
                return Err(format!("duplicate permission {}", old.name));
            }
        }
        Ok(PermissionCatalog { by_name })
    }

    /// The embedded catalog (parsed once).
    pub fn embedded() -> &'static PermissionCatalog {
        static CAT: OnceLock<PermissionCatalog> = OnceLock::new();
        // The embedded file is checked by a unit test; an error here is a
        // build defect, not bad input, but we still fall back to empty.
        CAT.get_or_init(|| PermissionCatalog::parse(EMBEDDED).unwrap_or_default())
    }

    /// Look a permission up by its fully-qualified name.
    pub fn get(&self, name: &str) -> Option<&PermissionInfo> {
        self.by_name.get(name)
    }

    /// Number of permissions.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// `true` when empty.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Every permission, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &PermissionInfo> {
        self.by_name.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_parses() {
        let cat = PermissionCatalog::parse(EMBEDDED).expect("embedded catalog");
        let camera = cat.get("android.permission.CAMERA").expect("CAMERA");
        assert!(camera.is_dangerous());
        assert_eq!(camera.category, "camera");
        // AOSP writes INTERNET as `normal|instant`; its base level is normal.
        let internet = cat.get("android.permission.INTERNET").expect("INTERNET");
        assert_eq!(internet.protection_level.split('|').next(), Some("normal"));
        assert!(!internet.is_dangerous());
    }

    /// The data categories a catalog entry may use (see the file header of
    /// `rules/android-permissions.toml`).
    const CATEGORIES: &[&str] = &[
        "camera",
        "microphone",
        "location",
        "photos",
        "media",
        "contacts",
        "phone",
        "sms",
        "call-log",
        "calendar",
        "device-id",
        "storage",
        "bluetooth",
        "nearby-devices",
        "network",
        "notifications",
        "health",
        "body-sensors",
        "activity-recognition",
        "accounts",
        "installed-apps",
        "app-usage",
        "biometrics",
        "sensors",
        "advertising",
        "payments",
        "system",
        "other",
    ];

    #[test]
    fn categories_come_from_the_fixed_list() {
        let cat = PermissionCatalog::parse(EMBEDDED).expect("embedded catalog");
        let bad: Vec<String> = cat
            .iter()
            .filter(|p| !CATEGORIES.contains(&p.category.as_str()))
            .map(|p| format!("{} -> {}", p.name, p.category))
            .collect();
        assert!(bad.is_empty(), "categories outside the fixed list: {bad:?}");
    }

    #[test]
    fn catalog_covers_the_platform_and_sdk_permissions() {
        let cat = PermissionCatalog::parse(EMBEDDED).expect("embedded catalog");
        assert!(cat.len() > 1000, "only {} permissions", cat.len());
        let level = |n: &str| {
            cat.get(n)
                .map(|p| (p.protection_level.as_str(), p.category.as_str()))
        };
        assert_eq!(
            level("android.permission.ACCESS_FINE_LOCATION"),
            Some(("dangerous|instant", "location"))
        );
        assert_eq!(
            level("android.permission.READ_MEDIA_IMAGES"),
            Some(("dangerous", "photos"))
        );
        assert_eq!(
            level("android.permission.READ_CONTACTS"),
            Some(("dangerous", "contacts"))
        );
        assert_eq!(
            level("android.permission.BLUETOOTH_SCAN"),
            Some(("dangerous", "nearby-devices"))
        );
        assert_eq!(
            level("android.permission.READ_PRIVILEGED_PHONE_STATE"),
            Some(("signature|privileged|role", "device-id"))
        );
        assert_eq!(
            level("android.permission.QUERY_ALL_PACKAGES"),
            Some(("normal", "installed-apps"))
        );
        assert_eq!(
            level("com.google.android.gms.permission.AD_ID"),
            Some(("normal", "device-id"))
        );
        assert_eq!(
            level("com.android.vending.BILLING"),
            Some(("normal", "payments"))
        );
        assert_eq!(
            level("com.google.android.c2dm.permission.RECEIVE"),
            Some(("normal", "notifications"))
        );
        assert_eq!(
            level("android.permission.health.READ_HEART_RATE"),
            Some(("dangerous", "health"))
        );
        // Every runtime permission has a data category, not "system".
        let uncategorised: Vec<&str> = cat
            .iter()
            .filter(|p| p.is_dangerous() && p.category == "system")
            .map(|p| p.name.as_str())
            .collect();
        assert!(uncategorised.is_empty(), "{uncategorised:?}");
        // Removed-in-M permissions are marked.
        assert_eq!(
            cat.get("android.permission.READ_PROFILE")
                .and_then(|p| p.deprecated_in),
            Some(23)
        );
        assert_eq!(
            cat.get("android.permission.POST_NOTIFICATIONS")
                .and_then(|p| p.added_in),
            Some(33)
        );
    }
}
