use super::*;
use crate::android::xml::ANDROID_NS;
use crate::testkit::axml::*;

fn lim() -> Limits {
    Limits::default()
}

fn sample() -> XmlElement {
    manifest(
        "com.example.app",
        vec![
            uses_permission("android.permission.CAMERA"),
            element_with(
                "application",
                vec![
                    android_attr("label", s("Example")),
                    android_attr("debuggable", AttrValue::Bool(true)),
                ],
                vec![element(
                    "activity",
                    vec![
                        android_attr("name", s("com.example.Main")),
                        android_attr("exported", AttrValue::Bool(false)),
                    ],
                )],
            ),
        ],
    )
}

#[test]
fn utf16_and_utf8_pools_round_trip() {
    for utf8 in [false, true] {
        let root = sample();
        let bytes = encode(
            &root,
            ANDROID_NAMESPACES,
            &EncodeOptions {
                utf8,
                ..Default::default()
            },
        );
        let doc = parse(&bytes, &lim()).unwrap();
        assert_eq!(doc.source, XmlSource::Binary);
        assert_eq!(doc.root, root, "utf8={utf8}");
        assert!(doc.anomalies.is_empty(), "{:?}", doc.anomalies);
    }
}

#[test]
fn non_ascii_and_long_strings_decode() {
    let long = "x".repeat(40_000);
    for utf8 in [false, true] {
        let root = element(
            "manifest",
            vec![
                plain_attr("package", s("com.hôtel.酒店")),
                plain_attr("blob", s(&long)),
                plain_attr("e", s("😀")),
            ],
        );
        let bytes = encode(
            &root,
            &[],
            &EncodeOptions {
                utf8,
                ..Default::default()
            },
        );
        let doc = parse(&bytes, &lim()).unwrap();
        assert_eq!(doc.root, root, "utf8={utf8}");
    }
}

#[test]
fn aliased_namespace_prefix_keeps_uri() {
    let root = manifest("p", vec![uses_permission("android.permission.INTERNET")]);
    let bytes = encode(
        &root,
        &[
            ("a2", ANDROID_NS),
            ("amazon", "http://schemas.amazon.com/apk/res/android"),
        ],
        &EncodeOptions::default(),
    );
    let doc = parse(&bytes, &lim()).unwrap();
    let attr = &doc.root.children[0].attributes[0];
    assert_eq!(attr.namespace.as_deref(), Some(ANDROID_NS));
    assert_eq!(attr.resource_id, Some(attrs::NAME));
    assert_eq!(doc.root, root);
}

#[test]
fn every_typed_value_round_trips() {
    let values = vec![
        AttrValue::String("v".into()),
        AttrValue::IntDec(-42),
        AttrValue::IntHex(0xdead_beef),
        AttrValue::Bool(true),
        AttrValue::Bool(false),
        AttrValue::Reference(0x7f0c_0011),
        AttrValue::Attribute(0x0101_0000),
        AttrValue::Float(1.5),
        AttrValue::Dimension(0x0000_1001),
        AttrValue::Fraction(0x0000_3203),
        AttrValue::Color(0xff00_ff00),
        AttrValue::Null,
        AttrValue::Other {
            data_type: 0x42,
            data: 7,
        },
    ];
    let attrs_: Vec<XmlAttribute> = values
        .iter()
        .enumerate()
        .map(|(i, v)| plain_attr(&format!("a{i}"), v.clone()))
        .collect();
    let root = element("x", attrs_);
    let doc = parse(&encode(&root, &[], &EncodeOptions::default()), &lim()).unwrap();
    let got: Vec<AttrValue> = doc
        .root
        .attributes
        .iter()
        .map(|a| a.value.clone())
        .collect();
    assert_eq!(got, values);
}

#[test]
fn nesting_and_line_numbers() {
    let mut leaf = element("d", vec![]);
    leaf.line = 7;
    let root = element_with(
        "a",
        vec![],
        vec![element_with(
            "b",
            vec![],
            vec![element_with("c", vec![], vec![leaf])],
        )],
    );
    let doc = parse(&encode(&root, &[], &EncodeOptions::default()), &lim()).unwrap();
    assert_eq!(doc.root.children[0].children[0].children[0].line, 7);
    assert_eq!(doc.root, root);
    let tight = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    // Past the cap the deeper subtree is skipped, the rest is read, and
    // the cap is reported (PS905), never an empty result.
    let doc = parse(&encode(&root, &[], &EncodeOptions::default()), &tight).unwrap();
    assert!(doc.root.children[0].children[0].children.is_empty());
    assert_eq!(
        doc.caps_hit,
        [LimitError::ElementsTooDeep { depth: 4, cap: 3 }.to_string()]
    );
}

#[test]
fn empty_name_attribute_identified_by_resource_id() {
    let mut vn = android_attr("versionName", s("1.2.3"));
    vn.name = String::new();
    let root = element("manifest", vec![vn]);
    let (bytes, layout) = encode_with_layout(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    assert_eq!(layout.strings[0], "");
    let doc = parse(&bytes, &lim()).unwrap();
    let a = &doc.root.attributes[0];
    assert_eq!(
        (a.name.as_str(), a.resource_id),
        ("", Some(attrs::VERSION_NAME))
    );
    assert_eq!(a.value, AttrValue::String("1.2.3".into()));
    assert!(
        doc.anomalies
            .iter()
            .any(|x| x.starts_with("axml-attr-name-mismatch:")),
        "{:?}",
        doc.anomalies
    );
}

#[test]
fn string_cap_and_truncation_are_errors() {
    let bytes = encode(&sample(), ANDROID_NAMESPACES, &EncodeOptions::default());
    let tight = Limits {
        max_strings: 3,
        ..Limits::default()
    };
    // Read in part: the strings past the cap read as "", the cap is reported.
    let doc = parse(&bytes, &tight).unwrap();
    assert_eq!(doc.caps_hit.len(), 1);
    assert!(
        doc.caps_hit[0].ends_with("(max_strings)"),
        "{:?}",
        doc.caps_hit
    );
    assert_eq!(
        parse(&bytes[..6], &lim()),
        Err(AxmlError::Truncated { offset: 0, need: 8 })
    );
    for cut in [8, 40, 100, bytes.len() - 1] {
        assert!(parse(&bytes[..cut], &lim()).is_err(), "cut at {cut}");
    }
}

#[test]
fn utf8_length_mismatch_is_read_like_string8at() {
    // stringAt rejects a UTF-8 string whose UTF-16 length byte disagrees
    // with its contents, but the framework's Java path (string8At) reads it.
    let root = element("manifest", vec![plain_attr("package", s("abc"))]);
    let (mut bytes, layout) = encode_with_layout(
        &root,
        &[],
        &EncodeOptions {
            utf8: true,
            ..Default::default()
        },
    );
    let idx = layout.string_index("abc").unwrap() as usize;
    let sp = layout.string_pool.start;
    let strings_start = get_u32(&bytes, sp + 20) as usize;
    let off = get_u32(&bytes, sp + 28 + 4 * idx) as usize;
    bytes[sp + strings_start + off] = 5; // u16len 5 != 3
    let doc = parse(&bytes, &lim()).unwrap();
    assert_eq!(
        doc.root.attributes[0].value,
        AttrValue::String("abc".into())
    );
    assert!(
        doc.anomalies
            .iter()
            .any(|a| a.starts_with("axml-utf8-utf16-length:")),
        "{:?}",
        doc.anomalies
    );
}

#[test]
fn android_lenient_utf8_decoding() {
    // CESU-8 surrogate pair (as some encoders write) decodes to one char.
    let (n, s, lenient) = utf8_to_utf16_device(&[0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]);
    assert_eq!((n, s.as_str(), lenient), (2, "😀", true));
    // A sequence cut by the end is decoded byte by byte, never dropped.
    let (n, s, lenient) = utf8_to_utf16_device(&[b'a', 0xE0, 0x80]);
    assert_eq!((n, s.as_str(), lenient), (3, "a\u{e0}\u{80}", true));
}
