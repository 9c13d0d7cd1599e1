//! Issue 17 class 2: manifest attributes read the way the framework reads
//! them. Every case builds its AXML with `privscan::testkit::axml`, patches
//! the bytes the trick needs and checks the manifest model against what
//! Android sees, plus the PS903 anomaly:
//!
//! - `obtainAttributes` (`AttributeResolution.cpp` `RetrieveAttributes`)
//!   walks attributes in ascending resource-ID order: one out of order, or
//!   a second copy of an ID, is not seen;
//! - `package` is read by name (`XmlBlock.Parser.getAttributeValue`): the
//!   rawValue string, null for a typed string without one;
//! - UTF-8 pool strings are read through `string8At` + `NewStringUTF`
//!   (`android_util_StringBlock.cpp`): a wrong UTF-16 length does not hide
//!   them, an embedded NUL ends them;
//! - one element with tens of thousands of attributes does not starve the
//!   elements after it.

use privscan::Limits;
use privscan::android::attrs;
use privscan::android::axml;
use privscan::android::manifest::from_document;
use privscan::android::xml::{ANDROID_NS, AttrValue, XmlAttribute, XmlDocument};
use privscan::testkit::axml::*;

fn parse(b: &[u8]) -> XmlDocument {
    axml::parse(b, &Limits::default()).expect("Android accepts this document")
}

fn has(doc: &XmlDocument, code: &str) -> bool {
    doc.anomalies
        .iter()
        .any(|a| a.starts_with(&format!("{code}:")))
}

fn perms(doc: &XmlDocument) -> Vec<String> {
    from_document(doc, "AndroidManifest.xml", None)
        .uses_permissions
        .into_iter()
        .map(|p| p.name)
        .collect()
}

fn attr_with_id(name: &str, id: u32, value: AttrValue) -> XmlAttribute {
    XmlAttribute {
        namespace: Some(ANDROID_NS.to_owned()),
        name: name.to_owned(),
        resource_id: Some(id),
        value,
    }
}

/// Byte offset of attribute `i` of the `n`-th element named `el`.
fn attr_offset(layout: &Layout, el: &str, n: usize, i: usize) -> usize {
    layout.elements(el)[n].offset + 16 + 20 + 20 * i
}

#[test]
fn attribute_after_a_higher_resource_id_is_not_seen() {
    let max_sdk = attrs::id_of("maxSdkVersion").unwrap();
    let name = attrs::id_of("name").unwrap();
    assert!(max_sdk > name);
    let root = manifest(
        "com.example.order",
        vec![
            // aapt order: name (0x01010003) then maxSdkVersion.
            element(
                "uses-permission",
                vec![
                    android_attr("name", s("android.permission.CAMERA")),
                    android_attr("maxSdkVersion", AttrValue::IntDec(28)),
                ],
            ),
            // Tampered: name after maxSdkVersion. RetrieveAttributes has
            // stepped past it when it looks for name.
            element(
                "uses-permission",
                vec![
                    android_attr("maxSdkVersion", AttrValue::IntDec(28)),
                    android_attr("name", s("android.permission.READ_SMS")),
                ],
            ),
            // An app attribute (0x7f...) before android:name hides it too.
            element(
                "uses-permission",
                vec![
                    attr_with_id("evil", 0x7f01_0000, s("x")),
                    android_attr("name", s("android.permission.RECORD_AUDIO")),
                ],
            ),
        ],
    );
    let doc = parse(&encode(
        &root,
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    ));
    assert_eq!(perms(&doc), ["android.permission.CAMERA"]);
    assert!(has(&doc, "axml-attr-order"), "{:?}", doc.anomalies);
    let order: Vec<&String> = doc
        .anomalies
        .iter()
        .filter(|a| a.starts_with("axml-attr-order:"))
        .collect();
    assert_eq!(order.len(), 2, "{order:?}");
    assert!(order[0].contains("0x01010003"), "{}", order[0]);
    assert!(order[1].contains("0x7f010000"), "{}", order[1]);
    // The first copy's maxSdkVersion is still read.
    let m = from_document(&doc, "AndroidManifest.xml", None);
    assert_eq!(
        m.uses_permissions[0].max_sdk_version,
        Some(privscan::model::SdkLevel::Api(28))
    );
}

#[test]
fn second_copy_of_an_attribute_is_not_seen() {
    let root = manifest(
        "com.example.dup",
        vec![element(
            "uses-permission",
            vec![
                android_attr("name", s("android.permission.CAMERA")),
                android_attr("name", s("android.permission.READ_SMS")),
            ],
        )],
    );
    let doc = parse(&encode(
        &root,
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    ));
    assert_eq!(perms(&doc), ["android.permission.CAMERA"]);
    assert!(has(&doc, "axml-attr-order"), "{:?}", doc.anomalies);
}

#[test]
fn sorted_attributes_raise_no_order_anomaly() {
    let root = manifest(
        "com.example.sorted",
        vec![element(
            "uses-permission",
            vec![
                android_attr("name", s("android.permission.CAMERA")),
                android_attr("maxSdkVersion", AttrValue::IntDec(28)),
            ],
        )],
    );
    let doc = parse(&encode(
        &root,
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    ));
    assert_eq!(perms(&doc), ["android.permission.CAMERA"]);
    assert!(!has(&doc, "axml-attr-order"), "{:?}", doc.anomalies);
}

fn package_doc() -> (Vec<u8>, Layout) {
    let root = manifest(
        "com.decoy.app",
        vec![element(
            "application",
            vec![android_attr("label", s("com.real.app"))],
        )],
    );
    encode_with_layout(&root, ANDROID_NAMESPACES, &EncodeOptions::default())
}

fn package_of(b: &[u8]) -> (Option<String>, XmlDocument) {
    let doc = parse(b);
    (
        from_document(&doc, "AndroidManifest.xml", None).package,
        doc,
    )
}

#[test]
fn package_is_the_raw_value_read_by_name() {
    let (mut b, layout) = package_doc();
    let package = attr_offset(&layout, "manifest", 0, 0);
    let real = layout.string_index("com.real.app").unwrap();
    // rawValue names another string than the typed value: Android reads raw.
    put_u32(&mut b, package + 8, real);
    let (pkg, doc) = package_of(&b);
    assert_eq!(pkg.as_deref(), Some("com.real.app"));
    assert!(has(&doc, "axml-raw-value-mismatch"), "{:?}", doc.anomalies);

    // rawValue with a typed int: still the raw string.
    let (mut b, _) = package_doc();
    put_u32(&mut b, package + 8, real);
    b[package + 15] = 0x10;
    put_u32(&mut b, package + 16, 7);
    assert_eq!(package_of(&b).0.as_deref(), Some("com.real.app"));

    // No rawValue, typed string: coerceToString(TYPE_STRING) is null.
    let (mut b, _) = package_doc();
    put_u32(&mut b, package + 8, u32::MAX);
    let (pkg, doc) = package_of(&b);
    assert_eq!(pkg, None);
    assert!(has(&doc, "axml-raw-value-missing"), "{:?}", doc.anomalies);

    // Untouched: the aapt layout (raw == typed) gives the package, no anomaly.
    let (b, _) = package_doc();
    let (pkg, doc) = package_of(&b);
    assert_eq!(pkg.as_deref(), Some("com.decoy.app"));
    assert!(!has(&doc, "axml-raw-value-mismatch"));
}

fn utf8_doc(permission: &str) -> (Vec<u8>, Layout) {
    let root = manifest("com.example.utf8", vec![uses_permission(permission)]);
    let opts = EncodeOptions {
        utf8: true,
        ..EncodeOptions::default()
    };
    encode_with_layout(&root, ANDROID_NAMESPACES, &opts)
}

/// Offset of string `idx`'s first length byte in a UTF-8 pool.
fn utf8_string_at(b: &[u8], layout: &Layout, idx: u32) -> usize {
    let pool = layout.string_pool.start;
    let strings_start = get_u32(b, pool + 20) as usize;
    let entry = get_u32(b, pool + 28 + 4 * idx as usize) as usize;
    pool + strings_start + entry
}

#[test]
fn wrong_utf16_length_does_not_hide_a_utf8_string() {
    let perm = "android.permission.CAMERA";
    let (mut b, layout) = utf8_doc(perm);
    let at = utf8_string_at(&b, &layout, layout.string_index(perm).unwrap());
    assert_eq!(b[at] as usize, perm.len());
    b[at] = 3; // UTF-16 length field lies; string8At never reads it
    let doc = parse(&b);
    assert_eq!(perms(&doc), [perm]);
    let a = doc
        .anomalies
        .iter()
        .find(|a| a.starts_with("axml-utf8-utf16-length:"))
        .unwrap_or_else(|| panic!("{:?}", doc.anomalies));
    assert!(a.contains("field 3, text has 25 units"), "{a}");
}

#[test]
fn embedded_nul_ends_the_string_android_sees() {
    let (b, _) = utf8_doc("android.permission.CAMERA\0.hidden");
    let doc = parse(&b);
    assert_eq!(perms(&doc), ["android.permission.CAMERA"]);
    let a = doc
        .anomalies
        .iter()
        .find(|a| a.starts_with("axml-string-nul:"))
        .unwrap_or_else(|| panic!("{:?}", doc.anomalies));
    assert!(a.contains("last 8 bytes"), "{a}");
}

#[test]
fn utf8_length_overflow_is_read_to_its_nul() {
    // aapt truncated lengths over 0x7FFF; stringDecodeAt finds the NUL at
    // (1 << 15) | encLen. A 0x8005-byte name with its length field saying 5.
    let long = format!("android.permission.{}", "A".repeat(0x8005 - 19));
    assert_eq!(long.len(), 0x8005);
    let (b, layout) = utf8_doc(&long);
    let at = utf8_string_at(&b, &layout, layout.string_index(&long).unwrap());
    // Both length fields are written as aapt did: 15 bits, so 0x8005 reads 5.
    assert_eq!(&b[at..at + 4], &[0x80, 0x05, 0x80, 0x05]);
    let doc = parse(&b);
    assert_eq!(perms(&doc), [long.as_str()]);
    assert!(
        has(&doc, "axml-utf8-length-overflow"),
        "{:?}",
        doc.anomalies
    );
}

#[test]
fn tens_of_thousands_of_attributes_do_not_drop_later_permissions() {
    let many: Vec<XmlAttribute> = (0..40_000)
        .map(|i| plain_attr(&format!("a{i}"), s("v")))
        .collect();
    let root = manifest(
        "com.example.many",
        vec![
            element("junk", many),
            uses_permission("android.permission.CAMERA"),
            uses_permission("android.permission.READ_SMS"),
        ],
    );
    let doc = parse(&encode(
        &root,
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    ));
    assert_eq!(doc.root.children[0].attributes.len(), 40_000);
    assert_eq!(
        perms(&doc),
        ["android.permission.CAMERA", "android.permission.READ_SMS"]
    );
    assert!(doc.caps_hit.is_empty(), "{:?}", doc.caps_hit);
}

#[test]
fn an_element_over_the_attribute_byte_cap_loses_only_its_own_attributes() {
    // 60,000 attributes all pointing at one 1 KiB string: 60 MiB decoded
    // from 1.2 MB of records. The element stops at its 16 MiB cap; the
    // permissions before and after it are read, and the cap is reported.
    let long = "x".repeat(1024);
    let many: Vec<XmlAttribute> = (0..60_000).map(|_| plain_attr("a", s(&long))).collect();
    let root = manifest(
        "com.example.cap",
        vec![
            uses_permission("android.permission.CAMERA"),
            element("junk", many),
            uses_permission("android.permission.READ_SMS"),
        ],
    );
    let doc = parse(&encode(
        &root,
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    ));
    let kept = doc.root.children[1].attributes.len();
    assert!((10_000..60_000).contains(&kept), "{kept}");
    assert_eq!(
        perms(&doc),
        ["android.permission.CAMERA", "android.permission.READ_SMS"]
    );
    assert_eq!(doc.caps_hit.len(), 1, "{:?}", doc.caps_hit);
    assert_eq!(
        privscan::limits::cap_named_in(&doc.caps_hit[0]),
        Some("max_xml_attribute_bytes")
    );
}
