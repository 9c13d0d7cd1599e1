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

/// Attributes in ascending resource-ID order, as aapt writes them (those
/// without an ID read as 0 by `RetrieveAttributes`).
fn aapt_sort(el: &mut XmlElement) {
    el.attributes.sort_by_key(|a| a.resource_id.unwrap_or(0));
    el.children.iter_mut().for_each(aapt_sort);
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
    let mut root = root;
    aapt_sort(&mut root);
    XmlDocument {
        source: XmlSource::Binary,
        root,
        anomalies: vec![],
        caps_hit: Vec::new(),
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
            caps_hit: Vec::new(),
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
        caps_hit: Vec::new(),
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
        caps_hit: Vec::new(),
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
