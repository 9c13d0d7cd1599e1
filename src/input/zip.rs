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

/// How Android treats an archive that shows an anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// Headers tampered with, but Android installs/reads it anyway
    /// (finding PS901).
    Tampered,
    /// Android's zip reader refuses the archive or the entry (PS902).
    NotInstallable,
    /// Unusual but harmless.
    Info,
}

impl AnomalyKind {
    /// The finding an anomaly of this kind raises: PS901 (tampered),
    /// PS902 (not installable), none for `Info`.
    pub fn finding_code(self) -> Option<crate::findings::Code> {
        match self {
            AnomalyKind::Tampered => Some(crate::findings::Code::PS901),
            AnomalyKind::NotInstallable => Some(crate::findings::Code::PS902),
            AnomalyKind::Info => None,
        }
    }
}

/// A header field that differs between an entry's local header and its
/// central-directory record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaderField {
    /// Compression method (LFH+8 vs CDH+10).
    Method,
    /// General-purpose flags (LFH+6 vs CDH+8).
    Flags,
    /// CRC-32 (LFH+14 vs CDH+16).
    Crc32,
    /// Compressed size (LFH+18 vs CDH+20, or ZIP64 extra).
    CompressedSize,
    /// Uncompressed size (LFH+22 vs CDH+24, or ZIP64 extra).
    UncompressedSize,
    /// File-name length (LFH+26 vs CDH+28).
    NameLength,
}

impl fmt::Display for HeaderField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HeaderField::Method => "compression method",
            HeaderField::Flags => "general-purpose flags",
            HeaderField::Crc32 => "CRC-32",
            HeaderField::CompressedSize => "compressed size",
            HeaderField::UncompressedSize => "uncompressed size",
            HeaderField::NameLength => "file-name length",
        })
    }
}

/// Why an entry name looks hostile (Android accepts all of these).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NameIssue {
    /// A `..` path component (path traversal for extractors).
    ParentDir,
    /// Starts with `/` or a drive letter.
    Absolute,
    /// Longer than 4096 bytes or a component longer than 255 bytes.
    VeryLong {
        /// Name length in bytes.
        len: usize,
    },
    /// More than 64 path components.
    VeryDeep {
        /// Number of `/`-separated components.
        depth: usize,
    },
    /// A directory entry `X/` next to a file entry `X` (anti-analysis: tools
    /// that extract to disk cannot create both).
    DirectoryShadowsFile,
}

impl fmt::Display for NameIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameIssue::ParentDir => f.write_str("contains a '..' path component"),
            NameIssue::Absolute => f.write_str("is an absolute path"),
            NameIssue::VeryLong { len } => write!(f, "is very long ({len} bytes)"),
            NameIssue::VeryDeep { depth } => write!(f, "is very deep ({depth} path components)"),
            NameIssue::DirectoryShadowsFile => {
                f.write_str("is a directory entry with the same name as a file entry")
            }
        }
    }
}

/// One deviation from a clean archive, with what Android does about it.
/// Field `entry` is always the entry's name (lossy UTF-8); offsets are
/// absolute byte offsets in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipAnomaly {
    /// GP flag bit 0 set on an entry; Android ignores it and reads the
    /// data by its method.
    #[error(
        "entry '{entry}' has the encryption flag set (central directory: {central}, local header: {local}); Android ignores it"
    )]
    EncryptionFlag {
        /// Entry name.
        entry: String,
        /// Bit 0 set in the CD record.
        central: bool,
        /// Bit 0 set in the local header.
        local: bool,
    },
    /// Method is neither 0 nor 8; Android ≥ 9 reads it as stored.
    #[error(
        "entry '{entry}' has unknown compression method {method}; Android reads it as stored data of its uncompressed size"
    )]
    UnknownCompressionMethod {
        /// Entry name.
        entry: String,
        /// CD compression method.
        method: u16,
    },
    /// Not deflated, and the compressed size differs from the uncompressed
    /// size that Android actually reads.
    #[error(
        "entry '{entry}' is read as stored but declares compressed size {compressed} and uncompressed size {uncompressed}; Android reads {uncompressed} bytes"
    )]
    StoredSizeMismatch {
        /// Entry name.
        entry: String,
        /// CD compressed size (ignored by Android).
        compressed: u64,
        /// CD uncompressed size (the bytes read).
        uncompressed: u64,
    },
    /// Local header and CD disagree on a numeric field.
    #[error(
        "entry '{entry}': local header {field} is {local:#x} but the central directory says {central:#x}"
    )]
    LocalHeaderMismatch {
        /// Entry name.
        entry: String,
        /// The field that differs.
        field: HeaderField,
        /// Value in the CD record (authoritative).
        central: u64,
        /// Value in the local header.
        local: u64,
    },
    /// Local header names a different entry (same length).
    #[error("entry '{entry}': local header names '{local_name}' instead")]
    LocalNameMismatch {
        /// Entry name (from the CD).
        entry: String,
        /// Name in the local header (lossy UTF-8).
        local_name: String,
    },
    /// No local header signature where the CD points, or the header is cut
    /// off by the end of the file.
    #[error("entry '{entry}': no local file header at offset {offset}")]
    LocalHeaderMissing {
        /// Entry name.
        entry: String,
        /// Local-header offset from the CD.
        offset: u64,
    },
    /// The local header is not before the central directory
    /// (`ParseZipArchive`: "bad LFH offset").
    #[error(
        "entry '{entry}': local header offset {offset} is not before the central directory at {cd_offset}"
    )]
    LocalHeaderAfterCentralDirectory {
        /// Entry name.
        entry: String,
        /// Local-header offset from the CD.
        offset: u64,
        /// Start of the central directory.
        cd_offset: u64,
    },
    /// Entry data runs into or past the central directory
    /// (`FindEntry`: "bad compressed/uncompressed length").
    #[error(
        "entry '{entry}': {length} bytes of data at offset {data_offset} run past the central directory at {cd_offset}"
    )]
    EntryOutOfBounds {
        /// Entry name.
        entry: String,
        /// Start of the entry data.
        data_offset: u64,
        /// Declared length that does not fit.
        length: u64,
        /// Start of the central directory.
        cd_offset: u64,
    },
    /// Several CD records with the same name bytes (`kDuplicateEntry`).
    #[error(
        "entry name '{name}' appears {count} times in the central directory; Android rejects duplicate entries"
    )]
    DuplicateEntry {
        /// The repeated name.
        name: String,
        /// How many CD records carry it.
        count: usize,
    },
    /// The file does not start with a local header (Janus fix).
    #[error(
        "{bytes} bytes of data before the first local file header; Android requires a local header at offset 0"
    )]
    DataBeforeFirstEntry {
        /// Offset of the first local header.
        bytes: u64,
    },
    /// The CD is not at the offset the EOCD states (salvaged at
    /// `eocd_offset - cd_size`).
    #[error(
        "the end-of-central-directory record says the central directory is at offset {stated} but it is at {actual}"
    )]
    CentralDirectoryOffsetWrong {
        /// Offset written in the EOCD.
        stated: u64,
        /// Offset where the CD was found.
        actual: u64,
    },
    /// The CD would run into the EOCD (`kInvalidOffset`).
    #[error(
        "the end-of-central-directory record says the central directory is {stated} bytes but only {actual} fit before the end record"
    )]
    CentralDirectorySizeWrong {
        /// Size written in the EOCD.
        stated: u64,
        /// Bytes between the CD start and the end record.
        actual: u64,
    },
    /// EOCD comment length does not reach exactly the end of the file.
    #[error(
        "the archive comment length is {stated} but {actual} bytes follow the end-of-central-directory record at offset {eocd_offset}"
    )]
    EocdCommentLength {
        /// Offset of the EOCD record.
        eocd_offset: u64,
        /// Comment length written in the EOCD.
        stated: u64,
        /// Bytes actually after the 22-byte record.
        actual: u64,
    },
    /// More than one EOCD signature in the tail. Android reads the last
    /// one; `android_accepts` says whether that record is itself valid.
    #[error(
        "an end-of-central-directory signature at offset {android_offset} hides inside the archive comment; Android reads that one{}, privscan used the record at {used_offset}",
        if *android_accepts { "" } else { " and rejects the archive" }
    )]
    FakeEocdInComment {
        /// The last signature (the one Android reads).
        android_offset: u64,
        /// The record privscan used.
        used_offset: u64,
        /// Whether Android's record passes Android's checks.
        android_accepts: bool,
    },
    /// EOCD entry count differs from the CD records found.
    #[error(
        "the end-of-central-directory record counts {eocd} entries but the central directory holds {found}{}",
        if eocd < found { "; Android ignores the records past the count" } else { "" }
    )]
    EntryCountMismatch {
        /// Count written in the EOCD (ZIP64 record when present).
        eocd: u64,
        /// Records found walking the CD.
        found: u64,
    },
    /// A CD record is cut off by the end of the CD.
    #[error(
        "central-directory record {index} at offset {offset} is cut off by the end of the central directory"
    )]
    CentralDirectoryTruncated {
        /// Index of the cut-off record.
        index: usize,
        /// Offset of its signature.
        offset: u64,
    },
    /// Name fails `IsValidEntryName` (`kInvalidEntryName`).
    #[error("entry name '{entry}' {why}; Android rejects the archive")]
    InvalidEntryName {
        /// Entry name (lossy UTF-8).
        entry: String,
        /// "contains a NUL byte" or "is not valid UTF-8".
        why: &'static str,
    },
    /// Name Android accepts but extractors and analysts choke on.
    #[error("entry name '{entry}' {why}")]
    SuspiciousEntryName {
        /// Entry name.
        entry: String,
        /// What is wrong with it.
        why: NameIssue,
    },
    /// Two entries' byte ranges overlap (many overlapping entries make a
    /// "zip of death"/overlap bomb).
    #[error("entries '{a}' and '{b}' overlap in the file")]
    OverlappingEntries {
        /// The entry reaching furthest so far.
        a: String,
        /// The entry starting inside it.
        b: String,
    },
    /// More overlaps than were listed.
    #[error("{more} more overlapping entry pairs not listed")]
    OverlapsNotListed {
        /// Overlaps not listed individually.
        more: usize,
    },
    /// Stored/inflated bytes do not match the declared CRC-32.
    #[error("entry '{entry}' has CRC-32 {actual:#010x} but declares {expected:#010x}")]
    CrcMismatch {
        /// Entry name.
        entry: String,
        /// CRC-32 in the CD.
        expected: u32,
        /// CRC-32 of the bytes read.
        actual: u32,
    },
    /// The archive uses ZIP64 end records.
    #[error("the archive uses ZIP64 end-of-central-directory records")]
    Zip64,
    /// No entries (`kEmptyArchive`).
    #[error("the archive has no entries; Android rejects empty archives")]
    EmptyArchive,
}

impl ZipAnomaly {
    /// What Android does with an archive showing this anomaly.
    pub fn severity(&self) -> AnomalyKind {
        use AnomalyKind::*;
        match self {
            ZipAnomaly::EncryptionFlag { .. }
            | ZipAnomaly::UnknownCompressionMethod { .. }
            | ZipAnomaly::StoredSizeMismatch { .. }
            | ZipAnomaly::OverlappingEntries { .. }
            | ZipAnomaly::OverlapsNotListed { .. }
            // androidfw maps stored/unknown-method assets without a CRC check.
            | ZipAnomaly::CrcMismatch { .. } => Tampered,
            ZipAnomaly::LocalHeaderMismatch { field, .. } => match field {
                // FindEntry never compares the method and only warns on flags.
                HeaderField::Method | HeaderField::Flags => Tampered,
                _ => NotInstallable,
            },
            ZipAnomaly::FakeEocdInComment { android_accepts: true, .. } => Tampered,
            ZipAnomaly::EntryCountMismatch { eocd, found } if eocd < found => Tampered,
            ZipAnomaly::SuspiciousEntryName { why, .. } => match why {
                NameIssue::VeryLong { .. } | NameIssue::VeryDeep { .. } => Info,
                _ => Tampered,
            },
            ZipAnomaly::Zip64 => Info,
            ZipAnomaly::LocalNameMismatch { .. }
            | ZipAnomaly::LocalHeaderMissing { .. }
            | ZipAnomaly::LocalHeaderAfterCentralDirectory { .. }
            | ZipAnomaly::EntryOutOfBounds { .. }
            | ZipAnomaly::DuplicateEntry { .. }
            | ZipAnomaly::DataBeforeFirstEntry { .. }
            | ZipAnomaly::CentralDirectoryOffsetWrong { .. }
            | ZipAnomaly::CentralDirectorySizeWrong { .. }
            | ZipAnomaly::EocdCommentLength { .. }
            | ZipAnomaly::FakeEocdInComment { .. }
            | ZipAnomaly::EntryCountMismatch { .. }
            | ZipAnomaly::CentralDirectoryTruncated { .. }
            | ZipAnomaly::InvalidEntryName { .. }
            | ZipAnomaly::EmptyArchive => NotInstallable,
        }
    }
}

/// Why an archive or an entry could not be read. Offsets are absolute
/// byte offsets in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    /// No local header at offset 0 and no EOCD signature in the tail.
    #[error(
        "not a zip archive ({len} bytes): no local file header at offset 0 and no end-of-central-directory record"
    )]
    NotAZip {
        /// File length.
        len: u64,
    },
    /// Bytes needed past the end of the file.
    #[error("truncated: {need} bytes needed at offset {offset}, past the end of the file")]
    Truncated {
        /// Where the bytes start.
        offset: u64,
        /// How many bytes were needed.
        need: u64,
    },
    /// Starts like a zip but has no EOCD record (cut off).
    #[error(
        "no end-of-central-directory record in the last {searched} bytes of a {len}-byte file that starts with a local file header: the archive is truncated"
    )]
    NoEndOfCentralDirectory {
        /// Bytes searched from the end.
        searched: u64,
        /// File length.
        len: u64,
    },
    /// EOCD found but no central directory at the stated offset or at
    /// `eocd_offset - cd_size`.
    #[error(
        "the end-of-central-directory record at offset {eocd_offset} points to a central directory at {cd_offset} ({cd_size} bytes) that is not there"
    )]
    NoCentralDirectory {
        /// Offset of the EOCD record Android reads.
        eocd_offset: u64,
        /// CD offset it states.
        cd_offset: u64,
        /// CD size it states.
        cd_size: u64,
    },
    /// A resource cap was hit.
    #[error(transparent)]
    Limit(#[from] LimitError),
    /// The entry has no usable local header, so its data cannot be found.
    #[error("entry '{entry}': no usable local file header at offset {offset}")]
    BadLocalHeader {
        /// Entry name.
        entry: String,
        /// Local-header offset from the CD.
        offset: u64,
    },
    /// The deflate stream is corrupt or ends early.
    #[error("entry '{entry}': inflate failed: {msg}")]
    Inflate {
        /// Entry name.
        entry: String,
        /// What zlib reported, with the compressed offset.
        msg: String,
    },
    /// The deflate stream produces more than the declared size (a "lying
    /// size"); reading stopped at the declared size.
    #[error("entry '{entry}' inflates past its declared uncompressed size of {declared} bytes")]
    InflatesPastDeclaredSize {
        /// Entry name.
        entry: String,
        /// Declared uncompressed size.
        declared: u64,
    },
    /// The deflate stream ended before the declared size.
    #[error("entry '{entry}' inflates to {actual} bytes but declares {declared}")]
    InflatedSizeMismatch {
        /// Entry name.
        entry: String,
        /// Declared uncompressed size.
        declared: u64,
        /// Bytes the stream produced.
        actual: u64,
    },
}

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

/// An EOCD record (with ZIP64 values applied when a locator is present).
#[derive(Debug, Clone, Copy)]
struct Eocd {
    /// Offset of the `PK\5\6` signature.
    pos: usize,
    comment_len: usize,
    entries: u64,
    cd_size: u64,
    cd_offset: u64,
    /// Where the CD must end: the ZIP64 EOCD record or the EOCD itself.
    limit: usize,
    zip64: bool,
}

/// Read the EOCD at `pos`, following a ZIP64 locator right before it
/// (`FindCentralDirectoryInfoForZip64`).
fn read_eocd(data: &[u8], pos: usize) -> Option<Eocd> {
    let mut e = Eocd {
        pos,
        comment_len: usize::from(u16_at(data, pos + 20)?),
        entries: u64::from(u16_at(data, pos + 10)?),
        cd_size: u64::from(u32_at(data, pos + 12)?),
        cd_offset: u64::from(u32_at(data, pos + 16)?),
        limit: pos,
        zip64: false,
    };
    if let Some(loc) = pos.checked_sub(ZIP64_LOCATOR_LEN)
        && u32_at(data, loc) == Some(ZIP64_LOCATOR_SIGNATURE)
    {
        let stated = u64_at(data, loc + 8).and_then(to_usize);
        // The record is normally right before the locator; a shifted
        // archive (data prepended) has the stated offset wrong.
        let candidates = [stated, loc.checked_sub(ZIP64_EOCD_LEN)];
        for rec in candidates.into_iter().flatten() {
            if rec
                .checked_add(ZIP64_EOCD_LEN)
                .is_some_and(|end| end <= loc)
                && u32_at(data, rec) == Some(ZIP64_EOCD_SIGNATURE)
            {
                e.entries = u64_at(data, rec + 32)?;
                e.cd_size = u64_at(data, rec + 40)?;
                e.cd_offset = u64_at(data, rec + 48)?;
                e.limit = rec;
                e.zip64 = true;
                break;
            }
        }
    }
    Some(e)
}

/// `IsValidEntryName` from zip_archive.cc: no NUL, and a UTF-8-shaped byte
/// sequence (lead byte announces 1–5 continuation bytes `10xxxxxx`;
/// `0xFE`/`0xFF` and stray continuation bytes are invalid). As lenient as
/// AOSP: overlong forms and surrogates pass.
fn entry_name_problem(name: &[u8]) -> Option<&'static str> {
    let mut i = 0;
    while let Some(&byte) = name.get(i) {
        if byte == 0 {
            return Some("contains a NUL byte");
        }
        if byte & 0x80 != 0 {
            if byte & 0xc0 == 0x80 || byte & 0xfe == 0xfe {
                return Some("is not valid UTF-8");
            }
            let mut first = (byte & 0x7f) << 1;
            while first & 0x80 != 0 {
                i += 1;
                match name.get(i) {
                    Some(&c) if c & 0xc0 == 0x80 => {}
                    _ => return Some("is not valid UTF-8"),
                }
                first = (first & 0x7f) << 1;
            }
        }
        i += 1;
    }
    None
}

/// Name issues that Android accepts but that hurt extractors/analysts.
fn name_issues(name: &[u8]) -> impl Iterator<Item = NameIssue> + '_ {
    let absolute = match name {
        [b'/' | b'\\', ..] => true,
        [drive, b':', b'/' | b'\\', ..] => drive.is_ascii_alphabetic(),
        _ => false,
    };
    // Fast path: 65 non-empty components or a 256-byte one need > 128 bytes.
    let short_plain = name.len() <= 128 && memchr::memmem::find(name, b"..").is_none();
    let parent = !short_plain && name.split(|&b| b == b'/' || b == b'\\').any(|c| c == b"..");
    let long_component =
        !short_plain && name.split(|&b| b == b'/').any(|c| c.len() > LONG_COMPONENT);
    let depth = if short_plain {
        0
    } else {
        name.split(|&b| b == b'/').filter(|c| !c.is_empty()).count()
    };
    [
        parent.then_some(NameIssue::ParentDir),
        absolute.then_some(NameIssue::Absolute),
        (name.len() > LONG_NAME || long_component)
            .then_some(NameIssue::VeryLong { len: name.len() }),
        (depth > DEEP_NAME).then_some(NameIssue::VeryDeep { depth }),
    ]
    .into_iter()
    .flatten()
}

/// Parse the ZIP64 extended information extra field (APPNOTE 4.5.3): each
/// of `usize`, `csize`, `offset` is present only when its 32-bit field is
/// 0xFFFFFFFF, in that order.
fn apply_zip64_extra(extra: &[u8], usize_: &mut u64, csize: &mut u64, offset: Option<&mut u64>) {
    let mut p = 0usize;
    while let (Some(id), Some(len)) = (u16_at(extra, p), u16_at(extra, p + 2)) {
        let body_start = p + 4;
        let Some(body) = extra.get(body_start..body_start + usize::from(len)) else {
            return;
        };
        if id == ZIP64_EXTRA_ID {
            let mut q = 0;
            let mut take = |v: &mut u64| {
                if *v == 0xFFFF_FFFF
                    && let Some(x) = u64_at(body, q)
                {
                    *v = x;
                    q += 8;
                }
            };
            take(usize_);
            take(csize);
            if let Some(o) = offset {
                take(o);
            }
            return;
        }
        p = body_start + usize::from(len);
    }
}

/// How the central directory was located.
struct CdLocation {
    eocd: Eocd,
    /// Absolute CD start actually used.
    start: usize,
    /// Absolute CD end (exclusive).
    end: usize,
    /// Added to every CD local-header offset (salvaged shifted archives).
    shift: i128,
}

fn locate_central_directory(
    data: &[u8],
    anomalies: &mut Vec<ZipAnomaly>,
) -> Result<CdLocation, ZipError> {
    let len = data.len();
    let searched = len.min(MAX_COMMENT_LEN + EOCD_LEN);
    let mut cands: Vec<Eocd> = Vec::new();
    if let Some(last) = len.checked_sub(EOCD_LEN) {
        let lowest = len - searched;
        let sig = EOCD_SIGNATURE.to_le_bytes();
        // FindCentralDirectoryInfo scans backwards from the last position
        // a 22-byte record fits; collect every signature, last first.
        let mut upto = last + 4;
        while let Some(rel) = data
            .get(lowest..upto)
            .and_then(|w| memchr::memmem::rfind(w, &sig))
        {
            let pos = lowest + rel;
            if let Some(e) = read_eocd(data, pos) {
                cands.push(e);
            }
            upto = pos + 3;
        }
    }
    let Some(android) = cands.first().copied() else {
        return Err(if u32_at(data, 0) == Some(LFH_SIGNATURE) {
            ZipError::NoEndOfCentralDirectory {
                searched: searched as u64,
                len: len as u64,
            }
        } else {
            ZipError::NotAZip { len: len as u64 }
        });
    };
    let comment_ok = |e: &Eocd| e.pos + EOCD_LEN + e.comment_len == len;
    let sig_at = |off: u64, e: &Eocd| {
        (e.entries == 0 && e.cd_size == 0)
            || to_usize(off).and_then(|o| u32_at(data, o)) == Some(CDH_SIGNATURE)
    };
    let fits = |e: &Eocd| {
        e.cd_offset
            .checked_add(e.cd_size)
            .is_some_and(|end| end <= e.limit as u64)
    };
    let clean = |e: &Eocd| comment_ok(e) && fits(e) && sig_at(e.cd_offset, e);
    let plain = |e: Eocd| {
        let start = e.cd_offset as usize; // fits() holds, so <= limit
        CdLocation {
            eocd: e,
            start,
            end: start + e.cd_size as usize,
            shift: 0,
        }
    };
    let fake = |used: &Eocd, accepts: bool| ZipAnomaly::FakeEocdInComment {
        android_offset: android.pos as u64,
        used_offset: used.pos as u64,
        android_accepts: accepts,
    };

    // 1. The record Android reads is clean: use it. Note when it hides in
    // the comment of an earlier, also clean record.
    if clean(&android) {
        // An empty fake record in the comment of a real one: Android reads
        // the fake and rejects the empty archive (kEmptyArchive); salvage
        // the real entries rather than report none.
        if android.entries == 0
            && let Some(e) = cands.iter().skip(1).find(|e| clean(e) && e.entries > 0)
        {
            anomalies.push(fake(e, false));
            return Ok(plain(*e));
        }
        if cands.iter().skip(1).any(&clean) {
            anomalies.push(fake(&android, true));
        }
        return Ok(plain(android));
    }
    // 2. An earlier clean record: Android reads the bad last one and fails.
    if let Some(e) = cands.iter().skip(1).find(|e| clean(e)) {
        anomalies.push(fake(e, false));
        return Ok(plain(*e));
    }
    // 3. Salvage, last record first.
    for e in &cands {
        let mut found = Vec::new();
        if !comment_ok(e) {
            found.push(ZipAnomaly::EocdCommentLength {
                eocd_offset: e.pos as u64,
                stated: e.comment_len as u64,
                actual: (len - e.pos - EOCD_LEN) as u64,
            });
        }
        let loc = if sig_at(e.cd_offset, e) && e.cd_offset < e.limit as u64 {
            // CD where stated; its size may overrun the end record.
            let start = e.cd_offset as usize;
            let end = match e.cd_offset.checked_add(e.cd_size) {
                Some(end) if end <= e.limit as u64 => end as usize,
                _ => {
                    found.push(ZipAnomaly::CentralDirectorySizeWrong {
                        stated: e.cd_size,
                        actual: (e.limit - start) as u64,
                    });
                    e.limit
                }
            };
            Some(CdLocation {
                eocd: *e,
                start,
                end,
                shift: 0,
            })
        } else if let Some(actual) = (e.limit as u64)
            .checked_sub(e.cd_size)
            .filter(|&a| sig_at(a, e))
        {
            // Python zipfile's "concat" salvage: data was prepended (or
            // cut), so the CD ends right at the end record.
            found.push(ZipAnomaly::CentralDirectoryOffsetWrong {
                stated: e.cd_offset,
                actual,
            });
            Some(CdLocation {
                eocd: *e,
                start: actual as usize,
                end: e.limit,
                shift: i128::from(actual) - i128::from(e.cd_offset),
            })
        } else {
            None
        };
        if let Some(loc) = loc {
            if e.pos != android.pos {
                anomalies.push(fake(e, false));
            }
            anomalies.extend(found);
            return Ok(loc);
        }
    }
    Err(ZipError::NoCentralDirectory {
        eocd_offset: android.pos as u64,
        cd_offset: android.cd_offset,
        cd_size: android.cd_size,
    })
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

    /// Parse the end records and walk the central directory once, checking
    /// every local header. Fails only when no central directory can be found
    /// or `limits.max_entries` is exceeded; everything else is an anomaly.
    pub fn parse(data: &'a [u8], limits: &Limits) -> Result<Self, ZipError> {
        let mut anomalies = Vec::new();
        let loc = locate_central_directory(data, &mut anomalies)?;
        let eocd = loc.eocd;
        if eocd.zip64 {
            anomalies.push(ZipAnomaly::Zip64);
        }
        let comment = data.get(eocd.pos + EOCD_LEN..).unwrap_or(&[]);
        let comment = comment.get(..eocd.comment_len).unwrap_or(comment);
        let cd: &'a [u8] = data.get(loc.start..loc.end).unwrap_or(&[]);

        // ParseZipArchive: walk the records. Bound the allocation by the
        // records the CD can hold and by the cap before allocating.
        let fit = (cd.len() / CDH_LEN) as u64;
        let capacity = eocd.entries.min(fit).min(limits.max_entries);
        let mut entries: Vec<ZipEntry> = Vec::with_capacity(to_usize(capacity).unwrap_or(0));
        let mut names: Vec<&'a [u8]> = Vec::with_capacity(entries.capacity());
        let mut p = 0usize;
        while u32_at(cd, p) == Some(CDH_SIGNATURE) {
            let index = entries.len();
            if index as u64 >= limits.max_entries {
                let count = eocd.entries.max(limits.max_entries.saturating_add(1));
                return Err(LimitError::TooManyEntries {
                    count,
                    cap: limits.max_entries,
                }
                .into());
            }
            let truncated = || ZipAnomaly::CentralDirectoryTruncated {
                index,
                offset: (loc.start + p) as u64,
            };
            let (Some(name_len), Some(extra_len), Some(comment_len)) =
                (u16_at(cd, p + 28), u16_at(cd, p + 30), u16_at(cd, p + 32))
            else {
                anomalies.push(truncated());
                break;
            };
            let name_start = p + CDH_LEN;
            let extra_start = name_start + usize::from(name_len);
            let next = extra_start + usize::from(extra_len) + usize::from(comment_len);
            let (Some(name), Some(extra)) = (
                cd.get(name_start..extra_start),
                cd.get(extra_start..extra_start + usize::from(extra_len)),
            ) else {
                anomalies.push(truncated());
                break;
            };
            let (mut usize_, mut csize, mut lho) = (
                u64::from(u32_at(cd, p + 24).unwrap_or(0)),
                u64::from(u32_at(cd, p + 20).unwrap_or(0)),
                u64::from(u32_at(cd, p + 42).unwrap_or(0)),
            );
            apply_zip64_extra(extra, &mut usize_, &mut csize, Some(&mut lho));
            entries.push(ZipEntry {
                index,
                name: lossy(name),
                name_bytes: name.to_vec(),
                method: u16_at(cd, p + 10).unwrap_or(0),
                flags: u16_at(cd, p + 8).unwrap_or(0),
                compressed_size: csize,
                uncompressed_size: usize_,
                crc32: u32_at(cd, p + 16).unwrap_or(0),
                local_header_offset: lho,
                data_offset: None,
            });
            names.push(name);
            if next > cd.len() {
                anomalies.push(truncated());
                break;
            }
            p = next;
        }
        let found = entries.len() as u64;
        if found != eocd.entries {
            anomalies.push(ZipAnomaly::EntryCountMismatch {
                eocd: eocd.entries,
                found,
            });
        }
        if entries.is_empty() {
            anomalies.push(ZipAnomaly::EmptyArchive);
        }

        // CdEntryMap::AddToMap: exact name bytes. A name-sorted index
        // (stable, so equal names stay in CD order and the first record
        // wins lookups) finds duplicates as neighbours and serves by_name.
        let mut sorted: Vec<usize> = (0..names.len()).collect();
        sorted.sort_by(|&x, &y| names.get(x).cmp(&names.get(y)));
        let mut dups: Vec<(usize, usize)> = Vec::new(); // (first index, count)
        for run in sorted.chunk_by(|&x, &y| names.get(x) == names.get(y)) {
            if let [first, _, ..] = run {
                dups.push((*first, run.len()));
            }
        }
        dups.sort_unstable();
        let lookup = |n: &[u8]| {
            let at = sorted.partition_point(|&i| names.get(i).is_some_and(|m| *m < n));
            sorted
                .get(at)
                .copied()
                .filter(|&i| names.get(i) == Some(&n))
        };

        // A salvaged CD moved by `shift`: Python's zipfile moves every local
        // offset by the same amount (data prepended). If instead only the
        // EOCD offset is wrong, the stated local offsets already hit local
        // headers; sample the first entries to tell the two apart.
        if loc.shift != 0 {
            let shifted = |lho: u64| u64::try_from(i128::from(lho) + loc.shift).unwrap_or(u64::MAX);
            let hits = |f: &dyn Fn(u64) -> u64| {
                entries
                    .iter()
                    .take(16)
                    .filter(|e| {
                        to_usize(f(e.local_header_offset)).and_then(|o| u32_at(data, o))
                            == Some(LFH_SIGNATURE)
                    })
                    .count()
            };
            if hits(&shifted) >= hits(&|lho| lho) {
                for e in entries.iter_mut() {
                    e.local_header_offset = shifted(e.local_header_offset);
                }
            }
        }
        let cd_offset = loc.start as u64;
        for e in entries.iter_mut() {
            let name = names.get(e.index).copied().unwrap_or(&[]);
            if let Some(why) = entry_name_problem(name) {
                anomalies.push(ZipAnomaly::InvalidEntryName {
                    entry: e.name.clone(),
                    why,
                });
            }
            for why in name_issues(name) {
                anomalies.push(ZipAnomaly::SuspiciousEntryName {
                    entry: e.name.clone(),
                    why,
                });
            }
            if name
                .strip_suffix(b"/")
                .is_some_and(|file| lookup(file).is_some())
            {
                anomalies.push(ZipAnomaly::SuspiciousEntryName {
                    entry: e.name.clone(),
                    why: NameIssue::DirectoryShadowsFile,
                });
            }
            check_entry(data, e, name, cd_offset, &mut anomalies);
        }
        for (first, count) in dups {
            if let Some(e) = entries.get(first) {
                anomalies.push(ZipAnomaly::DuplicateEntry {
                    name: e.name.clone(),
                    count,
                });
            }
        }

        // Janus fix: offset 0 must hold a local header.
        if u32_at(data, 0) != Some(LFH_SIGNATURE) && !entries.is_empty() {
            let first = entries
                .iter()
                .map(|e| e.local_header_offset)
                .min()
                .unwrap_or(0);
            if first > 0 {
                anomalies.push(ZipAnomaly::DataBeforeFirstEntry { bytes: first });
            }
        }
        find_overlaps(&entries, &mut anomalies);

        Ok(ZipArchive {
            data,
            entries,
            sorted,
            anomalies,
            read_anomalies: Mutex::new(Vec::new()),
            cd_offset,
            comment,
        })
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

    /// Read an entry's bytes as Android does: method 8 is inflated into a
    /// `Vec` of exactly `uncompressed_size` bytes, anything else is the
    /// stored slice of `uncompressed_size` bytes (borrowed, no copy).
    /// Checks `max_entry_size` and takes the size from `budget` first.
    /// A CRC mismatch does not fail the read; it is recorded in
    /// [`read_anomalies`](Self::read_anomalies).
    pub fn read(
        &self,
        e: &ZipEntry,
        limits: &Limits,
        budget: &Budget,
    ) -> Result<Cow<'a, [u8]>, ZipError> {
        let (bytes, anomaly) = self.read_verified(e, limits, budget)?;
        if let Some(a) = anomaly
            && let Ok(mut v) = self.read_anomalies.lock()
        {
            v.push(a);
        }
        Ok(bytes)
    }

    /// Like [`read`](Self::read), but returns the CRC anomaly instead of
    /// recording it.
    pub fn read_verified(
        &self,
        e: &ZipEntry,
        limits: &Limits,
        budget: &Budget,
    ) -> Result<(Cow<'a, [u8]>, Option<ZipAnomaly>), ZipError> {
        let bytes = self.read_unchecked(e, limits, budget)?;
        let actual = crc32fast::hash(&bytes);
        let anomaly = (actual != e.crc32).then(|| ZipAnomaly::CrcMismatch {
            entry: e.name.clone(),
            expected: e.crc32,
            actual,
        });
        Ok((bytes, anomaly))
    }

    /// Read without computing the CRC (for hot paths that only sniff).
    pub fn read_unchecked(
        &self,
        e: &ZipEntry,
        limits: &Limits,
        budget: &Budget,
    ) -> Result<Cow<'a, [u8]>, ZipError> {
        let Some(start) = e.data_offset else {
            return Err(ZipError::BadLocalHeader {
                entry: e.name.clone(),
                offset: e.local_header_offset,
            });
        };
        let size = e.uncompressed_size;
        if size > limits.max_entry_size {
            return Err(LimitError::EntryTooLarge {
                entry: e.name.clone(),
                size,
                cap: limits.max_entry_size,
            }
            .into());
        }
        budget.take(size)?;
        let truncated = || ZipError::Truncated {
            offset: start,
            need: e.stored_len(),
        };
        let begin = to_usize(start).ok_or_else(truncated)?;
        if e.method != METHOD_DEFLATED {
            // ZipAssetsProvider::OpenInternal: not deflated → the
            // uncompressed_length bytes at the data offset.
            let end = begin
                .checked_add(to_usize(size).ok_or_else(truncated)?)
                .ok_or_else(truncated)?;
            return self
                .data
                .get(begin..end)
                .map(Cow::Borrowed)
                .ok_or_else(truncated);
        }
        let src = self.data.get(begin..).ok_or_else(truncated)?;
        // A lying compressed size is harmless: inflation stops at the end
        // of the deflate stream; give it at most what the file holds.
        let src = &src[..src
            .len()
            .min(to_usize(e.compressed_size).unwrap_or(usize::MAX))];
        inflate(src, size, &e.name).map(Cow::Owned)
    }
}

/// FindEntry's checks for one entry: LFH signature, LFH vs CD fields, data
/// bounds. Sets `e.data_offset` when the LFH is usable.
fn check_entry(
    data: &[u8],
    e: &mut ZipEntry,
    cd_name: &[u8],
    cd_offset: u64,
    out: &mut Vec<ZipAnomaly>,
) {
    if e.method != METHOD_STORED && e.method != METHOD_DEFLATED {
        out.push(ZipAnomaly::UnknownCompressionMethod {
            entry: e.name.clone(),
            method: e.method,
        });
    }
    if e.method != METHOD_DEFLATED && e.compressed_size != e.uncompressed_size {
        out.push(ZipAnomaly::StoredSizeMismatch {
            entry: e.name.clone(),
            compressed: e.compressed_size,
            uncompressed: e.uncompressed_size,
        });
    }
    let lho = e.local_header_offset;
    if lho >= cd_offset {
        out.push(ZipAnomaly::LocalHeaderAfterCentralDirectory {
            entry: e.name.clone(),
            offset: lho,
            cd_offset,
        });
    }
    let Some(h) = to_usize(lho).and_then(|o| Some((o, data.get(o..o.checked_add(LFH_LEN)?)?)))
    else {
        out.push(ZipAnomaly::LocalHeaderMissing {
            entry: e.name.clone(),
            offset: lho,
        });
        return;
    };
    let (at, h) = h;
    if u32_at(h, 0) != Some(LFH_SIGNATURE) {
        out.push(ZipAnomaly::LocalHeaderMissing {
            entry: e.name.clone(),
            offset: lho,
        });
        return;
    }
    let lfh_flags = u16_at(h, 6).unwrap_or(0);
    let lfh_method = u16_at(h, 8).unwrap_or(0);
    let name_len = usize::from(u16_at(h, 26).unwrap_or(0));
    let extra_len = usize::from(u16_at(h, 28).unwrap_or(0));
    let mismatch = |field, central: u64, local: u64| ZipAnomaly::LocalHeaderMismatch {
        entry: e.name.clone(),
        field,
        central,
        local,
    };
    if e.flags & FLAG_ENCRYPTED != 0 || lfh_flags & FLAG_ENCRYPTED != 0 {
        out.push(ZipAnomaly::EncryptionFlag {
            entry: e.name.clone(),
            central: e.flags & FLAG_ENCRYPTED != 0,
            local: lfh_flags & FLAG_ENCRYPTED != 0,
        });
    }
    if lfh_flags != e.flags {
        out.push(mismatch(
            HeaderField::Flags,
            u64::from(e.flags),
            u64::from(lfh_flags),
        ));
    }
    if lfh_method != e.method {
        out.push(mismatch(
            HeaderField::Method,
            u64::from(e.method),
            u64::from(lfh_method),
        ));
    }
    let name_start = at + LFH_LEN;
    let lfh_name = data.get(name_start..name_start + name_len);
    if name_len != cd_name.len() {
        out.push(mismatch(
            HeaderField::NameLength,
            cd_name.len() as u64,
            name_len as u64,
        ));
    } else if let Some(n) = lfh_name.filter(|n| *n != cd_name) {
        out.push(ZipAnomaly::LocalNameMismatch {
            entry: e.name.clone(),
            local_name: lossy(n),
        });
    }
    // FindEntry compares CRC and sizes only without a data descriptor.
    if lfh_flags & FLAG_DATA_DESCRIPTOR == 0 {
        let mut lfh_usize = u64::from(u32_at(h, 22).unwrap_or(0));
        let mut lfh_csize = u64::from(u32_at(h, 18).unwrap_or(0));
        let extra_start = name_start + name_len;
        if let Some(extra) = data.get(extra_start..extra_start + extra_len) {
            apply_zip64_extra(extra, &mut lfh_usize, &mut lfh_csize, None);
        }
        let lfh_crc = u32_at(h, 14).unwrap_or(0);
        if lfh_crc != e.crc32 {
            out.push(mismatch(
                HeaderField::Crc32,
                u64::from(e.crc32),
                u64::from(lfh_crc),
            ));
        }
        if lfh_csize != e.compressed_size {
            out.push(mismatch(
                HeaderField::CompressedSize,
                e.compressed_size,
                lfh_csize,
            ));
        }
        if lfh_usize != e.uncompressed_size {
            out.push(mismatch(
                HeaderField::UncompressedSize,
                e.uncompressed_size,
                lfh_usize,
            ));
        }
    }
    let data_offset = lho + (LFH_LEN + name_len + extra_len) as u64;
    if data_offset > data.len() as u64 {
        out.push(ZipAnomaly::LocalHeaderMissing {
            entry: e.name.clone(),
            offset: lho,
        });
        return;
    }
    e.data_offset = Some(data_offset);
    // FindEntry: the compressed length (and, for stored, the uncompressed
    // length) must fit before the central directory.
    let room = cd_offset.saturating_sub(data_offset);
    let over = |len: u64| data_offset > cd_offset || len > room;
    let length = if over(e.compressed_size) {
        Some(e.compressed_size)
    } else if e.method == METHOD_STORED && over(e.uncompressed_size) {
        Some(e.uncompressed_size)
    } else {
        None
    };
    if let Some(length) = length {
        out.push(ZipAnomaly::EntryOutOfBounds {
            entry: e.name.clone(),
            data_offset,
            length,
            cd_offset,
        });
    }
}

/// Report entries whose `[local header, data end)` ranges overlap.
fn find_overlaps(entries: &[ZipEntry], out: &mut Vec<ZipAnomaly>) {
    let mut spans: Vec<(u64, u64, usize)> = entries
        .iter()
        .filter_map(|e| {
            Some((
                e.local_header_offset,
                e.data_offset?.saturating_add(e.stored_len()),
                e.index,
            ))
        })
        .collect();
    spans.sort_unstable();
    let mut listed = 0usize;
    let mut more = 0usize;
    let mut reach: Option<(u64, usize)> = None; // furthest end so far
    for &(start, end, i) in &spans {
        if let Some((far, j)) = reach {
            if start < far {
                if listed < MAX_OVERLAPS_LISTED {
                    if let (Some(a), Some(b)) = (entries.get(j), entries.get(i)) {
                        out.push(ZipAnomaly::OverlappingEntries {
                            a: a.name.clone(),
                            b: b.name.clone(),
                        });
                        listed += 1;
                    }
                } else {
                    more += 1;
                }
            }
            if end > far {
                reach = Some((end, i));
            }
        } else {
            reach = Some((end, i));
        }
    }
    if more > 0 {
        out.push(ZipAnomaly::OverlapsNotListed { more });
    }
}

/// Inflate a raw deflate stream into exactly `declared` bytes
/// (`InflateEntryToWriter`). Never writes past `declared`.
fn inflate(src: &[u8], declared: u64, name: &str) -> Result<Vec<u8>, ZipError> {
    let cap = to_usize(declared).ok_or_else(|| ZipError::Inflate {
        entry: name.to_owned(),
        msg: format!("declared size {declared} does not fit in memory"),
    })?;
    if cap == 0 && src.is_empty() {
        // An empty entry some writers mark as deflated with no stream.
        return Ok(Vec::new());
    }
    let mut out: Vec<u8> = Vec::with_capacity(cap);
    let mut d = Decompress::new(false);
    let err = |msg: String| ZipError::Inflate {
        entry: name.to_owned(),
        msg,
    };
    loop {
        let (in_before, out_before) = (d.total_in(), d.total_out());
        let input = to_usize(in_before)
            .and_then(|i| src.get(i..))
            .unwrap_or(&[]);
        let status = if out.len() < cap {
            // Writes only into the spare capacity (no zero-fill), which
            // `with_capacity(cap)` sized to the declared size.
            let r = d.decompress_vec(input, &mut out, FlushDecompress::None);
            if out.len() > cap {
                return Err(ZipError::InflatesPastDeclaredSize {
                    entry: name.to_owned(),
                    declared,
                });
            }
            r
        } else {
            // Output is full: any further byte means the size lied.
            let mut probe = [0u8; 1];
            let r = d.decompress(input, &mut probe, FlushDecompress::None);
            if d.total_out() > out_before {
                return Err(ZipError::InflatesPastDeclaredSize {
                    entry: name.to_owned(),
                    declared,
                });
            }
            r
        };
        match status {
            Ok(Status::StreamEnd) => break,
            Ok(_) => {
                if d.total_in() == in_before && d.total_out() == out_before {
                    if input.is_empty() {
                        return Err(err(format!(
                            "compressed data ends after {in_before} bytes, before the deflate stream does"
                        )));
                    }
                    return Err(err("inflate made no progress".to_owned()));
                }
            }
            Err(e) => return Err(err(format!("{e} after {in_before} compressed bytes"))),
        }
    }
    if out.len() as u64 != declared {
        return Err(ZipError::InflatedSizeMismatch {
            entry: name.to_owned(),
            declared,
            actual: out.len() as u64,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::zip::{ArchiveSpec, EntrySpec, build, build_simple};

    fn read_all(z: &ZipArchive<'_>) -> Vec<Vec<u8>> {
        let limits = Limits::default();
        let budget = Budget::new(&limits);
        z.entries()
            .iter()
            .map(|e| z.read(e, &limits, &budget).unwrap().into_owned())
            .collect()
    }

    #[test]
    fn clean_archive_has_no_anomalies_and_reads_back() {
        let body = b"<manifest/>".repeat(50);
        let bytes = build_simple(&[
            ("AndroidManifest.xml", &body),
            ("classes.dex", b"dex\n035\0"),
        ]);
        let z = ZipArchive::parse(&bytes, &Limits::default()).unwrap();
        assert_eq!(z.anomalies(), &[]);
        assert_eq!(z.entries().len(), 2);
        assert_eq!(z.by_name("classes.dex").unwrap().index, 1);
        assert_eq!(read_all(&z), vec![body, b"dex\n035\0".to_vec()]);
        assert!(z.read_anomalies().is_empty());
        assert!(ZipArchive::is_zip(&bytes));
    }

    #[test]
    fn stored_entries_are_borrowed() {
        let bytes = build(&[EntrySpec::stored("a", b"abc")], &ArchiveSpec::default());
        let z = ZipArchive::parse(&bytes, &Limits::default()).unwrap();
        let limits = Limits::default();
        let got = z
            .read(&z.entries()[0], &limits, &Budget::new(&limits))
            .unwrap();
        assert!(matches!(got, Cow::Borrowed(b"abc")));
    }

    #[test]
    fn is_valid_entry_name_matches_aosp() {
        assert_eq!(entry_name_problem("ۦۖ۫/x".as_bytes()), None);
        assert_eq!(entry_name_problem(b"a\0b"), Some("contains a NUL byte"));
        assert_eq!(entry_name_problem(b"\xC3\x28"), Some("is not valid UTF-8"));
        assert_eq!(entry_name_problem(b"\xC3"), Some("is not valid UTF-8"));
        assert_eq!(entry_name_problem(b"\x80"), Some("is not valid UTF-8"));
        assert_eq!(entry_name_problem(b"\xFE"), Some("is not valid UTF-8"));
        // AOSP accepts overlong encodings.
        assert_eq!(entry_name_problem(b"\xC0\xAF"), None);
    }

    #[test]
    fn crc_mismatch_is_recorded_not_fatal() {
        let mut e = EntrySpec::deflated("a", b"payload payload");
        e.crc_override = Some(0x1234_5678);
        let bytes = build(&[e], &ArchiveSpec::default());
        let z = ZipArchive::parse(&bytes, &Limits::default()).unwrap();
        assert_eq!(read_all(&z), vec![b"payload payload".to_vec()]);
        assert_eq!(
            z.read_anomalies(),
            vec![ZipAnomaly::CrcMismatch {
                entry: "a".into(),
                expected: 0x1234_5678,
                actual: crc32fast::hash(b"payload payload")
            }]
        );
    }

    #[test]
    fn too_many_entries_fails_before_walking_everything() {
        let bytes = build_simple(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        let limits = Limits {
            max_entries: 2,
            ..Limits::default()
        };
        assert_eq!(
            ZipArchive::parse(&bytes, &limits).unwrap_err(),
            ZipError::Limit(LimitError::TooManyEntries { count: 3, cap: 2 })
        );
    }

    #[test]
    fn anomaly_messages_name_the_entry() {
        let a = ZipAnomaly::UnknownCompressionMethod {
            entry: "AndroidManifest.xml".into(),
            method: 7261,
        };
        assert_eq!(
            a.to_string(),
            "entry 'AndroidManifest.xml' has unknown compression method 7261; Android reads it as stored data of its uncompressed size"
        );
        assert_eq!(a.severity(), AnomalyKind::Tampered);
        assert_eq!(
            a.severity().finding_code(),
            Some(crate::findings::Code::PS901)
        );
        assert_eq!(
            ZipAnomaly::EmptyArchive.severity().finding_code(),
            Some(crate::findings::Code::PS902)
        );
        assert_eq!(ZipAnomaly::Zip64.severity().finding_code(), None);
    }
}
