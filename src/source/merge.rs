//! Merged-manifest prediction for a source tree: the Android view a release
//! build would have, from the app's own manifests (every module's `main`,
//! `release` and flavor source sets) plus the permissions each detected
//! SDK's library manifest merges in, minus the `<uses-permission
//! tools:node="remove">` markers of the app manifests.
//!
//! Distrusts: nothing new (inputs are parsed manifests and detections).
//!
//! Format facts: Android manifest merger
//! (developer.android.com/build/manage-manifests: library manifests merge
//! into the app's; `tools:node="remove"` on an element removes that element
//! from the merged manifest), and the SDK catalog's `permissions` lists.

use crate::android::xml::{TOOLS_NS, XmlDocument};
use crate::model::{AndroidManifest, Detection, Location, UsesPermission, UsesPermissionTag};
use crate::rules::sdk::Catalog;
use std::collections::{BTreeMap, BTreeSet};

/// Names of `<uses-permission>` / `<uses-permission-sdk-23>` elements marked
/// `tools:node="remove"` (or `removeAll`) in a manifest.
pub fn removed_permissions(doc: &XmlDocument) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if doc.root.name != "manifest" {
        return out;
    }
    for el in &doc.root.children {
        if !el.name.starts_with("uses-permission") {
            continue;
        }
        let node = el
            .attributes
            .iter()
            .find(|a| a.namespace.as_deref() == Some(TOOLS_NS) && a.name == "node")
            .map(|a| a.value.to_text());
        if !matches!(node.as_deref(), Some("remove" | "removeAll")) {
            continue;
        }
        if let Some(name) = el
            .attributes
            .iter()
            .find(|a| a.name == "name" && a.namespace.is_some())
        {
            out.insert(name.value.to_text());
        }
    }
    out
}

/// `true` when a detection comes from a dependency that brings an Android
/// library (Gradle, a Flutter plugin or a React Native package), whose
/// manifest the merger reads. A meta-data key or an iOS pod alone merges
/// nothing.
pub fn ships_android_library(d: &Detection) -> bool {
    ["gradle", "pub", "npm"]
        .iter()
        .any(|k| d.matcher_counts.contains_key(*k))
}

/// Add the permissions detected SDKs merge in: a permission the app already
/// requests gets the SDK in `added_by`; a new one is appended with
/// `added_by = [sdk ids]` and the location of the SDK's first dependency
/// declaration (`sdk_locations`). Names in `removed` are never added.
pub fn add_sdk_permissions(
    manifest: &mut AndroidManifest,
    detections: &[Detection],
    catalog: &Catalog,
    removed: &BTreeSet<String>,
    sdk_locations: &BTreeMap<String, Location>,
) {
    let mut added: BTreeMap<String, (Vec<String>, Location)> = BTreeMap::new();
    for d in detections.iter().filter(|d| ships_android_library(d)) {
        let Some(sdk) = catalog.sdk(&d.id) else {
            continue;
        };
        for p in &sdk.permissions {
            if removed.contains(p) {
                continue;
            }
            if let Some(existing) = manifest.uses_permissions.iter_mut().find(|u| &u.name == p) {
                if !existing.added_by.contains(&d.id) {
                    existing.added_by.push(d.id.clone());
                    existing.added_by.sort();
                }
                continue;
            }
            let loc = sdk_locations
                .get(&d.id)
                .cloned()
                .unwrap_or_else(|| Location::entry(""));
            let e = added.entry(p.clone()).or_insert_with(|| (Vec::new(), loc));
            if !e.0.contains(&d.id) {
                e.0.push(d.id.clone());
            }
        }
    }
    for (name, (mut by, mut location)) in added {
        by.sort();
        let note = format!("added by {} at build time", by.join(", "));
        location.detail = Some(match location.detail.take() {
            Some(d) => format!("{note}; {d}"),
            None => note,
        });
        manifest.uses_permissions.push(UsesPermission {
            name,
            tag: UsesPermissionTag::UsesPermission,
            max_sdk_version: None,
            added_by: by,
            location,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::android::text_manifest;
    use crate::limits::Limits;

    #[test]
    fn tools_remove_and_sdk_permissions() {
        let xml = br#"<manifest xmlns:android="http://schemas.android.com/apk/res/android"
  xmlns:tools="http://schemas.android.com/tools">
  <uses-permission android:name="android.permission.INTERNET"/>
  <uses-permission android:name="com.google.android.gms.permission.AD_ID" tools:node="remove"/>
</manifest>"#;
        let doc = text_manifest::parse(xml, &Limits::default()).unwrap();
        let removed = removed_permissions(&doc);
        assert_eq!(
            removed.iter().collect::<Vec<_>>(),
            ["com.google.android.gms.permission.AD_ID"]
        );
        let catalog = Catalog::embedded();
        let sdk = catalog
            .sdks()
            .iter()
            .find(|s| s.permissions.iter().any(|p| p.ends_with("AD_ID")))
            .unwrap();
        let mut m = AndroidManifest::default();
        m.uses_permissions.push(UsesPermission {
            name: "android.permission.INTERNET".into(),
            tag: UsesPermissionTag::UsesPermission,
            max_sdk_version: None,
            added_by: vec![],
            location: Location::entry("app/src/main/AndroidManifest.xml"),
        });
        let det = Detection {
            id: sdk.id.clone(),
            name: sdk.name.clone(),
            vendor: sdk.vendor.name.clone(),
            category: sdk.category.clone(),
            version: None,
            confidence: crate::model::Confidence::Present,
            evidence: vec![],
            matcher_counts: [("gradle".to_string(), 1u64)].into_iter().collect(),
            companies: Vec::new(),
            version_source: None,
            bundled_by: Vec::new(),
            part_of: Vec::new(),
            contains: Vec::new(),
            contacts: Vec::new(),
        };
        let mut locs = BTreeMap::new();
        let mut l = Location::entry("app/build.gradle");
        l.line = Some(12);
        locs.insert(sdk.id.clone(), l);
        add_sdk_permissions(&mut m, &[det], catalog, &removed, &locs);
        assert!(!m.uses_permissions.iter().any(|p| p.name.ends_with("AD_ID")));
        for p in &sdk.permissions {
            if p.ends_with("AD_ID") && p.starts_with("com.google") {
                continue;
            }
            let u = m.uses_permissions.iter().find(|u| &u.name == p).unwrap();
            assert_eq!(u.added_by, vec![sdk.id.clone()]);
            if p != "android.permission.INTERNET" {
                assert_eq!(u.location.entry, "app/build.gradle");
                assert_eq!(u.location.line, Some(12));
            }
        }
    }
}
