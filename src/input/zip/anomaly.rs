//! What can be wrong with an archive: [`ZipAnomaly`] (read anyway, with
//! Android's verdict in [`AnomalyKind`]) and [`ZipError`] (not read).

use super::*;

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
    /// A header field that Android's reader never uses but that is set to
    /// a value no ordinary writer produces, to break tools that do check
    /// it: version needed to extract above 6.3 (e.g. 0xFF), a disk number
    /// other than 0, an entries-on-this-disk count that differs from the
    /// total, ZIP64 locator/record disk counts other than 0 and 1.
    /// libziparchive (`FindCentralDirectoryInfo`, `ParseZipArchive`) locates
    /// and reads entries from the record count, CD size/offset, names,
    /// methods, sizes and local-header offsets only, so the archive is read
    /// as usual and the field is reported.
    #[error(
        "{field} is {value:#x} in {where_} ({count} record(s), first: '{first}'); Android ignores it, tools that check it fail"
    )]
    IgnoredFieldTampered {
        /// The field, e.g. "version needed to extract".
        field: &'static str,
        /// Its value (the first odd one).
        value: u64,
        /// The record kind, e.g. "the central directory", "the EOCD".
        where_: &'static str,
        /// How many records carry an odd value.
        count: u64,
        /// The first entry with it, or the record for archive-level fields.
        first: String,
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
    /// An EOCD field holds its ZIP64 sentinel (0xFFFF / 0xFFFFFFFF) but no
    /// valid ZIP64 locator and record precede the EOCD. libziparchive
    /// (`FindCentralDirectoryInfo` → `FindCentralDirectoryInfoForZip64`)
    /// switches to ZIP64 on any sentinel and then fails, so Android does
    /// not install the archive; privscan reads the 16/32-bit values.
    #[error(
        "the EOCD {field} is {value:#x}, the ZIP64 sentinel, but no valid ZIP64 locator and record precede it; \
         libziparchive looks for ZIP64 and rejects the archive"
    )]
    Zip64RecordMissing {
        /// The first EOCD field holding its sentinel.
        field: &'static str,
        /// Its value.
        value: u64,
    },
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
            | ZipAnomaly::CrcMismatch { .. }
            | ZipAnomaly::IgnoredFieldTampered { .. } => Tampered,
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
            | ZipAnomaly::Zip64RecordMissing { .. }
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
