//! Issue 17 class 8: fields Android ignores but that exist only to break
//! analysis tools are read as the platform reads them (the scan sees the
//! same manifest and permissions) and raise PS901 (archive) or PS903
//! (binary XML) naming the field and its value.
//!
//! ZIP: libziparchive (`zip_archive.cc` `FindCentralDirectoryInfo`,
//! `FindCentralDirectoryInfoForZip64`, `ParseZipArchive`) never reads
//! "version needed to extract", any disk number, "entries on this disk"
//! or the ZIP64 locator's disk fields. AXML: `ResXMLParser` steps through
//! attributes by the element's `attributeSize` and never reads
//! `Res_value.size` / `res0` (`ResourceTypes.cpp`).

use privscan::model::ArtifactReport;
use privscan::testkit::axml::*;
use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build};
use privscan::{Config, scan::scan_path};

const PKG: &str = "com.tamper.fields";

fn manifest_bytes() -> (Vec<u8>, Layout) {
    encode_with_layout(
        &manifest(PKG, vec![uses_permission("android.permission.CAMERA")]),
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    )
}

fn apk(zip64: bool) -> Vec<u8> {
    build(
        &[
            EntrySpec::deflated("AndroidManifest.xml", &manifest_bytes().0),
            EntrySpec::stored("assets/a.txt", b"a"),
        ],
        &ArchiveSpec {
            zip64,
            ..ArchiveSpec::default()
        },
    )
}

fn scan(bytes: &[u8]) -> ArtifactReport {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.apk");
    std::fs::write(&p, bytes).unwrap();
    scan_path(&p, &Config::new())
}

fn eocd(b: &[u8]) -> usize {
    b.len() - 22
}

fn cd_offset(b: &[u8]) -> usize {
    let e = eocd(b);
    let off = get_u32(b, e + 16);
    if off == u32::MAX {
        // ZIP64: the record's offset is in the locator, the CD's in the record.
        let rec = u64::from_le_bytes(b[e - 20 + 8..e - 20 + 16].try_into().unwrap()) as usize;
        u64::from_le_bytes(b[rec + 48..rec + 56].try_into().unwrap()) as usize
    } else {
        off as usize
    }
}

/// Android reads the tampered archive like the clean one, and one PS901
/// names `field` and its value.
fn assert_flagged(b: &[u8], field: &str, value: &str) {
    let r = scan(b);
    assert!(r.error.is_none(), "{field}: {:?}", r.error);
    let m = &r.android.as_ref().unwrap().manifest;
    assert_eq!(m.package.as_deref(), Some(PKG), "{field}");
    assert!(
        m.uses_permissions
            .iter()
            .any(|p| p.name == "android.permission.CAMERA"),
        "{field}"
    );
    let hit = r
        .findings
        .iter()
        .filter(|f| f.code == "PS901")
        .any(|f| f.message.contains(field) && f.message.contains(value));
    assert!(
        hit,
        "{field} {value}: {:?}",
        r.findings
            .iter()
            .map(|f| (&f.code, &f.message))
            .collect::<Vec<_>>()
    );
}

#[test]
fn clean_archive_has_no_ignored_field_finding() {
    for zip64 in [false, true] {
        let r = scan(&apk(zip64));
        assert!(
            !r.findings
                .iter()
                .any(|f| f.message.contains("Android ignores it")),
            "{:?}",
            r.findings
        );
    }
}

#[test]
fn version_needed_0xff_is_tamper() {
    let mut b = apk(false);
    let cd = cd_offset(&b);
    put_u16(&mut b, cd + 6, 0x00FF);
    assert_flagged(&b, "version needed to extract", "0xff");
}

#[test]
fn local_header_version_needed_0xff_is_tamper() {
    let mut b = apk(false);
    put_u16(&mut b, 4, 0x00FF); // the first local header
    assert_flagged(&b, "version needed to extract", "0xff");
    let r = scan(&b);
    assert!(
        r.findings
            .iter()
            .any(|f| f.message.contains("in the local headers")),
        "{:?}",
        r.findings
    );
}

#[test]
fn cd_disk_number_start_is_tamper() {
    let mut b = apk(false);
    let cd = cd_offset(&b);
    put_u16(&mut b, cd + 34, 7);
    assert_flagged(&b, "disk number start", "0x7");
}

#[test]
fn eocd_disk_numbers_are_tamper() {
    let mut b = apk(false);
    let e = eocd(&b);
    put_u16(&mut b, e + 4, 3);
    assert_flagged(&b, "number of this disk", "0x3");

    let mut b = apk(false);
    put_u16(&mut b, e + 6, 5);
    assert_flagged(&b, "disk where the central directory starts", "0x5");

    // entries on this disk 1, total 2: Android reads the total.
    let mut b = apk(false);
    put_u16(&mut b, e + 8, 1);
    assert_flagged(&b, "entries on this disk", "0x1");
}

#[test]
fn zip64_locator_and_record_disk_counts_are_tamper() {
    let b0 = apk(true);
    let loc = eocd(&b0) - 20;
    let mut b = b0.clone();
    put_u32(&mut b, loc + 4, 9);
    assert_flagged(&b, "disk with the ZIP64 end record", "0x9");

    let mut b = b0.clone();
    put_u32(&mut b, loc + 16, 0);
    assert_flagged(&b, "total number of disks", "0x0");

    let rec = u64::from_le_bytes(b0[loc + 8..loc + 16].try_into().unwrap()) as usize;
    let mut b = b0.clone();
    put_u32(&mut b, rec + 16, 2);
    assert_flagged(&b, "number of this disk", "0x2");
    let mut b = b0;
    put_u32(&mut b, rec + 20, 4);
    assert_flagged(&b, "disk where the central directory starts", "0x4");
}

fn scan_manifest(doc: &[u8]) -> ArtifactReport {
    scan(&build(
        &[EntrySpec::deflated("AndroidManifest.xml", doc)],
        &ArchiveSpec::default(),
    ))
}

fn ps903(r: &ArtifactReport) -> String {
    r.findings
        .iter()
        .filter(|f| f.code == "PS903")
        .map(|f| f.message.clone())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn camera(r: &ArtifactReport) -> bool {
    r.android.as_ref().is_some_and(|a| {
        a.manifest
            .uses_permissions
            .iter()
            .any(|p| p.name == "android.permission.CAMERA")
    })
}

#[test]
fn res_value_size_and_res0_are_tamper() {
    let (mut b, layout) = manifest_bytes();
    let a = layout.elements("uses-permission")[0].offset + 16 + 20;
    put_u16(&mut b, a + 12, 0x1234);
    b[a + 14] = 0x5a;
    let r = scan_manifest(&b);
    assert!(camera(&r), "Android ignores Res_value.size and res0");
    let m = ps903(&r);
    assert!(
        m.contains("Res_value.size 4660") && m.contains("res0 90"),
        "{m}"
    );
}

#[test]
fn non_standard_attribute_stride_is_tamper() {
    // attributeSize 28: each record padded by 8 bytes; Android steps by 28.
    let root = manifest(PKG, vec![uses_permission("android.permission.CAMERA")]);
    let (b, layout) = encode_with_layout(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    let el = layout.elements("uses-permission")[0].offset;
    let ext = el + 16;
    assert_eq!(get_u32(&b, ext + 8) >> 16, 20, "aapt stride");
    let mut t = b.clone();
    // Insert 8 padding bytes after the one attribute record, fix sizes.
    t.splice(ext + 40..ext + 40, [0u8; 8]);
    put_u16(&mut t, ext + 10, 28);
    let size = get_u32(&t, el + 4) + 8;
    put_u32(&mut t, el + 4, size);
    let total = t.len() as u32;
    put_u32(&mut t, 4, total);
    let r = scan_manifest(&t);
    assert!(r.error.is_none(), "{:?}", r.error);
    assert!(camera(&r), "read with the stated stride");
    let m = ps903(&r);
    assert!(m.contains("attributeSize 28"), "{m}");
}

/// Class 8, plists: a comment holding a fake usage key is skipped as
/// CoreFoundation skips it (`skipXMLComment`), and the trick is PS903; an
/// entity CF does not know is PS903 too (CF refuses such a plist).
#[test]
fn plist_comment_markup_and_entities_are_tamper() {
    use privscan::testkit::ipa::{build_ipa, sample_files, sample_info_plist, xml_plist};
    let xml = String::from_utf8(xml_plist(&sample_info_plist())).unwrap();
    let tricked = xml.replacen(
        "<dict>",
        "<dict>\n<!-- <key>NSContactsUsageDescription</key><string>fake</string> -->",
        1,
    );
    assert_ne!(tricked, xml);
    let files: Vec<(&str, Vec<u8>)> = sample_files()
        .into_iter()
        .map(|(n, b)| {
            if n == "Payload/SampleLive.app/Info.plist" {
                (n, tricked.clone().into_bytes())
            } else {
                (n, b)
            }
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.ipa");
    std::fs::write(&p, build_ipa(&files)).unwrap();
    let r = scan_path(&p, &Config::new());
    assert!(r.error.is_none(), "{:?}", r.error);
    let ios = r.ios.as_ref().unwrap();
    assert!(
        !ios.usage_descriptions
            .iter()
            .any(|u| u.key == "NSContactsUsageDescription"),
        "a commented-out key does not exist for iOS"
    );
    assert!(
        ios.usage_descriptions
            .iter()
            .any(|u| u.key == "NSCameraUsageDescription")
    );
    let m = ps903(&r);
    assert!(
        m.contains("plist-comment-markup") && m.contains("NSContactsUsageDescription"),
        "{m}"
    );

    // A loose Info.plist with an entity CoreFoundation does not know.
    let p = dir.path().join("Info.plist");
    std::fs::write(&p, xml.replacen("SampleLive</string>", "&x;</string>", 1)).unwrap();
    let r = scan_path(&p, &Config::new());
    let m = ps903(&r);
    assert!(m.contains("plist-entity: entity reference &x;"), "{m}");

    // The clean XML plist: no PS903.
    std::fs::write(&p, &xml).unwrap();
    assert_eq!(ps903(&scan_path(&p, &Config::new())), "");
}
