//! aapt2 protobuf resources as they appear in Android App Bundles:
//! `<module>/manifest/AndroidManifest.xml` (an `aapt.pb.XmlNode`) and
//! `<module>/resources.pb` (an `aapt.pb.ResourceTable`).
//!
//! Distrusts every byte: messages are decoded by `prost` from a borrowed
//! slice (a length prefix past the end of the buffer is a `DecodeError`,
//! never an allocation), prost's recursion limit (100 nested messages)
//! bounds decode depth, and the element tree is converted with an explicit
//! depth check against `Limits::max_depth`.
//!
//! Format facts: AOSP `frameworks/base/tools/aapt2/Resources.proto`
//! (proto3; the messages below are a hand-written subset with the upstream
//! field numbers: `XmlNode{oneof node{element=1,text=2}, source=3}`,
//! `XmlElement{namespace_declaration=1, namespace_uri=2, name=3,
//! attribute=4, child=5}`, `XmlAttribute{namespace_uri=1, name=2, value=3,
//! source=4, resource_id=5, compiled_item=6}`, `Item{oneof value{ref=1,
//! str=2, raw_str=3, styled_str=4, file=5, id=6, prim=7}}`,
//! `Reference{type=1, id=2, name=3, private=4}`, `Primitive{oneof
//! oneof_value{null_value=1, empty_value=2, float_value=3, ...,
//! int_decimal_value=6, int_hexadecimal_value=7, boolean_value=8,
//! color_*=9..12, dimension_value=13, fraction_value=14}}`,
//! `ResourceTable{package=2}`, `Package{package_id=1, package_name=2,
//! type=3}`, `Type{type_id=1, name=2, entry=3}`, `Entry{entry_id=1, name=2,
//! config_value=6}`, `ConfigValue{config=1, value=2}`, `Value{item=4}`).
//! Unknown fields are skipped, so newer aapt2 output still decodes.

use crate::android::xml::{AttrValue, ResourceResolver, XmlDocument, XmlSource};
use crate::limits::{LimitError, Limits};
use prost::Message;
use std::collections::HashMap;

/// Why a protobuf resource could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtoError {
    /// The bytes are not a valid message of the expected type (truncated,
    /// a length past the end of the data, a bad wire type, nesting past
    /// prost's recursion limit of 100 messages...).
    #[error("not a valid aapt2 {message} protobuf ({len} bytes): {reason}")]
    Decode {
        /// The message type being decoded (`XmlNode`, `ResourceTable`).
        message: &'static str,
        /// Size of the input in bytes.
        len: usize,
        /// prost's description of the defect.
        reason: String,
    },
    /// The root node is text, not an element.
    #[error("aapt2 XmlNode root is not an element ({len} bytes)")]
    NoRootElement {
        /// Size of the input in bytes.
        len: usize,
    },
    /// A cap was hit.
    #[error(transparent)]
    Limit(#[from] LimitError),
}

/// `aapt.pb.SourcePosition`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct SourcePosition {
    #[prost(uint32, tag = "1")]
    pub line_number: u32,
    #[prost(uint32, tag = "2")]
    pub column_number: u32,
}

/// `aapt.pb.XmlNode`: an element or a text node.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct XmlNode {
    #[prost(oneof = "xml_node::Node", tags = "1, 2")]
    pub node: Option<xml_node::Node>,
    #[prost(message, optional, tag = "3")]
    pub source: Option<SourcePosition>,
}

/// The `node` oneof of `XmlNode`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
pub mod xml_node {
    /// `element = 1` or `text = 2`.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Node {
        #[prost(message, tag = "1")]
        Element(super::XmlElement),
        #[prost(string, tag = "2")]
        Text(String),
    }
}

/// `aapt.pb.XmlElement`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct XmlElement {
    #[prost(message, repeated, tag = "1")]
    pub namespace_declaration: Vec<XmlNamespace>,
    #[prost(string, tag = "2")]
    pub namespace_uri: String,
    #[prost(string, tag = "3")]
    pub name: String,
    #[prost(message, repeated, tag = "4")]
    pub attribute: Vec<XmlAttribute>,
    #[prost(message, repeated, tag = "5")]
    pub child: Vec<XmlNode>,
}

/// `aapt.pb.XmlNamespace` (`xmlns:android="..."`).
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct XmlNamespace {
    #[prost(string, tag = "1")]
    pub prefix: String,
    #[prost(string, tag = "2")]
    pub uri: String,
}

/// `aapt.pb.XmlAttribute`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct XmlAttribute {
    #[prost(string, tag = "1")]
    pub namespace_uri: String,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(string, tag = "3")]
    pub value: String,
    #[prost(message, optional, tag = "4")]
    pub source: Option<SourcePosition>,
    /// Resource ID of the attribute name (`0x0101021b` = `versionCode`); 0 when unset.
    #[prost(uint32, tag = "5")]
    pub resource_id: u32,
    #[prost(message, optional, tag = "6")]
    pub compiled_item: Option<Item>,
}

/// `aapt.pb.Item`: one value.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct Item {
    #[prost(oneof = "item::Value", tags = "1, 2, 3, 4, 5, 6, 7")]
    pub value: Option<item::Value>,
}

/// The `value` oneof of `Item`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
pub mod item {
    /// `ref=1, str=2, raw_str=3, styled_str=4, file=5, id=6, prim=7`.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        #[prost(message, tag = "1")]
        Ref(super::Reference),
        #[prost(message, tag = "2")]
        Str(super::StringValue),
        #[prost(message, tag = "3")]
        RawStr(super::StringValue),
        #[prost(message, tag = "4")]
        StyledStr(super::StringValue),
        #[prost(message, tag = "5")]
        File(super::FileReference),
        #[prost(message, tag = "6")]
        Id(super::Empty),
        #[prost(message, tag = "7")]
        Prim(super::Primitive),
    }
}

/// `aapt.pb.Reference`: `type` 0 = `@` reference, 1 = `?` theme attribute.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct Reference {
    #[prost(int32, tag = "1")]
    pub r#type: i32,
    #[prost(uint32, tag = "2")]
    pub id: u32,
    #[prost(string, tag = "3")]
    pub name: String,
}

/// `aapt.pb.String`, `RawString` and `StyledString` (spans skipped): `value = 1`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct StringValue {
    #[prost(string, tag = "1")]
    pub value: String,
}

/// `aapt.pb.FileReference`: `path = 1`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct FileReference {
    #[prost(string, tag = "1")]
    pub path: String,
}

/// An empty message (`aapt.pb.Id`, `Primitive.NullType`, `Primitive.EmptyType`).
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct Empty {}

/// `aapt.pb.Primitive`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct Primitive {
    #[prost(
        oneof = "primitive::Value",
        tags = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14"
    )]
    pub value: Option<primitive::Value>,
}

/// The `oneof_value` of `Primitive`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
pub mod primitive {
    /// One `Res_value` kind.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        #[prost(message, tag = "1")]
        NullValue(super::Empty),
        #[prost(message, tag = "2")]
        EmptyValue(super::Empty),
        #[prost(float, tag = "3")]
        FloatValue(f32),
        #[prost(float, tag = "4")]
        DimensionValueDeprecated(f32),
        #[prost(float, tag = "5")]
        FractionValueDeprecated(f32),
        #[prost(int32, tag = "6")]
        IntDecimalValue(i32),
        #[prost(uint32, tag = "7")]
        IntHexadecimalValue(u32),
        #[prost(bool, tag = "8")]
        BooleanValue(bool),
        #[prost(uint32, tag = "9")]
        ColorArgb8Value(u32),
        #[prost(uint32, tag = "10")]
        ColorRgb8Value(u32),
        #[prost(uint32, tag = "11")]
        ColorArgb4Value(u32),
        #[prost(uint32, tag = "12")]
        ColorRgb4Value(u32),
        #[prost(uint32, tag = "13")]
        DimensionValue(u32),
        #[prost(uint32, tag = "14")]
        FractionValue(u32),
    }
}

/// `aapt.pb.ResourceTable` (`source_pool = 1` skipped).
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct ResourceTable {
    #[prost(message, repeated, tag = "2")]
    pub package: Vec<Package>,
}

/// `aapt.pb.PackageId` / `TypeId` / `EntryId`: `id = 1`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct Id {
    #[prost(uint32, tag = "1")]
    pub id: u32,
}

/// `aapt.pb.Package`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct Package {
    #[prost(message, optional, tag = "1")]
    pub package_id: Option<Id>,
    #[prost(string, tag = "2")]
    pub package_name: String,
    #[prost(message, repeated, tag = "3")]
    pub r#type: Vec<Type>,
}

/// `aapt.pb.Type`.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct Type {
    #[prost(message, optional, tag = "1")]
    pub type_id: Option<Id>,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(message, repeated, tag = "3")]
    pub entry: Vec<Entry>,
}

/// `aapt.pb.Entry` (visibility, overlayable... skipped).
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct Entry {
    #[prost(message, optional, tag = "1")]
    pub entry_id: Option<Id>,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(message, repeated, tag = "6")]
    pub config_value: Vec<ConfigValue>,
}

/// `aapt.pb.ConfigValue`. `config` (an `aapt.pb.Configuration`) is kept
/// as raw bytes: the default configuration is the one whose encoding is empty.
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct ConfigValue {
    #[prost(bytes = "vec", optional, tag = "1")]
    pub config: Option<Vec<u8>>,
    #[prost(message, optional, tag = "2")]
    pub value: Option<Value>,
}

/// `aapt.pb.Value` (only `item = 4`; `compound_value = 5` is skipped).
#[allow(missing_docs)] // field-for-field mirror of aapt2 Resources.proto (field numbers in the module doc)
#[derive(Clone, PartialEq, Message)]
pub struct Value {
    #[prost(message, optional, tag = "4")]
    pub item: Option<Item>,
}

fn decode_err(message: &'static str, len: usize, e: prost::DecodeError) -> ProtoError {
    ProtoError::Decode {
        message,
        len,
        reason: e.to_string(),
    }
}

/// Decode an aapt2 protobuf `XmlNode` (an AAB module's
/// `manifest/AndroidManifest.xml`) into an [`XmlDocument`] with
/// `source: XmlSource::Proto`.
///
/// Errors: [`ProtoError::Decode`] for malformed bytes,
/// [`ProtoError::NoRootElement`] for a text root, and
/// `LimitError::ElementsTooDeep` past `limits.max_depth`.
pub fn parse_xml(data: &[u8], limits: &Limits) -> Result<XmlDocument, ProtoError> {
    let node = XmlNode::decode(data).map_err(|e| decode_err("XmlNode", data.len(), e))?;
    let Some(xml_node::Node::Element(el)) = &node.node else {
        return Err(ProtoError::NoRootElement { len: data.len() });
    };
    let line = node.source.as_ref().map(|s| s.line_number).unwrap_or(0);
    let root = convert_element(el, line, 1, limits)?;
    Ok(XmlDocument {
        source: XmlSource::Proto,
        root,
        anomalies: Vec::new(),
        caps_hit: Vec::new(),
    })
}

fn convert_element(
    el: &XmlElement,
    line: u32,
    depth: u32,
    limits: &Limits,
) -> Result<crate::android::xml::XmlElement, ProtoError> {
    if depth > limits.max_depth {
        return Err(LimitError::ElementsTooDeep {
            depth,
            cap: limits.max_depth,
        }
        .into());
    }
    let mut children = Vec::new();
    for c in &el.child {
        if let Some(xml_node::Node::Element(ce)) = &c.node {
            let cl = c.source.as_ref().map(|s| s.line_number).unwrap_or(0);
            children.push(convert_element(ce, cl, depth.saturating_add(1), limits)?);
        }
    }
    Ok(crate::android::xml::XmlElement {
        namespace: non_empty(&el.namespace_uri),
        name: el.name.clone(),
        attributes: el.attribute.iter().map(convert_attribute).collect(),
        children,
        line,
    })
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn convert_attribute(a: &XmlAttribute) -> crate::android::xml::XmlAttribute {
    let value = a
        .compiled_item
        .as_ref()
        .and_then(item_value)
        .unwrap_or_else(|| AttrValue::String(a.value.clone()));
    crate::android::xml::XmlAttribute {
        namespace: non_empty(&a.namespace_uri),
        name: a.name.clone(),
        resource_id: (a.resource_id != 0).then_some(a.resource_id),
        value,
    }
}

/// The typed value of an `Item`, `None` when the oneof is unset.
pub fn item_value(item: &Item) -> Option<AttrValue> {
    use item::Value as V;
    use primitive::Value as P;
    Some(match item.value.as_ref()? {
        V::Ref(r) if r.r#type == 1 => AttrValue::Attribute(r.id),
        V::Ref(r) => AttrValue::Reference(r.id),
        V::Str(s) | V::RawStr(s) | V::StyledStr(s) => AttrValue::String(s.value.clone()),
        V::File(f) => AttrValue::String(f.path.clone()),
        V::Id(_) => AttrValue::Null,
        V::Prim(p) => match p.value.as_ref()? {
            P::NullValue(_) | P::EmptyValue(_) => AttrValue::Null,
            P::FloatValue(f) => AttrValue::Float(*f),
            P::DimensionValueDeprecated(f) | P::FractionValueDeprecated(f) => AttrValue::Float(*f),
            P::IntDecimalValue(i) => AttrValue::IntDec(*i),
            P::IntHexadecimalValue(u) => AttrValue::IntHex(*u),
            P::BooleanValue(b) => AttrValue::Bool(*b),
            P::ColorArgb8Value(c)
            | P::ColorRgb8Value(c)
            | P::ColorArgb4Value(c)
            | P::ColorRgb4Value(c) => AttrValue::Color(*c),
            P::DimensionValue(d) => AttrValue::Dimension(*d),
            P::FractionValue(f) => AttrValue::Fraction(*f),
        },
    })
}

/// The default-configuration values of an aapt2 `resources.pb`, by
/// resource ID (`0xPPTTEEEE`), for resolving manifest references.
#[derive(Debug, Clone, Default)]
pub struct ProtoResources {
    values: HashMap<u32, AttrValue>,
}

/// Most references followed when resolving one value (a chain
/// `@a -> @b -> ...`; cycles end here).
const MAX_REFERENCE_DEPTH: usize = 8;

impl ProtoResources {
    /// Decode a `resources.pb`. Entries without a package, type or entry
    /// ID are skipped (their ID is not assigned), as are compound values.
    pub fn parse(data: &[u8]) -> Result<Self, ProtoError> {
        let table =
            ResourceTable::decode(data).map_err(|e| decode_err("ResourceTable", data.len(), e))?;
        let mut values = HashMap::new();
        for p in &table.package {
            let Some(pid) = p.package_id.as_ref().map(|i| i.id & 0xff) else {
                continue;
            };
            for t in &p.r#type {
                let Some(tid) = t.type_id.as_ref().map(|i| i.id & 0xff) else {
                    continue;
                };
                for e in &t.entry {
                    let Some(eid) = e.entry_id.as_ref().map(|i| i.id & 0xffff) else {
                        continue;
                    };
                    let id = (pid << 24) | (tid << 16) | eid;
                    let default = e
                        .config_value
                        .iter()
                        .find(|cv| cv.config.as_ref().is_none_or(|c| c.is_empty()));
                    if let Some(v) = default
                        .and_then(|cv| cv.value.as_ref())
                        .and_then(|v| v.item.as_ref())
                        .and_then(item_value)
                    {
                        values.insert(id, v);
                    }
                }
            }
        }
        Ok(ProtoResources { values })
    }

    /// Number of resolvable values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// `true` when no value is resolvable.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Add `other`'s values that this table lacks (a feature module's
    /// table falls back to the base module's).
    pub fn extend_missing(&mut self, other: &ProtoResources) {
        for (k, v) in &other.values {
            self.values.entry(*k).or_insert_with(|| v.clone());
        }
    }
}

impl ResourceResolver for ProtoResources {
    fn resolve(&self, id: u32) -> Option<AttrValue> {
        let mut id = id;
        for _ in 0..MAX_REFERENCE_DEPTH {
            match self.values.get(&id)? {
                AttrValue::Reference(0) => return None,
                AttrValue::Reference(next) => id = *next,
                other => return Some(other.clone()),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(name: &str, id: u32, item: item::Value) -> XmlAttribute {
        XmlAttribute {
            namespace_uri: crate::android::xml::ANDROID_NS.into(),
            name: name.into(),
            value: String::new(),
            source: None,
            resource_id: id,
            compiled_item: Some(Item { value: Some(item) }),
        }
    }

    #[test]
    fn decodes_element_attributes_and_primitives() {
        let node = XmlNode {
            node: Some(xml_node::Node::Element(XmlElement {
                namespace_declaration: vec![],
                namespace_uri: String::new(),
                name: "manifest".into(),
                attribute: vec![
                    attr(
                        "versionCode",
                        0x0101_021b,
                        item::Value::Prim(Primitive {
                            value: Some(primitive::Value::IntDecimalValue(42)),
                        }),
                    ),
                    attr(
                        "versionName",
                        0x0101_021c,
                        item::Value::Ref(Reference {
                            r#type: 0,
                            id: 0x7f0c_0001,
                            name: String::new(),
                        }),
                    ),
                ],
                child: vec![XmlNode {
                    node: Some(xml_node::Node::Text("  ".into())),
                    source: None,
                }],
            })),
            source: Some(SourcePosition {
                line_number: 2,
                column_number: 0,
            }),
        };
        let doc = parse_xml(&node.encode_to_vec(), &Limits::default()).unwrap();
        assert_eq!(doc.source, XmlSource::Proto);
        assert_eq!(doc.root.name, "manifest");
        assert_eq!(doc.root.line, 2);
        assert!(doc.root.children.is_empty());
        assert_eq!(doc.root.attributes[0].resource_id, Some(0x0101_021b));
        assert_eq!(doc.root.attributes[0].value, AttrValue::IntDec(42));
        assert_eq!(
            doc.root.attributes[1].value,
            AttrValue::Reference(0x7f0c_0001)
        );
    }

    #[test]
    fn garbage_and_truncation_are_errors() {
        let node = XmlNode {
            node: Some(xml_node::Node::Element(XmlElement {
                name: "manifest".into(),
                ..Default::default()
            })),
            source: None,
        };
        let bytes = node.encode_to_vec();
        let cut = &bytes[..bytes.len() - 1];
        assert!(matches!(
            parse_xml(cut, &Limits::default()),
            Err(ProtoError::Decode { .. })
        ));
        // Field 1, wire type 2, length 0x7fffffff with nothing after it.
        let huge = [0x0a, 0xff, 0xff, 0xff, 0xff, 0x07];
        let e = parse_xml(&huge, &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("XmlNode"), "{e}");
        assert!(matches!(
            parse_xml(&[], &Limits::default()),
            Err(ProtoError::NoRootElement { .. })
        ));
    }

    #[test]
    fn element_depth_is_capped() {
        let mut el = XmlElement {
            name: "leaf".into(),
            ..Default::default()
        };
        for _ in 0..10 {
            el = XmlElement {
                name: "e".into(),
                child: vec![XmlNode {
                    node: Some(xml_node::Node::Element(el)),
                    source: None,
                }],
                ..Default::default()
            };
        }
        let bytes = XmlNode {
            node: Some(xml_node::Node::Element(el)),
            source: None,
        }
        .encode_to_vec();
        let limits = Limits {
            max_depth: 5,
            ..Limits::default()
        };
        let e = parse_xml(&bytes, &limits).unwrap_err();
        assert!(e.to_string().contains("max_depth"), "{e}");
        assert!(parse_xml(&bytes, &Limits::default()).is_ok());
    }

    #[test]
    fn resources_resolve_default_config_and_follow_references() {
        let entry = |id: u32, cvs: Vec<ConfigValue>| Entry {
            entry_id: Some(Id { id }),
            name: format!("e{id}"),
            config_value: cvs,
        };
        let string_cv = |config: Option<Vec<u8>>, s: &str| ConfigValue {
            config,
            value: Some(Value {
                item: Some(Item {
                    value: Some(item::Value::Str(StringValue { value: s.into() })),
                }),
            }),
        };
        let table = ResourceTable {
            package: vec![Package {
                package_id: Some(Id { id: 0x7f }),
                package_name: "com.x".into(),
                r#type: vec![Type {
                    type_id: Some(Id { id: 0x0c }),
                    name: "string".into(),
                    entry: vec![
                        entry(
                            1,
                            vec![
                                string_cv(Some(vec![0x12, 0x02, b'f', b'r']), "fr"),
                                string_cv(None, "1.2.0"),
                            ],
                        ),
                        entry(
                            2,
                            vec![ConfigValue {
                                config: Some(Vec::new()),
                                value: Some(Value {
                                    item: Some(Item {
                                        value: Some(item::Value::Ref(Reference {
                                            r#type: 0,
                                            id: 0x7f0c_0001,
                                            name: String::new(),
                                        })),
                                    }),
                                }),
                            }],
                        ),
                    ],
                }],
            }],
        };
        let res = ProtoResources::parse(&table.encode_to_vec()).unwrap();
        assert_eq!(res.len(), 2);
        assert_eq!(
            res.resolve(0x7f0c_0001),
            Some(AttrValue::String("1.2.0".into()))
        );
        assert_eq!(
            res.resolve(0x7f0c_0002),
            Some(AttrValue::String("1.2.0".into()))
        );
        assert_eq!(res.resolve(0x7f0c_0003), None);
    }
}
