//! The tree: [`parse`] walks the nodes and builds the element tree
//! (`XmlDocument`) the way `ResXMLTree` exposes it to PackageParser.

use super::*;

/// Decode a binary XML document as Android's `ResXMLTree` would.
///
/// Returns the element tree with `source = XmlSource::Binary` and the
/// anomalies seen. Fails where Android fails (bad outer sizes, bad chunks
/// before the root, nodes failing `validateNode` before the root element
/// closes, a missing or invalid string pool, no element), or when
/// `limits.max_strings` / `limits.max_depth` is exceeded.
pub fn parse(data: &[u8], limits: &Limits) -> Result<XmlDocument, AxmlError> {
    let mut anomalies: Vec<String> = Vec::new();
    let outer = ChunkHeader::read(data, 0).ok_or(AxmlError::Truncated { offset: 0, need: 8 })?;
    if outer.chunk_type != RES_XML_TYPE {
        note(&mut anomalies, || {
            format!(
                "axml-header-type: outer chunk type 0x{:04x}, expected 0x0003 (AXML header type tampered; Android does not check it)",
                outer.chunk_type
            )
        });
    }
    if u32::from(outer.header_size) > outer.size || outer.size as usize > data.len() {
        return Err(outer.bad(
            "header size or total size is larger than the data (ResXMLTree::setTo rejects it)",
        ));
    }
    let data_end = outer.size as usize;
    if data_end < data.len() {
        note(&mut anomalies, || {
            format!(
                "axml-trailing-data: {} bytes after the outer chunk size {} ignored",
                data.len().saturating_sub(data_end),
                data_end
            )
        });
    }
    let walker = Walker { data, data_end };

    // ResXMLTree::setTo scan for the string pool, resource map and first node.
    let mut pool: Option<PoolResult<'_>> = None;
    let mut resmap: (usize, usize) = (0, 0);
    let mut root: Option<Node> = None;
    let mut pos = usize::from(outer.header_size);
    let mut last = pos;
    while let Some(limit) = data_end.checked_sub(8) {
        if pos >= limit {
            break;
        }
        let Some(h) = ChunkHeader::read(data, pos) else {
            break;
        };
        match data_end.checked_sub(h.size as usize) {
            Some(l) if pos < l => {}
            _ => break,
        }
        h.validate(CHUNK_HEADER_SIZE, data_end)
            .map_err(|w| h.bad(w))?;
        let Some(chunk_end) = h.end() else { break };
        match h.chunk_type {
            RES_STRING_POOL_TYPE => {
                let bytes = data.get(pos..chunk_end).unwrap_or_default();
                if pool.is_some() {
                    note(&mut anomalies, || {
                        format!(
                            "axml-extra-pool: another string pool at byte {pos} replaces the earlier one"
                        )
                    });
                }
                pool = Some(StringPool::parse_partial(bytes, limits).map_err(|e| (pos, e)));
            }
            RES_XML_RESOURCE_MAP_TYPE => {
                let start = pos.saturating_add(usize::from(h.header_size));
                let n = (h.size.saturating_sub(u32::from(h.header_size)) / 4) as usize;
                resmap = (start, n);
            }
            RES_XML_START_NAMESPACE_TYPE..=RES_XML_LAST_CHUNK_TYPE => {
                walker.validate_node(&h)?;
                if !matches!(
                    h.chunk_type,
                    RES_XML_START_NAMESPACE_TYPE..=RES_XML_CDATA_TYPE
                ) {
                    note(&mut anomalies, || {
                        format!(
                            "axml-early-node: chunk type 0x{:04x} at byte {pos} is in the XML node range; Android's \
                         ResXMLTree treats it as the first node, so later string pools/resource maps are not read",
                            h.chunk_type
                        )
                    });
                }
                let prev =
                    ChunkHeader::read(data, last).ok_or(h.bad("previous chunk unreadable"))?;
                let start = if last == pos {
                    // setTo starts nextNode from the chunk *before* the node; with
                    // none before, the first node itself is skipped (AOSP quirk).
                    h
                } else {
                    prev
                };
                match walker.next(&start, &mut anomalies) {
                    Step::Node(n) => root = Some(n),
                    Step::End => {}
                    Step::Bad(e) => return Err(e),
                }
                break;
            }
            t => note(&mut anomalies, || {
                format!(
                    "axml-junk-chunk: unknown chunk type 0x{t:04x} ({} bytes) at byte {pos} skipped",
                    h.size
                )
            }),
        }
        last = pos;
        pos = chunk_end;
    }
    let Some(first) = root else {
        return Err(AxmlError::NoRootElement);
    };
    let (pool, pool_anomalies, pool_cap) = match pool {
        None => {
            return Err(AxmlError::StringPool {
                offset: 0,
                why: "no string pool before the first XML node",
            });
        }
        Some(Err((offset, PoolError::Bad(why)))) => {
            return Err(AxmlError::StringPool {
                offset: offset as u64,
                why,
            });
        }
        Some(Err((_, PoolError::Limit(l)))) => return Err(AxmlError::Limit(l)),
        Some(Ok(p)) => p,
    };
    anomalies.extend(pool_anomalies);
    let dups = pool.duplicate_offsets();
    if dups > 0 {
        note(&mut anomalies, || {
            format!("axml-string-offset-dup: {dups} string offset slots repeat an earlier offset")
        });
    }
    let mut strings = Strings::new(pool);
    let mut b = Builder {
        data,
        strings: &mut strings,
        resmap,
        anomalies,
        stack: Vec::new(),
        root: None,
        ns_depth: 0,
        attr_budget: MAX_ATTRIBUTE_BYTES,
        skip_depth: 0,
        caps_hit: pool_cap.iter().map(ToString::to_string).collect(),
        limits,
    };
    let mut node = first;
    loop {
        b.event(&node)?;
        match walker.next(&node.header, &mut b.anomalies) {
            Step::Node(n) => node = n,
            Step::End => break,
            Step::Bad(e) => {
                if b.root.is_some() {
                    note(&mut b.anomalies, || {
                        format!(
                            "axml-bad-trailing-node: {e} (after the root element; Android stops reading before it)"
                        )
                    });
                    break;
                }
                return Err(e);
            }
        }
    }
    b.finish()
}

/// Most bytes the decoded attributes of one document may take in memory
/// (each `XmlAttribute` plus its strings). Android has no such cap; it
/// exists because attribute records may overlap (`attributeSize` < 20) and
/// all point at one long string. Real manifests use a few MiB at most, and
/// one element with 65,535 ordinary attributes about 8 MiB, so this is only
/// reached by such a construction; then the attributes read so far are
/// kept and the cap is reported (`max_xml_attribute_bytes`, PS905).
pub const MAX_ATTRIBUTE_BYTES: usize = 64 << 20;

/// Most bytes the decoded attributes of one element may take: one
/// element that reaches it loses only its own remaining attributes, so it
/// cannot starve the elements after it (the permissions).
pub const MAX_ELEMENT_ATTRIBUTE_BYTES: usize = 16 << 20;

/// The cap name [`MAX_ATTRIBUTE_BYTES`] reports.
pub const ATTRIBUTE_BYTES_CAP: &str = "max_xml_attribute_bytes";

pub(super) struct Builder<'a, 's> {
    pub(super) data: &'a [u8],
    pub(super) strings: &'s mut Strings<'a>,
    pub(super) resmap: (usize, usize),
    pub(super) anomalies: Vec<String>,
    pub(super) stack: Vec<XmlElement>,
    pub(super) root: Option<XmlElement>,
    pub(super) ns_depth: i64,
    /// Bytes of [`MAX_ATTRIBUTE_BYTES`] still free.
    pub(super) attr_budget: usize,
    /// Open elements skipped because they are nested past `max_depth`.
    pub(super) skip_depth: usize,
    /// Caps hit so far (messages ending with the cap name).
    pub(super) caps_hit: Vec<String>,
    pub(super) limits: &'s Limits,
}

impl Builder<'_, '_> {
    pub(super) fn string(&mut self, idx: u32, what: &str, at: usize) -> String {
        match self.strings.get(idx) {
            Some(s) => s.to_owned(),
            None => {
                note(&mut self.anomalies, || {
                    format!(
                        "axml-string-index: {what} at byte {at} refers to string {idx}, which cannot be decoded (pool has {}); read as \"\"",
                        self.strings.pool.len()
                    )
                });
                String::new()
            }
        }
    }

    pub(super) fn opt_ns(&mut self, idx: u32, at: usize) -> Option<String> {
        if idx == u32::MAX {
            return None;
        }
        match self.strings.get(idx) {
            Some(s) => Some(s.to_owned()),
            None => {
                note(&mut self.anomalies, || {
                    format!(
                        "axml-string-index: namespace at byte {at} refers to string {idx}, which cannot be decoded; read as no namespace"
                    )
                });
                None
            }
        }
    }

    pub(super) fn res_id(&self, name_idx: u32) -> Option<u32> {
        let (start, n) = self.resmap;
        if (name_idx as usize) >= n {
            return None;
        }
        let off = (name_idx as usize).checked_mul(4)?.checked_add(start)?;
        u32_at(self.data, off)
    }

    pub(super) fn event(&mut self, node: &Node) -> Result<(), AxmlError> {
        let at = node.header.offset;
        match node.header.chunk_type {
            RES_XML_START_NAMESPACE_TYPE => self.ns_depth = self.ns_depth.saturating_add(1),
            RES_XML_END_NAMESPACE_TYPE => {
                self.ns_depth = self.ns_depth.saturating_sub(1);
                if self.ns_depth < 0 {
                    self.anomalies
                        .push(format!("axml-namespace-imbalance: END_NAMESPACE at byte {at} without a matching START_NAMESPACE"));
                }
            }
            RES_XML_START_ELEMENT_TYPE => {
                if self.root.is_some() {
                    note(&mut self.anomalies, || {
                        format!(
                            "axml-after-root: element at byte {at} after the root element closed (Android stops reading there); ignored"
                        )
                    });
                    return Ok(());
                }
                let depth = self.stack.len();
                if self.skip_depth > 0 || depth >= self.limits.max_depth as usize {
                    // Past the cap: the subtree is skipped, the rest of the
                    // document is still read, and the cap is reported once.
                    if self.skip_depth == 0
                        && self.caps_hit.iter().all(|c| !c.ends_with("(max_depth)"))
                    {
                        self.caps_hit.push(
                            LimitError::ElementsTooDeep {
                                depth: u32::try_from(depth.saturating_add(1)).unwrap_or(u32::MAX),
                                cap: self.limits.max_depth,
                            }
                            .to_string(),
                        );
                    }
                    self.skip_depth = self.skip_depth.saturating_add(1);
                    return Ok(());
                }
                let el = self.start_element(node)?;
                self.stack.push(el);
            }
            RES_XML_END_ELEMENT_TYPE if self.skip_depth > 0 => {
                self.skip_depth = self.skip_depth.saturating_sub(1);
            }
            RES_XML_END_ELEMENT_TYPE => match self.stack.pop() {
                Some(el) => match self.stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => self.root = Some(el),
                },
                None if self.root.is_none() => note(&mut self.anomalies, || {
                    format!(
                        "axml-end-before-root: END_ELEMENT at byte {at} before any element (skipped by the package parser; \
                     may fail install on Android 14+)"
                    )
                }),
                None => note(&mut self.anomalies, || {
                    format!(
                        "axml-extra-end: END_ELEMENT at byte {at} after the root element closed"
                    )
                }),
            },
            _ => {} // CDATA: text has no meaning for manifests.
        }
        Ok(())
    }

    pub(super) fn start_element(&mut self, node: &Node) -> Result<XmlElement, AxmlError> {
        let ext = node.ext;
        let at = node.header.offset;
        let trunc = AxmlError::Truncated {
            offset: ext as u64,
            need: u64::from(ATTR_EXT_SIZE),
        };
        let rd32 = |o: usize| u32_at(self.data, ext.saturating_add(o));
        let rd16 = |o: usize| u16_at(self.data, ext.saturating_add(o));
        let ns_idx = rd32(0).ok_or(trunc.clone())?;
        let name_idx = rd32(4).ok_or(trunc.clone())?;
        let attr_start = usize::from(rd16(8).ok_or(trunc.clone())?);
        let attr_size = usize::from(rd16(10).ok_or(trunc.clone())?);
        let mut attr_count = usize::from(rd16(12).ok_or(trunc)?);
        let namespace = self.opt_ns(ns_idx, at);
        let name = self.string(name_idx, "element name", at);
        check_markup(&mut self.anomalies, "element", &name, at);
        if attr_count > 0 && attr_size != usize::from(ATTRIBUTE_SIZE) {
            // ResXMLParser steps by attributeSize whatever it is; aapt and
            // aapt2 always write 20. Only tools that assume 20 are fooled.
            note(&mut self.anomalies, || {
                format!(
                    "axml-attr-size: element <{name}> at byte {at} has attributeSize {attr_size} (aapt writes 20; \
                     Android steps by the stated size{})",
                    if attr_size < usize::from(ATTRIBUTE_SIZE) {
                        ", so the records overlap"
                    } else {
                        ""
                    }
                )
            });
            if attr_size == 0 {
                attr_count = 1; // every attribute is the same record
            }
        }
        let mut attributes = Vec::with_capacity(attr_count.min(1024));
        // RetrieveAttributes walk: the highest resource ID so far (an
        // attribute without one reads as 0).
        let mut max_rid: u32 = 0;
        let mut element_bytes = 0usize;
        for i in 0..attr_count {
            let Some(a) = i
                .checked_mul(attr_size)
                .and_then(|o| o.checked_add(attr_start))
                .and_then(|o| o.checked_add(ext))
            else {
                break;
            };
            let (Some(a_ns), Some(a_name), Some(raw), Some(vsize), Some(res0), Some(dt), Some(d)) = (
                u32_at(self.data, a),
                u32_at(self.data, a.saturating_add(4)),
                u32_at(self.data, a.saturating_add(8)),
                u16_at(self.data, a.saturating_add(12)),
                u8_at(self.data, a.saturating_add(14)),
                u8_at(self.data, a.saturating_add(15)),
                u32_at(self.data, a.saturating_add(16)),
            ) else {
                note(&mut self.anomalies, || {
                    format!(
                        "axml-attr-truncated: attribute {i} of <{name}> at byte {a} runs past the data"
                    )
                });
                break;
            };
            let ns = self.opt_ns(a_ns, a);
            let aname = self.string(a_name, "attribute name", a);
            let resource_id = self.res_id(a_name);
            if vsize != 8 || res0 != 0 {
                // Res_value::copyFrom_dtoh copies size and res0 but nothing
                // reads them on the XML path (ResourceTypes.cpp).
                note(&mut self.anomalies, || {
                    format!(
                        "axml-res-value-size: attribute '{aname}' of <{name}> at byte {a} has Res_value.size {vsize} \
                         and res0 {res0} (aapt writes 8 and 0; Android ignores both)"
                    )
                });
            }
            check_markup(&mut self.anomalies, "attribute", &aname, a);
            let rid_seen = resource_id.unwrap_or(0);
            if let Some(id) = resource_id
                && id <= max_rid
            {
                note(&mut self.anomalies, || {
                    format!(
                        "axml-attr-order: attribute '{aname}' (0x{id:08x}) of <{name}> at byte {a} comes after \
                         resource ID 0x{max_rid:08x}; Android's attribute resolution walks attributes in \
                         ascending ID order and never sees it (AttributeResolution.cpp RetrieveAttributes)"
                    )
                });
            }
            max_rid = max_rid.max(rid_seen);
            let value = if resource_id.is_none() {
                self.value_by_name(raw, dt, d, &aname, a)
            } else {
                match dt {
                    0x03 => {
                        let typed = self.string(d, "attribute value", a);
                        if raw != u32::MAX && raw != d {
                            let r = self.strings.get(raw).map(str::to_owned);
                            if let Some(r) = r.filter(|r| *r != typed) {
                                note(&mut self.anomalies, || {
                                    format!(
                                        "axml-raw-value-mismatch: attribute '{aname}' at byte {a}: rawValue {r:?} differs from typed string {typed:?}; Android uses the typed value (read by ID)"
                                    )
                                });
                            }
                        }
                        AttrValue::String(typed)
                    }
                    _ => typed_value(dt, d, |_| String::new()),
                }
            };
            self.check_identity(&name, ns.as_deref(), &aname, resource_id, a);
            let cost = std::mem::size_of::<XmlAttribute>()
                .saturating_add(aname.len())
                .saturating_add(ns.as_ref().map_or(0, String::len))
                .saturating_add(match &value {
                    AttrValue::String(v) => v.len(),
                    _ => 0,
                });
            element_bytes = element_bytes.saturating_add(cost);
            if cost > self.attr_budget || element_bytes > MAX_ELEMENT_ATTRIBUTE_BYTES {
                if self
                    .caps_hit
                    .iter()
                    .all(|c| !c.ends_with(ATTRIBUTE_BYTES_CAP_SUFFIX))
                {
                    self.caps_hit.push(format!(
                        "decoded attributes take more than {MAX_ATTRIBUTE_BYTES} bytes per document or \
                         {MAX_ELEMENT_ATTRIBUTE_BYTES} per element; attribute {i} of <{name}> at byte {a} and the \
                         rest of that element not read ({ATTRIBUTE_BYTES_CAP})"
                    ));
                }
                if cost > self.attr_budget {
                    self.attr_budget = 0;
                }
                break;
            }
            self.attr_budget = self.attr_budget.saturating_sub(cost);
            attributes.push(XmlAttribute {
                namespace: ns,
                name: aname,
                resource_id,
                value,
            });
        }
        Ok(XmlElement {
            namespace,
            name,
            attributes,
            children: Vec::new(),
            line: node.line,
        })
    }

    /// The value of an attribute without a resource ID, as the framework
    /// reads it by name: `XmlBlock.Parser.getAttributeValue(ns, name)`
    /// (AOSP `core/java/android/content/res/XmlBlock.java`) returns the
    /// `rawValue` string whenever there is one, whatever the typed value
    /// says, and otherwise `TypedValue.coerceToString(type, data)`, which
    /// is null for `TYPE_STRING` (this is how `package` is read,
    /// `ParsingPackageUtils` / `ApkLiteParseUtils`).
    fn value_by_name(&mut self, raw: u32, dt: u8, d: u32, aname: &str, a: usize) -> AttrValue {
        let raw_text = if raw == u32::MAX {
            None
        } else {
            self.strings.get(raw).map(str::to_owned)
        };
        match (raw_text, dt) {
            (Some(r), 0x03) => {
                if raw != d {
                    let typed = self.string(d, "attribute value", a);
                    if typed != r {
                        note(&mut self.anomalies, || {
                            format!(
                                "axml-raw-value-mismatch: attribute '{aname}' at byte {a}: rawValue {r:?} differs from typed string {typed:?}; Android uses the rawValue (read by name)"
                            )
                        });
                    }
                }
                AttrValue::String(r)
            }
            (Some(r), _) => {
                note(&mut self.anomalies, || {
                    format!(
                        "axml-raw-value-mismatch: attribute '{aname}' at byte {a}: rawValue {r:?} with typed value of type 0x{dt:02x}; Android uses the rawValue (read by name)"
                    )
                });
                AttrValue::String(r)
            }
            (None, 0x03) => {
                // Decoded only to note a bad index; Android never reads it.
                let _ = self.string(d, "attribute value", a);
                note(&mut self.anomalies, || {
                    format!(
                        "axml-raw-value-missing: attribute '{aname}' at byte {a} is a typed string without rawValue; read by name, Android gets null"
                    )
                });
                AttrValue::Null
            }
            (None, _) => typed_value(dt, d, |_| String::new()),
        }
    }

    /// A6: Android identifies framework attributes by resource ID only.
    pub(super) fn check_identity(
        &mut self,
        element: &str,
        ns: Option<&str>,
        name: &str,
        rid: Option<u32>,
        at: usize,
    ) {
        match rid {
            Some(id) => {
                if let Some(real) = attrs::name_of(id)
                    && real != name
                {
                    note(&mut self.anomalies, || {
                        format!(
                            "axml-attr-name-mismatch: <{element}> attribute at byte {at} is named {name:?} but its resource ID \
                         0x{id:08x} is android:{real} (Android uses the ID)"
                        )
                    });
                }
            }
            None => {
                if ns == Some(crate::android::xml::ANDROID_NS) && attrs::id_of(name).is_some() {
                    note(&mut self.anomalies, || {
                        format!(
                            "axml-attr-no-resid: <{element}> attribute android:{name} at byte {at} has no resource ID \
                         (Android ignores it)"
                        )
                    });
                }
            }
        }
    }

    pub(super) fn finish(mut self) -> Result<XmlDocument, AxmlError> {
        if !self.stack.is_empty() {
            note(&mut self.anomalies, || {
                format!(
                    "axml-unclosed: {} element(s) not closed at the end of the document",
                    self.stack.len()
                )
            });
            while let Some(el) = self.stack.pop() {
                match self.stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => self.root = Some(el),
                }
            }
        }
        if self.ns_depth > 0 {
            note(&mut self.anomalies, || {
                format!(
                    "axml-namespace-imbalance: {} START_NAMESPACE without END_NAMESPACE (harmless)",
                    self.ns_depth
                )
            });
        }
        for line in std::mem::take(&mut self.strings.notes) {
            note(&mut self.anomalies, || line);
        }
        let root = self.root.ok_or(AxmlError::NoRootElement)?;
        Ok(XmlDocument {
            source: XmlSource::Binary,
            root,
            anomalies: self.anomalies,
            caps_hit: self.caps_hit,
        })
    }
}

/// `"(max_xml_attribute_bytes)"`, the end of that cap's message.
const ATTRIBUTE_BYTES_CAP_SUFFIX: &str = "(max_xml_attribute_bytes)";

/// Note an element or attribute name that holds XML markup, quotes,
/// whitespace or control characters. Android compares names as strings and
/// does not care; such names exist to break tools that print the manifest
/// as XML (apktool, jadx) or feed it to an XML parser.
fn check_markup(anomalies: &mut Vec<String>, what: &str, name: &str, at: usize) {
    if name.bytes().any(|b| {
        matches!(b, b'<' | b'>' | b'"' | b'\'' | b'=' | b'&') || b.is_ascii_whitespace() || b < 0x20
    }) {
        note(anomalies, || {
            format!(
                "axml-name-markup: {what} name {name:?} at byte {at} holds markup or whitespace (Android ignores it; XML printers break)"
            )
        });
    }
}
