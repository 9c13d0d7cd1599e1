//! The Android-style ZIP reader privscan uses for APKs, AABs, IPAs and every
//! nested archive.
//!
//! Distrusts everything in the file: EOCD fields, central-directory (CD)
//! records, local file headers (LFH), compressed streams and entry names.
//! It reads archives the way Android does, not the way PKWARE's APPNOTE
//! says they should look, so malware tricks that Android accepts are read
//! and reported instead of failing the scan. Every deviation becomes a
//! typed [`ZipAnomaly`] whose [`AnomalyKind`] says whether Android installs
//! the archive anyway (finding PS901) or refuses it (PS902).
//!
//! Format facts: PKWARE APPNOTE.TXT 6.3.10 §4.3/§4.5. Behaviour: AOSP
//! `system/libziparchive/zip_archive.cc` (`FindCentralDirectoryInfo`,
//! `FindCentralDirectoryInfoForZip64`, `ParseZipArchive`,
//! `IsValidEntryName`, `FindEntry`, `InflateEntryToWriter`),
//! `zip_cd_entry_map.cc` (`CdEntryMap::AddToMap`) and
//! `frameworks/base/libs/androidfw/AssetsProvider.cpp`
//! (`ZipAssetsProvider::OpenInternal`).
//!
//! libziparchive rules implemented here:
//! * The EOCD is the LAST `PK\5\6` in the final 65535 + 22 bytes, and
//!   `eocd_offset + 22 + comment_length == file_length` must hold, else
//!   `kInvalidFile` ("extraneous bytes"). The CD starts at the stated
//!   ABSOLUTE offset and must end before the EOCD (`kInvalidOffset`). A
//!   ZIP64 locator right before the EOCD points at the ZIP64 EOCD record.
//!   When these fail we salvage (an earlier EOCD signature, the comment
//!   length ignored, the CD at `eocd_offset - cd_size` with every local
//!   offset shifted like Python's `zipfile` unless the stated local offsets
//!   already hit local headers) and record a `NotInstallable` anomaly; we
//!   fail only when no CD can be found at all. An APK Signing Block between
//!   the last entry and the CD is normal.
//! * Entry names must be UTF-8 without U+0000 (`IsValidEntryName`, else
//!   `kInvalidEntryName`); names are compared as exact bytes, so
//!   `AndroidManifest.xml/` does not shadow `AndroidManifest.xml`; a repeated
//!   name fails the archive (`kDuplicateEntry`). We keep every record.
//! * The first four bytes of the file must be an LFH signature (Janus fix,
//!   bug 64211847).
//! * The CD is authoritative. The LFH only gives the data start
//!   (`30 + lfh.name_len + lfh.extra_len`); `FindEntry` refuses an entry
//!   whose LFH name, sizes or CRC (unless GP bit 3) differ from the CD, or
//!   whose data runs past the CD. The LFH compression method is never read.
//! * Method 8 is raw deflate; any other method is read as stored with the
//!   CD uncompressed size (`ZipAssetsProvider::OpenInternal`, Android ≥ 9).
//!   GP bit 0 (encryption) is ignored.
//! * Inflated output must equal the declared size (`InflateEntryToWriter`,
//!   `kInconsistentInformation`). A CRC-32 mismatch does not fail a read
//!   (androidfw maps assets without checking it); `read` records it.
//!
//! Resource caps (`Limits`/`Budget`): the CD walk allocates at most
//! `min(max_entries, cd_size / 46)` records up front and fails past
//! `max_entries`; a read checks `max_entry_size` and takes the declared size
//! from the budget BEFORE inflating, and inflation never writes past the
//! declared size, so memory is bounded by the per-entry cap. Overlapping
//! entries (many CD records sharing one local header, a "zip of death") are
//! reported, and the budget bounds the total work of reading them.
//!
//! Names are kept as bytes plus a lossy UTF-8 copy and are never used as
//! file paths.

#![warn(missing_docs)]

use std::borrow::Cow;
use std::fmt;
use std::sync::Mutex;

use flate2::{Decompress, FlushDecompress, Status};

use crate::limits::{Budget, LimitError, Limits};

mod anomaly;
mod cd;
mod eocd;
mod inflate;
mod lfh;

pub use anomaly::{AnomalyKind, HeaderField, NameIssue, ZipAnomaly, ZipError};
use cd::*;
use eocd::*;
use lfh::*;

const LFH_SIGNATURE: u32 = 0x0403_4b50;
const CDH_SIGNATURE: u32 = 0x0201_4b50;
const EOCD_SIGNATURE: u32 = 0x0605_4b50;
const ZIP64_EOCD_SIGNATURE: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
const LFH_LEN: usize = 30;
const CDH_LEN: usize = 46;
const EOCD_LEN: usize = 22;
const ZIP64_LOCATOR_LEN: usize = 20;
const ZIP64_EOCD_LEN: usize = 56;
/// Largest archive comment, hence how far back the EOCD search goes.
const MAX_COMMENT_LEN: usize = 0xFFFF;
/// ZIP64 extended information extra field id (APPNOTE 4.5.3).
const ZIP64_EXTRA_ID: u16 = 0x0001;
/// GP flag bit 0: entry is encrypted.
const FLAG_ENCRYPTED: u16 = 1;
/// GP flag bit 3: CRC and sizes follow the data in a data descriptor.
const FLAG_DATA_DESCRIPTOR: u16 = 1 << 3;
/// Compression methods Android knows (`kCompressStored`, `kCompressDeflated`).
const METHOD_STORED: u16 = 0;
const METHOD_DEFLATED: u16 = 8;
/// At most this many `OverlappingEntries` anomalies are listed; the rest are
/// counted in one `OverlapsNotListed`.
const MAX_OVERLAPS_LISTED: usize = 16;
/// Names longer than this (bytes), or with a component longer than 255
/// bytes, are flagged as very long (Linux `PATH_MAX`/`NAME_MAX`).
const LONG_NAME: usize = 4096;
const LONG_COMPONENT: usize = 255;
/// Names with more components than this are flagged as very deep.
const DEEP_NAME: usize = 64;

/// One central-directory record, as Android reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    /// Position in CD order (0-based).
    pub index: usize,
    /// Name as lossy UTF-8 (for display and matching; never a file path).
    pub name: String,
    /// Name bytes exactly as in the CD.
    pub name_bytes: Vec<u8>,
    /// CD compression method (8 = deflate; anything else is read as stored).
    pub method: u16,
    /// CD general-purpose flags.
    pub flags: u16,
    /// CD compressed size in bytes (ZIP64 extra applied).
    pub compressed_size: u64,
    /// CD uncompressed size in bytes (ZIP64 extra applied).
    pub uncompressed_size: u64,
    /// CD CRC-32.
    pub crc32: u32,
    /// Absolute offset of the local header in the file (already shifted
    /// when the CD was salvaged at `eocd_offset - cd_size`).
    pub local_header_offset: u64,
    /// Absolute offset of the entry data (`local_header_offset + 30 +
    /// LFH name length + LFH extra length`), `None` when the local header
    /// is missing or cut off.
    pub data_offset: Option<u64>,
}

impl ZipEntry {
    /// True for a directory record (name ends with `/`).
    pub fn is_dir(&self) -> bool {
        self.name_bytes.last() == Some(&b'/')
    }

    /// Bytes the data occupies in the file as Android reads it: the
    /// compressed size for deflate, the uncompressed size otherwise.
    pub fn stored_len(&self) -> u64 {
        if self.method == METHOD_DEFLATED {
            self.compressed_size
        } else {
            self.uncompressed_size
        }
    }
}

/// A parsed archive borrowing the whole file (a `Vec` or an mmap).
#[derive(Debug)]
pub struct ZipArchive<'a> {
    data: &'a [u8],
    entries: Vec<ZipEntry>,
    /// Entry indices sorted by name bytes, CD order among equal names.
    sorted: Vec<usize>,
    anomalies: Vec<ZipAnomaly>,
    read_anomalies: Mutex<Vec<ZipAnomaly>>,
    cd_offset: u64,
    comment: &'a [u8],
    /// `max_entries` when the central directory has more records.
    cap_hit: Option<LimitError>,
}

fn u16_at(d: &[u8], off: usize) -> Option<u16> {
    let b = d.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}
fn u32_at(d: &[u8], off: usize) -> Option<u32> {
    let b = d.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}
fn u64_at(d: &[u8], off: usize) -> Option<u64> {
    let b = d.get(off..off.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Some(u64::from_le_bytes(a))
}
fn to_usize(v: u64) -> Option<usize> {
    usize::try_from(v).ok()
}
fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl<'a> ZipArchive<'a> {
    /// Cheap sniff: a local header at offset 0, or an EOCD signature in the
    /// last 64 KiB (catches archives with data prepended, e.g. Janus).
    pub fn is_zip(data: &[u8]) -> bool {
        if u32_at(data, 0) == Some(LFH_SIGNATURE) {
            return true;
        }
        let tail = data
            .get(data.len().saturating_sub(MAX_COMMENT_LEN + EOCD_LEN)..)
            .unwrap_or(&[]);
        memchr::memmem::rfind(tail, &EOCD_SIGNATURE.to_le_bytes())
            .is_some_and(|p| tail.len() - p >= EOCD_LEN)
    }

    /// Every CD record in CD order, duplicates kept.
    pub fn entries(&self) -> &[ZipEntry] {
        &self.entries
    }

    /// The first CD record whose name bytes equal `name` exactly.
    pub fn by_name(&self, name: &str) -> Option<&ZipEntry> {
        self.by_name_bytes(name.as_bytes())
    }

    /// The first CD record whose name bytes equal `name`.
    pub fn by_name_bytes(&self, name: &[u8]) -> Option<&ZipEntry> {
        let name_of = |i: usize| self.entries.get(i).map(|e| &e.name_bytes[..]);
        let at = self
            .sorted
            .partition_point(|&i| name_of(i).is_some_and(|m| m < name));
        let i = *self.sorted.get(at)?;
        (name_of(i) == Some(name))
            .then(|| self.entries.get(i))
            .flatten()
    }

    /// The cap that stopped the central-directory walk, if one did: the
    /// archive then holds only the first `max_entries` records, and the
    /// caller reports the cap (PS905) with what was read.
    pub fn cap_hit(&self) -> Option<&LimitError> {
        self.cap_hit.as_ref()
    }

    /// Archive-level and per-entry anomalies found while parsing.
    pub fn anomalies(&self) -> &[ZipAnomaly] {
        &self.anomalies
    }

    /// Anomalies found while reading entries so far (CRC mismatches).
    pub fn read_anomalies(&self) -> Vec<ZipAnomaly> {
        self.read_anomalies
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default()
    }

    /// Absolute offset of the central directory actually used.
    pub fn cd_offset(&self) -> u64 {
        self.cd_offset
    }

    /// The archive comment (as far as the file holds it).
    pub fn comment(&self) -> &'a [u8] {
        self.comment
    }

    /// The whole file.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
}

#[cfg(test)]
mod tests;
