//! The Android manifest model reader: turns any decoded manifest tree
//! ([`XmlDocument`] from binary AXML, aapt2 protobuf or text XML) into the
//! shared [`AndroidManifest`] model.
//!
//! Distrusted input: the tree itself. Attribute names in binary manifests
//! may lie or be empty (hostile-inputs.md A6), values may have unexpected
//! types, elements may sit in the wrong place. This reader never fails:
//! whatever is absent or unreadable is `None`/empty.
//!
//! Attribute identity follows Android:
//! - `XmlSource::Binary`/`Proto`: framework attributes are matched **only**
//!   by resource ID (`ResXMLParser::getAttributeNameResID`, AOSP
//!   `libs/androidfw/ResourceTypes.cpp`; IDs in `attrs.rs`), never by their
//!   name string; `package`, `split` and `coreApp` have no resource ID and
//!   are read by name with no namespace (`ApkLiteParseUtils`).
//! - `XmlSource::Text`: `android:` attributes are matched by namespace URI
//!   ([`ANDROID_NS`]) plus local name, so any prefix bound to that URI works;
//!   `package` by name with no namespace.
//!
//! The root element must be `<manifest>` (else the model is empty, as
//! Android refuses the file). Placement follows `PackageParser.parseBaseApkCommon` /
//! `ParsingPackageUtils` (AOSP `frameworks/base/core/java/android/content/pm/`)
//! and `aapt dump badging` (which checks element depth): `uses-permission`,
//! `uses-permission-sdk-23` (and its alias `uses-permission-sdk-m`),
//! `permission`, `uses-sdk`, `uses-feature`, `queries` and `application`
//! count only as direct children of `<manifest>`; components only as
//! direct children of `<application>`; `meta-data` only directly under
//! `<application>` or a component. Elements elsewhere are skipped, as
//! Android skips unknown nested tags (`XmlUtils.skipCurrentTag`). Only the
//! first `<application>` is read (Android warns "<manifest> has more than
//! one <application>" and skips the others). Only the first `<uses-sdk>` is
//! read (the corpus oracles' rule; Android itself lets later ones override).
//! Element names are compared by local name, ignoring any element namespace,
//! as `XmlPullParser.getName()` does.
//!
//! Values: permission names must be literal strings
//! (`TypedArray.getNonResourceString`); other text values resolve one level
//! of reference through the optional [`ResourceResolver`] (default
//! configuration, as `aapt dump badging`), else keep `@0x7f050007`. Text
//! input carries every value as a string, so `true`/`false`, decimal and
//! `0x` hex integers are parsed here and `@string/...` is kept as written.

mod components;
mod resolve;

use components::*;
pub use resolve::protection_level_name;
use resolve::*;

use crate::android::attrs;
use crate::android::xml::{
    ANDROID_NS, AttrValue, ResourceResolver, XmlDocument, XmlElement, XmlSource,
};
use crate::model::{
    AndroidManifest, ApplicationFlags, Component, ComponentKind, Location, MetaData, PermissionDef,
    SdkLevel, UsesFeature, UsesPermission, UsesPermissionTag,
};

/// Build the manifest model from a decoded manifest tree.
///
/// `entry` (the archive member or file path) goes into every [`Location`];
/// `detail` is the element path (`manifest/uses-permission[3]`, 1-based
/// index among same-named siblings) and `line` the element's line when known
/// (non-zero). `resources`, when given, resolves references such as a
/// `versionName` of `@0x7f050007` in the default configuration, as
/// `aapt dump badging` does; unresolvable references are kept as
/// `@0x7f050007`.
pub fn from_document(
    doc: &XmlDocument,
    entry: &str,
    resources: Option<&dyn ResourceResolver>,
) -> AndroidManifest {
    let r = Reader {
        source: doc.source,
        resources,
        entry,
    };
    let root = &doc.root;
    // `PackageParser.parseBaseApk`: "No <manifest> tag" — anything else is
    // not a manifest (e.g. a compiled layout), so nothing is read from it.
    if root.name != "manifest" {
        return AndroidManifest::default();
    }
    let mut m = AndroidManifest {
        package: r.plain_attr(root, "package").map(|v| v.to_text()),
        version_code: r
            .android(root, attrs::VERSION_CODE, "versionCode")
            .and_then(|v| r.int(v))
            .map(version_code),
        version_name: r
            .android(root, attrs::VERSION_NAME, "versionName")
            .map(|v| r.text(v)),
        compile_sdk: r
            .android(root, attrs::COMPILE_SDK_VERSION, "compileSdkVersion")
            .map(|v| r.sdk_level(v)),
        split: r.plain_attr(root, "split").map(|v| v.to_text()),
        ..AndroidManifest::default()
    };
    let package = m.package.clone().unwrap_or_default();

    let mut counter = SiblingCounter::default();
    let mut seen_uses_sdk = false;
    let mut seen_application = false;
    for child in &root.children {
        let path = format!(
            "{}/{}[{}]",
            root.name,
            child.name,
            counter.next(&child.name)
        );
        let loc = r.location(child, &path);
        match child.name.as_str() {
            "uses-sdk" if !seen_uses_sdk => {
                seen_uses_sdk = true;
                m.min_sdk = r
                    .android(child, attrs::MIN_SDK_VERSION, "minSdkVersion")
                    .map(|v| r.sdk_level(v));
                m.target_sdk = r
                    .android(child, attrs::TARGET_SDK_VERSION, "targetSdkVersion")
                    .map(|v| r.sdk_level(v));
                m.max_sdk = r
                    .android(child, attrs::MAX_SDK_VERSION, "maxSdkVersion")
                    .map(|v| r.sdk_level(v));
            }
            tag @ ("uses-permission" | "uses-permission-sdk-23" | "uses-permission-sdk-m") => {
                let Some(name) = r
                    .android(child, attrs::NAME, "name")
                    .and_then(non_resource_string)
                else {
                    continue;
                };
                m.uses_permissions.push(UsesPermission {
                    name,
                    tag: if tag == "uses-permission" {
                        UsesPermissionTag::UsesPermission
                    } else {
                        UsesPermissionTag::UsesPermissionSdk23
                    },
                    max_sdk_version: r
                        .android(child, attrs::MAX_SDK_VERSION, "maxSdkVersion")
                        .map(|v| r.sdk_level(v)),
                    added_by: Vec::new(),
                    location: loc,
                });
            }
            "permission" => {
                let Some(name) = r
                    .android(child, attrs::NAME, "name")
                    .and_then(non_resource_string)
                else {
                    continue;
                };
                let protection_level = r
                    .android(child, attrs::PROTECTION_LEVEL, "protectionLevel")
                    .map(|v| match v {
                        AttrValue::IntDec(i) => protection_level_name(*i as u32),
                        AttrValue::IntHex(u) => protection_level_name(*u),
                        other => r.text(other),
                    });
                m.permissions.push(PermissionDef {
                    name,
                    protection_level,
                    location: loc,
                });
            }
            "uses-feature" => {
                m.uses_features.push(UsesFeature {
                    name: r.android(child, attrs::NAME, "name").map(|v| r.text(v)),
                    required: r
                        .android(child, attrs::REQUIRED, "required")
                        .and_then(|v| r.bool(v))
                        .unwrap_or(true),
                    location: loc,
                });
            }
            "queries" => {
                for q in child.children_named("package") {
                    if let Some(name) = r.android(q, attrs::NAME, "name") {
                        m.queries_packages.push(r.text(name));
                    }
                }
            }
            "application" if !seen_application => {
                seen_application = true;
                read_application(&r, child, &path, &package, &mut m);
            }
            _ => {}
        }
    }
    // Component export defaults depend on targetSdk, known only now.
    let provider_default = provider_exported_default(&m);
    for c in &mut m.components {
        if c.exported_explicit.is_none() && c.kind == ComponentKind::Provider {
            c.exported = provider_default;
        }
    }
    m
}

#[cfg(test)]
mod tests;
