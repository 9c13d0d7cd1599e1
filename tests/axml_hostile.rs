//! Hostile AXML recipes from `research/hostile-inputs.md` (A1, A2, A4, A5,
//! A6, A8): each starts from a valid manifest written by the test encoder,
//! patches the listed bytes, and asserts what Android (AOSP
//! `ResourceTypes.cpp`) would see plus the anomalies we flag.

use privscan::Limits;
use privscan::android::attrs;
use privscan::android::axml::{self, AxmlError};
use privscan::android::xml::{ANDROID_NS, AttrValue, XmlAttribute, XmlDocument, XmlElement};
use privscan::testkit::axml::*;

fn parse(b: &[u8]) -> Result<XmlDocument, AxmlError> {
    axml::parse(b, &Limits::default())
}

fn has(doc: &XmlDocument, code: &str) -> bool {
    doc.anomalies
        .iter()
        .any(|a| a.starts_with(&format!("{code}:")))
}

/// The value Android's `obtainAttributes` reads: matched by resource ID only.
fn by_id(el: &XmlElement, id: u32) -> Option<&AttrValue> {
    el.attributes
        .iter()
        .find(|a| a.resource_id == Some(id))
        .map(|a| &a.value)
}

fn base() -> XmlElement {
    manifest(
        "com.example.app",
        vec![
            uses_permission("android.permission.CAMERA"),
            uses_permission("android.permission.INTERNET"),
            element_with(
                "application",
                vec![android_attr("label", s("App"))],
                vec![element(
                    "activity",
                    vec![android_attr("name", s("com.example.Main"))],
                )],
            ),
        ],
    )
}

#[test]
fn a1_outer_header_type_tampered() {
    let root = base();
    let good = encode(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    for t in [0x0000u16, 0xB800, 0x5703] {
        let mut b = good.clone();
        put_u16(&mut b, 0, t);
        let doc = parse(&b).unwrap();
        assert_eq!(doc.root, root, "type 0x{t:04x}");
        assert!(has(&doc, "axml-header-type"), "{:?}", doc.anomalies);
        assert!(doc.anomalies[0].contains(&format!("0x{t:04x}")));
    }
    // size smaller than the file, junk after it: ignored.
    let mut b = good.clone();
    put_u16(&mut b, 0, 0x5703);
    b.extend_from_slice(&[0xFF; 37]);
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root, root);
    assert!(has(&doc, "axml-trailing-data") && has(&doc, "axml-header-type"));
}

/// A manifest whose pool holds exactly 20 strings, every element carrying an
/// `android:tag`-like attribute whose TYPE_STRING index is past the real pool.
fn a2_tree(bad_idx: u32) -> XmlElement {
    let tag = || {
        plain_attr(
            "tag",
            AttrValue::Other {
                data_type: 0x03,
                data: bad_idx,
            },
        )
    };
    let mut perms: Vec<XmlElement> = (0..3)
        .map(|i| {
            let mut p = uses_permission(&format!("android.permission.P{i}"));
            p.attributes.push(tag());
            p
        })
        .collect();
    perms.push(element("application", vec![tag()]));
    let mut m = manifest("com.a2", perms);
    m.attributes.push(tag());
    m
}

#[test]
fn a2_inflated_string_count_and_bad_indices() {
    let (mut b, layout) = encode_with_layout(
        &a2_tree(1000),
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    );
    let n = layout.strings.len() as u32;
    assert!(1000 >= n + 12);
    // stringCount + 12: the 12 extra "offset slots" are string bytes.
    let sp = layout.string_pool.start;
    assert_eq!(get_u32(&b, sp + 8), n);
    put_u32(&mut b, sp + 8, n + 12);
    let doc = parse(&b).unwrap();
    assert!(has(&doc, "axml-string-count"), "{:?}", doc.anomalies);
    assert!(has(&doc, "axml-string-index"));
    // Real strings still decode; the bogus indices read as "".
    assert_eq!(doc.root.attributes[0].value, s("com.a2"));
    let perms: Vec<String> = doc
        .root
        .children_named("uses-permission")
        .map(|p| by_id(p, attrs::NAME).unwrap().to_text())
        .collect();
    assert_eq!(
        perms,
        [
            "android.permission.P0",
            "android.permission.P1",
            "android.permission.P2"
        ]
    );
    // `tag` has no resource ID and no rawValue: read by name, Android's
    // getAttributeValue gives null (coerceToString has no TYPE_STRING).
    for el in std::iter::once(&doc.root).chain(doc.root.children.iter()) {
        let tag = el.attributes.iter().find(|a| a.name == "tag").unwrap();
        assert_eq!(tag.value, AttrValue::Null, "<{}>", el.name);
    }

    // Variant: two offset slots with the same value → both read the same string.
    let (mut b, layout) =
        encode_with_layout(&base(), ANDROID_NAMESPACES, &EncodeOptions::default());
    let sp = layout.string_pool.start;
    let i = layout.string_index("android.permission.CAMERA").unwrap() as usize;
    let j = layout.string_index("android.permission.INTERNET").unwrap() as usize;
    let off_i = get_u32(&b, sp + 28 + 4 * i);
    put_u32(&mut b, sp + 28 + 4 * j, off_i);
    let doc = parse(&b).unwrap();
    assert!(has(&doc, "axml-string-offset-dup"));
    let names: Vec<String> = doc
        .root
        .children_named("uses-permission")
        .map(|p| by_id(p, attrs::NAME).unwrap().to_text())
        .collect();
    assert_eq!(
        names,
        ["android.permission.CAMERA", "android.permission.CAMERA"]
    );

    // Variant: stylesStart != 0 with styleCount = 0 is ignored.
    let (mut b, layout) =
        encode_with_layout(&base(), ANDROID_NAMESPACES, &EncodeOptions::default());
    put_u32(&mut b, layout.string_pool.start + 24, 0x1234);
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root, base());
    assert!(has(&doc, "axml-styles-start"));

    // Control: a count whose offset table overruns the chunk → Android BAD_TYPE.
    let (mut b, layout) =
        encode_with_layout(&base(), ANDROID_NAMESPACES, &EncodeOptions::default());
    put_u32(&mut b, layout.string_pool.start + 8, 100_000);
    assert!(matches!(parse(&b), Err(AxmlError::StringPool { .. })));
}

#[test]
fn a4_node_header_size_0x14_on_every_node() {
    let root = base();
    let opts = EncodeOptions {
        node_header_size: 0x14,
        ..Default::default()
    };
    let (b, layout) = encode_with_layout(&root, ANDROID_NAMESPACES, &opts);
    // START_NAMESPACE exactly as in the recipe: 00 01 14 00 1C 00 00 00.
    let ns = &layout.nodes[0];
    assert_eq!(
        &b[ns.offset..ns.offset + 8],
        &[0x00, 0x01, 0x14, 0x00, 0x1C, 0x00, 0x00, 0x00]
    );
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root, root);
    assert!(doc.anomalies.is_empty(), "{:?}", doc.anomalies);

    // Reject controls: headerSize 0x0E (< 16, unaligned) and headerSize > size.
    let (good, layout) = encode_with_layout(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    let el = layout.elements("uses-permission")[0].offset;
    let mut b = good.clone();
    put_u16(&mut b, el + 2, 0x0E);
    assert!(
        matches!(
            parse(&b),
            Err(AxmlError::BadChunk {
                header_size: 0x0E,
                ..
            })
        ),
        "{:?}",
        parse(&b)
    );
    let mut b = good.clone();
    let size = get_u32(&b, el + 4);
    put_u16(&mut b, el + 2, (size + 4) as u16);
    assert!(matches!(
        parse(&b),
        Err(AxmlError::BadChunk {
            chunk_type: 0x0102,
            ..
        })
    ));
}

#[test]
fn a5_junk_unknown_and_mislabelled_chunks() {
    let root = base();
    let (good, layout) = encode_with_layout(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    let after_map = layout.resource_map.end;

    // (a) unknown chunk type 0x057A after the resource map.
    let mut b = good.clone();
    insert_chunk(
        &mut b,
        after_map,
        &[
            0x7A, 0x05, 0x08, 0x00, 0x10, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8,
        ],
    );
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root, root);
    assert!(has(&doc, "axml-junk-chunk"));

    // A flood of junk chunks: decoded, anomalies capped.
    let mut b = good.clone();
    let junk: Vec<u8> = (0..5000)
        .flat_map(|_| chunk(0x057A, 8, &[], &[0; 8]))
        .collect();
    insert_chunk(&mut b, after_map, &junk);
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root, root);
    assert_eq!(doc.anomalies.len(), axml::MAX_ANOMALIES + 1);
    assert!(
        doc.anomalies
            .last()
            .unwrap()
            .starts_with("anomalies-capped:")
    );

    // (b) a copy of the string pool relabelled 0x0200 before the root.
    let mut b = good.clone();
    let mut copy = good[layout.string_pool.clone()].to_vec();
    put_u16(&mut copy, 0, 0x0200);
    insert_chunk(&mut b, after_map, &copy);
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root, root);
    assert!(has(&doc, "axml-junk-chunk"));

    // (c) after the root element, a 0x0203 chunk with headerSize 0x10: skipped.
    let end_root = layout
        .nodes
        .iter()
        .rev()
        .find(|n| n.chunk_type == 0x0103)
        .unwrap();
    let at = end_root.offset + end_root.size as usize;
    let mut b = good.clone();
    insert_chunk(&mut b, at, &chunk(0x0203, 0x10, &[], &[]));
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root, root);
    assert!(has(&doc, "axml-unknown-node"));
    // ... with headerSize 8 inside the document: BAD_DOCUMENT, install fails.
    let first_child = layout.elements("uses-permission")[0].offset;
    let mut b = good.clone();
    insert_chunk(&mut b, first_child, &chunk(0x0203, 0x08, &[], &[0; 8]));
    assert!(matches!(
        parse(&b),
        Err(AxmlError::BadChunk {
            chunk_type: 0x0203,
            header_size: 8,
            ..
        })
    ));
    // ... with headerSize 8 after the root closed: the package parser never reads it.
    let mut b = good.clone();
    insert_chunk(&mut b, at, &chunk(0x0203, 0x08, &[], &[0; 8]));
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root, root);
    assert!(has(&doc, "axml-bad-trailing-node"));

    // (d) two START_NAMESPACE, one END_NAMESPACE: harmless.
    let (mut b, layout2) = encode_with_layout(
        &root,
        &[
            ("amazon", "http://schemas.amazon.com/apk/res/android"),
            ("android", ANDROID_NS),
        ],
        &EncodeOptions::default(),
    );
    let last = layout2.nodes.last().unwrap();
    assert_eq!(last.chunk_type, 0x0101);
    b.truncate(last.offset);
    let len = b.len() as u32;
    put_u32(&mut b, 4, len);
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root, root);
    assert!(has(&doc, "axml-namespace-imbalance"));

    // Caution case: a chunk typed 0x0150 before the root becomes ResXMLTree's
    // first node. With headerSize 16 after the pool and map it is skipped...
    let mut b = good.clone();
    insert_chunk(&mut b, after_map, &chunk(0x0150, 0x10, &[], &[]));
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root, root);
    assert!(has(&doc, "axml-early-node"));
    // ... with headerSize 8 it fails validateNode (BAD_TYPE) ...
    let mut b = good.clone();
    insert_chunk(&mut b, after_map, &chunk(0x0150, 0x08, &[], &[0; 8]));
    assert!(matches!(
        parse(&b),
        Err(AxmlError::BadChunk {
            chunk_type: 0x0150,
            ..
        })
    ));
    // ... and placed before the resource map it hides the map, whose 8-byte
    // header then fails validateNode.
    let mut b = good.clone();
    insert_chunk(
        &mut b,
        layout.resource_map.start,
        &chunk(0x0150, 0x10, &[], &[]),
    );
    assert!(
        matches!(
            parse(&b),
            Err(AxmlError::BadChunk {
                chunk_type: 0x0180,
                ..
            })
        ),
        "{:?}",
        parse(&b)
    );

    // An END_ELEMENT before the root: skipped, but flagged (Android 14+).
    let first_el = layout.elements("manifest")[0].offset;
    let end_node = good[layout
        .nodes
        .iter()
        .find(|n| n.chunk_type == 0x0103)
        .unwrap()
        .offset..][..24]
        .to_vec();
    let mut b = good.clone();
    insert_chunk(&mut b, first_el, &end_node);
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root, root);
    assert!(has(&doc, "axml-end-before-root"));
}

#[test]
fn a6_attribute_identity_by_resource_id() {
    let decoy = XmlAttribute {
        namespace: Some(ANDROID_NS.to_owned()),
        name: "name".into(),
        resource_id: None,
        value: s("com.decoy.Main"),
    };
    let mut version_name = android_attr("versionName", s("8.4.5"));
    version_name.name = String::new();
    let mut perm_no_ns = uses_permission("android.permission.READ_CONTACTS");
    perm_no_ns.attributes[0].namespace = None;
    let mut root = manifest(
        "com.real",
        vec![
            perm_no_ns,
            element_with(
                "application",
                vec![],
                vec![element(
                    "activity",
                    vec![android_attr("name", s("com.real.Main")), decoy],
                )],
            ),
        ],
    );
    root.attributes.push(version_name);
    let (b, layout) = encode_with_layout(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    // The decoy's name string sits past the resource map, as in the recipe.
    let decoy_idx = layout
        .string_index_from("name", layout.resource_ids)
        .unwrap();
    assert!(decoy_idx as usize >= layout.resource_ids);
    let doc = parse(&b).unwrap();
    let activity = &doc
        .root
        .children_named("application")
        .next()
        .unwrap()
        .children[0];
    assert_eq!(by_id(activity, attrs::NAME), Some(&s("com.real.Main")));
    assert_eq!(activity.attributes[1].resource_id, None);
    assert!(has(&doc, "axml-attr-no-resid"));
    // versionName read through its ID despite the empty name string.
    assert_eq!(by_id(&doc.root, attrs::VERSION_NAME), Some(&s("8.4.5")));
    assert!(has(&doc, "axml-attr-name-mismatch"));
    // package: by name, no namespace, no resource ID.
    let pkg = &doc.root.attributes[0];
    assert_eq!(
        (pkg.name.as_str(), pkg.namespace.as_deref(), pkg.resource_id),
        ("package", None, None)
    );
    assert_eq!(pkg.value, s("com.real"));
    // uses-permission with ns = -1 and a resource ID still counts.
    let perm = doc.root.children_named("uses-permission").next().unwrap();
    assert_eq!(perm.attributes[0].namespace, None);
    assert_eq!(
        by_id(perm, attrs::NAME),
        Some(&s("android.permission.READ_CONTACTS"))
    );
}

/// `package` is read by name through `getAttributeValue`, which prefers the
/// rawValue string; a framework attribute is read by ID, typed value first.
#[test]
fn a6_raw_value_differs_from_typed_string() {
    let mut root = manifest(
        "com.typed",
        vec![element(
            "application",
            vec![android_attr("label", s("Typed"))],
        )],
    );
    root.attributes.push(plain_attr("unused", s("com.raw")));
    root.children[0]
        .attributes
        .push(plain_attr("unused2", s("Raw")));
    let (mut b, layout) = encode_with_layout(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    let raw_pkg = layout.string_index("com.raw").unwrap();
    let raw_label = layout.string_index("Raw").unwrap();
    // Attribute records start 20 bytes after the START_ELEMENT ext (node + 16).
    let m = layout.elements("manifest")[0].offset + 16 + 20;
    put_u32(&mut b, m + 8, raw_pkg); // package's rawValue
    let app = layout.elements("application")[0].offset + 16 + 20;
    put_u32(&mut b, app + 8, raw_label); // android:label's rawValue
    let doc = parse(&b).unwrap();
    assert_eq!(doc.root.attributes[0].value, s("com.raw"));
    assert_eq!(
        by_id(&doc.root.children[0], attrs::LABEL),
        Some(&s("Typed"))
    );
    assert_eq!(
        doc.anomalies
            .iter()
            .filter(|a| a.starts_with("axml-raw-value-mismatch:"))
            .count(),
        2
    );
}

#[test]
fn a8_markup_and_control_chars_in_names_are_data() {
    let markup = " >\n</manifest>\n<x a";
    let mut root = manifest(
        "com.a8",
        vec![
            uses_permission("android.permission.CAMERA"),
            element("application", vec![]),
        ],
    );
    root.attributes.push(plain_attr(markup, s("v1")));
    root.attributes.push(plain_attr("\u{1}", s("v2")));
    for v in ["e1", "e2"] {
        root.attributes.push(XmlAttribute {
            namespace: Some(ANDROID_NS.into()),
            name: String::new(),
            resource_id: None,
            value: s(v),
        });
    }
    let doc = parse(&encode(
        &root,
        ANDROID_NAMESPACES,
        &EncodeOptions {
            utf8: true,
            ..Default::default()
        },
    ))
    .unwrap();
    assert_eq!(doc.root, root);
    let names: Vec<&str> = doc
        .root
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["package", markup, "\u{1}", "", ""]);
    assert!(
        doc.root.attributes[1..]
            .iter()
            .all(|a| a.resource_id.is_none())
    );
    assert_eq!(doc.root.children.len(), 2);
}
