//! Builders for Android App Bundles and split APK sets: aapt2 protobuf
//! manifests and `resources.pb` (encoded with prost from the same structs
//! `android::proto` decodes), `.aab` archives with module folders, bundletool
//! `.apks` (`toc.pb` + `splits/*.apk`) and `.xapk` (`manifest.json` + APKs),
//! plus the `sample.aab` / `sample.apks` fixtures: "Sample Live" with a
//! `camera_live` feature split that requests ACCESS_FINE_LOCATION, which
//! the base lacks and `fixtures/sample-policy.toml` does not declare.

use crate::android::proto::{
    self, ConfigValue, Entry, Id, Item, Package, Primitive, Reference, ResourceTable,
    SourcePosition, StringValue, Type, Value, XmlNamespace, XmlNode, item, primitive, xml_node,
};
use crate::android::xml::{ANDROID_NS, AttrValue, XmlElement};
use crate::testkit::axml::{
    ANDROID_NAMESPACES, EncodeOptions, android_attr, element, element_with, encode, encode_arsc,
    manifest, plain_attr, s, uses_permission,
};
use crate::testkit::fixtures::{
    SAMPLE_CLASSES, SAMPLE_CLASSES2, SAMPLE_PACKAGE, VERSION_NAME_RES, sample_manifest,
};
use crate::testkit::zip::{ArchiveSpec, EntrySpec, build};
use prost::Message;

/// Name of the sample's feature module / split.
pub const FEATURE: &str = "camera_live";
/// The permission only the feature split requests.
pub const FEATURE_PERMISSION: &str = "android.permission.ACCESS_FINE_LOCATION";
/// Class descriptors of the feature split's `classes.dex`.
pub const FEATURE_CLASSES: &[&str] = &[
    "Lcom/privscan/sample/camera/CameraLiveActivity;",
    "Lcom/privscan/sample/camera/LocationTagger;",
];

/// The typed `Item` aapt2 writes for an attribute value.
pub fn item_of(v: &AttrValue) -> Item {
    let prim = |p: primitive::Value| item::Value::Prim(Primitive { value: Some(p) });
    let value = match v {
        AttrValue::String(s) => item::Value::Str(StringValue { value: s.clone() }),
        AttrValue::IntDec(i) => prim(primitive::Value::IntDecimalValue(*i)),
        AttrValue::IntHex(u) => prim(primitive::Value::IntHexadecimalValue(*u)),
        AttrValue::Bool(b) => prim(primitive::Value::BooleanValue(*b)),
        AttrValue::Reference(id) => item::Value::Ref(Reference {
            r#type: 0,
            id: *id,
            name: String::new(),
        }),
        AttrValue::Attribute(id) => item::Value::Ref(Reference {
            r#type: 1,
            id: *id,
            name: String::new(),
        }),
        AttrValue::Float(f) => prim(primitive::Value::FloatValue(*f)),
        AttrValue::Dimension(d) => prim(primitive::Value::DimensionValue(*d)),
        AttrValue::Fraction(d) => prim(primitive::Value::FractionValue(*d)),
        AttrValue::Color(c) => prim(primitive::Value::ColorArgb8Value(*c)),
        AttrValue::Null | AttrValue::Other { .. } => {
            prim(primitive::Value::NullValue(proto::Empty {}))
        }
    };
    Item { value: Some(value) }
}

fn to_proto_element(el: &XmlElement, line: &mut u32, root: bool) -> XmlNode {
    *line += 1;
    let my_line = *line;
    let attribute = el
        .attributes
        .iter()
        .map(|a| proto::XmlAttribute {
            namespace_uri: a.namespace.clone().unwrap_or_default(),
            name: a.name.clone(),
            value: a.value.to_text(),
            source: None,
            resource_id: a.resource_id.unwrap_or(0),
            compiled_item: Some(item_of(&a.value)),
        })
        .collect();
    let child = el
        .children
        .iter()
        .map(|c| to_proto_element(c, line, false))
        .collect();
    let namespace_declaration = if root {
        vec![XmlNamespace {
            prefix: "android".into(),
            uri: ANDROID_NS.into(),
        }]
    } else {
        Vec::new()
    };
    XmlNode {
        node: Some(xml_node::Node::Element(proto::XmlElement {
            namespace_declaration,
            namespace_uri: el.namespace.clone().unwrap_or_default(),
            name: el.name.clone(),
            attribute,
            child,
        })),
        source: Some(SourcePosition {
            line_number: my_line,
            column_number: 0,
        }),
    }
}

/// Encode an element tree as an aapt2 protobuf `XmlNode`, as bundletool
/// stores `<module>/manifest/AndroidManifest.xml` (lines numbered in
/// document order from 1).
pub fn encode_proto_xml(root: &XmlElement) -> Vec<u8> {
    let mut line = 0;
    to_proto_element(root, &mut line, true).encode_to_vec()
}

/// A `resources.pb` holding default-configuration strings `(id, value)`
/// of package `package_name` (IDs `0xPPTTEEEE`).
pub fn encode_resources_pb(package_name: &str, strings: &[(u32, &str)]) -> Vec<u8> {
    let mut types: Vec<Type> = Vec::new();
    for (id, value) in strings {
        let tid = (id >> 16) & 0xff;
        let entry = Entry {
            entry_id: Some(Id { id: id & 0xffff }),
            name: format!("res_{:04x}", id & 0xffff),
            config_value: vec![ConfigValue {
                config: None,
                value: Some(Value {
                    item: Some(item_of(&AttrValue::String((*value).to_string()))),
                }),
            }],
        };
        match types
            .iter_mut()
            .find(|t| t.type_id.as_ref().map(|i| i.id) == Some(tid))
        {
            Some(t) => t.entry.push(entry),
            None => types.push(Type {
                type_id: Some(Id { id: tid }),
                name: "string".into(),
                entry: vec![entry],
            }),
        }
    }
    let pid = strings.first().map(|(id, _)| id >> 24).unwrap_or(0x7f);
    ResourceTable {
        package: vec![Package {
            package_id: Some(Id { id: pid }),
            package_name: package_name.into(),
            r#type: types,
        }],
    }
    .encode_to_vec()
}

/// The bundle's base manifest: the sample app without ACCESS_FINE_LOCATION
/// (the feature split adds it).
pub fn base_manifest() -> XmlElement {
    let mut root = sample_manifest();
    root.children.retain(|c| {
        !(c.name == "uses-permission"
            && c.attributes
                .iter()
                .any(|a| a.value == AttrValue::String(FEATURE_PERMISSION.into())))
    });
    root
}

fn with_version(mut root: XmlElement) -> XmlElement {
    root.attributes
        .push(android_attr("versionCode", AttrValue::IntDec(3)));
    root
}

/// The feature split's manifest (`split="camera_live"`): the extra
/// permission and one activity.
pub fn feature_manifest() -> XmlElement {
    let mut root = manifest(
        SAMPLE_PACKAGE,
        vec![
            uses_permission(FEATURE_PERMISSION),
            element_with(
                "application",
                vec![],
                vec![element(
                    "activity",
                    vec![
                        android_attr("name", s("com.privscan.sample.camera.CameraLiveActivity")),
                        android_attr("exported", AttrValue::Bool(false)),
                    ],
                )],
            ),
        ],
    );
    root.attributes.push(plain_attr("split", s(FEATURE)));
    with_version(root)
}

/// A configuration split's manifest (`split="config.<abi>"`, no code).
pub fn config_manifest(abi: &str) -> XmlElement {
    let mut root = manifest(
        SAMPLE_PACKAGE,
        vec![element(
            "application",
            vec![android_attr("hasCode", AttrValue::Bool(false))],
        )],
    );
    root.attributes
        .push(plain_attr("split", s(&format!("config.{abi}"))));
    with_version(root)
}

/// The sample's ZEGO native library.
pub fn sample_so() -> Vec<u8> {
    crate::testkit::elf::build(&crate::testkit::elf::ElfSpec {
        machine: 183,
        needed: vec!["liblog.so".into(), "libc.so".into()],
        soname: Some("libZegoExpressEngine.so".into()),
        exports: vec!["JNI_OnLoad".into()],
        imports: vec!["__android_log_print".into()],
    })
}

/// An APK holding `root` as its binary manifest plus `extra` entries.
pub fn apk(root: &XmlElement, extra: Vec<EntrySpec>) -> Vec<u8> {
    let mut entries = vec![EntrySpec::deflated(
        "AndroidManifest.xml",
        &encode(root, ANDROID_NAMESPACES, &EncodeOptions::default()),
    )];
    entries.extend(extra);
    build(&entries, &ArchiveSpec::default())
}

/// The split APKs of the sample app: `(file name, bytes)` for the base,
/// the arm64 config split and the feature split, with bundletool names.
pub fn sample_split_apks() -> Vec<(String, Vec<u8>)> {
    let arsc = encode_arsc(SAMPLE_PACKAGE, 0x7f, &[(VERSION_NAME_RES, "1.2.0", &[])]);
    let base = apk(
        &base_manifest(),
        vec![
            EntrySpec::deflated("classes.dex", &crate::testkit::dex::build(SAMPLE_CLASSES)),
            EntrySpec::deflated("classes2.dex", &crate::testkit::dex::build(SAMPLE_CLASSES2)),
            EntrySpec::stored("resources.arsc", &arsc),
            EntrySpec::deflated(
                "META-INF/com.google.firebase_firebase-analytics.version",
                b"21.5.0\n",
            ),
        ],
    );
    let config = apk(
        &config_manifest("arm64_v8a"),
        vec![EntrySpec::stored(
            "lib/arm64-v8a/libZegoExpressEngine.so",
            &sample_so(),
        )],
    );
    let feature = apk(
        &feature_manifest(),
        vec![EntrySpec::deflated(
            "classes.dex",
            &crate::testkit::dex::build(FEATURE_CLASSES),
        )],
    );
    vec![
        ("base-master.apk".into(), base),
        ("base-arm64_v8a.apk".into(), config),
        (format!("{FEATURE}-master.apk"), feature),
    ]
}

/// A bundletool `.apks`: an empty (valid) `toc.pb` and `splits/<name>`
/// for each APK. APKs are stored, except the config split, deflated so
/// both nested-read paths are exercised.
pub fn build_apks(apks: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut entries = vec![EntrySpec::stored("toc.pb", &[])];
    for (name, bytes) in apks {
        let path = format!("splits/{name}");
        entries.push(if name.contains("arm64") {
            EntrySpec::deflated(&path, bytes)
        } else {
            EntrySpec::stored(&path, bytes)
        });
    }
    build(&entries, &ArchiveSpec::default())
}

/// An `.xapk`: `manifest.json` listing `listed` under `split_apks`, and
/// the `present` APKs at the root (a file listed but not present makes
/// an incomplete set).
pub fn build_xapk(package: &str, listed: &[&str], present: &[(String, Vec<u8>)]) -> Vec<u8> {
    let splits: Vec<serde_json::Value> = listed
        .iter()
        .map(|f| {
            serde_json::json!({
                "file": f,
                "id": f.trim_end_matches(".apk"),
            })
        })
        .collect();
    let manifest = serde_json::json!({
        "xapk_version": 2,
        "package_name": package,
        "name": "Sample Live",
        "version_code": "3",
        "version_name": "1.2.0",
        "min_sdk_version": "24",
        "split_apks": splits,
        "expansions": [],
    });
    let mut entries = vec![EntrySpec::deflated(
        "manifest.json",
        manifest.to_string().as_bytes(),
    )];
    for (name, bytes) in present {
        entries.push(EntrySpec::stored(name, bytes));
    }
    build(&entries, &ArchiveSpec::default())
}

/// `sample.apks`: the sample app as bundletool split APKs.
pub fn sample_apks() -> Vec<u8> {
    build_apks(&sample_split_apks())
}

/// `sample.aab`: the sample app as an Android App Bundle with a `base`
/// module (protobuf manifest whose versionName resolves through
/// `base/resources.pb`, two DEX files, a native library, a `root/` SDK
/// marker) and the `camera_live` feature module.
pub fn sample_aab() -> Vec<u8> {
    let base = base_manifest();
    let entries = vec![
        EntrySpec::deflated("BundleConfig.pb", &[]),
        EntrySpec::deflated(
            "BUNDLE-METADATA/com.android.tools.build.libraries/dependencies.pb",
            &[],
        ),
        EntrySpec::deflated(
            "base/manifest/AndroidManifest.xml",
            &encode_proto_xml(&base),
        ),
        EntrySpec::deflated(
            "base/resources.pb",
            &encode_resources_pb(SAMPLE_PACKAGE, &[(VERSION_NAME_RES, "1.2.0")]),
        ),
        EntrySpec::deflated(
            "base/dex/classes.dex",
            &crate::testkit::dex::build(SAMPLE_CLASSES),
        ),
        EntrySpec::deflated(
            "base/dex/classes2.dex",
            &crate::testkit::dex::build(SAMPLE_CLASSES2),
        ),
        EntrySpec::stored("base/lib/arm64-v8a/libZegoExpressEngine.so", &sample_so()),
        EntrySpec::deflated(
            "base/root/META-INF/com.google.firebase_firebase-analytics.version",
            b"21.5.0\n",
        ),
        EntrySpec::deflated(
            &format!("{FEATURE}/manifest/AndroidManifest.xml"),
            &encode_proto_xml(&feature_manifest()),
        ),
        EntrySpec::deflated(
            &format!("{FEATURE}/dex/classes.dex"),
            &crate::testkit::dex::build(FEATURE_CLASSES),
        ),
    ];
    build(&entries, &ArchiveSpec::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    #[test]
    fn proto_manifest_round_trips_through_the_decoder() {
        let doc =
            proto::parse_xml(&encode_proto_xml(&feature_manifest()), &Limits::default()).unwrap();
        let m = crate::android::manifest::from_document(&doc, "m", None);
        assert_eq!(m.package.as_deref(), Some(SAMPLE_PACKAGE));
        assert_eq!(m.split.as_deref(), Some(FEATURE));
        assert_eq!(m.version_code, Some(3));
        assert_eq!(m.uses_permissions.len(), 1);
        assert_eq!(m.uses_permissions[0].name, FEATURE_PERMISSION);
        assert!(!m.components[0].exported);
    }

    #[test]
    fn base_manifest_lacks_the_feature_permission() {
        let b = base_manifest();
        let s = format!("{b:?}");
        assert!(!s.contains(FEATURE_PERMISSION));
        assert!(s.contains("android.permission.READ_CONTACTS"));
    }
}
