//! Sniffing SDK packages and loose binaries by magic bytes and layout:
//! `ar` archives and fat files of them, AAR and JAR zips by their entries,
//! `.framework` / `.xcframework` / unpacked-AAR folders by what they hold.
//! Only the bytes and names are looked at; no format module is called.

use crate::model::ArtifactKind;
use std::path::Path;

/// `!<arch>\n` (or a GNU thin archive, which the reader refuses by name).
pub fn is_ar_magic(head: &[u8]) -> bool {
    head.starts_with(b"!<arch>\n") || head.starts_with(b"!<thin>\n")
}

/// A fat header (`0xcafebabe`/`0xcafebabf`, big-endian, `<mach-o/fat.h>`)
/// whose first slice starts with `!<arch>\n`: a universal static library.
pub fn is_fat_of_ar(data: &[u8]) -> bool {
    let be32 = |at: usize| {
        data.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let is64 = match be32(0) {
        Some(0xcafe_babe) => false,
        Some(0xcafe_babf) => true,
        _ => return false,
    };
    if !be32(4).is_some_and(|n| n > 0 && n < 45) {
        return false;
    }
    let off = if is64 {
        be32(8 + 8)
            .zip(be32(8 + 12))
            .map(|(hi, lo)| (u64::from(hi) << 32) | u64::from(lo))
    } else {
        be32(8 + 8).map(u64::from)
    };
    off.and_then(|o| usize::try_from(o).ok())
        .and_then(|o| data.get(o..o.checked_add(8)?))
        .is_some_and(|h| h == b"!<arch>\n")
}

/// The kind of a zip from its entry names: an AAR (root
/// `AndroidManifest.xml` with `classes.jar`/`R.txt`/`jni/`, no
/// `classes.dex`/`resources.arsc`), or a JAR (`.class` entries or
/// `META-INF/MANIFEST.MF`, no `AndroidManifest.xml`). `None` otherwise.
pub fn package_kind_of_entries<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Option<ArtifactKind> {
    let (mut manifest, mut aar_mark, mut apk_mark, mut classes, mut mf) =
        (false, false, false, false, false);
    for n in names {
        match n {
            "AndroidManifest.xml" => manifest = true,
            "classes.jar" | "R.txt" | "public.txt" | "proguard.txt" => aar_mark = true,
            "classes.dex" | "resources.arsc" => apk_mark = true,
            "META-INF/MANIFEST.MF" => mf = true,
            _ if n.starts_with("jni/") && n.ends_with(".so") => aar_mark = true,
            _ if n.ends_with(".class") => classes = true,
            _ => {}
        }
    }
    if manifest && aar_mark && !apk_mark {
        Some(ArtifactKind::Aar)
    } else if !manifest && !apk_mark && (classes || mf) {
        Some(ArtifactKind::Jar)
    } else {
        None
    }
}

/// The kind of a folder that is one SDK package: `X.framework`,
/// `X.xcframework` (with its root `Info.plist`), or an unpacked AAR
/// (root `AndroidManifest.xml` with `classes.jar` or `R.txt`).
pub fn package_dir_kind(p: &Path) -> Option<ArtifactKind> {
    let ext = p
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "framework" => return Some(ArtifactKind::Framework),
        "xcframework" if p.join("Info.plist").is_file() => {
            return Some(ArtifactKind::Xcframework);
        }
        _ => {}
    }
    let has = |n: &str| p.join(n).is_file();
    if has("AndroidManifest.xml")
        && (has("classes.jar") || has("R.txt"))
        && !has("classes.dex")
        && !has("resources.arsc")
    {
        return Some(ArtifactKind::Aar);
    }
    None
}

/// `true` for a file met while walking a folder that is worth scanning:
/// an app or SDK archive by extension (`.apk .aab .apks .xapk .apkm .ipa
/// .aar .jar`), a primary manifest by name (`AndroidManifest.xml`,
/// `Info.plist`, `PrivacyInfo.xcprivacy`), or a binary by its magic
/// bytes (DEX, ELF, Mach-O, `ar`, fat), whatever its name.
pub fn is_scannable_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if matches!(
        ext,
        "apk" | "aab" | "apks" | "xapk" | "apkm" | "ipa" | "aar" | "jar"
    ) || matches!(
        name.as_str(),
        "androidmanifest.xml" | "info.plist" | "privacyinfo.xcprivacy"
    ) {
        return true;
    }
    let mut head = [0u8; 8];
    let n = std::fs::File::open(p)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    let head = &head[..n];
    head.starts_with(b"dex\n")
        || head.starts_with(b"\x7fELF")
        || is_ar_magic(head)
        || super::is_macho(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_layouts() {
        assert_eq!(
            package_kind_of_entries(["AndroidManifest.xml", "classes.jar", "R.txt"]),
            Some(ArtifactKind::Aar)
        );
        assert_eq!(
            package_kind_of_entries(["AndroidManifest.xml", "classes.dex"]),
            None
        );
        assert_eq!(
            package_kind_of_entries(["META-INF/MANIFEST.MF", "a/B.class"]),
            Some(ArtifactKind::Jar)
        );
        assert_eq!(package_kind_of_entries(["Payload/A.app/Info.plist"]), None);
    }

    #[test]
    fn fat_of_ar_is_told_from_fat_macho() {
        let lib = crate::testkit::ar::sample_static_lib();
        assert!(is_fat_of_ar(&lib));
        let thin = crate::testkit::macho::build_thin(&Default::default());
        assert!(!is_fat_of_ar(&crate::testkit::macho::build_fat(&[thin])));
        assert!(!is_fat_of_ar(b"\xca\xfe\xba\xbe\x00\x00\x00\x34"));
    }
}
