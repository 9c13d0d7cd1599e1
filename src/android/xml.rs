//! The decoded XML tree every manifest reader produces: binary AXML
//! (`axml.rs`), text XML (`text_manifest.rs`) and aapt2 protobuf
//! (`aab.rs`) all yield an `XmlDocument`, and `manifest.rs` reads the
//! manifest model from it.
//!
//! Android identifies framework attributes by resource ID, not by name
//! (`ResXMLParser::getAttributeNameResID`, AOSP `libs/androidfw/ResourceTypes.cpp`),
//! so attributes keep both.

use serde::Serialize;

/// The `android:` namespace URI.
pub const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";
/// The `tools:` namespace URI (manifest merger instructions).
pub const TOOLS_NS: &str = "http://schemas.android.com/tools";

/// Where the tree came from; decides how attributes are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum XmlSource {
    /// Binary AXML: framework attributes are matched only by resource ID.
    Binary,
    /// aapt2 protobuf (AAB): attributes carry resource IDs like AXML.
    Proto,
    /// Text XML: attributes are matched by namespace URI and local name.
    Text,
}

/// A typed attribute value (AOSP `Res_value`, `include/androidfw/ResourceTypes.h`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AttrValue {
    /// `TYPE_STRING` (0x03), or any text attribute value.
    String(String),
    /// `TYPE_INT_DEC` (0x10).
    IntDec(i32),
    /// `TYPE_INT_HEX` (0x11).
    IntHex(u32),
    /// `TYPE_INT_BOOLEAN` (0x12).
    Bool(bool),
    /// `TYPE_REFERENCE` (0x01): a resource ID such as 0x7f050007.
    Reference(u32),
    /// `TYPE_ATTRIBUTE` (0x02): a theme attribute reference.
    Attribute(u32),
    /// `TYPE_FLOAT` (0x04).
    Float(f32),
    /// `TYPE_DIMENSION` (0x05): raw complex value.
    Dimension(u32),
    /// `TYPE_FRACTION` (0x06): raw complex value.
    Fraction(u32),
    /// `TYPE_INT_COLOR_*` (0x1c..0x1f).
    Color(u32),
    /// `TYPE_NULL` (0x00).
    Null,
    /// Any other data type, kept raw.
    Other {
        /// `Res_value.dataType`.
        data_type: u8,
        /// `Res_value.data`, raw.
        data: u32,
    },
}

impl AttrValue {
    /// The value as text, as aapt prints it: strings as-is, integers in
    /// decimal, booleans `true`/`false`, references as `@0x7f050007`.
    pub fn to_text(&self) -> String {
        match self {
            AttrValue::String(s) => s.clone(),
            AttrValue::IntDec(i) => i.to_string(),
            AttrValue::IntHex(u) => u.to_string(),
            AttrValue::Bool(b) => b.to_string(),
            AttrValue::Reference(id) => format!("@0x{id:08x}"),
            AttrValue::Attribute(id) => format!("?0x{id:08x}"),
            AttrValue::Float(f) => f.to_string(),
            AttrValue::Dimension(d) | AttrValue::Fraction(d) => format!("0x{d:08x}"),
            AttrValue::Color(c) => format!("#{c:08x}"),
            AttrValue::Null => String::new(),
            AttrValue::Other { data, .. } => format!("0x{data:08x}"),
        }
    }
}

/// One attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct XmlAttribute {
    /// Namespace URI, `None` for no namespace.
    pub namespace: Option<String>,
    /// Local name as stored (may be empty or a decoy in tampered AXML).
    pub name: String,
    /// Framework/app resource ID of the attribute name (AXML resource map or
    /// proto `resource_id`), `None` when absent.
    pub resource_id: Option<u32>,
    /// The typed value; text XML values are always strings.
    pub value: AttrValue,
}

/// One element and its subtree.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct XmlElement {
    /// Namespace URI of the element, `None` for none (manifest elements have none).
    pub namespace: Option<String>,
    /// Local name, e.g. `uses-permission`.
    pub name: String,
    /// Attributes in document order.
    pub attributes: Vec<XmlAttribute>,
    /// Child elements in document order.
    pub children: Vec<XmlElement>,
    /// Source line (text XML, or the AXML node's `lineNumber`).
    pub line: u32,
}

/// A decoded document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct XmlDocument {
    /// Which decoder produced the tree (binary AXML, aapt2 protobuf or text).
    pub source: XmlSource,
    /// The root element (`<manifest>` for a manifest).
    pub root: XmlElement,
    /// Oddities Android tolerates but that a reviewer should know about
    /// (tampered header type, junk chunks, lying attribute names...).
    pub anomalies: Vec<String>,
    /// Resource caps the decoder hit while reading this document, each a
    /// [`crate::limits::LimitError`] message ending with the cap's name
    /// (`... (max_depth)`). The tree holds what was read up to the cap; a
    /// non-empty list means the document was read only in part (PS905).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caps_hit: Vec<String>,
}

impl XmlElement {
    /// Children with local name `name`.
    pub fn children_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a XmlElement> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// Resolves a resource reference (`@0x7f050007`) to its value in the
/// default configuration, as `aapt dump badging` does. Implemented by
/// `arsc::ResourceTable` (and the AAB `resources.pb` reader).
pub trait ResourceResolver {
    /// The value of resource `id` in the default configuration, or `None`
    /// when it is missing or (for strings) varies by configuration
    /// (`TypedArray.getNonConfigurationString` returns null then).
    fn resolve(&self, id: u32) -> Option<AttrValue>;
}
