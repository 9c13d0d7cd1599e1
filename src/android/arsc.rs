//! `resources.arsc` reader: enough of the resource table to resolve the
//! references a manifest carries (`android:versionName="@0x7f0c0011"`,
//! labels) to their value in the default configuration, as
//! `aapt dump badging` prints them (hostile-inputs.md A9).
//!
//! Every byte is distrusted: chunk sizes, entry counts, offsets and string
//! indices are bounds-checked; nothing is allocated from a count before the
//! count is checked against the bytes that hold it. The table is indexed
//! once (chunk offsets only) and values are decoded on demand.
//!
//! Format facts: AOSP `libs/androidfw/include/androidfw/ResourceTypes.h`
//! (`ResTable_header`, `ResTable_package`, `ResTable_typeSpec`,
//! `ResTable_type` with `FLAG_SPARSE`/`FLAG_OFFSET16`, `ResTable_entry` with
//! `FLAG_COMPLEX`/`FLAG_COMPACT`, `ResTable_config`) and `LoadedArsc.cpp`
//! (`VerifyResTableType`, `GetEntryOffset`). String pools use the same
//! `ResStringPool` rules as binary XML ([`crate::android::axml::StringPool`]).
//!
//! What "default" means: the entry in the configuration whose qualifiers are
//! all zero. aapt's badging prints it; Android's
//! `TypedArray.getNonConfigurationString` would instead give `null` when the
//! value varies by configuration (the typeSpec flags are non-zero), so
//! [`ResourceTable::type_spec_flags`] is exposed for the manifest layer to
//! decide.

#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects
)]

use crate::android::axml::{
    ChunkHeader, PoolError, RES_STRING_POOL_TYPE, RES_TABLE_TYPE, StringPool, note, typed_value,
    u16_at, u32_at,
};
use crate::android::xml::{AttrValue, ResourceResolver};
use crate::limits::{LimitError, Limits};

/// `RES_TABLE_PACKAGE_TYPE`.
pub const RES_TABLE_PACKAGE_TYPE: u16 = 0x0200;
/// `RES_TABLE_TYPE_TYPE`.
pub const RES_TABLE_TYPE_TYPE: u16 = 0x0201;
/// `RES_TABLE_TYPE_SPEC_TYPE`.
pub const RES_TABLE_TYPE_SPEC_TYPE: u16 = 0x0202;
/// `ResTable_type::FLAG_SPARSE`.
const FLAG_SPARSE: u8 = 0x01;
/// `ResTable_type::FLAG_OFFSET16`.
const FLAG_OFFSET16: u8 = 0x02;
/// `ResTable_entry::FLAG_COMPLEX` (a bag/map entry).
const ENTRY_FLAG_COMPLEX: u16 = 0x0001;
/// `ResTable_entry::FLAG_COMPACT`.
const ENTRY_FLAG_COMPACT: u16 = 0x0008;
/// `offsetof(ResTable_type, config)`.
const TYPE_CONFIG_OFFSET: usize = 20;
/// How many references `resolve` follows before giving up (cycles).
pub const MAX_REFERENCE_DEPTH: u32 = 16;

/// Why a resource table could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArscError {
    /// The data ends before a structure that must be read.
    #[error("resources.arsc truncated: need {need} bytes at byte {offset}")]
    Truncated {
        /// Byte offset of the read, from the start of `resources.arsc`.
        offset: u64,
        /// Bytes the read needs.
        need: u64,
    },
    /// The first chunk is not `RES_TABLE_TYPE` (`LoadedArsc::Load` rejects it).
    #[error(
        "resources.arsc starts with chunk type 0x{found:04x} at byte {offset}, expected 0x0002"
    )]
    NotATable {
        /// Byte offset of the first chunk (0).
        offset: u64,
        /// The chunk `type` found there.
        found: u16,
    },
    /// A chunk header fails `validate_chunk`.
    #[error(
        "invalid resources.arsc chunk at byte {offset} (type 0x{chunk_type:04x}, headerSize {header_size}, size {size}): {why}"
    )]
    BadChunk {
        /// Byte offset of the chunk, from the start of `resources.arsc`.
        offset: u64,
        /// `ResChunk_header.type`.
        chunk_type: u16,
        /// `ResChunk_header.headerSize` in bytes.
        header_size: u16,
        /// `ResChunk_header.size` in bytes (header included).
        size: u32,
        /// Which `validate_chunk` rule it breaks.
        why: &'static str,
    },
    /// The global string pool is missing or invalid.
    #[error("invalid resources.arsc string pool at byte {offset}: {why}")]
    StringPool {
        /// Byte offset of the string pool chunk, from the start of `resources.arsc`.
        offset: u64,
        /// What `ResStringPool::setTo` would reject.
        why: &'static str,
    },
    /// A configured cap was hit.
    #[error(transparent)]
    Limit(#[from] LimitError),
}

fn bad(h: &ChunkHeader, why: &'static str) -> ArscError {
    ArscError::BadChunk {
        offset: h.offset as u64,
        chunk_type: h.chunk_type,
        header_size: h.header_size,
        size: h.size,
        why,
    }
}

/// One `ResTable_type` chunk, located but not decoded.
#[derive(Debug, Clone)]
struct TypeChunk {
    type_id: u8,
    offset: usize,
    size: usize,
    header_size: usize,
    flags: u8,
    entry_count: u32,
    entries_start: usize,
    /// `ResTable_config` qualifier bytes are all zero.
    is_default: bool,
    /// Language/country/script/variant all zero.
    no_locale: bool,
    /// `ResTable_config` language and country bytes (`language[2]`, `country[2]`).
    locale: [u8; 4],
}

#[derive(Debug, Clone)]
struct Package {
    id: u8,
    name: String,
    types: Vec<TypeChunk>,
    /// (type id, offset of the flags array, entryCount)
    specs: Vec<(u8, usize, u32)>,
}

/// A parsed `resources.arsc`: owns a copy of the table bytes and an index of
/// its packages and type chunks.
#[derive(Debug, Clone)]
pub struct ResourceTable {
    data: Vec<u8>,
    /// Global value string pool chunk range.
    pool: (usize, usize),
    packages: Vec<Package>,
    max_strings: u64,
    /// Oddities seen while indexing (codes start with `arsc-`).
    pub anomalies: Vec<String>,
}

impl ResourceTable {
    /// Index a resource table. Fails when the outer header or the global
    /// string pool is invalid; malformed type chunks are skipped with an
    /// anomaly.
    pub fn parse(data: &[u8], limits: &Limits) -> Result<Self, ArscError> {
        let outer =
            ChunkHeader::read(data, 0).ok_or(ArscError::Truncated { offset: 0, need: 8 })?;
        if outer.chunk_type != RES_TABLE_TYPE {
            return Err(ArscError::NotATable {
                offset: 0,
                found: outer.chunk_type,
            });
        }
        outer.validate(12, data.len()).map_err(|w| bad(&outer, w))?;
        let end = outer.size as usize;
        let mut anomalies = Vec::new();
        if end < data.len() {
            note(&mut anomalies, || {
                format!(
                    "arsc-trailing-data: {} bytes after the table ignored",
                    data.len().saturating_sub(end)
                )
            });
        }
        let data = data.get(..end).unwrap_or_default();
        let mut pool: Option<(usize, usize)> = None;
        let mut packages = Vec::new();
        let mut pos = usize::from(outer.header_size);
        while pos.checked_add(8).is_some_and(|e| e <= end) {
            let h = ChunkHeader::read(data, pos).ok_or(ArscError::Truncated {
                offset: pos as u64,
                need: 8,
            })?;
            h.validate(8, end).map_err(|w| bad(&h, w))?;
            let chunk_end = pos.saturating_add(h.size as usize);
            match h.chunk_type {
                RES_STRING_POOL_TYPE if pool.is_none() => {
                    let bytes = data.get(pos..chunk_end).unwrap_or_default();
                    match StringPool::parse(bytes, limits) {
                        Ok(_) => pool = Some((pos, chunk_end)),
                        Err(PoolError::Bad(why)) => {
                            return Err(ArscError::StringPool {
                                offset: pos as u64,
                                why,
                            });
                        }
                        Err(PoolError::Limit(l)) => return Err(ArscError::Limit(l)),
                    }
                }
                RES_TABLE_PACKAGE_TYPE => packages.push(parse_package(data, &h, &mut anomalies)?),
                t => note(&mut anomalies, || {
                    format!("arsc-unknown-chunk: chunk type 0x{t:04x} at byte {pos} skipped")
                }),
            }
            pos = chunk_end;
        }
        let pool = pool.ok_or(ArscError::StringPool {
            offset: 0,
            why: "no global string pool",
        })?;
        Ok(ResourceTable {
            data: data.to_vec(),
            pool,
            packages,
            max_strings: limits.max_strings,
            anomalies,
        })
    }

    /// `(package id, package name)` of every package.
    pub fn packages(&self) -> Vec<(u8, String)> {
        self.packages
            .iter()
            .map(|p| (p.id, p.name.clone()))
            .collect()
    }

    fn global_pool(&self) -> Option<StringPool<'_>> {
        let bytes = self.data.get(self.pool.0..self.pool.1)?;
        let limits = Limits {
            max_strings: self.max_strings,
            ..Limits::default()
        };
        StringPool::parse(bytes, &limits).ok().map(|(p, _)| p)
    }

    /// The typeSpec flags of `id` (`ResTable_typeSpec` entry: the
    /// `CONFIG_*` bits its value varies by). Non-zero means
    /// `getNonConfigurationString` returns null on a device.
    pub fn type_spec_flags(&self, id: u32) -> Option<u32> {
        let (pkg, t, e) = split(id);
        let p = self.packages.iter().find(|p| p.id == pkg)?;
        let &(_, flags_at, count) = p.specs.iter().find(|(tid, _, _)| *tid == t)?;
        if u32::from(e) >= count {
            return None;
        }
        u32_at(
            &self.data,
            flags_at.checked_add(usize::from(e).checked_mul(4)?)?,
        )
    }

    /// How many configurations hold an entry for `id`.
    pub fn config_count(&self, id: u32) -> usize {
        let (pkg, t, e) = split(id);
        self.packages
            .iter()
            .filter(|p| p.id == pkg)
            .flat_map(|p| p.types.iter())
            .filter(|c| c.type_id == t && self.entry_offset(c, e).is_some())
            .count()
    }

    /// Every configuration's value of `id` whose entry is a plain value, as
    /// `(locale, value)`: locale is `""` for no locale qualifier, else `ll`
    /// or `ll-rCC` (BCP-47-like, as aapt names `application-label-<locale>`).
    /// Other qualifiers (density, SDK level...) are not described, so a
    /// locale can repeat. String values come from the global pool;
    /// references are returned as they are.
    pub fn config_values(&self, id: u32) -> Vec<(String, AttrValue)> {
        let (pkg, t, e) = split(id);
        let mut out = Vec::new();
        for c in self
            .packages
            .iter()
            .filter(|p| p.id == pkg)
            .flat_map(|p| p.types.iter())
            .filter(|c| c.type_id == t)
        {
            let Some(at) = self.entry_offset(c, e) else {
                continue;
            };
            let Some((dt, data)) = self.value_at(at) else {
                continue;
            };
            let mut bad_string = false;
            let v = typed_value(dt, data, |i| {
                self.global_pool()
                    .and_then(|p| p.get(i))
                    .unwrap_or_else(|| {
                        bad_string = true;
                        String::new()
                    })
            });
            if !bad_string {
                out.push((locale_tag(&c.locale), v));
            }
        }
        out
    }

    /// Offset (absolute) of entry `e` in type chunk `c`, if present.
    fn entry_offset(&self, c: &TypeChunk, e: u16) -> Option<usize> {
        let table = c.offset.checked_add(c.header_size)?;
        let rel = if c.flags & FLAG_SPARSE != 0 {
            // ResTable_sparseTypeEntry {u16 idx; u16 offset/4}, sorted by idx.
            let (mut lo, mut hi) = (0u32, c.entry_count);
            let mut found = None;
            while lo < hi {
                let mid = lo.checked_add(hi.checked_sub(lo)? / 2)?;
                let at = table.checked_add((mid as usize).checked_mul(4)?)?;
                let idx = u16_at(&self.data, at)?;
                match idx.cmp(&e) {
                    std::cmp::Ordering::Equal => {
                        found = Some(
                            usize::from(u16_at(&self.data, at.checked_add(2)?)?).checked_mul(4)?,
                        );
                        break;
                    }
                    std::cmp::Ordering::Less => lo = mid.checked_add(1)?,
                    std::cmp::Ordering::Greater => hi = mid,
                }
            }
            found?
        } else {
            if u32::from(e) >= c.entry_count {
                return None;
            }
            if c.flags & FLAG_OFFSET16 != 0 {
                let v = u16_at(
                    &self.data,
                    table.checked_add(usize::from(e).checked_mul(2)?)?,
                )?;
                if v == 0xFFFF {
                    return None;
                }
                usize::from(v).checked_mul(4)?
            } else {
                let v = u32_at(
                    &self.data,
                    table.checked_add(usize::from(e).checked_mul(4)?)?,
                )?;
                if v == u32::MAX {
                    return None;
                }
                v as usize
            }
        };
        let abs = c.offset.checked_add(c.entries_start)?.checked_add(rel)?;
        // The entry header (8 bytes) must lie inside the chunk and be aligned.
        if rel & 3 != 0 || abs.checked_add(8)? > c.offset.checked_add(c.size)? {
            return None;
        }
        Some(abs)
    }

    /// The raw `(dataType, data)` of `id` in the chosen configuration.
    fn raw_value(&self, id: u32) -> Option<(u8, u32)> {
        let (pkg, t, e) = split(id);
        if t == 0 {
            return None;
        }
        let p = self.packages.iter().find(|p| p.id == pkg)?;
        let chunks = || p.types.iter().filter(|c| c.type_id == t);
        let at = chunks()
            .filter(|c| c.is_default)
            .find_map(|c| self.entry_offset(c, e))
            .or_else(|| {
                chunks()
                    .filter(|c| c.no_locale)
                    .find_map(|c| self.entry_offset(c, e))
            })?;
        self.value_at(at)
    }

    /// `(dataType, data)` of the entry at `at`; `None` for a bag.
    fn value_at(&self, at: usize) -> Option<(u8, u32)> {
        let size = u16_at(&self.data, at)?;
        let flags = u16_at(&self.data, at.checked_add(2)?)?;
        if flags & ENTRY_FLAG_COMPACT != 0 {
            return Some(((flags >> 8) as u8, u32_at(&self.data, at.checked_add(4)?)?));
        }
        if flags & ENTRY_FLAG_COMPLEX != 0 {
            return None; // a bag (style, array, plural): no single value
        }
        let v = at.checked_add(usize::from(size))?;
        Some((
            *self.data.get(v.checked_add(3)?)?,
            u32_at(&self.data, v.checked_add(4)?)?,
        ))
    }
}

/// AOSP `unpackLanguageOrRegion`: two ASCII letters, or a packed 3-letter
/// code when the high bit of the first byte is set.
fn unpack(b: [u8; 2], base: u8) -> String {
    let [b0, b1] = b;
    if b0 == 0 {
        return String::new();
    }
    if b0 & 0x80 != 0 {
        let first = b1 & 0x1f;
        let second = ((b1 & 0xe0) >> 5) | ((b0 & 0x03) << 3);
        let third = (b0 & 0x7c) >> 2;
        return [first, second, third]
            .iter()
            .map(|c| char::from(base.wrapping_add(*c)))
            .collect();
    }
    [b0, b1].iter().map(|c| char::from(*c)).collect()
}

fn locale_tag(l: &[u8; 4]) -> String {
    let lang = unpack([l[0], l[1]], b'a');
    let region = unpack([l[2], l[3]], b'0');
    if region.is_empty() {
        lang
    } else {
        format!("{lang}-r{region}")
    }
}

fn split(id: u32) -> (u8, u8, u16) {
    ((id >> 24) as u8, (id >> 16) as u8, id as u16)
}

impl ResourceResolver for ResourceTable {
    /// The value of `id` in the default configuration (falling back to a
    /// configuration with no locale qualifiers), strings read from the
    /// global pool, references followed up to [`MAX_REFERENCE_DEPTH`].
    /// `None` when missing, a bag, `@null`, cyclic, or an undecodable string.
    fn resolve(&self, id: u32) -> Option<AttrValue> {
        let mut id = id;
        for _ in 0..MAX_REFERENCE_DEPTH {
            let (dt, data) = self.raw_value(id)?;
            let mut bad_string = false;
            let v = typed_value(dt, data, |i| {
                self.global_pool()
                    .and_then(|p| p.get(i))
                    .unwrap_or_else(|| {
                        bad_string = true;
                        String::new()
                    })
            });
            if bad_string {
                return None;
            }
            match v {
                AttrValue::Reference(0) => return None,
                AttrValue::Reference(next) => id = next,
                other => return Some(other),
            }
        }
        None
    }
}

fn parse_package(
    data: &[u8],
    h: &ChunkHeader,
    anomalies: &mut Vec<String>,
) -> Result<Package, ArscError> {
    let base = h.offset;
    let hs = usize::from(h.header_size);
    if hs < 284 {
        return Err(bad(h, "package header smaller than ResTable_package"));
    }
    let id = u32_at(data, base.saturating_add(8)).ok_or(bad(h, "truncated package header"))?;
    let name_bytes = data
        .get(base.saturating_add(12)..base.saturating_add(268))
        .unwrap_or_default();
    let units: Vec<u16> = name_bytes
        .chunks_exact(2)
        .map(|c| {
            u16::from_le_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        })
        .take_while(|u| *u != 0)
        .collect();
    let name = String::from_utf16_lossy(&units);
    let mut pkg = Package {
        id: id as u8,
        name,
        types: Vec::new(),
        specs: Vec::new(),
    };
    let end = base.saturating_add(h.size as usize);
    let mut pos = base.saturating_add(hs);
    while pos.checked_add(8).is_some_and(|e| e <= end) {
        let c = ChunkHeader::read(data, pos).ok_or(ArscError::Truncated {
            offset: pos as u64,
            need: 8,
        })?;
        if let Err(w) = c.validate(8, end) {
            note(anomalies, || {
                format!(
                    "arsc-bad-chunk: {} ; rest of package {} skipped",
                    bad(&c, w),
                    pkg.name
                )
            });
            break;
        }
        let cend = pos.saturating_add(c.size as usize);
        match c.chunk_type {
            RES_TABLE_TYPE_SPEC_TYPE => {
                let t = data.get(pos.saturating_add(8)).copied().unwrap_or(0);
                let count = u32_at(data, pos.saturating_add(12)).unwrap_or(0);
                let flags_at = pos.saturating_add(usize::from(c.header_size));
                let room = cend.saturating_sub(flags_at) / 4;
                if (count as usize) > room {
                    note(anomalies, || {
                        format!(
                            "arsc-bad-typespec: typeSpec at byte {pos} declares {count} entries, room for {room}"
                        )
                    });
                } else {
                    pkg.specs.push((t, flags_at, count));
                }
            }
            RES_TABLE_TYPE_TYPE => match parse_type(data, &c) {
                Ok(tc) => pkg.types.push(tc),
                Err(why) => note(anomalies, || {
                    format!("arsc-bad-type: type chunk at byte {pos}: {why}; skipped")
                }),
            },
            _ => {} // type/key pools, library, overlayable, staged aliases
        }
        pos = cend;
    }
    Ok(pkg)
}

/// `LoadedArsc` `VerifyResTableType`.
fn parse_type(data: &[u8], c: &ChunkHeader) -> Result<TypeChunk, &'static str> {
    let base = c.offset;
    let hs = usize::from(c.header_size);
    let type_id = *data.get(base.saturating_add(8)).ok_or("truncated")?;
    let flags = *data.get(base.saturating_add(9)).ok_or("truncated")?;
    let entry_count = u32_at(data, base.saturating_add(12)).ok_or("truncated")?;
    let entries_start = u32_at(data, base.saturating_add(16)).ok_or("truncated")? as usize;
    if type_id == 0 {
        return Err("type id 0");
    }
    let config_size =
        u32_at(data, base.saturating_add(TYPE_CONFIG_OFFSET)).ok_or("truncated config")? as usize;
    if TYPE_CONFIG_OFFSET.saturating_add(config_size) > hs || config_size < 4 {
        return Err("config does not fit the header");
    }
    let size = c.size as usize;
    let per = if flags & FLAG_SPARSE != 0 || flags & FLAG_OFFSET16 == 0 {
        4
    } else {
        2
    };
    let offsets_len = (entry_count as usize)
        .checked_mul(per)
        .ok_or("entry count overflows")?;
    if hs > entries_start || entries_start.saturating_sub(hs) < offsets_len {
        return Err("entry offsets overlap the entries");
    }
    if entries_start > size || entries_start & 3 != 0 {
        return Err("entriesStart past the chunk or unaligned");
    }
    let cfg = data
        .get(
            base.saturating_add(TYPE_CONFIG_OFFSET).saturating_add(4)
                ..base
                    .saturating_add(TYPE_CONFIG_OFFSET)
                    .saturating_add(config_size),
        )
        .unwrap_or_default();
    let is_default = cfg.iter().all(|b| *b == 0);
    // ResTable_config: language @8, country @10 (relative to config start),
    // localeScript @36..40, localeVariant @40..48.
    let rel = |r: std::ops::Range<usize>| {
        cfg.get(r.start.saturating_sub(4)..r.end.saturating_sub(4))
            .unwrap_or_default()
            .iter()
            .all(|b| *b == 0)
    };
    let no_locale = rel(8..12) && rel(36..48);
    let mut locale = [0u8; 4];
    for (i, b) in locale.iter_mut().enumerate() {
        *b = cfg.get(i.saturating_add(4)).copied().unwrap_or(0);
    }
    Ok(TypeChunk {
        locale,
        type_id,
        offset: base,
        size,
        header_size: hs,
        flags,
        entry_count,
        entries_start,
        is_default,
        no_locale,
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::testkit::axml::encode_arsc;

    #[test]
    fn resolves_default_string_and_ignores_locale_variant() {
        let data = encode_arsc(
            "com.mobilepass",
            0x7f,
            &[
                (0x7f0c_0011, "8.4.5", &[]),
                (
                    0x7f0c_0012,
                    "Label",
                    &[("fr", "Étiquette"), ("fr-rCA", "Étiquette CA")],
                ),
            ],
        );
        let t = ResourceTable::parse(&data, &Limits::default()).unwrap();
        assert_eq!(t.packages(), vec![(0x7f, "com.mobilepass".to_string())]);
        assert_eq!(
            t.resolve(0x7f0c_0011),
            Some(AttrValue::String("8.4.5".into()))
        );
        // aapt badging prints the default; Android's getNonConfigurationString
        // would give null because the value varies by locale.
        assert_eq!(
            t.resolve(0x7f0c_0012),
            Some(AttrValue::String("Label".into()))
        );
        assert_eq!(t.type_spec_flags(0x7f0c_0012), Some(0x0004));
        assert_eq!(t.type_spec_flags(0x7f0c_0011), Some(0));
        assert_eq!(t.config_count(0x7f0c_0012), 3);
        let s = |v: &str| AttrValue::String(v.into());
        assert_eq!(
            t.config_values(0x7f0c_0012),
            vec![
                ("".into(), s("Label")),
                ("fr".into(), s("Étiquette")),
                ("fr-rCA".into(), s("Étiquette CA"))
            ]
        );
        assert_eq!(t.config_values(0x7f0c_0011), vec![("".into(), s("8.4.5"))]);
        assert_eq!(t.resolve(0x7f0c_0013), None);
        assert_eq!(t.resolve(0x7f0d_0000), None);
        assert_eq!(t.resolve(0x0104_0000), None);
    }

    #[test]
    fn sparse_offset16_and_compact_entries_resolve() {
        use crate::testkit::axml::{ArscOptions, encode_arsc_with};
        let res: &[crate::testkit::axml::StringResource<'_>] = &[
            (0x7f0c_0000, "zero", &[]),
            (0x7f0c_0005, "five", &[("fr", "cinq")]),
            (0x7f0c_0009, "nine", &[]),
        ];
        for (sparse, offset16, compact) in [
            (true, false, false),
            (false, true, false),
            (false, false, true),
            (true, false, true),
        ] {
            let opts = ArscOptions {
                sparse,
                offset16,
                compact,
            };
            let t =
                ResourceTable::parse(&encode_arsc_with("p", 0x7f, res, &opts), &Limits::default())
                    .unwrap();
            assert!(t.anomalies.is_empty(), "{opts:?} {:?}", t.anomalies);
            for (id, v, _) in res {
                assert_eq!(
                    t.resolve(*id),
                    Some(AttrValue::String((*v).into())),
                    "{opts:?} 0x{id:08x}"
                );
            }
            assert_eq!(t.resolve(0x7f0c_0004), None, "{opts:?}");
            assert_eq!(t.resolve(0x7f0c_000a), None, "{opts:?}");
            assert_eq!(t.config_count(0x7f0c_0005), 2, "{opts:?}");
        }
    }

    #[test]
    fn reference_chains_are_followed_and_cycles_stop() {
        let base = encode_arsc(
            "p",
            0x7f,
            &[(0x7f01_0000, "x", &[]), (0x7f01_0001, "8.4.5", &[])],
        );
        // Res_value {size 8, res0 0, TYPE_STRING}: the first one is entry 0's.
        let at = base.windows(4).position(|w| w == [8, 0, 0, 0x03]).unwrap();
        let patch = |target: u32| {
            let mut d = base.clone();
            d[at + 3] = 0x01; // TYPE_REFERENCE
            d[at + 4..at + 8].copy_from_slice(&target.to_le_bytes());
            ResourceTable::parse(&d, &Limits::default()).unwrap()
        };
        // 0x7f010000 -> @0x7f010001 -> "8.4.5"
        assert_eq!(
            patch(0x7f01_0001).resolve(0x7f01_0000),
            Some(AttrValue::String("8.4.5".into()))
        );
        // A reference to itself: a cycle, given up after MAX_REFERENCE_DEPTH.
        assert_eq!(patch(0x7f01_0000).resolve(0x7f01_0000), None);
        // @null and a framework reference not in this table: missing.
        assert_eq!(patch(0).resolve(0x7f01_0000), None);
        assert_eq!(patch(0x0104_0000).resolve(0x7f01_0000), None);
    }

    #[test]
    fn hostile_tables_error_or_resolve_nothing_without_panic() {
        let data = encode_arsc(
            "p",
            0x7f,
            &[(0x7f01_0000, "x", &[]), (0x7f02_0003, "y", &[("de", "z")])],
        );
        assert!(matches!(
            ResourceTable::parse(&data[..4], &Limits::default()),
            Err(ArscError::Truncated { .. })
        ));
        assert!(matches!(
            ResourceTable::parse(&[1, 0, 8, 0, 8, 0, 0, 0], &Limits::default()),
            Err(ArscError::NotATable { found: 1, .. })
        ));
        for cut in (8..data.len()).step_by(7) {
            let mut d = data[..cut].to_vec();
            d[4..8].copy_from_slice(&(cut as u32).to_le_bytes());
            if let Ok(t) = ResourceTable::parse(&d, &Limits::default()) {
                let _ = t.resolve(0x7f01_0000);
                let _ = t.resolve(0x7f02_0003);
            }
        }
        for i in 0..data.len() {
            let mut d = data.clone();
            d[i] ^= 0xA5;
            if let Ok(t) = ResourceTable::parse(&d, &Limits::default()) {
                let _ = t.resolve(0x7f01_0000);
                let _ = t.type_spec_flags(0x7f02_0003);
            }
        }
    }
}
