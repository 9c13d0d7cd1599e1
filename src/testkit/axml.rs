//! Test encoder for binary XML (AXML) and minimal `resources.arsc` tables,
//! plus builders for manifest trees.
//!
//! Writes the layout aapt produces (AOSP `libs/androidfw/include/androidfw/ResourceTypes.h`):
//! `RES_XML_TYPE` header, a string pool whose first entries are the names of
//! attributes that carry resource IDs (parallel to the `RES_XML_RESOURCE_MAP_TYPE`
//! chunk), START/END_NAMESPACE around the root, START/END_ELEMENT nodes.
//! [`encode_with_layout`] also returns where every chunk landed so hostile
//! tests can patch bytes (see `research/hostile-inputs.md`, "Build it").
//! Inputs are trusted (tests write them); this module is not for scanning.

use std::ops::Range;

use crate::android::attrs;
use crate::android::axml::{
    RES_STRING_POOL_TYPE, RES_TABLE_TYPE, RES_XML_END_ELEMENT_TYPE, RES_XML_END_NAMESPACE_TYPE,
    RES_XML_RESOURCE_MAP_TYPE, RES_XML_START_ELEMENT_TYPE, RES_XML_START_NAMESPACE_TYPE,
    RES_XML_TYPE, UTF8_FLAG,
};
use crate::android::xml::{ANDROID_NS, AttrValue, XmlAttribute, XmlElement};

/// Encoder knobs. `Default` is what aapt writes (UTF-16 pool, 16-byte node
/// headers, 20-byte attributes starting at ext offset 20).
#[derive(Debug, Clone)]
pub struct EncodeOptions {
    /// UTF-8 string pool (aapt2 default for resources) instead of UTF-16.
    pub utf8: bool,
    /// `headerSize` of every XML node (16; hostile A4 uses 0x14). Extra
    /// header bytes are zero.
    pub node_header_size: u16,
    /// `ResXMLTree_attrExt.attributeStart` (20).
    pub attribute_start: u16,
    /// `ResXMLTree_attrExt.attributeSize` (20; larger values pad each record).
    pub attribute_size: u16,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions {
            utf8: false,
            node_header_size: 16,
            attribute_start: 20,
            attribute_size: 20,
        }
    }
}

/// One node chunk written by the encoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLayout {
    /// Byte offset of the node's chunk header.
    pub offset: usize,
    /// `RES_XML_*_TYPE`.
    pub chunk_type: u16,
    /// Chunk size in bytes.
    pub size: u32,
    /// For START_ELEMENT: the element name.
    pub name: String,
}

/// Where the encoder put things.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The string pool chunk.
    pub string_pool: Range<usize>,
    /// The resource map chunk (empty range when no attribute has an ID).
    pub resource_map: Range<usize>,
    /// Every XML node in file order.
    pub nodes: Vec<NodeLayout>,
    /// The pool's strings in index order.
    pub strings: Vec<String>,
    /// Number of resource map entries (= leading pool strings with IDs).
    pub resource_ids: usize,
}

impl Layout {
    /// Index of the first pool string equal to `s` at or after `from`.
    pub fn string_index_from(&self, s: &str, from: usize) -> Option<u32> {
        self.strings
            .iter()
            .skip(from)
            .position(|x| x == s)
            .and_then(|i| u32::try_from(i + from).ok())
    }
    /// Index of the first pool string equal to `s`.
    pub fn string_index(&self, s: &str) -> Option<u32> {
        self.string_index_from(s, 0)
    }
    /// START_ELEMENT nodes named `name`.
    pub fn elements(&self, name: &str) -> Vec<&NodeLayout> {
        self.nodes
            .iter()
            .filter(|n| n.chunk_type == RES_XML_START_ELEMENT_TYPE && n.name == name)
            .collect()
    }
}

/// Read a little-endian u32 (test helper; panics out of range).
pub fn get_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
/// Write a little-endian u16 (test helper; panics out of range).
pub fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}
/// Write a little-endian u32 (test helper; panics out of range).
pub fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// A raw chunk: `ResChunk_header{type, headerSize, size}` + `header_rest`
/// (padded with zeros to `header_size`) + `body`.
pub fn chunk(chunk_type: u16, header_size: u16, header_rest: &[u8], body: &[u8]) -> Vec<u8> {
    let hs = usize::from(header_size).max(8 + header_rest.len());
    let mut v = Vec::with_capacity(hs + body.len());
    v.extend_from_slice(&chunk_type.to_le_bytes());
    v.extend_from_slice(&header_size.to_le_bytes());
    v.extend_from_slice(&((hs + body.len()) as u32).to_le_bytes());
    v.extend_from_slice(header_rest);
    v.resize(hs, 0);
    v.extend_from_slice(body);
    v
}

/// Insert `bytes` at `at` and grow the outer chunk size accordingly.
pub fn insert_chunk(doc: &mut Vec<u8>, at: usize, bytes: &[u8]) {
    doc.splice(at..at, bytes.iter().copied());
    let size = get_u32(doc, 4) + bytes.len() as u32;
    put_u32(doc, 4, size);
}

fn encode_len16(out: &mut Vec<u8>, n: usize) {
    if n > 0x7FFF {
        out.extend_from_slice(&((((n >> 16) as u16) | 0x8000).to_le_bytes()));
        out.extend_from_slice(&((n & 0xFFFF) as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(n as u16).to_le_bytes());
    }
}

fn encode_len8(out: &mut Vec<u8>, n: usize) {
    if n > 0x7F {
        out.push((((n >> 8) & 0x7F) as u8) | 0x80);
        out.push((n & 0xFF) as u8);
    } else {
        out.push(n as u8);
    }
}

/// A complete `ResStringPool` chunk (no styles), 4-byte padded.
pub fn string_pool_chunk<S: AsRef<str>>(strings: &[S], utf8: bool) -> Vec<u8> {
    let mut data = Vec::new();
    let mut offsets = Vec::with_capacity(strings.len());
    for s in strings {
        let s = s.as_ref();
        offsets.push(data.len() as u32);
        if utf8 {
            encode_len8(&mut data, s.encode_utf16().count());
            encode_len8(&mut data, s.len());
            data.extend_from_slice(s.as_bytes());
            data.push(0);
        } else {
            let units: Vec<u16> = s.encode_utf16().collect();
            encode_len16(&mut data, units.len());
            for u in units {
                data.extend_from_slice(&u.to_le_bytes());
            }
            data.extend_from_slice(&[0, 0]);
        }
    }
    while data.len() % 4 != 0 {
        data.push(0);
    }
    let mut header = Vec::new();
    header.extend_from_slice(&(strings.len() as u32).to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes()); // styleCount
    header.extend_from_slice(&(if utf8 { UTF8_FLAG } else { 0 }).to_le_bytes());
    let strings_start = 28 + 4 * strings.len() as u32;
    header.extend_from_slice(&(if strings.is_empty() { 0 } else { strings_start }).to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes()); // stylesStart
    let mut body = Vec::new();
    for o in offsets {
        body.extend_from_slice(&o.to_le_bytes());
    }
    body.extend_from_slice(&data);
    chunk(RES_STRING_POOL_TYPE, 28, &header, &body)
}

struct Pool {
    /// (name, resource id) pairs that lead the pool, in order.
    ids: Vec<(String, u32)>,
    rest: Vec<String>,
}

impl Pool {
    fn collect_ids(&mut self, el: &XmlElement) {
        for a in &el.attributes {
            if let Some(id) = a.resource_id
                && !self.ids.iter().any(|(n, i)| *n == a.name && *i == id)
            {
                self.ids.push((a.name.clone(), id));
            }
        }
        for c in &el.children {
            self.collect_ids(c);
        }
    }
    fn rest_index(&mut self, s: &str) -> u32 {
        let i = match self.rest.iter().position(|x| x == s) {
            Some(i) => i,
            None => {
                self.rest.push(s.to_owned());
                self.rest.len() - 1
            }
        };
        (self.ids.len() + i) as u32
    }
    fn name_index(&mut self, a: &XmlAttribute) -> u32 {
        match a.resource_id {
            Some(id) => self
                .ids
                .iter()
                .position(|(n, i)| *n == a.name && *i == id)
                .unwrap() as u32,
            None => self.rest_index(&a.name),
        }
    }
    fn ns_index(&mut self, ns: &Option<String>) -> u32 {
        match ns {
            Some(u) => self.rest_index(u),
            None => u32::MAX,
        }
    }
}

fn value_parts(v: &AttrValue, pool: &mut Pool) -> (u32, u8, u32) {
    match v {
        AttrValue::String(s) => {
            let i = pool.rest_index(s);
            (i, 0x03, i)
        }
        AttrValue::IntDec(i) => (u32::MAX, 0x10, *i as u32),
        AttrValue::IntHex(u) => (u32::MAX, 0x11, *u),
        AttrValue::Bool(b) => (u32::MAX, 0x12, if *b { u32::MAX } else { 0 }),
        AttrValue::Reference(r) => (u32::MAX, 0x01, *r),
        AttrValue::Attribute(r) => (u32::MAX, 0x02, *r),
        AttrValue::Float(f) => (u32::MAX, 0x04, f.to_bits()),
        AttrValue::Dimension(d) => (u32::MAX, 0x05, *d),
        AttrValue::Fraction(d) => (u32::MAX, 0x06, *d),
        AttrValue::Color(c) => (u32::MAX, 0x1c, *c),
        AttrValue::Null => (u32::MAX, 0x00, 0),
        AttrValue::Other { data_type, data } => (u32::MAX, *data_type, *data),
    }
}

fn node(opts: &EncodeOptions, chunk_type: u16, line: u32, ext: &[u8]) -> Vec<u8> {
    let mut rest = Vec::new();
    rest.extend_from_slice(&line.to_le_bytes());
    rest.extend_from_slice(&u32::MAX.to_le_bytes()); // comment
    chunk(chunk_type, opts.node_header_size, &rest, ext)
}

fn encode_element(
    el: &XmlElement,
    pool: &mut Pool,
    opts: &EncodeOptions,
    out: &mut Vec<(u16, String, Vec<u8>)>,
) {
    let ns = pool.ns_index(&el.namespace);
    let name = pool.rest_index(&el.name);
    let mut ext = Vec::new();
    ext.extend_from_slice(&ns.to_le_bytes());
    ext.extend_from_slice(&name.to_le_bytes());
    ext.extend_from_slice(&opts.attribute_start.to_le_bytes());
    ext.extend_from_slice(&opts.attribute_size.to_le_bytes());
    ext.extend_from_slice(&(el.attributes.len() as u16).to_le_bytes());
    ext.extend_from_slice(&[0u8; 6]); // idIndex, classIndex, styleIndex
    ext.resize(usize::from(opts.attribute_start).max(20), 0);
    for a in &el.attributes {
        let start = ext.len();
        let ans = pool.ns_index(&a.namespace);
        let aname = pool.name_index(a);
        let (raw, dt, data) = value_parts(&a.value, pool);
        ext.extend_from_slice(&ans.to_le_bytes());
        ext.extend_from_slice(&aname.to_le_bytes());
        ext.extend_from_slice(&raw.to_le_bytes());
        ext.extend_from_slice(&8u16.to_le_bytes());
        ext.push(0);
        ext.push(dt);
        ext.extend_from_slice(&data.to_le_bytes());
        ext.resize(start + usize::from(opts.attribute_size).max(20), 0);
    }
    out.push((
        RES_XML_START_ELEMENT_TYPE,
        el.name.clone(),
        node(opts, RES_XML_START_ELEMENT_TYPE, el.line, &ext),
    ));
    for c in &el.children {
        encode_element(c, pool, opts, out);
    }
    let mut end = Vec::new();
    end.extend_from_slice(&ns.to_le_bytes());
    end.extend_from_slice(&name.to_le_bytes());
    out.push((
        RES_XML_END_ELEMENT_TYPE,
        String::new(),
        node(opts, RES_XML_END_ELEMENT_TYPE, el.line, &end),
    ));
}

/// Encode `doc_root` as AXML with `namespaces` (prefix, URI) declared
/// around the root.
pub fn encode(doc_root: &XmlElement, namespaces: &[(&str, &str)], opts: &EncodeOptions) -> Vec<u8> {
    encode_with_layout(doc_root, namespaces, opts).0
}

/// [`encode`], also returning where each chunk landed.
pub fn encode_with_layout(
    doc_root: &XmlElement,
    namespaces: &[(&str, &str)],
    opts: &EncodeOptions,
) -> (Vec<u8>, Layout) {
    let mut pool = Pool {
        ids: Vec::new(),
        rest: Vec::new(),
    };
    pool.collect_ids(doc_root);
    let mut nodes: Vec<(u16, String, Vec<u8>)> = Vec::new();
    let mut ns_ext = Vec::new();
    for (prefix, uri) in namespaces {
        let mut e = Vec::new();
        e.extend_from_slice(&pool.rest_index(prefix).to_le_bytes());
        e.extend_from_slice(&pool.rest_index(uri).to_le_bytes());
        ns_ext.push(e);
    }
    for e in &ns_ext {
        nodes.push((
            RES_XML_START_NAMESPACE_TYPE,
            String::new(),
            node(opts, RES_XML_START_NAMESPACE_TYPE, 1, e),
        ));
    }
    encode_element(doc_root, &mut pool, opts, &mut nodes);
    for e in ns_ext.iter().rev() {
        nodes.push((
            RES_XML_END_NAMESPACE_TYPE,
            String::new(),
            node(opts, RES_XML_END_NAMESPACE_TYPE, 1, e),
        ));
    }
    let mut strings: Vec<String> = pool.ids.iter().map(|(n, _)| n.clone()).collect();
    strings.extend(pool.rest.iter().cloned());
    let sp = string_pool_chunk(&strings, opts.utf8);
    let mut out = chunk(RES_XML_TYPE, 8, &[], &[]);
    let mut layout = Layout {
        strings,
        resource_ids: pool.ids.len(),
        ..Layout::default()
    };
    layout.string_pool = out.len()..out.len() + sp.len();
    out.extend_from_slice(&sp);
    if !pool.ids.is_empty() {
        let mut body = Vec::new();
        for (_, id) in &pool.ids {
            body.extend_from_slice(&id.to_le_bytes());
        }
        let rm = chunk(RES_XML_RESOURCE_MAP_TYPE, 8, &[], &body);
        layout.resource_map = out.len()..out.len() + rm.len();
        out.extend_from_slice(&rm);
    } else {
        layout.resource_map = out.len()..out.len();
    }
    for (t, name, bytes) in nodes {
        layout.nodes.push(NodeLayout {
            offset: out.len(),
            chunk_type: t,
            size: bytes.len() as u32,
            name,
        });
        out.extend_from_slice(&bytes);
    }
    let total = out.len() as u32;
    put_u32(&mut out, 4, total);
    (out, layout)
}

/// An element with no namespace.
pub fn element(name: &str, attributes: Vec<XmlAttribute>) -> XmlElement {
    XmlElement {
        namespace: None,
        name: name.to_owned(),
        attributes,
        children: Vec::new(),
        line: 0,
    }
}

/// An element with children.
pub fn element_with(
    name: &str,
    attributes: Vec<XmlAttribute>,
    children: Vec<XmlElement>,
) -> XmlElement {
    XmlElement {
        children,
        ..element(name, attributes)
    }
}

/// `android:<name>` carrying its framework resource ID (from [`attrs`]; `None`
/// when the name is not listed there).
pub fn android_attr(name: &str, value: AttrValue) -> XmlAttribute {
    XmlAttribute {
        namespace: Some(ANDROID_NS.to_owned()),
        name: name.to_owned(),
        resource_id: attrs::id_of(name),
        value,
    }
}

/// Insert `a` where aapt2 would write it: attributes with a resource ID
/// in ascending ID order (aapt2 `XmlFlattener.cpp` sorts them by ID):
/// before the first attribute with a higher ID, else at the end.
/// Attributes without an ID read as 0 in that walk and never hide one.
/// Android's attribute resolution only sees attributes in ascending ID
/// order, so a test that adds an attribute to a built element uses this
/// instead of `push`.
pub fn insert_by_id(attributes: &mut Vec<XmlAttribute>, a: XmlAttribute) {
    let at = match a.resource_id {
        Some(id) => attributes
            .iter()
            .position(|b| b.resource_id.is_some_and(|r| r > id))
            .unwrap_or(attributes.len()),
        None => attributes.len(),
    };
    attributes.insert(at, a);
}

/// An attribute with no namespace and no resource ID (e.g. `package`).
pub fn plain_attr(name: &str, value: AttrValue) -> XmlAttribute {
    XmlAttribute {
        namespace: None,
        name: name.to_owned(),
        resource_id: None,
        value,
    }
}

/// `AttrValue::String`.
pub fn s(v: &str) -> AttrValue {
    AttrValue::String(v.to_owned())
}

/// `<manifest package=...>` with `children` (declare `("android", ANDROID_NS)`
/// when encoding).
pub fn manifest(package: &str, children: Vec<XmlElement>) -> XmlElement {
    element_with(
        "manifest",
        vec![plain_attr("package", s(package))],
        children,
    )
}

/// `<uses-permission android:name=...>`.
pub fn uses_permission(name: &str) -> XmlElement {
    element("uses-permission", vec![android_attr("name", s(name))])
}

/// Namespaces aapt declares for a manifest.
pub const ANDROID_NAMESPACES: &[(&str, &str)] = &[("android", ANDROID_NS)];

// ---------------------------------------------------------------- ARSC

/// `RES_TABLE_PACKAGE_TYPE`.
pub const RES_TABLE_PACKAGE_TYPE: u16 = 0x0200;
/// `RES_TABLE_TYPE_TYPE`.
pub const RES_TABLE_TYPE_TYPE: u16 = 0x0201;
/// `RES_TABLE_TYPE_SPEC_TYPE`.
pub const RES_TABLE_TYPE_SPEC_TYPE: u16 = 0x0202;
/// `ResTable_config::CONFIG_LOCALE` (`ACONFIGURATION_LOCALE`).
pub const CONFIG_LOCALE: u32 = 0x0004;

/// `(resource id, default value, [(locale such as "fr" or "fr-rCA", value)])`.
pub type StringResource<'a> = (u32, &'a str, &'a [(&'a str, &'a str)]);

/// A 64-byte `ResTable_config`; `locale` is `""`, `"fr"` or `"fr-rCA"`.
fn config_bytes(locale: &str) -> Vec<u8> {
    let mut c = vec![0u8; 64];
    c[0..4].copy_from_slice(&64u32.to_le_bytes());
    let mut parts = locale.split("-r");
    if let Some(lang) = parts.next() {
        for (i, b) in lang.bytes().take(2).enumerate() {
            c[8 + i] = b;
        }
    }
    if let Some(country) = parts.next() {
        for (i, b) in country.bytes().take(2).enumerate() {
            c[10 + i] = b;
        }
    }
    c
}

/// A minimal valid `resources.arsc` holding string resources: each
/// `(id, default value, [(locale, value)])` goes into the default
/// configuration, and each locale variant into a `values-<locale>` type
/// chunk. Resource IDs must belong to `package_id` (others are skipped).
pub fn encode_arsc(package_name: &str, package_id: u8, strings: &[StringResource<'_>]) -> Vec<u8> {
    encode_arsc_with(package_name, package_id, strings, &ArscOptions::default())
}

/// Entry encodings newer aapt2 versions use for large tables.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArscOptions {
    /// `ResTable_type::FLAG_OFFSET16`: u16 offsets (in 4-byte units), 0xFFFF = none.
    pub offset16: bool,
    /// `ResTable_type::FLAG_SPARSE`: `(u16 entry index, u16 offset/4)` pairs.
    pub sparse: bool,
    /// `ResTable_entry::FLAG_COMPACT` entries (8 bytes, value inline).
    pub compact: bool,
}

/// [`encode_arsc`] with the given entry encodings.
pub fn encode_arsc_with(
    package_name: &str,
    package_id: u8,
    strings: &[StringResource<'_>],
    opts: &ArscOptions,
) -> Vec<u8> {
    let ours: Vec<&StringResource<'_>> = strings
        .iter()
        .filter(|(id, _, _)| (id >> 24) as u8 == package_id)
        .collect();
    // Global pool: every value.
    let mut values: Vec<String> = Vec::new();
    let vidx = |v: &str, values: &mut Vec<String>| -> u32 {
        match values.iter().position(|x| x == v) {
            Some(i) => i as u32,
            None => {
                values.push(v.to_owned());
                (values.len() - 1) as u32
            }
        }
    };
    let max_type = ours
        .iter()
        .map(|(id, _, _)| ((id >> 16) & 0xff) as u8)
        .max()
        .unwrap_or(0);
    let type_names: Vec<String> = (1..=max_type).map(|t| format!("type{t}")).collect();
    let mut keys: Vec<String> = Vec::new();
    let mut body = Vec::new();
    for t in 1..=max_type {
        let in_type: Vec<_> = ours
            .iter()
            .filter(|(id, _, _)| ((id >> 16) & 0xff) as u8 == t)
            .collect();
        if in_type.is_empty() {
            continue;
        }
        let entry_count = in_type
            .iter()
            .map(|(id, _, _)| (id & 0xffff) as usize)
            .max()
            .unwrap_or(0)
            + 1;
        // typeSpec
        let mut flags = vec![0u32; entry_count];
        for (id, _, variants) in &in_type {
            if !variants.is_empty() {
                flags[(id & 0xffff) as usize] |= CONFIG_LOCALE;
            }
        }
        let mut spec_hdr = vec![t, 0, 0, 0];
        spec_hdr.extend_from_slice(&(entry_count as u32).to_le_bytes());
        let spec_body: Vec<u8> = flags.iter().flat_map(|f| f.to_le_bytes()).collect();
        body.extend_from_slice(&chunk(RES_TABLE_TYPE_SPEC_TYPE, 16, &spec_hdr, &spec_body));
        // configs: "" first, then each locale seen.
        let mut configs: Vec<&str> = vec![""];
        for (_, _, variants) in &in_type {
            for (loc, _) in variants.iter() {
                if !configs.contains(loc) {
                    configs.push(loc);
                }
            }
        }
        for cfg in configs {
            let mut offsets = vec![u32::MAX; entry_count];
            let mut entries = Vec::new();
            for (id, default, variants) in &in_type {
                let value = if cfg.is_empty() {
                    Some(*default)
                } else {
                    variants.iter().find(|(l, _)| *l == cfg).map(|(_, v)| *v)
                };
                let Some(value) = value else { continue };
                let e = (id & 0xffff) as usize;
                offsets[e] = entries.len() as u32;
                let key = format!("res_{id:08x}");
                let k = match keys.iter().position(|x| *x == key) {
                    Some(i) => i,
                    None => {
                        keys.push(key);
                        keys.len() - 1
                    }
                } as u32;
                let v = vidx(value, &mut values);
                if opts.compact {
                    entries.extend_from_slice(&(k as u16).to_le_bytes()); // key
                    entries.extend_from_slice(&(0x0008u16 | (0x03 << 8)).to_le_bytes()); // FLAG_COMPACT | TYPE_STRING << 8
                    entries.extend_from_slice(&v.to_le_bytes());
                } else {
                    entries.extend_from_slice(&8u16.to_le_bytes()); // ResTable_entry.size
                    entries.extend_from_slice(&0u16.to_le_bytes()); // flags
                    entries.extend_from_slice(&k.to_le_bytes());
                    entries.extend_from_slice(&8u16.to_le_bytes()); // Res_value.size
                    entries.push(0);
                    entries.push(0x03);
                    entries.extend_from_slice(&v.to_le_bytes());
                }
            }
            let header_size = 20 + 64u16;
            let (flags, count, mut tb): (u8, usize, Vec<u8>) = if opts.sparse {
                let pairs: Vec<u8> = offsets
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| **o != u32::MAX)
                    .flat_map(|(i, o)| {
                        [(i as u16).to_le_bytes(), ((o / 4) as u16).to_le_bytes()].concat()
                    })
                    .collect();
                (0x01, pairs.len() / 4, pairs)
            } else if opts.offset16 {
                let v: Vec<u8> = offsets
                    .iter()
                    .flat_map(|o| {
                        (if *o == u32::MAX {
                            0xFFFF
                        } else {
                            (o / 4) as u16
                        })
                        .to_le_bytes()
                    })
                    .collect();
                (0x02, entry_count, v)
            } else {
                (
                    0,
                    entry_count,
                    offsets.iter().flat_map(|o| o.to_le_bytes()).collect(),
                )
            };
            while tb.len() % 4 != 0 {
                tb.push(0);
            }
            let entries_start = u32::from(header_size) + tb.len() as u32;
            let mut hdr = vec![t, flags, 0, 0];
            hdr.extend_from_slice(&(count as u32).to_le_bytes());
            hdr.extend_from_slice(&entries_start.to_le_bytes());
            hdr.extend_from_slice(&config_bytes(cfg));
            tb.extend_from_slice(&entries);
            body.extend_from_slice(&chunk(RES_TABLE_TYPE_TYPE, header_size, &hdr, &tb));
        }
    }
    let type_pool = string_pool_chunk(&type_names, false);
    let key_pool = string_pool_chunk(&keys, false);
    let header_size: u16 = 288;
    let mut phdr = Vec::new();
    phdr.extend_from_slice(&u32::from(package_id).to_le_bytes());
    let mut name16 = [0u8; 256];
    for (i, u) in package_name.encode_utf16().take(127).enumerate() {
        name16[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
    }
    phdr.extend_from_slice(&name16);
    let type_strings = u32::from(header_size);
    let key_strings = type_strings + type_pool.len() as u32;
    phdr.extend_from_slice(&type_strings.to_le_bytes());
    phdr.extend_from_slice(&(max_type as u32).to_le_bytes()); // lastPublicType
    phdr.extend_from_slice(&key_strings.to_le_bytes());
    phdr.extend_from_slice(&(keys.len() as u32).to_le_bytes()); // lastPublicKey
    phdr.extend_from_slice(&0u32.to_le_bytes()); // typeIdOffset
    let mut pbody = type_pool;
    pbody.extend_from_slice(&key_pool);
    pbody.extend_from_slice(&body);
    let package = chunk(RES_TABLE_PACKAGE_TYPE, header_size, &phdr, &pbody);
    let global = string_pool_chunk(&values, true);
    let mut tbody = global;
    tbody.extend_from_slice(&package);
    chunk(RES_TABLE_TYPE, 12, &1u32.to_le_bytes(), &tbody)
}
