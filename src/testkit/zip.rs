//! A zip WRITER for tests and fixtures, with knobs to tamper with every
//! header field the reader (`crate::input::zip`) has to survive.
//!
//! Trusts its input (it is test code): specs are written as given, so a
//! spec can produce any malformed archive a test needs. Field layout follows
//! PKWARE APPNOTE.TXT 6.3.10 §4.3 (local file header 4.3.7, data descriptor
//! 4.3.9, central directory header 4.3.12, ZIP64 end of central directory
//! record/locator 4.3.14–4.3.15, end of central directory record 4.3.16,
//! ZIP64 extended information extra field 4.5.3).
//!
//! Clean archives come from [`build_simple`]; hostile ones from [`build`]
//! with an [`EntrySpec`] per central-directory record and an [`ArchiveSpec`]
//! for the archive-level knobs.

use std::io::Write;

use flate2::Compression;
use flate2::write::DeflateEncoder;

/// Signature of a local file header (`PK\3\4`).
pub const LFH_SIGNATURE: u32 = 0x0403_4b50;
/// Signature of a central directory header (`PK\1\2`).
pub const CDH_SIGNATURE: u32 = 0x0201_4b50;
/// Signature of the end of central directory record (`PK\5\6`).
pub const EOCD_SIGNATURE: u32 = 0x0605_4b50;
/// Signature of a data descriptor (`PK\7\8`).
pub const DATA_DESCRIPTOR_SIGNATURE: u32 = 0x0807_4b50;
/// Signature of the ZIP64 end of central directory record (`PK\6\6`).
pub const ZIP64_EOCD_SIGNATURE: u32 = 0x0606_4b50;
/// Signature of the ZIP64 end of central directory locator (`PK\6\7`).
pub const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;

/// Entry data that is already a raw deflate stream (used for zip bombs that
/// must never exist inflated in memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precompressed {
    /// Raw deflate stream (no zlib header).
    pub stream: Vec<u8>,
    /// CRC-32 of the inflated bytes.
    pub crc32: u32,
    /// Inflated size in bytes.
    pub uncompressed_size: u64,
}

/// One central-directory record (and, unless `omit_local`, its local header
/// and data). `None` overrides mean "write the true value".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntrySpec {
    /// Name bytes written in the central directory (and in the local header
    /// unless `lfh_name` is set).
    pub name: Vec<u8>,
    /// Uncompressed content (ignored when `precompressed` is set).
    pub data: Vec<u8>,
    /// Deflate the data (method 8) instead of storing it (method 0).
    pub deflate: bool,
    /// Already-deflated content; the entry is written with method 8.
    pub precompressed: Option<Precompressed>,
    /// Compression method written in the central directory.
    pub cd_method: Option<u16>,
    /// Compression method written in the local header.
    pub lfh_method: Option<u16>,
    /// General-purpose flags written in both headers (bit 3 is added when
    /// `data_descriptor` is set).
    pub flags: u16,
    /// General-purpose flags for the central directory only.
    pub cd_flags: Option<u16>,
    /// Compressed size written in the central directory.
    pub cd_csize: Option<u32>,
    /// Compressed size written in the local header.
    pub lfh_csize: Option<u32>,
    /// Uncompressed size written in both headers (a "lying size").
    pub usize_override: Option<u32>,
    /// CRC-32 written in both headers.
    pub crc_override: Option<u32>,
    /// Name written in the local header instead of `name`.
    pub lfh_name: Option<Vec<u8>>,
    /// Extra field of the local header (e.g. zipalign padding).
    pub lfh_extra: Vec<u8>,
    /// Set GP bit 3, write zero CRC/sizes in the local header and a signed
    /// data descriptor after the data.
    pub data_descriptor: bool,
    /// Local-header offset written in the central directory instead of
    /// the real one (an absolute offset in the final file).
    pub cd_local_offset: Option<u64>,
    /// Write only the central-directory record (no local header, no data);
    /// combine with `cd_local_offset` to point at another entry's header.
    pub omit_local: bool,
}

impl EntrySpec {
    /// A clean stored (method 0) entry.
    pub fn stored(name: &str, data: &[u8]) -> Self {
        EntrySpec {
            name: name.as_bytes().to_vec(),
            data: data.to_vec(),
            ..EntrySpec::default()
        }
    }

    /// A clean deflated (method 8) entry.
    pub fn deflated(name: &str, data: &[u8]) -> Self {
        EntrySpec {
            deflate: true,
            ..EntrySpec::stored(name, data)
        }
    }
}

/// Archive-level knobs. `Default` is a clean archive.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArchiveSpec {
    /// Bytes written before the first local header.
    pub prefix: Vec<u8>,
    /// When true, every offset accounts for `prefix` (Janus-style: offsets
    /// right, but offset 0 is not a local header). When false, offsets are
    /// written as if the prefix were absent (data prepended by a careless
    /// tool).
    pub fix_offsets_for_prefix: bool,
    /// Bytes between the last entry and the central directory (an APK
    /// Signing Block sits there).
    pub signing_block: Vec<u8>,
    /// Archive comment after the EOCD record.
    pub comment: Vec<u8>,
    /// Added to the comment length written in the EOCD record.
    pub comment_len_delta: i32,
    /// Entry count written in the EOCD record (both count fields).
    pub eocd_count_override: Option<u16>,
    /// Central-directory offset written in the EOCD record.
    pub eocd_cd_offset_override: Option<u32>,
    /// Write ZIP64 records: a ZIP64 extra field in every header (sizes and
    /// offset 0xFFFFFFFF in the fixed fields), a ZIP64 EOCD record and
    /// locator, and 0xFFFF/0xFFFFFFFF in the classic EOCD.
    pub zip64: bool,
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Raw-deflate `data` at the default level.
pub fn deflate_bytes(data: &[u8]) -> Vec<u8> {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Raw-deflate `len` zero bytes, streaming them through the encoder in
/// 1 MiB chunks so the inflated data never exists in memory. Returns the
/// stream and the CRC-32 of the zeros.
pub fn deflate_zeros(len: u64) -> Precompressed {
    let chunk = vec![0u8; 1 << 20];
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::default());
    let mut crc = crc32fast::Hasher::new();
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        let _ = enc.write_all(&chunk[..n]);
        crc.update(&chunk[..n]);
        left -= n as u64;
    }
    Precompressed {
        stream: enc.finish().unwrap_or_default(),
        crc32: crc.finalize(),
        uncompressed_size: len,
    }
}

/// Write an archive: local headers and data in order, then `signing_block`,
/// the central directory, optional ZIP64 records, the EOCD and the comment.
pub fn build(entries: &[EntrySpec], archive: &ArchiveSpec) -> Vec<u8> {
    let mut out = archive.prefix.clone();
    // Offsets written in headers are relative to `base`.
    let base = if archive.fix_offsets_for_prefix {
        0
    } else {
        archive.prefix.len() as u64
    };
    struct Written {
        lho: u64,
        method: u16,
        crc: u32,
        csize: u64,
        usize: u64,
    }
    let mut written = Vec::with_capacity(entries.len());
    for e in entries {
        let (payload, method, crc, usize_true) = match &e.precompressed {
            Some(p) => (p.stream.clone(), 8u16, p.crc32, p.uncompressed_size),
            None if e.deflate => (
                deflate_bytes(&e.data),
                8,
                crc32fast::hash(&e.data),
                e.data.len() as u64,
            ),
            None => (
                e.data.clone(),
                0,
                crc32fast::hash(&e.data),
                e.data.len() as u64,
            ),
        };
        let crc = e.crc_override.unwrap_or(crc);
        let usize_v = e.usize_override.map_or(usize_true, u64::from);
        let csize = payload.len() as u64;
        let lho = out.len() as u64 - base;
        if !e.omit_local {
            let flags = e.flags | if e.data_descriptor { 8 } else { 0 };
            let lfh_name = e.lfh_name.as_deref().unwrap_or(&e.name);
            let mut extra = e.lfh_extra.clone();
            put32(&mut out, LFH_SIGNATURE);
            put16(&mut out, if archive.zip64 { 45 } else { 20 });
            put16(&mut out, flags);
            put16(&mut out, e.lfh_method.unwrap_or(method));
            put16(&mut out, 0); // time
            put16(&mut out, 0x21); // date 1980-01-01
            if e.data_descriptor {
                put32(&mut out, 0);
                put32(&mut out, e.lfh_csize.unwrap_or(0));
                put32(&mut out, 0);
            } else if archive.zip64 {
                put32(&mut out, crc);
                put32(&mut out, 0xFFFF_FFFF);
                put32(&mut out, 0xFFFF_FFFF);
                let mut z = Vec::new();
                put16(&mut z, 1);
                put16(&mut z, 16);
                put64(&mut z, usize_v);
                put64(&mut z, e.lfh_csize.map_or(csize, u64::from));
                z.extend_from_slice(&extra);
                extra = z;
            } else {
                put32(&mut out, crc);
                put32(&mut out, e.lfh_csize.unwrap_or(csize as u32));
                put32(&mut out, usize_v as u32);
            }
            put16(&mut out, lfh_name.len() as u16);
            put16(&mut out, extra.len() as u16);
            out.extend_from_slice(lfh_name);
            out.extend_from_slice(&extra);
            out.extend_from_slice(&payload);
            if e.data_descriptor {
                put32(&mut out, DATA_DESCRIPTOR_SIGNATURE);
                put32(&mut out, crc);
                if archive.zip64 {
                    put64(&mut out, csize);
                    put64(&mut out, usize_v);
                } else {
                    put32(&mut out, csize as u32);
                    put32(&mut out, usize_v as u32);
                }
            }
        }
        written.push(Written {
            lho: e.cd_local_offset.unwrap_or(lho),
            method,
            crc,
            csize,
            usize: usize_v,
        });
    }
    out.extend_from_slice(&archive.signing_block);
    let cd_start = out.len() as u64 - base;
    for (e, w) in entries.iter().zip(&written) {
        let flags = e
            .cd_flags
            .unwrap_or(e.flags | if e.data_descriptor { 8 } else { 0 });
        let mut extra = Vec::new();
        put32(&mut out, CDH_SIGNATURE);
        put16(&mut out, 0x0300 | 20); // made by Unix, 2.0
        put16(&mut out, if archive.zip64 { 45 } else { 20 });
        put16(&mut out, flags);
        put16(&mut out, e.cd_method.unwrap_or(w.method));
        put16(&mut out, 0);
        put16(&mut out, 0x21);
        put32(&mut out, w.crc);
        let csize = e.cd_csize.map_or(w.csize, u64::from);
        if archive.zip64 {
            put32(&mut out, 0xFFFF_FFFF);
            put32(&mut out, 0xFFFF_FFFF);
            put16(&mut extra, 1);
            put16(&mut extra, 24);
            put64(&mut extra, w.usize);
            put64(&mut extra, csize);
            put64(&mut extra, w.lho);
        } else {
            put32(&mut out, csize as u32);
            put32(&mut out, w.usize as u32);
        }
        put16(&mut out, e.name.len() as u16);
        put16(&mut out, extra.len() as u16);
        put16(&mut out, 0); // comment length
        put16(&mut out, 0); // disk number start
        put16(&mut out, 0); // internal attributes
        put32(&mut out, 0o100644 << 16); // external attributes
        put32(
            &mut out,
            if archive.zip64 {
                0xFFFF_FFFF
            } else {
                w.lho as u32
            },
        );
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&extra);
    }
    let cd_size = out.len() as u64 - base - cd_start;
    let count = entries.len() as u64;
    if archive.zip64 {
        let rec = out.len() as u64 - base;
        put32(&mut out, ZIP64_EOCD_SIGNATURE);
        put64(&mut out, 44);
        put16(&mut out, 45);
        put16(&mut out, 45);
        put32(&mut out, 0);
        put32(&mut out, 0);
        put64(&mut out, count);
        put64(&mut out, count);
        put64(&mut out, cd_size);
        put64(&mut out, cd_start);
        put32(&mut out, ZIP64_LOCATOR_SIGNATURE);
        put32(&mut out, 0);
        put64(&mut out, rec);
        put32(&mut out, 1);
    }
    put32(&mut out, EOCD_SIGNATURE);
    put16(&mut out, 0);
    put16(&mut out, 0);
    let count16 = if archive.zip64 { 0xFFFF } else { count as u16 };
    let count16 = archive.eocd_count_override.unwrap_or(count16);
    put16(&mut out, count16);
    put16(&mut out, count16);
    put32(
        &mut out,
        if archive.zip64 {
            0xFFFF_FFFF
        } else {
            cd_size as u32
        },
    );
    let cd_off32 = if archive.zip64 {
        0xFFFF_FFFF
    } else {
        cd_start as u32
    };
    put32(
        &mut out,
        archive.eocd_cd_offset_override.unwrap_or(cd_off32),
    );
    let comment_len = (archive.comment.len() as i64 + i64::from(archive.comment_len_delta)) as u16;
    put16(&mut out, comment_len);
    out.extend_from_slice(&archive.comment);
    out
}

/// A clean archive of deflated entries.
pub fn build_simple(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let specs: Vec<EntrySpec> = entries
        .iter()
        .map(|(n, d)| EntrySpec::deflated(n, d))
        .collect();
    build(&specs, &ArchiveSpec::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn simple_archive_reads_back_with_the_zip_crate() {
        let bytes = build_simple(&[("a.txt", b"hello hello hello"), ("dir/b.bin", &[1, 2, 3])]);
        let mut z = ::zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
        assert_eq!(z.len(), 2);
        let mut s = String::new();
        z.by_name("a.txt").unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "hello hello hello");
        let mut v = Vec::new();
        z.by_name("dir/b.bin").unwrap().read_to_end(&mut v).unwrap();
        assert_eq!(v, [1, 2, 3]);
    }

    #[test]
    fn zip64_and_data_descriptor_read_back_with_the_zip_crate() {
        let mut e = EntrySpec::deflated("x", b"zip64 body zip64 body");
        e.data_descriptor = true;
        let bytes = build(
            &[e, EntrySpec::stored("y", b"plain")],
            &ArchiveSpec {
                zip64: true,
                ..Default::default()
            },
        );
        let mut z = ::zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
        let mut v = Vec::new();
        z.by_name("x").unwrap().read_to_end(&mut v).unwrap();
        assert_eq!(v, b"zip64 body zip64 body");
        v.clear();
        z.by_name("y").unwrap().read_to_end(&mut v).unwrap();
        assert_eq!(v, b"plain");
    }

    #[test]
    fn deflate_zeros_streams_a_valid_stream() {
        let p = deflate_zeros(3 << 20);
        let mut d = flate2::read::DeflateDecoder::new(&p.stream[..]);
        let mut v = Vec::new();
        d.read_to_end(&mut v).unwrap();
        assert_eq!(v.len(), 3 << 20);
        assert!(v.iter().all(|&b| b == 0));
        assert_eq!(p.crc32, crc32fast::hash(&v));
    }
}
