//! DEX reader: header, `string_ids`, `type_ids`, `class_defs` count and the
//! `map_list` bounds of one `classes*.dex`, enough to list class descriptors
//! for SDK detection without decoding code.
//!
//! Distrusts everything in the file: every `*_size × item size` is checked
//! against the file length before a table is sliced, string offsets and
//! ULEB128 lengths are bounds-checked, and strings are returned as zero-copy
//! MUTF-8 byte slices (no per-string allocation, no `Vec<String>` of a pool).
//!
//! Format facts: AOSP "Dalvik Executable format"
//! (source.android.com/docs/core/runtime/dex-format), ART
//! `libdexfile/dex/standard_dex_file.cc` (`kDexMagicVersions` = 035, 037,
//! 038, 039, 040, 041; "Dex version 036 skipped because of an old dalvik
//! bug") and `dex_file_loader.cc`. Hostile-input case D2
//! (`../shared/research/hostile-inputs.md`): 036 is parsed but flagged.

use crate::limits::Limits;
use crate::model::DexSummary;

/// Size of the DEX header (`header_item`) of versions 035–040.
pub const HEADER_SIZE: usize = 0x70;
/// Size of a v041 header (`HeaderV41`: `container_size` at 0x70,
/// `header_offset` at 0x74; ART `libdexfile/dex/dex_file.h`).
pub const HEADER_SIZE_V41: usize = 0x78;
/// `endian_tag` of a little-endian file.
pub const ENDIAN_CONSTANT: u32 = 0x1234_5678;
/// `endian_tag` of a byte-swapped file (not produced by any Android tool).
pub const REVERSE_ENDIAN_CONSTANT: u32 = 0x7856_3412;
/// `NO_INDEX` in `class_def_item` fields.
pub const NO_INDEX: u32 = 0xffff_ffff;

/// Versions ART loads.
const ART_VERSIONS: [&[u8; 3]; 6] = [b"035", b"037", b"038", b"039", b"040", b"041"];

/// Why a DEX file could not be read. Offsets are byte offsets in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DexError {
    /// Shorter than the header.
    #[error("file is {len} bytes, shorter than the 0x70-byte DEX header")]
    TooShort {
        /// File length in bytes.
        len: usize,
    },
    /// Not `dex\n`.
    #[error("not a DEX file: magic bytes {found:02x?} (expected \"dex\\n\")")]
    BadMagic {
        /// The magic bytes read: the first 8 (the first 4 when the file is shorter than the header).
        found: Vec<u8>,
    },
    /// Magic version ART does not know.
    #[error("unknown DEX version {version:?} in magic (known: 035–041)")]
    UnknownVersion {
        /// The three version characters of the magic, lossily decoded (e.g. `099`).
        version: String,
    },
    /// Byte-swapped file.
    #[error(
        "endian_tag 0x{tag:08x} at offset 0x28: only little-endian DEX (0x12345678) is supported"
    )]
    BadEndian {
        /// The `endian_tag` read little-endian (`0x78563412` for a byte-swapped file).
        tag: u32,
    },
    /// `count × item_size` at `offset` runs past the file.
    #[error(
        "{table} table at offset 0x{offset:x} with {count} items of {item_size} bytes runs past the end of the {file_len}-byte file"
    )]
    TableOutOfBounds {
        /// Table name, e.g. `string_ids`, `type_ids`, `class_defs`.
        table: &'static str,
        /// The header's `*_off` for the table, from the start of the file.
        offset: u32,
        /// The header's `*_size` for the table (item count).
        count: u32,
        /// Bytes per item (4 for `string_ids`, 32 for `class_defs`...).
        item_size: u32,
        /// File length in bytes.
        file_len: usize,
    },
    /// Over `Limits::max_strings`.
    #[error("string_ids_size {count} is over the cap of {cap} strings (max_strings)")]
    TooManyStrings {
        /// `string_ids_size` from the header.
        count: u32,
        /// `Limits::max_strings`.
        cap: u64,
    },
    /// An index past its table.
    #[error("{table} index {index} is out of range (size {size})")]
    BadIndex {
        /// Table the index points into, e.g. `string_ids`.
        table: &'static str,
        /// The out-of-range index.
        index: u32,
        /// Number of items in that table.
        size: u32,
    },
    /// A `string_data_item` that cannot be read.
    #[error("string_data_item {index} at offset 0x{offset:x}: {what}")]
    BadStringData {
        /// Index into `string_ids`.
        index: u32,
        /// `string_data_off` of the item, from the start of the file.
        offset: u32,
        /// What is wrong (bad ULEB128 length, no NUL terminator...).
        what: &'static str,
    },
}

/// A parsed DEX file borrowing the input bytes.
#[derive(Debug, Clone)]
pub struct DexFile<'a> {
    data: &'a [u8],
    /// Where this logical file's header starts in `data` (non-zero only
    /// for the later sections of a v041 container).
    header_offset: usize,
    /// `file_size` from the header (v041: the logical file's size).
    file_size: u32,
    /// v041 `container_size`; `None` for older versions.
    container_size: Option<u32>,
    /// `(stored, computed)` when the Adler-32 `checksum` does not match.
    checksum_mismatch: Option<(u32, u32)>,
    version: [u8; 3],
    string_ids: &'a [u8],
    type_ids: &'a [u8],
    class_defs: &'a [u8],
    string_ids_size: u32,
    type_ids_size: u32,
    class_defs_size: u32,
    anomalies: Vec<String>,
}

pub(crate) fn u32_at(data: &[u8], off: usize) -> Option<u32> {
    let end = off.checked_add(4)?;
    let b = data.get(off..end)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Slice `count × item_size` bytes at `offset`, or `TableOutOfBounds`.
pub(crate) fn table<'a>(
    data: &'a [u8],
    name: &'static str,
    offset: u32,
    count: u32,
    item_size: u32,
) -> Result<&'a [u8], DexError> {
    let err = || DexError::TableOutOfBounds {
        table: name,
        offset,
        count,
        item_size,
        file_len: data.len(),
    };
    if count == 0 {
        return Ok(&[]);
    }
    let len = u64::from(count)
        .checked_mul(u64::from(item_size))
        .ok_or_else(err)?;
    let end = u64::from(offset).checked_add(len).ok_or_else(err)?;
    if end > data.len() as u64 {
        return Err(err());
    }
    data.get(offset as usize..end as usize).ok_or_else(err)
}

/// Adler-32 of `data` (the DEX `checksum` covers bytes 12..).
pub fn adler32(data: &[u8]) -> u32 {
    const MOD: u64 = 65_521;
    // zlib's NMAX: the most bytes summed before reducing (a multiple of 16).
    const NMAX: usize = 5552;
    // Sixteen independent lanes (they vectorise): for lane i over blocks
    // k = 0..K, s_i = Σ_k x_ki and p_i = Σ_k (s_i after block k). The
    // byte-serial sums are then a += Σ s_i and
    // b += 16K·a + 16·Σ p_i − Σ i·s_i (RFC 1950 §8.2 regrouped).
    let (mut a, mut b) = (1u64, 0u64);
    for chunk in data.chunks(NMAX) {
        let mut s = [0u32; 16];
        let mut p = [0u32; 16];
        let mut blocks = chunk.chunks_exact(16);
        let mut n = 0u64;
        for block in &mut blocks {
            for ((s, p), &x) in s.iter_mut().zip(p.iter_mut()).zip(block) {
                *s += u32::from(x);
                *p += *s;
            }
            n += 16;
        }
        let sum_s: u64 = s.iter().map(|&v| u64::from(v)).sum();
        let sum_p: u64 = p.iter().map(|&v| u64::from(v)).sum();
        let lane_weighted: u64 = (0u64..).zip(s).map(|(i, v)| i * u64::from(v)).sum();
        b += n * a + 16 * sum_p - lane_weighted;
        a += sum_s;
        for &x in blocks.remainder() {
            a += u64::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    ((b << 16) | a) as u32
}

/// Read a ULEB128 (at most 5 bytes, as in DEX) at `off`; returns value and length.
pub(crate) fn uleb128(data: &[u8], off: usize) -> Option<(u32, usize)> {
    let mut result: u32 = 0;
    for i in 0..5 {
        let byte = *data.get(off.checked_add(i)?)?;
        result |= u32::from(byte & 0x7f).checked_shl(7 * i as u32)?;
        if byte & 0x80 == 0 {
            return Some((result, i + 1));
        }
    }
    None
}

/// Parse the header and table bounds of a DEX file.
///
/// Errors: not a DEX, unknown magic version, big-endian, a table
/// (`string_ids`, `type_ids`, `class_defs`) past the end of the file, or more
/// strings than `limits.max_strings`. Oddities that ART would reject but that
/// do not stop reading (version 036, bad checksum, `file_size` mismatch, a
/// `map_list` out of bounds) are recorded in [`DexFile::anomalies`].
pub fn parse<'a>(data: &'a [u8], limits: &Limits) -> Result<DexFile<'a>, DexError> {
    parse_section(data, 0, limits)
}

/// Parse the logical DEX whose header starts at `at` in `data`.
///
/// For v041 (Android 15's container format; AOSP dex-format "Container
/// format") every offset is relative to the start of the container
/// (`data`), `file_size` is this logical file's size and the `checksum`
/// covers `data[at + 12 .. at + file_size]`. A pre-041 header at `at` is a
/// file of its own from `at` on. Errors as [`parse`]; a v041
/// `header_offset` other than `at`, a `container_size` other than the
/// container's length or a `file_size` past it are anomalies (ART's
/// `dex_file_verifier` rejects them).
pub fn parse_section<'a>(
    data: &'a [u8],
    at: usize,
    limits: &Limits,
) -> Result<DexFile<'a>, DexError> {
    let container = data;
    let Some(rest) = data.get(at..) else {
        return Err(DexError::TooShort { len: 0 });
    };
    let v041 = rest.get(4..8) == Some(b"041\0");
    // Offsets of a v041 section are container-relative; older versions are
    // files of their own.
    let (data, at) = if v041 { (container, at) } else { (rest, 0) };
    let rest = data.get(at..).unwrap_or_default();
    if rest.len() < HEADER_SIZE {
        if rest.len() >= 4 && rest.get(..4) != Some(b"dex\n") {
            return Err(DexError::BadMagic {
                found: rest.get(..4).unwrap_or_default().to_vec(),
            });
        }
        return Err(DexError::TooShort { len: rest.len() });
    }
    let magic = rest
        .get(..8)
        .ok_or(DexError::TooShort { len: rest.len() })?;
    if &magic[..4] != b"dex\n" || magic[7] != 0 {
        return Err(DexError::BadMagic {
            found: magic.to_vec(),
        });
    }
    let version = [magic[4], magic[5], magic[6]];
    let mut anomalies = Vec::new();
    if &version == b"036" {
        anomalies.push(
            "DEX version 036 is not loadable on ART (skipped by ART because of an old Dalvik bug)"
                .to_string(),
        );
    } else if !ART_VERSIONS.contains(&&version) {
        return Err(DexError::UnknownVersion {
            version: String::from_utf8_lossy(&version).into_owned(),
        });
    }
    let h = |off: usize| u32_at(rest, off).unwrap_or(0);
    let endian = h(0x28);
    if endian != ENDIAN_CONSTANT {
        return Err(DexError::BadEndian { tag: endian });
    }
    let checksum = h(0x08);
    let file_size = h(0x20);
    let header_size = h(0x24);
    let map_off = h(0x34);
    let (string_ids_size, string_ids_off) = (h(0x38), h(0x3c));
    let (type_ids_size, type_ids_off) = (h(0x40), h(0x44));
    let (class_defs_size, class_defs_off) = (h(0x60), h(0x64));

    if u64::from(string_ids_size) > limits.max_strings {
        return Err(DexError::TooManyStrings {
            count: string_ids_size,
            cap: limits.max_strings,
        });
    }
    let string_ids = table(data, "string_ids", string_ids_off, string_ids_size, 4)?;
    let type_ids = table(data, "type_ids", type_ids_off, type_ids_size, 4)?;
    let class_defs = table(data, "class_defs", class_defs_off, class_defs_size, 32)?;

    let mut container_size = None;
    if v041 {
        let (claimed, offset) = (h(0x70), h(0x74));
        container_size = Some(claimed);
        if (header_size as usize) < HEADER_SIZE_V41 {
            anomalies.push(format!(
                "v041 header_size 0x{header_size:x} is smaller than 0x78 (no container_size/header_offset)"
            ));
        } else {
            if offset as usize != at {
                anomalies.push(format!(
                    "v041 header_offset 0x{offset:x} differs from the header's position 0x{at:x} in the container"
                ));
            }
            if claimed as usize != data.len() {
                anomalies.push(format!(
                    "v041 container_size {claimed} differs from the {} bytes of the container",
                    data.len()
                ));
            }
        }
        if (file_size as usize) < HEADER_SIZE || (file_size as usize) > rest.len() {
            anomalies.push(format!(
                "v041 file_size {file_size} at container offset 0x{at:x} does not fit the {}-byte container",
                data.len()
            ));
        }
    } else if file_size as usize != data.len() {
        anomalies.push(format!(
            "header file_size {file_size} differs from the {} bytes read",
            data.len()
        ));
    }
    if (header_size as usize) < HEADER_SIZE {
        anomalies.push(format!(
            "header_size 0x{header_size:x} is smaller than 0x70"
        ));
    }
    // `DexFile::CalculateChecksum`: Adler-32 of the logical file from the
    // byte after `checksum` (offset 12) to its end.
    let end = if v041 {
        (file_size as usize).clamp(12, rest.len())
    } else {
        rest.len()
    };
    let computed = adler32(rest.get(12..end).unwrap_or_default());
    let checksum_mismatch = (computed != checksum).then_some((checksum, computed));
    if computed != checksum {
        anomalies.push(format!(
            "checksum 0x{checksum:08x} does not match the Adler-32 0x{computed:08x} of the file"
        ));
    }
    match u32_at(data, map_off as usize) {
        None => anomalies.push(format!("map_off 0x{map_off:x} is outside the file")),
        Some(n) => {
            if table(data, "map_list", map_off.saturating_add(4), n, 12).is_err() {
                anomalies.push(format!(
                    "map_list at 0x{map_off:x} with {n} items runs past the end of the file"
                ));
            }
        }
    }
    Ok(DexFile {
        data,
        header_offset: at,
        file_size,
        container_size,
        checksum_mismatch,
        version,
        string_ids,
        type_ids,
        class_defs,
        string_ids_size,
        type_ids_size,
        class_defs_size,
        anomalies,
    })
}

impl<'a> DexFile<'a> {
    /// Header facts: version and table counts.
    pub fn summary(&self) -> DexSummary {
        DexSummary {
            version: String::from_utf8_lossy(&self.version).into_owned(),
            classes: self.class_defs_size,
            types: self.type_ids_size,
            strings: self.string_ids_size,
            sections: 1,
        }
    }

    /// `(stored, computed)` when the header's Adler-32 `checksum` does not
    /// match the file. ART opens app DEX files with `verify_checksum` set
    /// (`oat_file_manager.cc` `kVerifyChecksum = true`, dex2oat likewise) and
    /// `dex_file_verifier` then refuses the file: "Bad checksum".
    pub fn checksum_mismatch(&self) -> Option<(u32, u32)> {
        self.checksum_mismatch
    }

    /// Offset of this logical file's header in the container (0 unless a later v041 section).
    pub fn header_offset(&self) -> usize {
        self.header_offset
    }

    /// Whether no logical DEX follows this one: always for versions before
    /// 041; for v041 when this file reaches the container's end
    /// (`DexFile::IsDexContainerLastEntry`), or its `file_size` cannot lead
    /// to a next header.
    pub fn is_container_last(&self) -> bool {
        let Some(claimed) = self.container_size else {
            return true;
        };
        let end = self.header_offset.saturating_add(self.file_size as usize);
        (self.file_size as usize) < HEADER_SIZE_V41
            || end >= (claimed as usize).min(self.data.len())
    }

    /// Magic version bytes, e.g. `b"035"`.
    pub fn version(&self) -> &[u8; 3] {
        &self.version
    }

    /// `false` for version 036, which ART refuses.
    pub fn loadable_on_art(&self) -> bool {
        &self.version != b"036"
    }

    /// The whole file, as passed to [`parse`].
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Number of `class_def_item`s (`class_defs_size`).
    pub fn class_defs_size(&self) -> u32 {
        self.class_defs_size
    }

    /// The 32 raw bytes of `class_def_item` `index` (`None` past the table).
    pub fn class_def_bytes(&self, index: u32) -> Option<&'a [u8]> {
        let off = (index as usize).checked_mul(32)?;
        self.class_defs.get(off..off.checked_add(32)?)
    }

    /// Oddities found while parsing that did not stop it (human-readable).
    pub fn anomalies(&self) -> &[String] {
        &self.anomalies
    }

    /// The MUTF-8 bytes of string `index` (without the ULEB128 length and
    /// the terminating NUL), borrowed from the file.
    pub fn string(&self, index: u32) -> Result<&'a [u8], DexError> {
        let data = self.data;
        let item_off = (index as usize).checked_mul(4).ok_or(DexError::BadIndex {
            table: "string_ids",
            index,
            size: self.string_ids_size,
        })?;
        let off = u32_at(self.string_ids, item_off).ok_or(DexError::BadIndex {
            table: "string_ids",
            index,
            size: self.string_ids_size,
        })?;
        let bad = |what| DexError::BadStringData {
            index,
            offset: off,
            what,
        };
        let (_utf16_len, n) = uleb128(data, off as usize)
            .ok_or_else(|| bad("bad or truncated ULEB128 utf16_size"))?;
        let start = (off as usize)
            .checked_add(n)
            .ok_or_else(|| bad("offset overflow"))?;
        let rest = data
            .get(start..)
            .ok_or_else(|| bad("offset past the end of the file"))?;
        let len = memchr::memchr(0, rest)
            .ok_or_else(|| bad("no terminating NUL before the end of the file"))?;
        rest.get(..len)
            .ok_or_else(|| bad("offset past the end of the file"))
    }

    /// Descriptor of type `index` (`type_ids[index].descriptor_idx`).
    pub fn type_descriptor(&self, index: u32) -> Result<&'a [u8], DexError> {
        let item_off = (index as usize).checked_mul(4).ok_or(DexError::BadIndex {
            table: "type_ids",
            index,
            size: self.type_ids_size,
        })?;
        let sidx = u32_at(self.type_ids, item_off).ok_or(DexError::BadIndex {
            table: "type_ids",
            index,
            size: self.type_ids_size,
        })?;
        self.string(sidx)
    }

    /// Every `type_ids` descriptor in order, e.g. `b"Lcom/foo/Bar;"`, `b"[I"`.
    /// Zero-copy: each item borrows the file. A bad entry yields an `Err`
    /// and iteration continues with the next.
    pub fn type_descriptors(&self) -> impl Iterator<Item = Result<&'a [u8], DexError>> + '_ {
        (0..self.type_ids_size).map(move |i| self.type_descriptor(i))
    }

    /// Descriptors of the types that have a `class_def` (classes defined in
    /// this file), in `class_defs` order.
    pub fn class_descriptors(&self) -> impl Iterator<Item = Result<&'a [u8], DexError>> + '_ {
        (0..self.class_defs_size).map(move |i| {
            let off = (i as usize).saturating_mul(32);
            let class_idx = u32_at(self.class_defs, off).ok_or(DexError::BadIndex {
                table: "class_defs",
                index: i,
                size: self.class_defs_size,
            })?;
            self.type_descriptor(class_idx)
        })
    }
}

/// Every logical DEX of `data`, as ART's `DexFileLoader` opens them: the
/// file at offset 0, then, while a v041 header is not the container's last
/// entry, the next one at `header_offset + file_size`. Yields an `Err` for
/// a section that cannot be parsed and stops there. Each section is at
/// least 0x78 bytes, so there are at most `data.len() / 0x78` of them.
pub fn sections<'a, 'l>(data: &'a [u8], limits: &'l Limits) -> Sections<'a, 'l> {
    Sections {
        data,
        limits,
        next: Some(0),
    }
}

/// Iterator returned by [`sections`].
#[derive(Debug)]
pub struct Sections<'a, 'l> {
    data: &'a [u8],
    limits: &'l Limits,
    next: Option<usize>,
}

impl<'a> Iterator for Sections<'a, '_> {
    type Item = Result<DexFile<'a>, DexError>;

    fn next(&mut self) -> Option<Self::Item> {
        let at = self.next.take()?;
        match parse_section(self.data, at, self.limits) {
            Err(e) => Some(Err(e)),
            Ok(f) => {
                if !f.is_container_last() {
                    self.next = Some(at + f.file_size as usize);
                }
                Some(Ok(f))
            }
        }
    }
}

pub use crate::jvm::{descriptor_to_dotted, mutf8_to_string};

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-serial definition (RFC 1950 §8.2), for comparison.
    fn adler32_reference(data: &[u8]) -> u32 {
        let (mut a, mut b) = (1u64, 0u64);
        for &x in data {
            a = (a + u64::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        ((b << 16) | a) as u32
    }

    #[test]
    fn adler32_equals_the_definition() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
        // all-0xFF is zlib's NMAX worst case; odd lengths leave remainders
        for len in [1, 15, 16, 17, 5551, 5552, 5553, 5552 * 3 + 7, 100_003] {
            let ones = vec![0xFFu8; len];
            assert_eq!(adler32(&ones), adler32_reference(&ones), "0xFF × {len}");
            let mixed: Vec<u8> = (0..len).map(|i| (i * 7 + i / 13) as u8).collect();
            assert_eq!(adler32(&mixed), adler32_reference(&mixed), "mixed × {len}");
        }
    }
    use crate::testkit::dex::build;

    #[test]
    fn reads_built_dex_tables() {
        let bytes = build(&["Lcom/foo/Bar;", "Lcom/foo/baz/Qux;"]);
        let dex = parse(&bytes, &Limits::default()).unwrap();
        assert!(dex.anomalies().is_empty(), "{:?}", dex.anomalies());
        let s = dex.summary();
        assert_eq!(s.version, "035");
        assert_eq!(s.classes, 2);
        assert_eq!(s.types, 3); // + Ljava/lang/Object;
        assert_eq!(s.strings, 3);
        let classes: Vec<&[u8]> = dex.class_descriptors().map(|r| r.unwrap()).collect();
        assert_eq!(classes, vec![&b"Lcom/foo/Bar;"[..], b"Lcom/foo/baz/Qux;"]);
        let types: Vec<&[u8]> = dex.type_descriptors().map(|r| r.unwrap()).collect();
        assert!(types.contains(&&b"Ljava/lang/Object;"[..]));
    }

    #[test]
    fn version_036_is_flagged_and_unknown_refused() {
        let mut bytes = build(&["La/B;"]);
        bytes[4..7].copy_from_slice(b"036");
        let dex = parse(&bytes, &Limits::default()).unwrap();
        assert!(!dex.loadable_on_art());
        assert!(dex.anomalies().iter().any(|a| a.contains("036")));
        for v in [b"037", b"038", b"039", b"040"] {
            bytes[4..7].copy_from_slice(v);
            assert!(parse(&bytes, &Limits::default()).unwrap().loadable_on_art());
        }
        bytes[4..7].copy_from_slice(b"099");
        assert_eq!(
            parse(&bytes, &Limits::default()).unwrap_err(),
            DexError::UnknownVersion {
                version: "099".into()
            }
        );
    }

    #[test]
    fn hostile_counts_are_refused_before_use() {
        let mut bytes = build(&["La/B;"]);
        bytes[0x38..0x3c].copy_from_slice(&1_000_000u32.to_le_bytes());
        assert!(matches!(
            parse(&bytes, &Limits::default()),
            Err(DexError::TableOutOfBounds {
                table: "string_ids",
                ..
            })
        ));
        let small = Limits {
            max_strings: 10,
            ..Limits::default()
        };
        assert!(matches!(
            parse(&bytes, &small),
            Err(DexError::TooManyStrings { .. })
        ));
        let mut bytes = build(&["La/B;"]);
        bytes[0x60..0x64].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            parse(&bytes, &Limits::default()),
            Err(DexError::TableOutOfBounds {
                table: "class_defs",
                ..
            })
        ));
        assert_eq!(
            parse(&bytes[..20], &Limits::default()).unwrap_err(),
            DexError::TooShort { len: 20 }
        );
        assert!(matches!(
            parse(b"PK\x03\x04 not a dex", &Limits::default()),
            Err(DexError::BadMagic { .. })
        ));
    }

    #[test]
    fn bad_string_offset_is_an_item_error_not_a_file_error() {
        let mut bytes = build(&["La/B;"]);
        let string_ids_off = u32::from_le_bytes(bytes[0x3c..0x40].try_into().unwrap()) as usize;
        bytes[string_ids_off..string_ids_off + 4].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
        let dex = parse(&bytes, &Limits::default()).unwrap();
        let results: Vec<_> = dex.type_descriptors().collect();
        assert!(
            results
                .iter()
                .any(|r| matches!(r, Err(DexError::BadStringData { index: 0, .. })))
        );
        assert!(results.iter().any(|r| r.is_ok()));
    }

    #[test]
    fn every_truncation_and_byte_flip_is_handled() {
        let bytes = build(&["Lcom/x/Y;", "Lcom/x/Z;"]);
        for n in 0..bytes.len() {
            if let Ok(d) = parse(&bytes[..n], &Limits::default()) {
                d.type_descriptors().for_each(drop);
                d.class_descriptors().for_each(drop);
            }
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xff;
            if let Ok(d) = parse(&b, &Limits::default()) {
                d.type_descriptors().for_each(drop);
                d.class_descriptors().for_each(drop);
            }
        }
    }

    #[test]
    fn mutf8_decoding() {
        assert_eq!(mutf8_to_string(b"Lcom/a;"), "Lcom/a;");
        assert_eq!(mutf8_to_string(&[0x61, 0xC0, 0x80, 0x62]), "a\0b");
        // U+1F600 as a CESU-8 surrogate pair
        assert_eq!(
            mutf8_to_string(&[0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]),
            "\u{1F600}"
        );
        assert_eq!(
            mutf8_to_string(&[0x61, 0xFF, 0xE0, 0x80]),
            "a\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(
            descriptor_to_dotted("Lcom/caf\u{e9}/X;".as_bytes()),
            "com.caf\u{e9}.X"
        );
    }

    #[test]
    fn dotted_names() {
        assert_eq!(descriptor_to_dotted(b"Lcom/foo/Bar$1;"), "com.foo.Bar$1");
        assert_eq!(descriptor_to_dotted(b"[I"), "[I");
    }
}
