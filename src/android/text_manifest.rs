//! Text `AndroidManifest.xml` reader (source trees, decoded manifests):
//! turns XML text into the shared [`XmlDocument`] tree with
//! `source = XmlSource::Text`, namespace URIs resolved and 1-based line
//! numbers, so `manifest.rs` can read the model from it.
//!
//! Distrusted input: the whole text. It may declare a DTD with external
//! entities (XXE, corpus `manifest-text/Apktool__doctype_AndroidManifest.xml`),
//! nest elements without bound, use odd prefixes, or not be XML at all.
//! This reader never loads a DTD and never expands an entity other than the
//! five predefined ones and character references (what lxml does with
//! `resolve_entities=False, load_dtd=False`); an undeclared `&e1;` in text is
//! ignored (text content is not part of the tree). Nesting is capped by
//! `Limits::max_depth` (deeper subtrees skipped, the cap reported). It never
//! panics.
//!
//! Format facts: XML 1.0 (W3C REC-xml) and Namespaces in XML 1.0 (prefixes
//! resolve to URIs; unprefixed attributes have no namespace). Parsing is done
//! by quick-xml's `NsReader`.

use crate::android::xml::{AttrValue, XmlAttribute, XmlDocument, XmlElement, XmlSource};
use crate::limits::Limits;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// Why a text manifest could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextManifestError {
    /// The bytes are not UTF-8 / UTF-16 text.
    #[error("text manifest is not valid {encoding} at byte offset {offset}")]
    Encoding {
        /// `UTF-8`, `UTF-16LE` or `UTF-16BE` (from the BOM; UTF-8 without one).
        encoding: &'static str,
        /// Byte offset of the first undecodable unit, from the start of the file.
        offset: u64,
    },
    /// The XML is not well-formed (quick-xml's message).
    #[error("text manifest is not well-formed XML at byte offset {offset}: {message}")]
    Syntax {
        /// Byte offset where the parser stopped, from the start of the file.
        offset: u64,
        /// quick-xml's message.
        message: String,
    },
    /// An attribute could not be read (bad quoting, duplicate name...).
    #[error("bad attribute in <{element}> at byte offset {offset}: {message}")]
    Attribute {
        /// Name of the element holding the attribute.
        element: String,
        /// Byte offset of the element, from the start of the file.
        offset: u64,
        /// quick-xml's message.
        message: String,
    },
    /// Elements nest deeper than `Limits::max_depth`. Not returned by
    /// [`parse`], which reads the rest and lists this message in
    /// `XmlDocument::caps_hit`.
    #[error("elements nest deeper than {cap} at byte offset {offset} (max_depth)")]
    TooDeep {
        /// `Limits::max_depth`.
        cap: u32,
        /// Byte offset of the element that went too deep.
        offset: u64,
    },
    /// No root element before the end of input.
    #[error("text manifest has no root element")]
    NoRoot,
    /// The input ended inside an element.
    #[error("text manifest ends inside <{element}> (unclosed element)")]
    Unclosed {
        /// Name of the innermost element still open.
        element: String,
    },
    /// Markup after the root element was closed.
    #[error("second root element <{element}> at byte offset {offset}")]
    SecondRoot {
        /// Name of the second root element.
        element: String,
        /// Its byte offset, from the start of the file.
        offset: u64,
    },
}

/// Parse a text manifest into an [`XmlDocument`] (`source = Text`).
///
/// Accepts UTF-8 (with or without BOM) and UTF-16 with a BOM. Element and
/// attribute values are stored as written, after XML attribute-value
/// normalisation and predefined/character entity replacement (a value with
/// any other entity is kept as written, with an anomaly); every value is an
/// `AttrValue::String`. `line` is the 1-based line of the element's `<`.
///
/// # Errors
/// [`TextManifestError`] for bad encoding, malformed XML, a malformed or
/// duplicate attribute, no root, or an unclosed element. Elements nested
/// past `limits.max_depth` are skipped with their subtrees and the cap is
/// listed in `caps_hit` (the document was read in part, PS905).
pub fn parse(text: &[u8], limits: &Limits) -> Result<XmlDocument, TextManifestError> {
    let text = decode(text)?;
    let mut reader = NsReader::from_str(&text);
    {
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
        cfg.trim_text(true);
    }
    let mut lines = LineCounter::new(text.as_bytes());
    let mut stack: Vec<XmlElement> = Vec::new();
    let mut root: Option<XmlElement> = None;
    let mut anomalies = Vec::new();
    // Caps hit (messages ending with the cap name) and the open elements
    // skipped because they nest past `max_depth`.
    let mut caps_hit: Vec<String> = Vec::new();
    let mut skip_depth = 0usize;

    loop {
        let start_offset = reader.buffer_position();
        let event = reader.read_event().map_err(|e| TextManifestError::Syntax {
            offset: reader.error_position(),
            message: e.to_string(),
        })?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                let name_str = e.local_name().as_ref().to_string();
                if root.is_some() {
                    return Err(TextManifestError::SecondRoot {
                        element: name_str,
                        offset: start_offset,
                    });
                }
                let depth = u32::try_from(stack.len())
                    .unwrap_or(u32::MAX)
                    .saturating_add(1);
                if skip_depth > 0 || depth > limits.max_depth {
                    // Past the cap: the subtree is skipped, the rest is
                    // read, and the cap is reported once (PS905).
                    if caps_hit.is_empty() {
                        caps_hit.push(
                            TextManifestError::TooDeep {
                                cap: limits.max_depth,
                                offset: start_offset,
                            }
                            .to_string(),
                        );
                    }
                    if !is_empty {
                        skip_depth = skip_depth.saturating_add(1);
                    }
                    continue;
                }
                let line = lines.line_at(tag_start(text.as_bytes(), start_offset));
                let element =
                    build_element(&reader, e, name_str, line, start_offset, &mut anomalies)?;
                if is_empty {
                    close(element, &mut stack, &mut root);
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) if skip_depth > 0 => skip_depth = skip_depth.saturating_sub(1),
            Event::End(_) => {
                // check_end_names guarantees the end matches the open element.
                if let Some(element) = stack.pop() {
                    close(element, &mut stack, &mut root);
                }
            }
            Event::DocType(_) => {
                anomalies.push(
                    "DOCTYPE declaration present (not loaded, entities not expanded)".to_string(),
                );
            }
            Event::GeneralRef(r) => {
                // `&name;` in text content. Character references and the five
                // predefined entities are harmless; anything else would need
                // the DTD, which is never loaded.
                let name = AsRef::<str>::as_ref(&r).to_string();
                if !name.starts_with('#')
                    && !matches!(name.as_str(), "lt" | "gt" | "amp" | "apos" | "quot")
                {
                    anomalies.push(format!("entity reference &{name}; left unexpanded"));
                }
            }
            Event::Eof => break,
            Event::Text(_)
            | Event::CData(_)
            | Event::Comment(_)
            | Event::Decl(_)
            | Event::PI(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(TextManifestError::Unclosed {
            element: open.name.clone(),
        });
    }
    let root = root.ok_or(TextManifestError::NoRoot)?;
    Ok(XmlDocument {
        source: XmlSource::Text,
        root,
        anomalies,
        caps_hit,
    })
}

/// Attach a finished element to its parent, or make it the root.
fn close(element: XmlElement, stack: &mut [XmlElement], root: &mut Option<XmlElement>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

/// Build one element with its namespace-resolved attributes.
fn build_element(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    name: String,
    line: u32,
    offset: u64,
    anomalies: &mut Vec<String>,
) -> Result<XmlElement, TextManifestError> {
    let (ns, _) = reader.resolver().resolve_element(e.name());
    let namespace = bound_uri(&ns);
    let mut attributes = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| TextManifestError::Attribute {
            element: name.clone(),
            offset,
            message: err.to_string(),
        })?;
        let key = attr.key;
        // Namespace declarations are bindings, not attributes.
        if key.as_namespace_binding().is_some() {
            continue;
        }
        let (ns, local) = reader.resolver().resolve_attribute(key);
        // An entity other than the five predefined ones and character
        // references would need the DTD, which is never loaded: keep the
        // value as written and note it, rather than losing the manifest.
        let value = match attr.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => v.into_owned(),
            Err(err) => {
                anomalies.push(format!(
                    "attribute {} of <{name}> at byte offset {offset} kept as written: {err}",
                    local.as_ref()
                ));
                attr.value.clone().into_owned()
            }
        };
        attributes.push(XmlAttribute {
            namespace: bound_uri(&ns),
            name: local.as_ref().to_string(),
            resource_id: None,
            value: AttrValue::String(value),
        });
    }
    Ok(XmlElement {
        namespace,
        name,
        attributes,
        children: Vec::new(),
        line,
    })
}

/// The namespace URI of a resolved name; `None` for no namespace or an
/// undeclared prefix (Android's aapt would reject the latter; we keep the
/// attribute but it cannot match `android:`).
fn bound_uri(ns: &ResolveResult<'_>) -> Option<String> {
    match ns {
        ResolveResult::Bound(n) => Some(n.as_ref().to_string()),
        ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
    }
}

/// Position of the `<` of the tag whose event started at `from`
/// (the reader's position is before any skipped whitespace).
fn tag_start(bytes: &[u8], from: u64) -> u64 {
    let from_usize = usize::try_from(from).unwrap_or(usize::MAX);
    match bytes
        .get(from_usize..)
        .and_then(|rest| memchr::memchr(b'<', rest))
    {
        Some(i) => from.saturating_add(i as u64),
        None => from,
    }
}

/// Turn the input into UTF-8 text: strips a UTF-8 BOM, transcodes UTF-16
/// with a BOM, otherwise requires UTF-8.
fn decode(bytes: &[u8]) -> Result<String, TextManifestError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest, 3);
    }
    let utf16 = |rest: &[u8], big: bool, encoding: &'static str| {
        let units = rest.chunks_exact(2).map(|c| match (c.first(), c.get(1)) {
            (Some(&a), Some(&b)) if big => u16::from_be_bytes([a, b]),
            (Some(&a), Some(&b)) => u16::from_le_bytes([a, b]),
            _ => 0,
        });
        let mut out = String::with_capacity(rest.len() / 2);
        for (i, ch) in char::decode_utf16(units).enumerate() {
            match ch {
                Ok(c) => out.push(c),
                Err(_) => {
                    return Err(TextManifestError::Encoding {
                        encoding,
                        offset: 2 + (i as u64) * 2,
                    });
                }
            }
        }
        if !rest.len().is_multiple_of(2) {
            return Err(TextManifestError::Encoding {
                encoding,
                offset: bytes.len() as u64 - 1,
            });
        }
        Ok(out)
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, false, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, true, "UTF-16BE");
    }
    utf8(bytes, 0)
}

fn utf8(bytes: &[u8], base: u64) -> Result<String, TextManifestError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(TextManifestError::Encoding {
            encoding: "UTF-8",
            offset: base + e.valid_up_to() as u64,
        }),
    }
}

/// Incremental byte offset → 1-based line number (offsets only grow).
struct LineCounter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u32,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            pos: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: u64) -> u32 {
        let target = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if target > self.pos {
            let newlines = self
                .bytes
                .get(self.pos..target)
                .map_or(0, |s| memchr::memchr_iter(b'\n', s).count());
            self.line = self
                .line
                .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
            self.pos = target;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::android::xml::ANDROID_NS;

    fn parse_str(s: &str) -> Result<XmlDocument, TextManifestError> {
        parse(s.as_bytes(), &Limits::default())
    }

    #[test]
    fn resolves_aliased_prefix_and_lines() {
        let doc = parse_str(
            "<?xml version=\"1.0\"?>\n<manifest xmlns:a=\"http://schemas.android.com/apk/res/android\" package=\"p.q\">\n  <uses-permission a:name=\"x.Y\" />\n</manifest>\n",
        )
        .unwrap();
        assert_eq!(doc.source, XmlSource::Text);
        assert_eq!(doc.root.name, "manifest");
        assert_eq!(doc.root.line, 2);
        let pkg = &doc.root.attributes[0];
        assert_eq!(
            (pkg.namespace.as_deref(), pkg.name.as_str()),
            (None, "package")
        );
        let up = &doc.root.children[0];
        assert_eq!(up.line, 3);
        assert_eq!(up.attributes[0].namespace.as_deref(), Some(ANDROID_NS));
        assert_eq!(up.attributes[0].name, "name");
        assert_eq!(up.attributes[0].value, AttrValue::String("x.Y".into()));
    }

    #[test]
    fn doctype_entities_are_not_expanded() {
        let doc = parse_str(
            "<!DOCTYPE manifest [<!ENTITY e1 SYSTEM 'http://example.invalid/x'>]>\n<manifest package=\"a.b\">\n&e1;\n<x/></manifest>",
        )
        .unwrap();
        assert_eq!(doc.root.children.len(), 1);
        assert!(
            doc.anomalies.iter().any(|a| a.contains("&e1;")),
            "{:?}",
            doc.anomalies
        );
    }

    #[test]
    fn predefined_entities_in_values_are_replaced() {
        let doc = parse_str("<m a=\"x&amp;y&#65;\"/>").unwrap();
        assert_eq!(
            doc.root.attributes[0].value,
            AttrValue::String("x&yA".into())
        );
    }

    #[test]
    fn unknown_entity_in_attribute_is_kept_as_written() {
        let doc = parse_str(
            "<!DOCTYPE m [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><m a=\"&x;\" b=\"ok\"/>",
        )
        .unwrap();
        assert_eq!(
            doc.root.attributes[0].value,
            AttrValue::String("&x;".into())
        );
        assert_eq!(doc.root.attributes[1].value, AttrValue::String("ok".into()));
        assert!(
            doc.anomalies
                .iter()
                .any(|a| a.contains("attribute a of <m>")),
            "{:?}",
            doc.anomalies
        );
    }

    #[test]
    fn depth_is_capped() {
        let deep = "<a>".repeat(50) + &"</a>".repeat(50);
        let limits = Limits {
            max_depth: 10,
            ..Limits::default()
        };
        let deep = format!("<a><c/>{deep}<b/></a>");
        let doc = parse(deep.as_bytes(), &limits).unwrap();
        // Read in part: the 10 levels, and the siblings after the subtree.
        let names: Vec<&str> = doc.root.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["c", "a", "b"]);
        let mut d = 1;
        let mut el = &doc.root;
        while let Some(c) = el.children.iter().find(|c| c.name == "a") {
            d += 1;
            el = c;
        }
        assert_eq!(d, 10);
        assert_eq!(doc.caps_hit.len(), 1, "{:?}", doc.caps_hit);
        assert_eq!(
            crate::limits::cap_named_in(&doc.caps_hit[0]),
            Some("max_depth")
        );
        let doc = parse(deep.as_bytes(), &Limits::default()).unwrap();
        assert!(doc.caps_hit.is_empty());
    }

    #[test]
    fn malformed_inputs_are_errors() {
        assert!(matches!(parse_str(""), Err(TextManifestError::NoRoot)));
        assert!(matches!(
            parse_str("<a><b></a>"),
            Err(TextManifestError::Syntax { .. })
        ));
        assert!(matches!(
            parse_str("<a>"),
            Err(TextManifestError::Unclosed { .. })
        ));
        assert!(matches!(
            parse_str("<a/><b/>"),
            Err(TextManifestError::SecondRoot { .. })
        ));
        assert!(matches!(
            parse(&[b'<', 0xff, b'>'], &Limits::default()),
            Err(TextManifestError::Encoding { .. })
        ));
    }

    #[test]
    fn utf16_with_bom_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<m p=\"é\"/>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let doc = parse(&bytes, &Limits::default()).unwrap();
        assert_eq!(doc.root.attributes[0].value, AttrValue::String("é".into()));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = parse(&data, &Limits::default());
        }

        #[test]
        fn never_panics_on_xmlish(s in "[<>/a-z=\"' &;:!\\[\\]\n-]{0,200}") {
            let _ = parse(s.as_bytes(), &Limits::default());
        }
    }
}
