use super::*;
use crate::android::xml::ANDROID_NS;
use crate::testkit::axml::{EncodeOptions, encode};
use proptest::prelude::*;

fn value() -> impl Strategy<Value = AttrValue> {
    prop_oneof![
        "\\PC{0,12}".prop_map(AttrValue::String),
        any::<i32>().prop_map(AttrValue::IntDec),
        any::<u32>().prop_map(AttrValue::IntHex),
        any::<bool>().prop_map(AttrValue::Bool),
        any::<u32>().prop_map(AttrValue::Reference),
        any::<u32>().prop_map(AttrValue::Attribute),
        (-1.0e6f32..1.0e6).prop_map(AttrValue::Float),
        any::<u32>().prop_map(AttrValue::Dimension),
        any::<u32>().prop_map(AttrValue::Fraction),
        any::<u32>().prop_map(AttrValue::Color),
        Just(AttrValue::Null),
        (0x20u8..0x30, any::<u32>())
            .prop_map(|(data_type, data)| AttrValue::Other { data_type, data }),
    ]
}

fn attribute() -> impl Strategy<Value = XmlAttribute> {
    let names = prop_oneof!["[a-zA-Z][a-zA-Z0-9_]{0,10}", "\\PC{0,6}"];
    let ids = prop_oneof![
        Just(None),
        proptest::sample::select(attrs::ALL.to_vec()).prop_map(|(_, id)| Some(id))
    ];
    (
        proptest::option::of(prop_oneof![Just(ANDROID_NS.to_string()), "[a-z:/.]{1,20}"]),
        names,
        ids,
        value(),
    )
        .prop_map(|(namespace, name, resource_id, value)| XmlAttribute {
            namespace,
            name,
            resource_id,
            value,
        })
}

fn tree() -> impl Strategy<Value = XmlElement> {
    let leaf = (
        proptest::option::of("[a-z:/.]{1,20}"),
        "[a-z][a-z0-9-]{0,10}",
        proptest::collection::vec(attribute(), 0..5),
        any::<u32>(),
    )
        .prop_map(|(namespace, name, attributes, line)| XmlElement {
            namespace,
            name,
            attributes,
            children: Vec::new(),
            line,
        });
    leaf.prop_recursive(5, 48, 6, |inner| {
        (inner.clone(), proptest::collection::vec(inner, 0..6)).prop_map(|(mut el, children)| {
            el.children = children;
            el
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// AXML written by the tests' encoder decodes back to the same tree.
    #[test]
    fn encoded_trees_decode_to_the_same_tree(root in tree(), utf8 in any::<bool>(), hs in prop_oneof![Just(16u16), Just(20), Just(24)], asz in prop_oneof![Just(20u16), Just(24)]) {
        let opts = EncodeOptions { utf8, node_header_size: hs, attribute_size: asz, ..Default::default() };
        let bytes = encode(&root, &[("android", ANDROID_NS)], &opts);
        let doc = parse(&bytes, &Limits::default()).unwrap();
        prop_assert_eq!(doc.root, root);
    }

    /// Any byte flips in a valid document never panic.
    #[test]
    fn mutated_documents_never_panic(root in tree(), flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = encode(&root, &[("android", ANDROID_NS)], &EncodeOptions::default());
        for (i, b) in flips {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        let _ = parse(&bytes, &Limits::default());
    }
}
