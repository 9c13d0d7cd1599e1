//! Code signature of a Mach-O slice: `LC_CODE_SIGNATURE` → SuperBlob →
//! entitlements (XML plist or DER) and the CodeDirectory's identifier and
//! team id.
//!
//! Distrusts every length, count and offset: the SuperBlob index, each blob
//! header and each DER length are checked against the enclosing bounds
//! before use. Entitlements are the keys of the ROOT dictionary only; values
//! keep their types (research/hostile-inputs.md M2, yara-x #512).
//!
//! Format facts (big-endian throughout): Apple `xnu/osfmk/kern/cs_blobs.h`
//! (`CSMAGIC_EMBEDDED_SIGNATURE` 0xfade0cc0, `CSMAGIC_CODEDIRECTORY`
//! 0xfade0c02, `CSMAGIC_EMBEDDED_ENTITLEMENTS` 0xfade7171,
//! `CSMAGIC_EMBEDDED_DER_ENTITLEMENTS` 0xfade7172, `CS_SUPPORTSTEAMID`
//! 0x20200) and the DER entitlements layout of libCoreEntitlements
//! (`[APPLICATION 16] { INTEGER version, [CONTEXT 16] dict }`, dict =
//! SEQUENCE of SEQUENCE { UTF8String key, value }).

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

use serde_json::{Map, Value as Json};

use crate::limits::Limits;

/// `CSMAGIC_EMBEDDED_SIGNATURE`.
pub const CSMAGIC_EMBEDDED_SIGNATURE: u32 = 0xfade_0cc0;
/// `CSMAGIC_CODEDIRECTORY`.
pub const CSMAGIC_CODEDIRECTORY: u32 = 0xfade_0c02;
/// `CSMAGIC_EMBEDDED_ENTITLEMENTS` (XML plist).
pub const CSMAGIC_EMBEDDED_ENTITLEMENTS: u32 = 0xfade_7171;
/// `CSMAGIC_EMBEDDED_DER_ENTITLEMENTS`.
pub const CSMAGIC_EMBEDDED_DER_ENTITLEMENTS: u32 = 0xfade_7172;

/// Deepest DER nesting followed.
const MAX_DER_DEPTH: u32 = 64;

/// Why a code signature could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodesignError {
    /// `LC_CODE_SIGNATURE` points outside its Mach-O slice.
    #[error(
        "LC_CODE_SIGNATURE dataoff {dataoff} + datasize {datasize} is past the end of the slice ({len} bytes)"
    )]
    OutOfSlice {
        /// `dataoff`: offset of the signature from the start of the slice.
        dataoff: u32,
        /// `datasize`: declared signature size in bytes.
        datasize: u32,
        /// Slice length in bytes.
        len: usize,
    },
    /// The data at `dataoff` is not a `CSMAGIC_EMBEDDED_SIGNATURE` SuperBlob.
    #[error(
        "code signature at offset {offset}: magic {found:#010x}, expected SuperBlob 0xfade0cc0"
    )]
    BadMagic {
        /// `dataoff`, from the start of the slice.
        offset: u32,
        /// The magic read there (big-endian).
        found: u32,
    },
    /// A header or the index is cut short.
    #[error(
        "SuperBlob is truncated: {what} at offset {offset} needs {need} bytes, {have} available"
    )]
    Truncated {
        /// What was being read, e.g. `SuperBlob index`.
        what: &'static str,
        /// Offset of the read, from the start of the SuperBlob.
        offset: usize,
        /// Bytes the read needs.
        need: usize,
        /// Bytes available from `offset`.
        have: usize,
    },
    /// A SuperBlob index entry (`CS_BlobIndex`) points past the SuperBlob.
    #[error(
        "SuperBlob index entry {index} (type {slot_type:#x}) points at offset {offset}, past the blob length {length}"
    )]
    IndexOutOfRange {
        /// 0-based position of the entry in the index.
        index: u32,
        /// The entry's slot `type` (e.g. 0 = CodeDirectory, 5 = entitlements).
        slot_type: u32,
        /// The entry's `offset`, from the start of the SuperBlob.
        offset: u32,
        /// SuperBlob length in bytes (bounded by `datasize`).
        length: usize,
    },
    /// A blob's declared `length` runs past the SuperBlob end.
    #[error(
        "blob at SuperBlob offset {offset} declares length {length}, past the SuperBlob end {end}"
    )]
    BlobLength {
        /// Offset of the blob, from the start of the SuperBlob.
        offset: usize,
        /// The blob's declared `length` in bytes (header included).
        length: u32,
        /// SuperBlob length in bytes.
        end: usize,
    },
    /// The XML entitlements blob is not a valid plist or its root is not a dictionary.
    #[error("entitlements plist: {message}")]
    Plist {
        /// The plist parser's message.
        message: String,
    },
    /// The DER entitlements blob is malformed.
    #[error("DER entitlements at byte {offset}: {message}")]
    Der {
        /// Byte offset of the bad element within the DER payload.
        offset: usize,
        /// What is wrong.
        message: String,
    },
}

/// What the code signature says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CodeSignature {
    /// Root-dict entitlements (XML blob preferred, else DER), `None` if the
    /// signature carries none.
    pub entitlements: Option<Map<String, Json>>,
    /// `xml`, `der` or `None`.
    pub entitlements_format: Option<&'static str>,
    /// The DER entitlements as read, when the signature has a DER blob
    /// (kept beside the XML ones so the two can be compared).
    pub der_entitlements: Option<Map<String, Json>>,
    /// CodeDirectory `identOffset` string (the signing identifier, usually the bundle id).
    pub identifier: Option<String>,
    /// CodeDirectory `teamOffset` string (version ≥ 0x20200).
    pub team_id: Option<String>,
}

fn be32(data: &[u8], off: usize, what: &'static str) -> Result<u32, CodesignError> {
    let end = off.checked_add(4);
    end.and_then(|e| data.get(off..e))
        .and_then(|b| b.try_into().ok())
        .map(u32::from_be_bytes)
        .ok_or(CodesignError::Truncated {
            what,
            offset: off,
            need: 4,
            have: data.len().saturating_sub(off),
        })
}

fn cstr(data: &[u8], off: usize) -> Option<String> {
    let tail = data.get(off..)?;
    let end = tail.iter().position(|b| *b == 0)?;
    std::str::from_utf8(tail.get(..end)?)
        .ok()
        .map(str::to_owned)
}

/// Entitlements of a slice whose `LC_CODE_SIGNATURE` is `dataoff`/`datasize`
/// (offsets relative to the slice). `Ok(None)` when there is no entitlements blob.
pub fn entitlements(
    macho_slice: &[u8],
    dataoff: u32,
    datasize: u32,
) -> Result<Option<Map<String, Json>>, CodesignError> {
    parse(macho_slice, dataoff, datasize, &Limits::default()).map(|s| s.entitlements)
}

/// Reads the whole SuperBlob: entitlements, identifier, team id.
pub fn parse(
    macho_slice: &[u8],
    dataoff: u32,
    datasize: u32,
    limits: &Limits,
) -> Result<CodeSignature, CodesignError> {
    let start = dataoff as usize;
    let blob = start
        .checked_add(datasize as usize)
        .and_then(|end| macho_slice.get(start..end))
        .ok_or(CodesignError::OutOfSlice {
            dataoff,
            datasize,
            len: macho_slice.len(),
        })?;
    let magic = be32(blob, 0, "SuperBlob magic")?;
    if magic != CSMAGIC_EMBEDDED_SIGNATURE {
        return Err(CodesignError::BadMagic {
            offset: dataoff,
            found: magic,
        });
    }
    let declared = be32(blob, 4, "SuperBlob length")? as usize;
    // The SuperBlob is bounded by both its own length and LC_CODE_SIGNATURE's datasize.
    let sb = blob.get(..declared.min(blob.len())).unwrap_or(blob);
    let count = be32(sb, 8, "SuperBlob count")?;
    let index_len = (count as usize)
        .checked_mul(8)
        .and_then(|n| n.checked_add(12));
    match index_len {
        Some(n) if n <= sb.len() => {}
        _ => {
            return Err(CodesignError::Truncated {
                what: "SuperBlob index",
                offset: 12,
                need: (count as usize).saturating_mul(8),
                have: sb.len().saturating_sub(12),
            });
        }
    }
    let mut out = CodeSignature::default();
    let mut der: Option<Map<String, Json>> = None;
    for i in 0..count {
        let at = 12usize.saturating_add((i as usize).saturating_mul(8));
        let slot_type = be32(sb, at, "index type")?;
        let offset = be32(sb, at.saturating_add(4), "index offset")?;
        let off = offset as usize;
        if off.checked_add(8).is_none_or(|e| e > sb.len()) {
            return Err(CodesignError::IndexOutOfRange {
                index: i,
                slot_type,
                offset,
                length: sb.len(),
            });
        }
        let bmagic = be32(sb, off, "blob magic")?;
        let blen = be32(sb, off.saturating_add(4), "blob length")?;
        let body = off
            .checked_add(blen as usize)
            .filter(|e| *e <= sb.len() && blen >= 8)
            .and_then(|e| sb.get(off..e))
            .ok_or(CodesignError::BlobLength {
                offset: off,
                length: blen,
                end: sb.len(),
            })?;
        let payload = body.get(8..).unwrap_or(&[]);
        match bmagic {
            CSMAGIC_EMBEDDED_ENTITLEMENTS if out.entitlements.is_none() => {
                let (root, _, _) =
                    crate::property_list::parse_dict(payload, limits).map_err(|e| {
                        CodesignError::Plist {
                            message: e.to_string(),
                        }
                    })?;
                out.entitlements = Some(plist_dict_to_json(&root));
                out.entitlements_format = Some("xml");
            }
            CSMAGIC_EMBEDDED_DER_ENTITLEMENTS if der.is_none() => {
                der = Some(parse_der_entitlements(payload)?);
            }
            CSMAGIC_CODEDIRECTORY if out.identifier.is_none() => {
                let version = be32(body, 8, "CodeDirectory version")?;
                let ident = be32(body, 20, "CodeDirectory identOffset")? as usize;
                out.identifier = cstr(body, ident);
                if version >= 0x20200 {
                    let team = be32(body, 48, "CodeDirectory teamOffset")? as usize;
                    if team != 0 {
                        out.team_id = cstr(body, team);
                    }
                }
            }
            _ => {}
        }
    }
    if out.entitlements.is_none()
        && let Some(d) = &der
    {
        out.entitlements = Some(d.clone());
        out.entitlements_format = Some("der");
    }
    out.der_entitlements = der;
    Ok(out)
}

/// Converts a plist dictionary into JSON, keeping value types (dates and
/// data become strings).
pub fn plist_dict_to_json(d: &plist::Dictionary) -> Map<String, Json> {
    d.iter()
        .map(|(k, v)| (k.clone(), plist_to_json(v)))
        .collect()
}

fn plist_to_json(v: &plist::Value) -> Json {
    use plist::Value as P;
    match v {
        P::Boolean(b) => Json::Bool(*b),
        P::String(s) => Json::String(s.clone()),
        P::Integer(i) => i
            .as_signed()
            .map(Json::from)
            .or_else(|| i.as_unsigned().map(Json::from))
            .unwrap_or(Json::Null),
        P::Real(r) => serde_json::Number::from_f64(*r).map_or(Json::Null, Json::Number),
        P::Array(a) => Json::Array(a.iter().map(plist_to_json).collect()),
        P::Dictionary(d) => Json::Object(plist_dict_to_json(d)),
        P::Data(b) => Json::String(b.iter().map(|x| format!("{x:02x}")).collect()),
        P::Date(d) => Json::String(d.to_xml_format()),
        P::Uid(u) => Json::from(u.get()),
        _ => Json::Null,
    }
}

/// One DER TLV: tag byte, content range.
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    /// Offset of the content within the whole DER payload.
    at: usize,
}

struct Der<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Der<'a> {
    fn err(&self, message: impl Into<String>) -> CodesignError {
        CodesignError::Der {
            offset: self.base.saturating_add(self.pos),
            message: message.into(),
        }
    }
    fn done(&self) -> bool {
        self.pos >= self.data.len()
    }
    fn next(&mut self) -> Result<Tlv<'a>, CodesignError> {
        let tag = *self
            .data
            .get(self.pos)
            .ok_or_else(|| self.err("missing tag"))?;
        if tag & 0x1f == 0x1f {
            return Err(self.err(format!(
                "high-tag-number form {tag:#x} is not used by entitlements"
            )));
        }
        let l0 = *self
            .data
            .get(self.pos.saturating_add(1))
            .ok_or_else(|| self.err("missing length"))?;
        let mut p = self.pos.saturating_add(2);
        let len = if l0 & 0x80 == 0 {
            l0 as usize
        } else {
            let n = (l0 & 0x7f) as usize;
            if n == 0 || n > 4 {
                return Err(self.err(format!("unsupported DER length form {l0:#x}")));
            }
            let bytes = p
                .checked_add(n)
                .and_then(|e| self.data.get(p..e))
                .ok_or_else(|| self.err("truncated length"))?;
            p = p.saturating_add(n);
            bytes.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize)
        };
        let content = p
            .checked_add(len)
            .and_then(|e| self.data.get(p..e))
            .ok_or_else(|| {
                self.err(format!(
                    "length {len} runs past the end ({} bytes left)",
                    self.data.len().saturating_sub(p)
                ))
            })?;
        let at = self.base.saturating_add(p);
        self.pos = p.saturating_add(len);
        Ok(Tlv { tag, content, at })
    }
}

fn der_of<'a>(t: &Tlv<'a>) -> Der<'a> {
    Der {
        data: t.content,
        pos: 0,
        base: t.at,
    }
}

// Tags as they appear on the wire: [APPLICATION 16] constructed = 0x70,
// [CONTEXT 16] constructed = 0xb0 (a dictionary in libCoreEntitlements'
// format); older signers (Xcode 12) wrote the dictionary as a SET (0x31).
const TAG_APP16: u8 = 0x70;
const TAG_CTX16: u8 = 0xb0;
const TAG_SET: u8 = 0x31;

/// Parses DER entitlements into root-dict keys → JSON values.
pub fn parse_der_entitlements(payload: &[u8]) -> Result<Map<String, Json>, CodesignError> {
    let mut top = Der {
        data: payload,
        pos: 0,
        base: 0,
    };
    let outer = top.next()?;
    match outer.tag {
        TAG_CTX16 | TAG_SET => der_dict(&outer, 0),
        TAG_APP16 => {
            let mut inner = der_of(&outer);
            while !inner.done() {
                let t = inner.next()?;
                if t.tag == TAG_CTX16 || t.tag == TAG_SET {
                    return der_dict(&t, 0);
                }
            }
            Ok(Map::new())
        }
        other => Err(CodesignError::Der {
            offset: 0,
            message: format!(
                "outer tag {other:#x}, expected [APPLICATION 16] (0x70) or a dictionary"
            ),
        }),
    }
}

fn der_dict(t: &Tlv<'_>, depth: u32) -> Result<Map<String, Json>, CodesignError> {
    let mut out = Map::new();
    let mut d = der_of(t);
    while !d.done() {
        let pair = d.next()?;
        if pair.tag != 0x30 {
            return Err(CodesignError::Der {
                offset: pair.at,
                message: format!("dict entry tag {:#x}, expected SEQUENCE", pair.tag),
            });
        }
        let mut p = der_of(&pair);
        let k = p.next()?;
        if k.tag != 0x0c {
            return Err(CodesignError::Der {
                offset: k.at,
                message: format!("dict key tag {:#x}, expected UTF8String", k.tag),
            });
        }
        let key = String::from_utf8_lossy(k.content).into_owned();
        let v = p.next()?;
        out.insert(key, der_value(&v, depth.saturating_add(1))?);
    }
    Ok(out)
}

fn der_value(t: &Tlv<'_>, depth: u32) -> Result<Json, CodesignError> {
    if depth > MAX_DER_DEPTH {
        return Err(CodesignError::Der {
            offset: t.at,
            message: format!("nesting deeper than {MAX_DER_DEPTH}"),
        });
    }
    Ok(match t.tag {
        0x01 => Json::Bool(t.content.iter().any(|b| *b != 0)),
        0x02 => {
            if t.content.is_empty() || t.content.len() > 8 {
                return Err(CodesignError::Der {
                    offset: t.at,
                    message: format!("INTEGER of {} bytes", t.content.len()),
                });
            }
            let neg = t.content.first().is_some_and(|b| b & 0x80 != 0);
            let v = t
                .content
                .iter()
                .fold(if neg { -1i64 } else { 0 }, |acc, b| {
                    (acc << 8) | i64::from(*b)
                });
            Json::from(v)
        }
        0x0c => Json::String(String::from_utf8_lossy(t.content).into_owned()),
        0x30 => {
            let mut items = Vec::new();
            let mut d = der_of(t);
            while !d.done() {
                items.push(der_value(&d.next()?, depth.saturating_add(1))?);
            }
            Json::Array(items)
        }
        TAG_CTX16 | TAG_SET => Json::Object(der_dict(t, depth)?),
        other => {
            return Err(CodesignError::Der {
                offset: t.at,
                message: format!("unsupported value tag {other:#x}"),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn superblob(blobs: &[(u32, u32, &[u8])]) -> Vec<u8> {
        let mut idx = Vec::new();
        let mut body = Vec::new();
        let hdr = 12 + 8 * blobs.len();
        for (slot, magic, payload) in blobs {
            idx.extend_from_slice(&slot.to_be_bytes());
            idx.extend_from_slice(&((hdr + body.len()) as u32).to_be_bytes());
            body.extend_from_slice(&magic.to_be_bytes());
            body.extend_from_slice(&((payload.len() + 8) as u32).to_be_bytes());
            body.extend_from_slice(payload);
        }
        let mut out = Vec::new();
        out.extend_from_slice(&CSMAGIC_EMBEDDED_SIGNATURE.to_be_bytes());
        out.extend_from_slice(&((hdr + body.len()) as u32).to_be_bytes());
        out.extend_from_slice(&(blobs.len() as u32).to_be_bytes());
        out.extend(idx);
        out.extend(body);
        out
    }

    #[test]
    fn xml_entitlements_root_keys_only_m2() {
        let xml = br#"<?xml version="1.0"?><plist version="1.0"><dict>
<key>a.b.array</key><array><string>read</string></array>
<key>a.b.dict</key><dict><key>type</key><string>x</string><key>value</key><string>y</string></dict>
<key>get-task-allow</key><true/></dict></plist>"#;
        let sb = superblob(&[(5, CSMAGIC_EMBEDDED_ENTITLEMENTS, xml)]);
        let e = entitlements(&sb, 0, sb.len() as u32).unwrap().unwrap();
        assert_eq!(
            e.keys().collect::<Vec<_>>(),
            vec!["a.b.array", "a.b.dict", "get-task-allow"]
        );
        assert_eq!(e["a.b.array"], serde_json::json!(["read"]));
        assert_eq!(e["a.b.dict"]["value"], "y");
        assert_eq!(e["get-task-allow"], true);
    }

    #[test]
    fn der_entitlements() {
        // [APP 16] { INTEGER 1, [CTX 16] { SEQ { "k", TRUE }, SEQ { "n", INTEGER 5 } } }
        let pair1 = [0x30, 0x06, 0x0c, 0x01, b'k', 0x01, 0x01, 0xff];
        let pair2 = [0x30, 0x06, 0x0c, 0x01, b'n', 0x02, 0x01, 0x05];
        let mut set = vec![0x31, (pair1.len() + pair2.len()) as u8];
        set.extend_from_slice(&pair1);
        set.extend_from_slice(&pair2);
        // Xcode 12 form: the dictionary as a bare SET.
        let old = parse_der_entitlements(&set).unwrap();
        assert_eq!(old["n"], 5);
        let mut dict = vec![0xb0, (pair1.len() + pair2.len()) as u8];
        dict.extend_from_slice(&pair1);
        dict.extend_from_slice(&pair2);
        let mut inner = vec![0x02, 0x01, 0x01];
        inner.extend(dict);
        let mut der = vec![0x70, inner.len() as u8];
        der.extend(inner);
        let m = parse_der_entitlements(&der).unwrap();
        assert_eq!(m["k"], true);
        assert_eq!(m["n"], 5);
        let sb = superblob(&[(7, CSMAGIC_EMBEDDED_DER_ENTITLEMENTS, &der)]);
        let s = parse(&sb, 0, sb.len() as u32, &Limits::default()).unwrap();
        assert_eq!(s.entitlements_format, Some("der"));
        // truncated DER length
        let mut bad = der.clone();
        bad[1] = 0x7f;
        assert!(matches!(
            parse_der_entitlements(&bad),
            Err(CodesignError::Der { .. })
        ));
    }

    #[test]
    fn index_past_length_is_an_error() {
        let mut sb = superblob(&[(5, CSMAGIC_EMBEDDED_ENTITLEMENTS, b"<plist><dict/></plist>")]);
        sb[16..20].copy_from_slice(&0x1000u32.to_be_bytes());
        let e = parse(&sb, 0, sb.len() as u32, &Limits::default()).unwrap_err();
        assert!(
            matches!(e, CodesignError::IndexOutOfRange { offset: 0x1000, .. }),
            "{e}"
        );
        assert!(matches!(
            entitlements(&sb, 8, 0xffff_fff0),
            Err(CodesignError::OutOfSlice { .. })
        ));
        let mut sb2 = superblob(&[]);
        sb2[8..12].copy_from_slice(&0x4000_0000u32.to_be_bytes());
        assert!(matches!(
            parse(&sb2, 0, sb2.len() as u32, &Limits::default()),
            Err(CodesignError::Truncated { .. })
        ));
    }
}
