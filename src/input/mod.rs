//! Inputs: discovering artifacts under the paths a user gives, deciding
//! each one's kind from magic bytes and name, and loading its bytes.
//!
//! Archives are read in memory (`zip.rs`, an Android-style central-directory
//! reader); nothing is ever extracted to disk.

pub mod package_sniff;
pub mod shard;
pub mod zip;

use crate::model::ArtifactKind;
use std::path::{Path, PathBuf};

/// File contents: memory-mapped for large files, read for small ones.
pub enum FileBytes {
    /// Read into memory.
    Owned(Vec<u8>),
    /// Memory-mapped (files larger than `MMAP_THRESHOLD`).
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Owned(v) => v,
            FileBytes::Mapped(m) => m,
        }
    }
}

/// Files at least this large are memory-mapped instead of read (bytes).
pub const MMAP_THRESHOLD: u64 = 4 * 1024 * 1024;

/// Load a file: `mmap` it when it is large, read it otherwise.
///
/// A mapped file that another process truncates while we scan it can
/// raise SIGBUS; scanners of untrusted uploads should scan copies.
pub fn load(path: &Path) -> std::io::Result<FileBytes> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len >= MMAP_THRESHOLD {
        map(&file).map(FileBytes::Mapped)
    } else {
        let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        std::io::Read::read_to_end(&mut &file, &mut buf)?;
        Ok(FileBytes::Owned(buf))
    }
}

#[allow(unsafe_code)]
fn map(file: &std::fs::File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the mapping is read-only and private to this process. The
    // only hazard is another process truncating the file while it is
    // mapped (SIGBUS), documented on `load`.
    unsafe { memmap2::Mmap::map(file) }
}

/// Decide an artifact's kind from its first bytes and its file name.
/// Archives are told apart by extension first and, for an unknown
/// extension, by their entries (`AndroidManifest.xml` → APK,
/// `Payload/` → IPA, `base/manifest/` → AAB).
pub fn sniff(path: &Path, data: &[u8]) -> Option<ArtifactKind> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_string())
        .unwrap_or_default();
    let head = data.get(..8).unwrap_or(data);
    if head.starts_with(b"PK") {
        return archive_kind_by_ext(&ext).or_else(|| sniff_zip_entries(data));
    }
    // `ar` archives and fat files of them: static libraries, before the
    // Mach-O check (a fat file of archives is not a fat Mach-O).
    if package_sniff::is_ar_magic(head) || package_sniff::is_fat_of_ar(data) {
        return Some(ArtifactKind::StaticLib);
    }
    // An archive extension on something that is not a zip: let the zip
    // reader say what is wrong with it.
    if let Some(kind) = archive_kind_by_ext(&ext) {
        return Some(kind);
    }
    if head.starts_with(b"dex\n") {
        return Some(ArtifactKind::Dex);
    }
    if head.starts_with(b"\x7fELF") {
        return Some(ArtifactKind::Elf);
    }
    if is_macho(head) {
        return Some(ArtifactKind::Macho);
    }
    if head.starts_with(b"bplist") || ext == "plist" || ext == "xcprivacy" || ext == "entitlements"
    {
        return Some(ArtifactKind::Plist);
    }
    // AXML: a RES_XML_TYPE-shaped chunk header (type is not checked by
    // Android, so accept any type with headerSize 8) for manifest-like names.
    if ext == "xml" {
        if looks_like_text_xml(data) && contains(data, b"<plist") {
            return Some(ArtifactKind::Plist);
        }
        return Some(ArtifactKind::Manifest);
    }
    if head.len() >= 4 && head.get(2..4) == Some(&[0x08, 0x00]) && name.contains("manifest") {
        return Some(ArtifactKind::Manifest);
    }
    if looks_like_text_xml(data) {
        if contains(data, b"<plist") {
            return Some(ArtifactKind::Plist);
        }
        if contains(data, b"<manifest") {
            return Some(ArtifactKind::Manifest);
        }
    }
    // An archive name with data prepended (no `PK` at offset 0) but an end
    // record in its tail: Android refuses it; the zip reader salvages it
    // and reports PS902 (hostile-inputs Z6a).
    let by_ext = match ext.as_str() {
        "apk" => Some(ArtifactKind::Apk),
        "aab" => Some(ArtifactKind::Aab),
        "apks" => Some(ArtifactKind::Apks),
        "xapk" | "apkm" => Some(ArtifactKind::Xapk),
        "ipa" => Some(ArtifactKind::Ipa),
        _ => None,
    };
    by_ext.filter(|_| crate::input::zip::ZipArchive::is_zip(data))
}

fn archive_kind_by_ext(ext: &str) -> Option<ArtifactKind> {
    match ext {
        "apk" => Some(ArtifactKind::Apk),
        "aab" => Some(ArtifactKind::Aab),
        "apks" => Some(ArtifactKind::Apks),
        "xapk" | "apkm" => Some(ArtifactKind::Xapk),
        "ipa" => Some(ArtifactKind::Ipa),
        "aar" => Some(ArtifactKind::Aar),
        "jar" => Some(ArtifactKind::Jar),
        _ => None,
    }
}

fn contains(data: &[u8], needle: &[u8]) -> bool {
    let window = data.get(..4096).unwrap_or(data);
    memchr::memmem::find(window, needle).is_some()
}

fn looks_like_text_xml(data: &[u8]) -> bool {
    let trimmed = data
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    trimmed.and_then(|i| data.get(i)) == Some(&b'<')
}

/// Mach-O thin (32/64-bit, either byte order) or fat magic.
pub fn is_macho(head: &[u8]) -> bool {
    matches!(
        head.get(..4),
        Some([0xfe, 0xed, 0xfa, 0xce])
            | Some([0xce, 0xfa, 0xed, 0xfe])
            | Some([0xfe, 0xed, 0xfa, 0xcf])
            | Some([0xcf, 0xfa, 0xed, 0xfe])
            | Some([0xca, 0xfe, 0xba, 0xbe])
            | Some([0xca, 0xfe, 0xba, 0xbf])
    ) && !is_java_class(head)
}

/// `0xcafebabe` is also the Java class-file magic; a fat Mach-O has a
/// small arch count where a class file has its version (>= 45) there.
fn is_java_class(head: &[u8]) -> bool {
    matches!(head.get(..4), Some([0xca, 0xfe, 0xba, 0xbe]))
        && head
            .get(4..8)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) >= 45)
            .unwrap_or(false)
}

fn sniff_zip_entries(data: &[u8]) -> Option<ArtifactKind> {
    let archive = zip::ZipArchive::parse(data, &crate::Limits::default()).ok()?;
    if let Some(k) =
        package_sniff::package_kind_of_entries(archive.entries().iter().map(|e| e.name.as_str()))
    {
        return Some(k);
    }
    let mut kind = None;
    for e in archive.entries() {
        let n = e.name.as_str();
        if n == "AndroidManifest.xml" {
            return Some(ArtifactKind::Apk);
        }
        if n.starts_with("Payload/") {
            kind = Some(ArtifactKind::Ipa);
        } else if n == "base/manifest/AndroidManifest.xml" || n == "BundleConfig.pb" {
            kind = kind.or(Some(ArtifactKind::Aab));
        } else if n == "toc.pb" {
            kind = kind.or(Some(ArtifactKind::Apks));
        } else if n == "manifest.json" {
            kind = kind.or(Some(ArtifactKind::Xapk));
        }
    }
    kind
}

/// Expand the user's paths into artifact paths: files are taken as given;
/// a directory that is one artifact (an `.app` bundle, a `.framework`, an
/// `.xcframework`, an unpacked AAR, a source checkout, a split set) is one
/// artifact; other directories are walked (symlinks not followed) for
/// package folders and for files [`package_sniff::is_scannable_file`]
/// accepts (archives by extension, primary manifests by name, binaries by
/// magic bytes). A walked directory where nothing is found is returned
/// itself, so the scan reports "nothing to scan" for it instead of
/// silently scanning nothing. Sorted, so shards are deterministic.
///
/// Whether a directory is one artifact by its format's layout (a split
/// set, a source tree) is the formats' knowledge, not this layer's: the
/// caller passes it as `is_artifact_dir` (the pipeline's
/// `scan::is_artifact_dir`); `.app` bundles and SDK package folders are
/// recognised here.
pub fn discover(paths: &[PathBuf], is_artifact_dir: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir()
            && !is_single_artifact_dir(p)
            && package_sniff::package_dir_kind(p).is_none()
            && !is_artifact_dir(p)
        {
            let before = out.len();
            let mut walk = walkdir::WalkDir::new(p)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter();
            while let Some(next) = walk.next() {
                let Ok(entry) = next else { continue };
                let path = entry.path();
                if entry.file_type().is_dir() && entry.depth() > 0 {
                    if is_single_artifact_dir(path)
                        || package_sniff::package_dir_kind(path).is_some()
                    {
                        out.push(path.to_path_buf());
                        walk.skip_current_dir();
                    }
                } else if entry.file_type().is_file() && package_sniff::is_scannable_file(path) {
                    out.push(path.to_path_buf());
                }
            }
            if out.len() == before {
                out.push(p.clone());
            }
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// `true` for a directory scanned as one artifact (an `.app` bundle).
pub fn is_single_artifact_dir(p: &Path) -> bool {
    p.extension()
        .map(|e| e.eq_ignore_ascii_case("app"))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_by_magic_and_name() {
        assert_eq!(
            sniff(Path::new("x.dex"), b"dex\n035\0"),
            Some(ArtifactKind::Dex)
        );
        assert_eq!(
            sniff(Path::new("libx.so"), b"\x7fELF\x02\x01\x01\0"),
            Some(ArtifactKind::Elf)
        );
        assert_eq!(
            sniff(Path::new("a"), &[0xcf, 0xfa, 0xed, 0xfe, 0, 0, 0, 0]),
            Some(ArtifactKind::Macho)
        );
        assert_eq!(
            sniff(Path::new("A.class"), &[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]),
            None
        );
        assert_eq!(
            sniff(Path::new("Info.plist"), b"bplist00"),
            Some(ArtifactKind::Plist)
        );
        assert_eq!(
            sniff(Path::new("AndroidManifest.xml"), &[3, 0, 8, 0, 0, 0, 0, 0]),
            Some(ArtifactKind::Manifest)
        );
        assert_eq!(
            sniff(
                Path::new("AndroidManifest.xml"),
                b"<?xml version=\"1.0\"?>\n<manifest/>"
            ),
            Some(ArtifactKind::Manifest)
        );
        assert_eq!(
            sniff(Path::new("x.xml"), b"<?xml version=\"1.0\"?><plist/>"),
            Some(ArtifactKind::Plist)
        );
        assert_eq!(sniff(Path::new("notes.txt"), b"hello"), None);
        // A truncated or fake archive keeps its kind so the zip reader reports why.
        assert_eq!(
            sniff(Path::new("x.ipa"), b"not a zip"),
            Some(ArtifactKind::Ipa)
        );
    }
}
