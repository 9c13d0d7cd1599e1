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

/// `<application>`: flags, meta-data and components.
fn read_application(
    r: &Reader<'_>,
    app: &XmlElement,
    app_path: &str,
    package: &str,
    m: &mut AndroidManifest,
) {
    m.application = ApplicationFlags {
        debuggable: r
            .android(app, attrs::DEBUGGABLE, "debuggable")
            .and_then(|v| r.bool(v)),
        allow_backup: r
            .android(app, attrs::ALLOW_BACKUP, "allowBackup")
            .and_then(|v| r.bool(v)),
        uses_cleartext_traffic: r
            .android(app, attrs::USES_CLEARTEXT_TRAFFIC, "usesCleartextTraffic")
            .and_then(|v| r.bool(v)),
        label: r.android(app, attrs::LABEL, "label").map(|v| r.text(v)),
        name: r
            .android(app, attrs::NAME, "name")
            .map(|v| qualify(package, &r.text(v))),
    };
    let mut counter = SiblingCounter::default();
    for child in &app.children {
        let path = format!("{app_path}/{}[{}]", child.name, counter.next(&child.name));
        let kind = match child.name.as_str() {
            "activity" => ComponentKind::Activity,
            "activity-alias" => ComponentKind::ActivityAlias,
            "service" => ComponentKind::Service,
            "receiver" => ComponentKind::Receiver,
            "provider" => ComponentKind::Provider,
            "meta-data" => {
                if let Some(md) = r.meta_data(child, &path) {
                    m.meta_data.push(md);
                }
                continue;
            }
            _ => continue,
        };
        // Android rejects a component without a name; skip it.
        let Some(name) = r.android(child, attrs::NAME, "name").map(|v| r.text(v)) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let exported_explicit = r
            .android(child, attrs::EXPORTED, "exported")
            .and_then(|v| r.bool(v));
        let has_intent_filter = child.children_named("intent-filter").next().is_some();
        m.components.push(Component {
            kind,
            name: qualify(package, &name),
            // Providers are fixed up once targetSdk is known.
            exported: exported_explicit.unwrap_or(has_intent_filter),
            exported_explicit,
            has_intent_filter,
            permission: r
                .android(child, attrs::PERMISSION, "permission")
                .map(|v| r.text(v)),
            authorities: if kind == ComponentKind::Provider {
                r.android(child, attrs::AUTHORITIES, "authorities")
                    .map(|v| r.text(v))
            } else {
                None
            },
            location: r.location(child, &path),
        });
        let mut inner = SiblingCounter::default();
        for md in child.children_named("meta-data") {
            let md_path = format!("{path}/meta-data[{}]", inner.next("meta-data"));
            if let Some(md) = r.meta_data(md, &md_path) {
                m.meta_data.push(md);
            }
        }
    }
}

/// Default of `android:exported` for a provider: `true` when the
/// effective targetSdk is below 17 (`Build.VERSION_CODES.JELLY_BEAN_MR1`,
/// `PackageParser.parseProvider`). The effective targetSdk defaults to
/// minSdk, which defaults to 1. A codename or an unresolved reference counts
/// as a current (high) level.
fn provider_exported_default(m: &AndroidManifest) -> bool {
    let target = match (&m.target_sdk, &m.min_sdk) {
        (Some(t), _) => t.api(),
        (None, Some(min)) => min.api(),
        (None, None) => Some(1),
    };
    matches!(target, Some(t) if t < 17)
}

/// A permission name: `TypedArray.getNonResourceString` (used by
/// `PackageParser` for `<uses-permission>` and `<permission>` names) returns
/// only a literal string; a reference or any other type yields no name, and
/// Android then ignores the element (`aapt dump badging` too: "attribute is
/// not a string value").
fn non_resource_string(v: &AttrValue) -> Option<String> {
    match v {
        AttrValue::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// `PackageParser.buildClassName`: `.Foo` and `Foo` (no dot) are in the
/// package; a name with a dot elsewhere is already qualified.
fn qualify(package: &str, name: &str) -> String {
    if package.is_empty() {
        return name.to_string();
    }
    if name.starts_with('.') {
        format!("{package}{name}")
    } else if !name.contains('.') {
        format!("{package}.{name}")
    } else {
        name.to_string()
    }
}

/// `android:versionCode` is a 32-bit int; Android combines it with
/// `versionCodeMajor` as `(major << 32) | (code & 0xffffffff)`, so a
/// negative value is its unsigned 32-bit form.
fn version_code(v: i64) -> u64 {
    if v < 0 {
        u64::from(v as i32 as u32)
    } else {
        v as u64
    }
}

/// Names of `android:protectionLevel` flags (AOSP
/// `core/res/res/values/attrs_manifest.xml`, `<attr name="protectionLevel">`).
const PROTECTION_FLAGS: &[(u32, &str)] = &[
    (0x10, "privileged"),
    (0x20, "development"),
    (0x40, "appop"),
    (0x80, "pre23"),
    (0x100, "installer"),
    (0x200, "verifier"),
    (0x400, "preinstalled"),
    (0x800, "setup"),
    (0x1000, "instant"),
    (0x2000, "runtime"),
    (0x4000, "oem"),
    (0x8000, "vendorPrivileged"),
    (0x10000, "textClassifier"),
    (0x20000, "wellbeing"),
    (0x40000, "documenter"),
    (0x80000, "configurator"),
    (0x100000, "incidentReportApprover"),
    (0x200000, "appPredictor"),
    (0x400000, "module"),
    (0x800000, "companion"),
    (0x1000000, "retailDemo"),
    (0x2000000, "recents"),
    (0x4000000, "role"),
    (0x8000000, "knownSigner"),
];

/// Name of a compiled `protectionLevel` value: the base level
/// (`normal`, `dangerous`, `signature`, `signatureOrSystem`, `internal`;
/// `base(N)` for an unknown one) followed by the set flag names in
/// alphabetical order, then any unknown bits in hex, joined with `|` —
/// the normalisation the corpus uses (e.g. `18` → `signature|privileged`,
/// `0x42` → `signature|appop`).
pub fn protection_level_name(flags: u32) -> String {
    let base = flags & 0xf;
    let mut names: Vec<String> = vec![match base {
        0 => "normal".to_string(),
        1 => "dangerous".to_string(),
        2 => "signature".to_string(),
        3 => "signatureOrSystem".to_string(),
        4 => "internal".to_string(),
        other => format!("base({other})"),
    }];
    let mut flag_names: Vec<&str> = PROTECTION_FLAGS
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    flag_names.sort_unstable();
    names.extend(flag_names.into_iter().map(str::to_string));
    let known = PROTECTION_FLAGS
        .iter()
        .fold(0xf_u32, |acc, (bit, _)| acc | bit);
    let rest = flags & !known;
    if rest != 0 {
        names.push(format!("{rest:#x}"));
    }
    names.join("|")
}

/// 1-based index of an element among its same-named siblings.
#[derive(Default)]
struct SiblingCounter {
    counts: Vec<(String, u32)>,
}

impl SiblingCounter {
    fn next(&mut self, name: &str) -> u32 {
        if let Some((_, n)) = self.counts.iter_mut().find(|(k, _)| k == name) {
            *n = n.saturating_add(1);
            return *n;
        }
        self.counts.push((name.to_string(), 1));
        1
    }
}

/// Attribute lookup and value conversion for one document.
struct Reader<'a> {
    source: XmlSource,
    resources: Option<&'a dyn ResourceResolver>,
    entry: &'a str,
}

impl Reader<'_> {
    /// A framework (`android:`) attribute: by resource ID for binary and
    /// proto trees, by namespace URI + local name for text. First match wins.
    fn android<'e>(&self, el: &'e XmlElement, id: u32, local: &str) -> Option<&'e AttrValue> {
        let found = match self.source {
            XmlSource::Binary | XmlSource::Proto => {
                el.attributes.iter().find(|a| a.resource_id == Some(id))
            }
            XmlSource::Text => el
                .attributes
                .iter()
                .find(|a| a.namespace.as_deref() == Some(ANDROID_NS) && a.name == local),
        };
        found.map(|a| &a.value)
    }

    /// An attribute with no namespace, matched by name (`package`, `split`,
    /// `coreApp`), in every source.
    fn plain_attr<'e>(&self, el: &'e XmlElement, name: &str) -> Option<&'e AttrValue> {
        el.attributes
            .iter()
            .find(|a| a.namespace.is_none() && a.name == name)
            .map(|a| &a.value)
    }

    fn location(&self, el: &XmlElement, path: &str) -> Location {
        Location {
            entry: self.entry.to_string(),
            detail: Some(path.to_string()),
            line: if el.line == 0 { None } else { Some(el.line) },
        }
    }

    /// A reference resolved through the resource table, once (no chains:
    /// aapt badging resolves one level).
    fn resolve(&self, v: &AttrValue) -> Option<AttrValue> {
        match v {
            AttrValue::Reference(id) => self.resources.and_then(|r| r.resolve(*id)),
            _ => None,
        }
    }

    /// The value as text; a reference becomes its resolved value's text, or
    /// `@0x7f050007` when unresolvable.
    fn text(&self, v: &AttrValue) -> String {
        match self.resolve(v) {
            Some(AttrValue::Reference(_)) | None => v.to_text(),
            Some(resolved) => resolved.to_text(),
        }
    }

    /// A boolean: `TYPE_INT_BOOLEAN`, an int (non-zero = true), text
    /// `true`/`false`, or a reference to one of those.
    fn bool(&self, v: &AttrValue) -> Option<bool> {
        match v {
            AttrValue::Bool(b) => Some(*b),
            AttrValue::IntDec(i) => Some(*i != 0),
            AttrValue::IntHex(u) => Some(*u != 0),
            AttrValue::String(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            AttrValue::Reference(_) => match self.resolve(v) {
                Some(AttrValue::Reference(_)) | None => None,
                Some(resolved) => self.bool(&resolved),
            },
            _ => None,
        }
    }

    /// An integer: `TYPE_INT_DEC`/`TYPE_INT_HEX`, text in decimal or `0x`
    /// hex, or a reference to one of those.
    fn int(&self, v: &AttrValue) -> Option<i64> {
        match v {
            AttrValue::IntDec(i) => Some(i64::from(*i)),
            AttrValue::IntHex(u) => Some(i64::from(*u)),
            AttrValue::String(s) => parse_int(s),
            AttrValue::Reference(_) => match self.resolve(v) {
                Some(AttrValue::Reference(_)) | None => None,
                Some(resolved) => self.int(&resolved),
            },
            _ => None,
        }
    }

    /// An API level: an integer becomes `Api(n)`; a codename string
    /// (`VanillaIceCream`) or text reference (`@string/min`) stays
    /// `Other` as written; an unresolvable binary reference is
    /// `Other("@0x7f050022")`; a resolvable one is converted from its value.
    fn sdk_level(&self, v: &AttrValue) -> SdkLevel {
        match v {
            AttrValue::IntDec(_) | AttrValue::IntHex(_) | AttrValue::String(_) => {
                match self.int(v).and_then(|n| u32::try_from(n).ok()) {
                    Some(n) => SdkLevel::Api(n),
                    None => SdkLevel::Other(v.to_text()),
                }
            }
            AttrValue::Reference(_) => match self.resolve(v) {
                Some(AttrValue::Reference(_)) | None => SdkLevel::Other(v.to_text()),
                Some(resolved) => self.sdk_level(&resolved),
            },
            other => SdkLevel::Other(other.to_text()),
        }
    }

    fn meta_data(&self, el: &XmlElement, path: &str) -> Option<MetaData> {
        let name = self
            .android(el, attrs::NAME, "name")
            .map(|v| self.text(v))?;
        Some(MetaData {
            name,
            value: self
                .android(el, attrs::VALUE, "value")
                .map(AttrValue::to_text),
            resource: self
                .android(el, attrs::RESOURCE, "resource")
                .map(AttrValue::to_text),
            location: self.location(el, path),
        })
    }
}

/// Decimal or `0x` hexadecimal integer text (surrounding spaces allowed),
/// as Android's `XmlUtils.convertValueToInt` accepts for text XML.
fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let value = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i64::from_str_radix(hex, 16).ok()?
    } else {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<i64>().ok()?
    };
    if neg {
        value.checked_neg()
    } else {
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::android::text_manifest;
    use crate::android::xml::XmlAttribute;
    use crate::limits::Limits;
    use std::collections::HashMap;

    /// An attribute of a binary tree: `name` string, resource ID, value.
    fn a(name: &str, id: Option<u32>, value: AttrValue) -> XmlAttribute {
        XmlAttribute {
            namespace: id.map(|_| ANDROID_NS.to_string()),
            name: name.to_string(),
            resource_id: id,
            value,
        }
    }
    fn s(v: &str) -> AttrValue {
        AttrValue::String(v.to_string())
    }
    fn el(
        name: &str,
        line: u32,
        attributes: Vec<XmlAttribute>,
        children: Vec<XmlElement>,
    ) -> XmlElement {
        XmlElement {
            namespace: None,
            name: name.to_string(),
            attributes,
            children,
            line,
        }
    }
    fn named(tag: &str, line: u32, name: &str) -> XmlElement {
        el(
            tag,
            line,
            vec![a("name", Some(attrs::NAME), s(name))],
            vec![],
        )
    }

    struct FakeResources(HashMap<u32, AttrValue>);
    impl ResourceResolver for FakeResources {
        fn resolve(&self, id: u32) -> Option<AttrValue> {
            self.0.get(&id).cloned()
        }
    }

    /// A binary manifest exercising every field, with tampered names.
    fn binary_doc(target: AttrValue) -> XmlDocument {
        let root = el(
            "manifest",
            2,
            vec![
                // `package` has no namespace and no resource ID.
                XmlAttribute {
                    namespace: None,
                    name: "package".into(),
                    resource_id: None,
                    value: s("com.example"),
                },
                a(
                    "versionCode",
                    Some(attrs::VERSION_CODE),
                    AttrValue::IntDec(42),
                ),
                // Empty name string, right ID: honoured (DexGuard-style).
                a(
                    "",
                    Some(attrs::VERSION_NAME),
                    AttrValue::Reference(0x7f05_0007),
                ),
                // Decoy: says versionName, has no ID: ignored.
                XmlAttribute {
                    namespace: Some(ANDROID_NS.into()),
                    name: "versionName".into(),
                    resource_id: None,
                    value: s("decoy"),
                },
                a(
                    "compileSdkVersion",
                    Some(attrs::COMPILE_SDK_VERSION),
                    AttrValue::IntDec(34),
                ),
                XmlAttribute {
                    namespace: None,
                    name: "split".into(),
                    resource_id: None,
                    value: s("config.en"),
                },
            ],
            vec![
                el(
                    "uses-sdk",
                    3,
                    vec![
                        a(
                            "minSdkVersion",
                            Some(attrs::MIN_SDK_VERSION),
                            AttrValue::IntDec(21),
                        ),
                        a("targetSdkVersion", Some(attrs::TARGET_SDK_VERSION), target),
                        a(
                            "maxSdkVersion",
                            Some(attrs::MAX_SDK_VERSION),
                            AttrValue::Reference(0x7f05_0022),
                        ),
                    ],
                    vec![],
                ),
                // A second <uses-sdk> is ignored.
                el(
                    "uses-sdk",
                    4,
                    vec![a(
                        "minSdkVersion",
                        Some(attrs::MIN_SDK_VERSION),
                        AttrValue::IntDec(5),
                    )],
                    vec![],
                ),
                el(
                    "uses-permission",
                    5,
                    vec![
                        // Decoy "name" without the ID comes first: ignored.
                        a("name", None, s("decoy.PERMISSION")),
                        a("", Some(attrs::NAME), s("android.permission.CAMERA")),
                    ],
                    vec![],
                ),
                el(
                    "uses-permission-sdk-23",
                    6,
                    vec![
                        a(
                            "name",
                            Some(attrs::NAME),
                            s("android.permission.ACCESS_FINE_LOCATION"),
                        ),
                        a(
                            "maxSdkVersion",
                            Some(attrs::MAX_SDK_VERSION),
                            AttrValue::IntDec(28),
                        ),
                    ],
                    vec![],
                ),
                // No name at all (only a decoy): skipped, as Android does.
                el(
                    "uses-permission",
                    7,
                    vec![a("name", None, s("decoy.ONLY"))],
                    vec![],
                ),
                el(
                    "permission",
                    8,
                    vec![
                        a("name", Some(attrs::NAME), s("com.example.C2D")),
                        a(
                            "protectionLevel",
                            Some(attrs::PROTECTION_LEVEL),
                            AttrValue::IntHex(0x12),
                        ),
                    ],
                    vec![],
                ),
                el(
                    "permission",
                    9,
                    vec![a("name", Some(attrs::NAME), s("com.example.PLAIN"))],
                    vec![],
                ),
                el(
                    "uses-feature",
                    10,
                    vec![
                        a("name", Some(attrs::NAME), s("android.hardware.camera")),
                        a("required", Some(attrs::REQUIRED), AttrValue::Bool(false)),
                    ],
                    vec![],
                ),
                el(
                    "uses-feature",
                    11,
                    vec![a(
                        "glEsVersion",
                        Some(attrs::GL_ES_VERSION),
                        AttrValue::IntHex(0x20000),
                    )],
                    vec![],
                ),
                el(
                    "queries",
                    12,
                    vec![],
                    vec![
                        named("package", 13, "com.whatsapp"),
                        named("intent", 14, "x"),
                    ],
                ),
                el(
                    "application",
                    15,
                    vec![
                        a("debuggable", Some(attrs::DEBUGGABLE), AttrValue::Bool(true)),
                        a(
                            "allowBackup",
                            Some(attrs::ALLOW_BACKUP),
                            AttrValue::Bool(false),
                        ),
                        a(
                            "usesCleartextTraffic",
                            Some(attrs::USES_CLEARTEXT_TRAFFIC),
                            AttrValue::IntDec(-1),
                        ),
                        a(
                            "label",
                            Some(attrs::LABEL),
                            AttrValue::Reference(0x7f0a_0001),
                        ),
                        a("name", Some(attrs::NAME), s(".App")),
                    ],
                    vec![
                        el(
                            "meta-data",
                            16,
                            vec![
                                a(
                                    "name",
                                    Some(attrs::NAME),
                                    s("com.google.android.gms.ads.APPLICATION_ID"),
                                ),
                                a("value", Some(attrs::VALUE), s("ca-app-pub-1")),
                            ],
                            vec![],
                        ),
                        el(
                            "activity",
                            17,
                            vec![a("name", Some(attrs::NAME), s(".Main"))],
                            vec![el("intent-filter", 18, vec![], vec![])],
                        ),
                        el(
                            "activity-alias",
                            19,
                            vec![
                                a("name", Some(attrs::NAME), s("Alias")),
                                a("exported", Some(attrs::EXPORTED), AttrValue::Bool(false)),
                            ],
                            vec![el("intent-filter", 20, vec![], vec![])],
                        ),
                        el(
                            "service",
                            21,
                            vec![
                                a("name", Some(attrs::NAME), s("org.other.Svc")),
                                a(
                                    "permission",
                                    Some(attrs::PERMISSION),
                                    s("android.permission.BIND_JOB_SERVICE"),
                                ),
                            ],
                            vec![el(
                                "meta-data",
                                22,
                                vec![
                                    a("name", Some(attrs::NAME), s("svc.key")),
                                    a(
                                        "resource",
                                        Some(attrs::RESOURCE),
                                        AttrValue::Reference(0x7f0e_0001),
                                    ),
                                ],
                                vec![],
                            )],
                        ),
                        // Decoy-named receiver without an ID'd name: skipped.
                        el("receiver", 23, vec![a("name", None, s(".Decoy"))], vec![]),
                        el(
                            "provider",
                            24,
                            vec![
                                a(
                                    "name",
                                    Some(attrs::NAME),
                                    s("androidx.core.content.FileProvider"),
                                ),
                                a(
                                    "authorities",
                                    Some(attrs::AUTHORITIES),
                                    s("com.example.files"),
                                ),
                            ],
                            vec![],
                        ),
                        // Nested uses-permission: not at its place, ignored.
                        named("uses-permission", 25, "android.permission.READ_SMS"),
                    ],
                ),
                // Second <application>: ignored.
                el(
                    "application",
                    26,
                    vec![],
                    vec![named("activity", 27, ".Ghost")],
                ),
            ],
        );
        XmlDocument {
            source: XmlSource::Binary,
            root,
            anomalies: vec![],
        }
    }

    fn resources() -> FakeResources {
        FakeResources(HashMap::from([
            (0x7f05_0007, s("1.2.3")),
            (0x7f0a_0001, s("Example")),
            (0x7f05_0030, AttrValue::IntDec(16)),
        ]))
    }

    #[test]
    fn binary_manifest_every_field_by_resource_id() {
        let res = resources();
        let m = from_document(
            &binary_doc(s("VanillaIceCream")),
            "AndroidManifest.xml",
            Some(&res),
        );
        assert_eq!(m.package.as_deref(), Some("com.example"));
        assert_eq!(m.version_code, Some(42));
        assert_eq!(m.version_name.as_deref(), Some("1.2.3"));
        assert_eq!(m.compile_sdk, Some(SdkLevel::Api(34)));
        assert_eq!(m.split.as_deref(), Some("config.en"));
        assert_eq!(m.min_sdk, Some(SdkLevel::Api(21)));
        assert_eq!(
            m.target_sdk,
            Some(SdkLevel::Other("VanillaIceCream".into()))
        );
        assert_eq!(m.max_sdk, Some(SdkLevel::Other("@0x7f050022".into())));

        let perms: Vec<_> = m
            .uses_permissions
            .iter()
            .map(|p| (p.name.as_str(), p.tag, p.max_sdk_version.clone()))
            .collect();
        assert_eq!(
            perms,
            vec![
                (
                    "android.permission.CAMERA",
                    UsesPermissionTag::UsesPermission,
                    None
                ),
                (
                    "android.permission.ACCESS_FINE_LOCATION",
                    UsesPermissionTag::UsesPermissionSdk23,
                    Some(SdkLevel::Api(28))
                ),
            ]
        );
        let loc = &m.uses_permissions[1].location;
        assert_eq!(loc.entry, "AndroidManifest.xml");
        assert_eq!(
            loc.detail.as_deref(),
            Some("manifest/uses-permission-sdk-23[1]")
        );
        assert_eq!(loc.line, Some(6));
        assert_eq!(
            m.uses_permissions[0].location.detail.as_deref(),
            Some("manifest/uses-permission[1]")
        );

        let defs: Vec<_> = m
            .permissions
            .iter()
            .map(|p| (p.name.as_str(), p.protection_level.as_deref()))
            .collect();
        assert_eq!(
            defs,
            vec![
                ("com.example.C2D", Some("signature|privileged")),
                ("com.example.PLAIN", None)
            ]
        );

        let features: Vec<_> = m
            .uses_features
            .iter()
            .map(|f| (f.name.as_deref(), f.required))
            .collect();
        assert_eq!(
            features,
            vec![(Some("android.hardware.camera"), false), (None, true)]
        );
        assert_eq!(m.queries_packages, vec!["com.whatsapp".to_string()]);

        assert_eq!(
            m.application,
            ApplicationFlags {
                debuggable: Some(true),
                allow_backup: Some(false),
                uses_cleartext_traffic: Some(true),
                label: Some("Example".into()),
                name: Some("com.example.App".into()),
            }
        );

        let comps: Vec<_> = m
            .components
            .iter()
            .map(|c| {
                (
                    c.kind,
                    c.name.as_str(),
                    c.exported,
                    c.exported_explicit,
                    c.has_intent_filter,
                )
            })
            .collect();
        assert_eq!(
            comps,
            vec![
                (
                    ComponentKind::Activity,
                    "com.example.Main",
                    true,
                    None,
                    true
                ),
                (
                    ComponentKind::ActivityAlias,
                    "com.example.Alias",
                    false,
                    Some(false),
                    true
                ),
                (ComponentKind::Service, "org.other.Svc", false, None, false),
                // targetSdk is a codename (a current level): not exported by default.
                (
                    ComponentKind::Provider,
                    "androidx.core.content.FileProvider",
                    false,
                    None,
                    false
                ),
            ]
        );
        assert_eq!(
            m.components[2].permission.as_deref(),
            Some("android.permission.BIND_JOB_SERVICE")
        );
        assert_eq!(
            m.components[3].authorities.as_deref(),
            Some("com.example.files")
        );
        assert_eq!(
            m.components[3].location.detail.as_deref(),
            Some("manifest/application[1]/provider[1]")
        );

        let md: Vec<_> = m
            .meta_data
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    d.value.as_deref(),
                    d.resource.as_deref(),
                    d.location.detail.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            md,
            vec![
                (
                    "com.google.android.gms.ads.APPLICATION_ID",
                    Some("ca-app-pub-1"),
                    None,
                    Some("manifest/application[1]/meta-data[1]")
                ),
                (
                    "svc.key",
                    None,
                    Some("@0x7f0e0001"),
                    Some("manifest/application[1]/service[1]/meta-data[1]")
                ),
            ]
        );
    }

    #[test]
    fn binary_without_resources_keeps_references() {
        let m = from_document(
            &binary_doc(AttrValue::IntDec(33)),
            "AndroidManifest.xml",
            None,
        );
        assert_eq!(m.version_name.as_deref(), Some("@0x7f050007"));
        assert_eq!(m.application.label.as_deref(), Some("@0x7f0a0001"));
        assert_eq!(m.target_sdk, Some(SdkLevel::Api(33)));
    }

    #[test]
    fn provider_exported_by_default_below_api_17() {
        let res = resources();
        // targetSdk as a reference resolved to 16.
        let m = from_document(
            &binary_doc(AttrValue::Reference(0x7f05_0030)),
            "AndroidManifest.xml",
            Some(&res),
        );
        assert_eq!(m.target_sdk, Some(SdkLevel::Api(16)));
        let provider = m
            .components
            .iter()
            .find(|c| c.kind == ComponentKind::Provider)
            .unwrap();
        assert!(provider.exported);
        assert_eq!(provider.exported_explicit, None);
        // Without targetSdk and minSdk the effective level is 1.
        let mut doc = binary_doc(AttrValue::IntDec(30));
        doc.root.children.retain(|c| c.name != "uses-sdk");
        let m = from_document(&doc, "AndroidManifest.xml", None);
        assert!(
            m.components
                .iter()
                .find(|c| c.kind == ComponentKind::Provider)
                .unwrap()
                .exported
        );
        assert_eq!(m.min_sdk, None);
    }

    #[test]
    fn binary_names_without_ids_are_ignored_everywhere() {
        // A tree whose android attributes carry names only (no IDs) yields
        // nothing but `package`: names are never trusted in binary input.
        let root = el(
            "manifest",
            0,
            vec![
                XmlAttribute {
                    namespace: None,
                    name: "package".into(),
                    resource_id: None,
                    value: s("p.q"),
                },
                a("versionCode", None, AttrValue::IntDec(3)),
            ],
            vec![
                el(
                    "uses-sdk",
                    0,
                    vec![a("minSdkVersion", None, AttrValue::IntDec(9))],
                    vec![],
                ),
                el(
                    "uses-permission",
                    0,
                    vec![a("name", None, s("android.permission.INTERNET"))],
                    vec![],
                ),
            ],
        );
        let m = from_document(
            &XmlDocument {
                source: XmlSource::Proto,
                root,
                anomalies: vec![],
            },
            "m",
            None,
        );
        assert_eq!(m.package.as_deref(), Some("p.q"));
        assert_eq!(m.version_code, None);
        assert_eq!(m.min_sdk, None);
        assert!(m.uses_permissions.is_empty());
    }

    #[test]
    fn binary_id_without_namespace_is_honoured_and_reference_names_dropped() {
        // hostile-inputs A6 variant: ns = -1 but the right resource ID.
        let no_ns = XmlAttribute {
            namespace: None,
            name: "name".into(),
            resource_id: Some(attrs::NAME),
            value: s("android.permission.READ_SMS"),
        };
        let root = el(
            "manifest",
            0,
            vec![],
            vec![
                el("uses-permission", 0, vec![no_ns], vec![]),
                // A reference as a permission name: getNonResourceString
                // returns null, Android ignores the element.
                el(
                    "uses-permission",
                    0,
                    vec![a(
                        "name",
                        Some(attrs::NAME),
                        AttrValue::Reference(0x7f05_0007),
                    )],
                    vec![],
                ),
                el(
                    "permission",
                    0,
                    vec![a("name", Some(attrs::NAME), AttrValue::IntDec(5))],
                    vec![],
                ),
            ],
        );
        let doc = XmlDocument {
            source: XmlSource::Binary,
            root,
            anomalies: vec![],
        };
        let res = resources();
        let m = from_document(&doc, "AndroidManifest.xml", Some(&res));
        let names: Vec<&str> = m.uses_permissions.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["android.permission.READ_SMS"]);
        assert_eq!(m.uses_permissions[0].location.line, None);
        assert!(m.permissions.is_empty());
        assert_eq!(m.package, None);
    }

    const TEXT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:a="http://schemas.android.com/apk/res/android"
    xmlns:android="http://example.invalid/not-android"
    package="org.text" a:versionCode="0x10" a:versionName="@string/ver">
  <uses-sdk a:minSdkVersion="@integer/min" a:targetSdkVersion=" 30 " />
  <uses-permission a:name="android.permission.RECORD_AUDIO" a:maxSdkVersion="32"/>
  <uses-permission android:name="wrong.namespace.IGNORED"/>
  <uses-permission-sdk-m a:name="android.permission.READ_CONTACTS"/>
  <permission a:name="org.text.P" a:protectionLevel="signature|privileged"/>
  <uses-feature a:name="android.hardware.bluetooth" a:required="false"/>
  <application a:debuggable="false" a:allowBackup="true" a:usesCleartextTraffic="true" a:label="@string/app" a:name="org.text.App">
    <activity a:name=".Main" a:exported="true"/>
    <receiver a:name="Boot"><intent-filter/></receiver>
    <provider a:name=".Prov" a:authorities="org.text.prov" a:exported="false" a:permission="org.text.P"/>
    <meta-data a:name="k" a:value="v"/>
  </application>
</manifest>
"#;

    #[test]
    fn text_manifest_with_aliased_prefix() {
        let doc = text_manifest::parse(TEXT.as_bytes(), &Limits::default()).unwrap();
        let m = from_document(&doc, "app/src/main/AndroidManifest.xml", None);
        assert_eq!(m.package.as_deref(), Some("org.text"));
        assert_eq!(m.version_code, Some(16));
        assert_eq!(m.version_name.as_deref(), Some("@string/ver"));
        assert_eq!(m.min_sdk, Some(SdkLevel::Other("@integer/min".into())));
        assert_eq!(m.target_sdk, Some(SdkLevel::Api(30)));
        let perms: Vec<_> = m
            .uses_permissions
            .iter()
            .map(|p| (p.name.as_str(), p.tag, p.max_sdk_version.clone()))
            .collect();
        assert_eq!(
            perms,
            vec![
                (
                    "android.permission.RECORD_AUDIO",
                    UsesPermissionTag::UsesPermission,
                    Some(SdkLevel::Api(32))
                ),
                (
                    "android.permission.READ_CONTACTS",
                    UsesPermissionTag::UsesPermissionSdk23,
                    None
                ),
            ]
        );
        assert_eq!(m.uses_permissions[0].location.line, Some(6));
        assert_eq!(
            m.uses_permissions[1].location.detail.as_deref(),
            Some("manifest/uses-permission-sdk-m[1]")
        );
        assert_eq!(
            m.permissions[0].protection_level.as_deref(),
            Some("signature|privileged")
        );
        assert!(!m.uses_features[0].required);
        assert_eq!(m.application.debuggable, Some(false));
        assert_eq!(m.application.allow_backup, Some(true));
        assert_eq!(m.application.uses_cleartext_traffic, Some(true));
        assert_eq!(m.application.label.as_deref(), Some("@string/app"));
        assert_eq!(m.application.name.as_deref(), Some("org.text.App"));
        let comps: Vec<_> = m
            .components
            .iter()
            .map(|c| {
                (
                    c.kind,
                    c.name.as_str(),
                    c.exported,
                    c.exported_explicit,
                    c.has_intent_filter,
                )
            })
            .collect();
        assert_eq!(
            comps,
            vec![
                (
                    ComponentKind::Activity,
                    "org.text.Main",
                    true,
                    Some(true),
                    false
                ),
                (ComponentKind::Receiver, "org.text.Boot", true, None, true),
                (
                    ComponentKind::Provider,
                    "org.text.Prov",
                    false,
                    Some(false),
                    false
                ),
            ]
        );
        assert_eq!(m.components[2].permission.as_deref(), Some("org.text.P"));
        assert_eq!(m.meta_data[0].value.as_deref(), Some("v"));
        assert_eq!(m.meta_data[0].location.line, Some(15));
    }

    #[test]
    fn non_manifest_root_yields_nothing() {
        let root = el(
            "LinearLayout",
            1,
            vec![XmlAttribute {
                namespace: None,
                name: "package".into(),
                resource_id: None,
                value: s("x.y"),
            }],
            vec![named("uses-permission", 2, "android.permission.CAMERA")],
        );
        let doc = XmlDocument {
            source: XmlSource::Binary,
            root,
            anomalies: vec![],
        };
        assert_eq!(
            from_document(&doc, "res/layout/a.xml", None),
            AndroidManifest::default()
        );
    }

    #[test]
    fn protection_level_names() {
        assert_eq!(protection_level_name(0), "normal");
        assert_eq!(protection_level_name(1), "dangerous");
        assert_eq!(protection_level_name(18), "signature|privileged");
        assert_eq!(protection_level_name(0x42), "signature|appop");
        assert_eq!(protection_level_name(0x1001), "dangerous|instant");
        assert_eq!(protection_level_name(0x52), "signature|appop|privileged");
        assert_eq!(protection_level_name(3), "signatureOrSystem");
        assert_eq!(protection_level_name(0x1000_0002), "signature|0x10000000");
        assert_eq!(protection_level_name(0xf), "base(15)");
    }

    #[test]
    fn helpers() {
        assert_eq!(qualify("a.b", ".C"), "a.b.C");
        assert_eq!(qualify("a.b", "C"), "a.b.C");
        assert_eq!(qualify("a.b", "x.y.C"), "x.y.C");
        assert_eq!(qualify("", ".C"), ".C");
        assert_eq!(version_code(-1), 0xffff_ffff);
        assert_eq!(version_code(7), 7);
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("-12"), Some(-12));
        assert_eq!(parse_int("12a"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("-"), None);
    }

    proptest::proptest! {
        /// Any text that parses yields a model without panicking.
        #[test]
        fn model_never_panics(body in "[<>/a-z=\" :-]{0,300}") {
            let text = format!(
                "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\" package=\"p\">{body}</manifest>"
            );
            if let Ok(doc) = text_manifest::parse(text.as_bytes(), &Limits::default()) {
                let _ = from_document(&doc, "m", None);
            }
        }
    }
}
