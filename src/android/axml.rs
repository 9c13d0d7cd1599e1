//! Binary XML (AXML) decoder: `AndroidManifest.xml` and other compiled XML
//! inside APKs, decoded into the shared [`XmlDocument`] tree.
//!
//! Every byte is distrusted: chunk sizes, string-pool counts and offsets,
//! attribute layouts and string indices may all lie (malware and
//! "protectors" tamper with them on purpose, see `research/hostile-inputs.md`
//! A1–A8). The decoder accepts exactly what Android accepts and rejects what
//! Android rejects, following AOSP `libs/androidfw/ResourceTypes.cpp`:
//!
//! * `ResXMLTree::setTo`: the outer chunk type is never checked; only
//!   `headerSize <= size <= data length`. A `size` larger than the data is
//!   rejected (BAD_TYPE, as aapt reports for androguard's
//!   `AndroidManifestWrongFilesize.xml`), not clamped; bytes after `size`
//!   are ignored with an anomaly. Chunks before the first XML node are
//!   scanned with `validate_chunk(.., 8, ..)`; string pools (last one wins) and
//!   resource maps are picked up, anything else is skipped. The first chunk
//!   typed `0x0100..=0x017F` ends the scan: from there on every chunk is an XML
//!   node walked by `nextNode`, so a junk chunk in that range placed before the
//!   real root makes any later string pool or resource map invisible (and a
//!   resource map with `headerSize` 8 there fails `validateNode`).
//! * `validateNode`: node `headerSize >= 16`, `<= size`, both 4-aligned,
//!   `size` within the data; START_ELEMENT also needs room for its
//!   attributes. The node's extension starts at `node + headerSize`.
//! * `nextNode`: unknown node types are skipped; a node that fails validation
//!   is `BAD_DOCUMENT` (install fails). After the root element has closed the
//!   package parser stops reading, so trouble there is only an anomaly.
//! * `ResStringPool::setTo` / `stringAt` / `stringDecodeAt`: only
//!   `headerSize + 4·stringCount <= size` is checked up front; strings are
//!   decoded lazily and an index that cannot be decoded reads as `""` plus an
//!   anomaly, never an error.
//! * `getAttributeNameResID`: `resMap[nameIdx]` when `nameIdx < mapLen`.
//!
//! Anomalies are strings that start with a stable code (`axml-...:`).

#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects
)]

use crate::android::attrs;
use crate::android::xml::{AttrValue, XmlAttribute, XmlDocument, XmlElement, XmlSource};
use crate::limits::{LimitError, Limits};

/// `RES_STRING_POOL_TYPE`.
pub const RES_STRING_POOL_TYPE: u16 = 0x0001;
/// `RES_TABLE_TYPE` (resources.arsc).
pub const RES_TABLE_TYPE: u16 = 0x0002;
/// `RES_XML_TYPE`: the outer chunk of a binary XML file.
pub const RES_XML_TYPE: u16 = 0x0003;
/// `RES_XML_FIRST_CHUNK_TYPE` / `RES_XML_START_NAMESPACE_TYPE`.
pub const RES_XML_START_NAMESPACE_TYPE: u16 = 0x0100;
/// `RES_XML_END_NAMESPACE_TYPE`.
pub const RES_XML_END_NAMESPACE_TYPE: u16 = 0x0101;
/// `RES_XML_START_ELEMENT_TYPE`.
pub const RES_XML_START_ELEMENT_TYPE: u16 = 0x0102;
/// `RES_XML_END_ELEMENT_TYPE`.
pub const RES_XML_END_ELEMENT_TYPE: u16 = 0x0103;
/// `RES_XML_CDATA_TYPE`.
pub const RES_XML_CDATA_TYPE: u16 = 0x0104;
/// `RES_XML_LAST_CHUNK_TYPE`.
pub const RES_XML_LAST_CHUNK_TYPE: u16 = 0x017f;
/// `RES_XML_RESOURCE_MAP_TYPE`.
pub const RES_XML_RESOURCE_MAP_TYPE: u16 = 0x0180;
/// `ResStringPool_header::UTF8_FLAG`.
pub const UTF8_FLAG: u32 = 1 << 8;
/// `sizeof(ResChunk_header)`.
pub const CHUNK_HEADER_SIZE: u16 = 8;
/// `sizeof(ResXMLTree_node)`: chunk header + lineNumber + comment.
pub const NODE_HEADER_SIZE: u16 = 16;
/// `sizeof(ResStringPool_header)`.
pub const STRING_POOL_HEADER_SIZE: u16 = 28;
/// `sizeof(ResXMLTree_attribute)`.
pub const ATTRIBUTE_SIZE: u16 = 20;
/// `sizeof(ResXMLTree_attrExt)`.
const ATTR_EXT_SIZE: u32 = 20;

/// Why an AXML document could not be decoded (Android would refuse it too).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AxmlError {
    /// The data ends before a structure that must be read.
    #[error("AXML truncated: need {need} bytes at byte {offset}")]
    Truncated {
        /// Byte offset of the read, from the start of the document.
        offset: u64,
        /// Bytes the read needs.
        need: u64,
    },
    /// A chunk or node header that `ResXMLTree`/`validateNode` rejects.
    #[error(
        "invalid AXML chunk at byte {offset} (type 0x{chunk_type:04x}, headerSize {header_size}, size {size}): {why}"
    )]
    BadChunk {
        /// Byte offset of the chunk, from the start of the document.
        offset: u64,
        /// `ResChunk_header.type`, e.g. `RES_XML_START_ELEMENT_TYPE` (0x0102).
        chunk_type: u16,
        /// `ResChunk_header.headerSize` in bytes.
        header_size: u16,
        /// `ResChunk_header.size` in bytes (header included).
        size: u32,
        /// Which AOSP check it fails.
        why: &'static str,
    },
    /// No XML node chunk was found (`"Bad XML block: no root element node found"`),
    /// or nodes exist but none is a START_ELEMENT.
    #[error("AXML has no root element")]
    NoRootElement,
    /// The string pool is missing or `ResStringPool::setTo` rejects it.
    #[error("invalid AXML string pool at byte {offset}: {why}")]
    StringPool {
        /// Byte offset of the string pool chunk, from the start of the document.
        offset: u64,
        /// What `ResStringPool::setTo` would reject.
        why: &'static str,
    },
    /// A configured cap was hit (`max_strings`, `max_depth`).
    #[error(transparent)]
    Limit(#[from] LimitError),
}

pub(crate) fn u16_at(data: &[u8], off: usize) -> Option<u16> {
    let b = data.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes([*b.first()?, *b.get(1)?]))
}

pub(crate) fn u32_at(data: &[u8], off: usize) -> Option<u32> {
    let b = data.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([
        *b.first()?,
        *b.get(1)?,
        *b.get(2)?,
        *b.get(3)?,
    ]))
}

fn u8_at(data: &[u8], off: usize) -> Option<u8> {
    data.get(off).copied()
}

/// A chunk header (`ResChunk_header`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChunkHeader {
    pub offset: usize,
    pub chunk_type: u16,
    pub header_size: u16,
    pub size: u32,
}

impl ChunkHeader {
    pub(crate) fn read(data: &[u8], offset: usize) -> Option<Self> {
        Some(ChunkHeader {
            offset,
            chunk_type: u16_at(data, offset)?,
            header_size: u16_at(data, offset.checked_add(2)?)?,
            size: u32_at(data, offset.checked_add(4)?)?,
        })
    }

    fn bad(&self, why: &'static str) -> AxmlError {
        AxmlError::BadChunk {
            offset: self.offset as u64,
            chunk_type: self.chunk_type,
            header_size: self.header_size,
            size: self.size,
            why,
        }
    }

    /// AOSP `validate_chunk`: `headerSize >= min`, `headerSize <= size`, both
    /// 4-aligned, and `size` fits before `data_end`.
    pub(crate) fn validate(&self, min: u16, data_end: usize) -> Result<(), &'static str> {
        if self.header_size < min {
            return Err("header size too small");
        }
        if u32::from(self.header_size) > self.size {
            return Err("size is smaller than header size");
        }
        if (u32::from(self.header_size) | self.size) & 3 != 0 {
            return Err("size or headerSize not on a 4-byte boundary");
        }
        let room = data_end
            .checked_sub(self.offset)
            .ok_or("chunk starts past the data end")?;
        if self.size as usize > room {
            return Err("chunk extends beyond the data end");
        }
        Ok(())
    }

    fn end(&self) -> Option<usize> {
        self.offset.checked_add(self.size as usize)
    }
}

/// A string pool (`ResStringPool`) read lazily from its chunk, with AOSP
/// `stringAt` semantics: an index that cannot be decoded gives `None`.
#[derive(Debug)]
pub struct StringPool<'a> {
    /// The chunk bytes (exactly `header.size` long).
    chunk: &'a [u8],
    header_size: usize,
    count: u32,
    utf8: bool,
    strings_start: usize,
    /// Pool size in characters (bytes for UTF-8, u16 units for UTF-16).
    pool_size: usize,
}

impl<'a> StringPool<'a> {
    /// Validate a string pool chunk as `ResStringPool::setTo(chunk, size)`
    /// does. `chunk` starts at the pool header and is the chunk's declared
    /// size long (already checked against the data by the caller). Returns
    /// the pool and anomalies (inconsistent count, ignored stylesStart,
    /// duplicate offsets).
    pub fn parse(chunk: &'a [u8], limits: &Limits) -> Result<(Self, Vec<String>), PoolError> {
        let mut anomalies = Vec::new();
        let size = chunk.len();
        if size < usize::from(STRING_POOL_HEADER_SIZE) {
            return Err(PoolError::Bad("data size too small to be a string block"));
        }
        let h = ChunkHeader::read(chunk, 0).ok_or(PoolError::Bad("truncated header"))?;
        h.validate(STRING_POOL_HEADER_SIZE, size)
            .map_err(PoolError::Bad)?;
        let rd = |o: usize| u32_at(chunk, o).ok_or(PoolError::Bad("truncated header"));
        let count = rd(8)?;
        let style_count = rd(12)?;
        let flags = rd(16)?;
        let strings_start = rd(20)? as usize;
        let styles_start = rd(24)? as usize;
        let m_size = h.size as usize;
        let header_size = usize::from(h.header_size);
        let utf8 = flags & UTF8_FLAG != 0;
        if u64::from(count) > limits.max_strings {
            return Err(PoolError::Limit(LimitError::TooManyStrings {
                count: u64::from(count),
                cap: limits.max_strings,
            }));
        }
        let mut pool_size = 0usize;
        if count > 0 {
            let entries_end = (count as usize)
                .checked_mul(4)
                .and_then(|n| n.checked_add(header_size))
                .ok_or(PoolError::Bad("entry table size overflows"))?;
            if entries_end > size {
                return Err(PoolError::Bad("entry table extends past the chunk"));
            }
            let char_size = if utf8 { 1 } else { 2 };
            let last_start = m_size.saturating_sub(2);
            if strings_start >= last_start {
                return Err(PoolError::Bad("strings start after the chunk end"));
            }
            pool_size = if style_count == 0 {
                m_size
                    .saturating_sub(strings_start)
                    .checked_div(char_size)
                    .unwrap_or(0)
            } else {
                if styles_start >= last_start {
                    return Err(PoolError::Bad("styles start after the chunk end"));
                }
                if styles_start <= strings_start {
                    return Err(PoolError::Bad("styles start before the strings"));
                }
                styles_start
                    .saturating_sub(strings_start)
                    .checked_div(char_size)
                    .unwrap_or(0)
            };
            if pool_size == 0 {
                return Err(PoolError::Bad("stringCount > 0 but the pool is empty"));
            }
            let last_char_off = pool_size
                .checked_sub(1)
                .and_then(|n| n.checked_mul(char_size))
                .and_then(|n| n.checked_add(strings_start));
            let last_ok = match last_char_off {
                Some(o) if utf8 => u8_at(chunk, o) == Some(0),
                Some(o) => u16_at(chunk, o) == Some(0),
                None => false,
            };
            if !last_ok {
                return Err(PoolError::Bad("last string is not 0-terminated"));
            }
            if strings_start < entries_end {
                anomalies.push(format!(
                    "axml-string-count: stringCount {count} puts the offset table (ends at pool byte {entries_end}) \
                     over the string data (starts at {strings_start}); string pool count inconsistent"
                ));
            }
        }
        if style_count > 0 {
            let styles_entries = (count as usize)
                .checked_mul(4)
                .and_then(|n| n.checked_add(header_size));
            if styles_entries.is_none_or(|e| e > size) {
                return Err(PoolError::Bad("style entries extend past the chunk"));
            }
            if styles_start >= m_size {
                return Err(PoolError::Bad("style pool starts after the chunk end"));
            }
            let style_pool_words = m_size.saturating_sub(styles_start) / 4;
            let end_span_ok = style_pool_words >= 3
                && (1..=3usize).all(|k| {
                    style_pool_words
                        .checked_sub(k)
                        .and_then(|w| w.checked_mul(4))
                        .and_then(|w| w.checked_add(styles_start))
                        .and_then(|o| u32_at(chunk, o))
                        == Some(0xFFFF_FFFF)
                });
            if !end_span_ok {
                return Err(PoolError::Bad("last style is not 0xFFFFFFFF-terminated"));
            }
        } else if styles_start != 0 {
            anomalies.push(format!(
                "axml-styles-start: styleCount is 0 but stylesStart is {styles_start} (ignored, as Android does)"
            ));
        }
        let pool = StringPool {
            chunk,
            header_size,
            count,
            utf8,
            strings_start,
            pool_size,
        };
        Ok((pool, anomalies))
    }

    /// How many offset slots repeat an earlier slot's offset (aapt never
    /// writes duplicates; Malfixer treats them as tampering). O(n log n).
    pub fn duplicate_offsets(&self) -> usize {
        if self.count < 2 {
            return 0;
        }
        let mut offs: Vec<u32> = (0..self.count).filter_map(|i| self.entry(i)).collect();
        offs.sort_unstable();
        offs.windows(2).filter(|w| w.first() == w.get(1)).count()
    }

    /// `stringCount` as declared.
    pub fn len(&self) -> u32 {
        self.count
    }

    /// True when the pool declares no strings.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// True for a UTF-8 pool.
    pub fn is_utf8(&self) -> bool {
        self.utf8
    }

    fn entry(&self, idx: u32) -> Option<u32> {
        let off = (idx as usize)
            .checked_mul(4)?
            .checked_add(self.header_size)?;
        u32_at(self.chunk, off)
    }

    /// String `idx`, decoded as AOSP `ResStringPool::stringAt` does; `None`
    /// when the index is out of range or the entry is malformed.
    pub fn get(&self, idx: u32) -> Option<String> {
        if idx >= self.count {
            return None;
        }
        let entry = self.entry(idx)? as usize;
        if self.utf8 {
            self.get_utf8(entry)
        } else {
            self.get_utf16(entry / 2)
        }
    }

    fn unit(&self, i: usize) -> Option<u16> {
        u16_at(
            self.chunk,
            i.checked_mul(2)?.checked_add(self.strings_start)?,
        )
    }

    fn byte(&self, i: usize) -> Option<u8> {
        u8_at(self.chunk, i.checked_add(self.strings_start)?)
    }

    fn get_utf16(&self, off: usize) -> Option<String> {
        if off >= self.pool_size.checked_sub(1)? {
            return None;
        }
        let mut p = off;
        let mut len = usize::from(self.unit(p)?);
        if len & 0x8000 != 0 {
            p = p.checked_add(1)?;
            len = ((len & 0x7FFF) << 16) | usize::from(self.unit(p)?);
        }
        p = p.checked_add(1)?;
        let end = p.checked_add(len)?;
        if end >= self.pool_size || self.unit(end)? != 0 {
            return None;
        }
        let start_b = p.checked_mul(2)?.checked_add(self.strings_start)?;
        let bytes = self
            .chunk
            .get(start_b..start_b.checked_add(len.checked_mul(2)?)?)?;
        let unit_at = |c: &[u8]| {
            u16::from_le_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        };
        // Fast path: ASCII-only strings (almost every manifest string).
        if bytes.chunks_exact(2).all(|c| unit_at(c) < 0x80) {
            let ascii: Vec<u8> = bytes
                .chunks_exact(2)
                .map(|c| c.first().copied().unwrap_or(0))
                .collect();
            return String::from_utf8(ascii).ok();
        }
        let mut out = String::with_capacity(len);
        out.extend(
            char::decode_utf16(bytes.chunks_exact(2).map(unit_at)).map(|r| r.unwrap_or('\u{FFFD}')),
        );
        Some(out)
    }

    fn get_utf8(&self, off: usize) -> Option<String> {
        if off >= self.pool_size.checked_sub(1)? {
            return None;
        }
        let mut p = off;
        let read_len = |p: &mut usize| -> Option<usize> {
            let mut len = usize::from(self.byte(*p)?);
            if len & 0x80 != 0 {
                *p = p.checked_add(1)?;
                len = ((len & 0x7F) << 8) | usize::from(self.byte(*p)?);
            }
            *p = p.checked_add(1)?;
            Some(len)
        };
        let u16len = read_len(&mut p)?;
        let enc_len = read_len(&mut p)?;
        if p.checked_add(enc_len)? >= self.pool_size {
            return None;
        }
        // stringDecodeAt: aapt truncated lengths > 0x7FFF; look for the NUL at
        // encLen, then at (i << 15) | encLen.
        let mut i = 0usize;
        let mut end = enc_len;
        let found = loop {
            if p.checked_add(end)? >= self.pool_size {
                break None;
            }
            if self.byte(p.checked_add(end)?)? == 0 {
                break Some(end);
            }
            i = i.checked_add(1)?;
            end = i.checked_shl(15)? | enc_len;
        }?;
        let start_b = p.checked_add(self.strings_start)?;
        let bytes = self.chunk.get(start_b..start_b.checked_add(found)?)?;
        let (units, s) = utf8_to_utf16_android(bytes)?;
        if units & 0x7FFF != u16len {
            return None;
        }
        Some(s)
    }
}

/// Why a string pool was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolError {
    /// `ResStringPool::setTo` returns BAD_TYPE.
    Bad(&'static str),
    /// `stringCount` is over `max_strings`.
    Limit(LimitError),
}

/// libutils `utf8_to_utf16_length` + `utf8_to_utf16`: lenient (continuation
/// bytes are not checked), returns the UTF-16 length and the text, or `None`
/// where Android returns -1 (a sequence runs past the end).
fn utf8_to_utf16_android(bytes: &[u8]) -> Option<(usize, String)> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        let units = s
            .chars()
            .map(char::len_utf16)
            .fold(0usize, usize::saturating_add);
        return Some((units, s.to_owned()));
    }
    let mut out: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut i = 0usize;
    while let Some(&lead) = bytes.get(i) {
        let n = (((0xe500_0000u32 >> ((lead >> 3) & 0x1e)) & 3) as usize).saturating_add(1);
        let seq = bytes.get(i..i.checked_add(n)?)?;
        let cp = match n {
            1 => u32::from(lead),
            _ => {
                let mask: u8 = match n {
                    2 => 0x1f,
                    3 => 0x0f,
                    _ => 0x07,
                };
                seq.iter().skip(1).fold(u32::from(lead & mask), |acc, b| {
                    (acc << 6) | u32::from(b & 0x3f)
                })
            }
        };
        if cp > 0xFFFF {
            let c = cp.wrapping_sub(0x10000);
            out.push(((c >> 10).wrapping_add(0xD800)) as u16);
            out.push(((c & 0x3FF).wrapping_add(0xDC00)) as u16);
        } else {
            out.push(cp as u16);
        }
        i = i.checked_add(n)?;
    }
    Some((out.len(), String::from_utf16_lossy(&out)))
}

/// Most anomalies kept per document; a flood of junk chunks must not turn
/// into a flood of strings.
pub const MAX_ANOMALIES: usize = 200;

/// Record an anomaly unless [`MAX_ANOMALIES`] were already recorded (then a
/// single `anomalies-capped` line says so); `f` is only called when kept.
pub(crate) fn note(list: &mut Vec<String>, f: impl FnOnce() -> String) {
    match list.len() {
        n if n < MAX_ANOMALIES => list.push(f()),
        n if n == MAX_ANOMALIES => {
            list.push("anomalies-capped: further anomalies not recorded".to_owned())
        }
        _ => {}
    }
}

/// Decode `Res_value` (`dataType`, `data`) into an [`AttrValue`].
/// `TYPE_DYNAMIC_REFERENCE` (0x07) reads as a reference, as
/// `ResXMLParser::getAttributeDataType` reports it.
pub(crate) fn typed_value(
    data_type: u8,
    data: u32,
    string: impl FnOnce(u32) -> String,
) -> AttrValue {
    match data_type {
        0x00 => AttrValue::Null,
        0x01 | 0x07 => AttrValue::Reference(data),
        0x02 => AttrValue::Attribute(data),
        0x03 => AttrValue::String(string(data)),
        0x04 => AttrValue::Float(f32::from_bits(data)),
        0x05 => AttrValue::Dimension(data),
        0x06 => AttrValue::Fraction(data),
        0x10 => AttrValue::IntDec(data as i32),
        0x11 => AttrValue::IntHex(data),
        0x12 => AttrValue::Bool(data != 0),
        0x1c..=0x1f => AttrValue::Color(data),
        _ => AttrValue::Other { data_type, data },
    }
}

/// Lazily decoded strings of the document's pool, memoised per index.
struct Strings<'a> {
    pool: StringPool<'a>,
    cache: Vec<Option<Option<Box<str>>>>,
}

impl Strings<'_> {
    /// String `idx`, or `None` (and the caller records an anomaly).
    fn get(&mut self, idx: u32) -> Option<&str> {
        let slot = self.cache.get_mut(idx as usize)?;
        if slot.is_none() {
            *slot = Some(self.pool.get(idx).map(String::into_boxed_str));
        }
        slot.as_ref().and_then(|s| s.as_deref())
    }
}

/// A validated pool with its anomalies, or where and why it was rejected.
type PoolResult<'a> = Result<(StringPool<'a>, Vec<String>), (usize, PoolError)>;

/// A node event produced by the `nextNode` walk.
#[derive(Debug, Clone, Copy)]
struct Node {
    header: ChunkHeader,
    ext: usize,
    line: u32,
}

enum Step {
    Node(Node),
    End,
    Bad(AxmlError),
}

struct Walker<'a> {
    data: &'a [u8],
    data_end: usize,
}

impl Walker<'_> {
    /// AOSP `validateNode`.
    fn validate_node(&self, h: &ChunkHeader) -> Result<(), AxmlError> {
        h.validate(NODE_HEADER_SIZE, self.data_end)
            .map_err(|w| h.bad(w))?;
        if h.chunk_type != RES_XML_START_ELEMENT_TYPE {
            return Ok(());
        }
        let hs = u32::from(h.header_size);
        if h.size < hs.saturating_add(ATTR_EXT_SIZE) {
            return Err(h.bad("START_ELEMENT too small for its attribute extension"));
        }
        let ext = h.offset.saturating_add(usize::from(h.header_size));
        let start = u16_at(self.data, ext.saturating_add(8)).ok_or(h.bad("truncated attrExt"))?;
        let asize = u16_at(self.data, ext.saturating_add(10)).ok_or(h.bad("truncated attrExt"))?;
        let acount = u16_at(self.data, ext.saturating_add(12)).ok_or(h.bad("truncated attrExt"))?;
        let used =
            u64::from(start).saturating_add(u64::from(asize).saturating_mul(u64::from(acount)));
        if used > u64::from(h.size.saturating_sub(hs)) {
            return Err(h.bad("node attributes extend past the node"));
        }
        Ok(())
    }

    /// AOSP `ResXMLParser::nextNode` starting after the chunk at `cur`.
    fn next(&self, cur: &ChunkHeader, anomalies: &mut Vec<String>) -> Step {
        let mut cur = *cur;
        loop {
            let Some(next) = cur.end() else {
                return Step::End;
            };
            if next >= self.data_end {
                return Step::End;
            }
            let Some(h) = ChunkHeader::read(self.data, next) else {
                return Step::Bad(AxmlError::Truncated {
                    offset: next as u64,
                    need: 8,
                });
            };
            if let Err(e) = self.validate_node(&h) {
                return Step::Bad(e);
            }
            let min_ext: u32 = match h.chunk_type {
                RES_XML_START_NAMESPACE_TYPE | RES_XML_END_NAMESPACE_TYPE => 8,
                RES_XML_START_ELEMENT_TYPE => ATTR_EXT_SIZE,
                RES_XML_END_ELEMENT_TYPE => 8,
                RES_XML_CDATA_TYPE => 12,
                t => {
                    note(anomalies, || {
                        format!(
                            "axml-unknown-node: chunk type 0x{t:04x} at byte {next} skipped (Android skips unknown XML nodes)"
                        )
                    });
                    cur = h;
                    continue;
                }
            };
            if h.size.saturating_sub(u32::from(h.header_size)) < min_ext {
                return Step::Bad(h.bad("node too small for its extension"));
            }
            let line = u32_at(self.data, next.saturating_add(8)).unwrap_or(0);
            let ext = next.saturating_add(usize::from(h.header_size));
            return Step::Node(Node {
                header: h,
                ext,
                line,
            });
        }
    }
}

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
                pool = Some(StringPool::parse(bytes, limits).map_err(|e| (pos, e)));
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
    let (pool, pool_anomalies) = match pool {
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
    let cache = vec![None; pool.len() as usize];
    let mut strings = Strings { pool, cache };
    let mut b = Builder {
        data,
        strings: &mut strings,
        resmap,
        anomalies,
        stack: Vec::new(),
        root: None,
        ns_depth: 0,
        attr_budget: (data_end / 8).max(1024),
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

struct Builder<'a, 's> {
    data: &'a [u8],
    strings: &'s mut Strings<'a>,
    resmap: (usize, usize),
    anomalies: Vec<String>,
    stack: Vec<XmlElement>,
    root: Option<XmlElement>,
    ns_depth: i64,
    attr_budget: usize,
    limits: &'s Limits,
}

impl Builder<'_, '_> {
    fn string(&mut self, idx: u32, what: &str, at: usize) -> String {
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

    fn opt_ns(&mut self, idx: u32, at: usize) -> Option<String> {
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

    fn res_id(&self, name_idx: u32) -> Option<u32> {
        let (start, n) = self.resmap;
        if (name_idx as usize) >= n {
            return None;
        }
        let off = (name_idx as usize).checked_mul(4)?.checked_add(start)?;
        u32_at(self.data, off)
    }

    fn event(&mut self, node: &Node) -> Result<(), AxmlError> {
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
                if depth >= self.limits.max_depth as usize {
                    return Err(AxmlError::Limit(LimitError::ElementsTooDeep {
                        depth: u32::try_from(depth.saturating_add(1)).unwrap_or(u32::MAX),
                        cap: self.limits.max_depth,
                    }));
                }
                let el = self.start_element(node)?;
                self.stack.push(el);
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

    fn start_element(&mut self, node: &Node) -> Result<XmlElement, AxmlError> {
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
        if attr_count > 0 && attr_size < usize::from(ATTRIBUTE_SIZE) {
            note(&mut self.anomalies, || {
                format!(
                    "axml-attr-size: element <{name}> at byte {at} has attributeSize {attr_size} (< 20): attributes overlap"
                )
            });
            if attr_size == 0 {
                attr_count = 1; // every attribute is the same record
            }
        }
        if attr_count > self.attr_budget {
            note(&mut self.anomalies, || {
                format!(
                    "axml-attr-budget: element <{name}> at byte {at} declares {attr_count} attributes; only {} decoded",
                    self.attr_budget
                )
            });
            attr_count = self.attr_budget;
        }
        self.attr_budget = self.attr_budget.saturating_sub(attr_count);
        let mut attributes = Vec::with_capacity(attr_count);
        for i in 0..attr_count {
            let Some(a) = i
                .checked_mul(attr_size)
                .and_then(|o| o.checked_add(attr_start))
                .and_then(|o| o.checked_add(ext))
            else {
                break;
            };
            let (Some(a_ns), Some(a_name), Some(raw), Some(dt), Some(d)) = (
                u32_at(self.data, a),
                u32_at(self.data, a.saturating_add(4)),
                u32_at(self.data, a.saturating_add(8)),
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
            let value = match dt {
                0x03 => {
                    let typed = self.string(d, "attribute value", a);
                    // Attributes without a resource ID are only read by name,
                    // through XmlBlock.Parser.getAttributeValue, which returns
                    // the rawValue string when there is one (e.g. `package`).
                    // Attributes with an ID go through obtainAttributes: typed.
                    let raw_text = if raw != u32::MAX && raw != d {
                        self.strings.get(raw).map(str::to_owned)
                    } else {
                        None
                    };
                    match raw_text {
                        Some(r) if r != typed => {
                            let used = if resource_id.is_none() {
                                "rawValue (read by name)"
                            } else {
                                "typed value (read by ID)"
                            };
                            note(&mut self.anomalies, || {
                                format!(
                                    "axml-raw-value-mismatch: attribute '{aname}' at byte {a}: rawValue {r:?} differs from typed string {typed:?}; Android uses the {used}"
                                )
                            });
                            if resource_id.is_none() {
                                AttrValue::String(r)
                            } else {
                                AttrValue::String(typed)
                            }
                        }
                        _ => AttrValue::String(typed),
                    }
                }
                _ => typed_value(dt, d, |_| String::new()),
            };
            self.check_identity(&name, ns.as_deref(), &aname, resource_id, a);
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

    /// A6: Android identifies framework attributes by resource ID only.
    fn check_identity(
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

    fn finish(mut self) -> Result<XmlDocument, AxmlError> {
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
        let root = self.root.ok_or(AxmlError::NoRootElement)?;
        Ok(XmlDocument {
            source: XmlSource::Binary,
            root,
            anomalies: self.anomalies,
        })
    }
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::arithmetic_side_effects
)]
mod tests {
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
        let err = parse(&encode(&root, &[], &EncodeOptions::default()), &tight).unwrap_err();
        assert_eq!(
            err,
            AxmlError::Limit(LimitError::ElementsTooDeep { depth: 4, cap: 3 })
        );
    }

    #[test]
    fn empty_name_attribute_identified_by_resource_id() {
        let mut vn = android_attr("versionName", s("1.2.3"));
        vn.name = String::new();
        let root = element("manifest", vec![vn]);
        let (bytes, layout) =
            encode_with_layout(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
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
        assert!(matches!(
            parse(&bytes, &tight),
            Err(AxmlError::Limit(LimitError::TooManyStrings { cap: 3, .. }))
        ));
        assert_eq!(
            parse(&bytes[..6], &lim()),
            Err(AxmlError::Truncated { offset: 0, need: 8 })
        );
        for cut in [8, 40, 100, bytes.len() - 1] {
            assert!(parse(&bytes[..cut], &lim()).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn utf8_length_mismatch_reads_as_placeholder() {
        // Android's stringAt rejects a UTF-8 string whose UTF-16 length byte
        // disagrees with its contents.
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
            AttrValue::String(String::new())
        );
        assert!(
            doc.anomalies
                .iter()
                .any(|a| a.starts_with("axml-string-index:"))
        );
    }

    #[test]
    fn android_lenient_utf8_decoding() {
        // CESU-8 surrogate pair (as some encoders write) decodes to one char.
        let (n, s) = utf8_to_utf16_android(&[0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]).unwrap();
        assert_eq!((n, s.as_str()), (2, "😀"));
        assert!(utf8_to_utf16_android(&[b'a', 0xE0, 0x80]).is_none());
    }
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::arithmetic_side_effects
)]
mod proptests {
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
            (inner.clone(), proptest::collection::vec(inner, 0..6)).prop_map(
                |(mut el, children)| {
                    el.children = children;
                    el
                },
            )
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
}

#[cfg(test)]
mod error_display {
    use super::*;

    #[test]
    fn every_error_names_what_and_where() {
        let cases = [
            (
                AxmlError::Truncated {
                    offset: 12,
                    need: 8,
                },
                "AXML truncated: need 8 bytes at byte 12",
            ),
            (
                AxmlError::BadChunk {
                    offset: 40,
                    chunk_type: 0x0102,
                    header_size: 14,
                    size: 36,
                    why: "header size too small",
                },
                "invalid AXML chunk at byte 40 (type 0x0102, headerSize 14, size 36): header size too small",
            ),
            (AxmlError::NoRootElement, "AXML has no root element"),
            (
                AxmlError::StringPool {
                    offset: 8,
                    why: "last string is not 0-terminated",
                },
                "invalid AXML string pool at byte 8: last string is not 0-terminated",
            ),
            (
                AxmlError::Limit(LimitError::ElementsTooDeep {
                    depth: 257,
                    cap: 256,
                }),
                "elements nested 257 deep, over the cap of 256 (max_depth)",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
        }
    }
}
