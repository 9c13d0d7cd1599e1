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

mod chunk;
mod pool;
mod tree;

pub(crate) use chunk::ChunkHeader;
use chunk::*;
use pool::*;
pub use pool::{PoolError, StringNotes, StringPool};
pub use tree::{ATTRIBUTE_BYTES_CAP, MAX_ATTRIBUTE_BYTES, MAX_ELEMENT_ATTRIBUTE_BYTES, parse};

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

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::arithmetic_side_effects
)]
mod tests;

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::arithmetic_side_effects
)]
mod proptests;

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
