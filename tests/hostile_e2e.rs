//! End-to-end hostile-input cases from `research/hostile-inputs.md` (Z1, Z2,
//! Z4, Z6, Z7, A1, A2, A4, A5, A6, A8, A9, D2, E1): each builds a small APK
//! with the testkit writers, patches the bytes the recipe names, writes it
//! to a temp dir and scans it with `privscan::scan::scan_path`. Each test
//! asserts what Android would see (package, permissions, versionName,
//! components, SDKs from DEX/ELF) AND the tamper finding (PS901 archive
//! tampered, PS902 not installable / not loadable, PS903 binary XML
//! tampered). The per-parser tests (tests/zip_hostile.rs,
//! tests/axml_hostile.rs, tests/dex_elf_corpus.rs) check the decoders
//! alone; these check that the pipeline passes their anomalies through.
//!
//! Also: every file of the shared corpus is scanned under `catch_unwind`.

use privscan::android::xml::{ANDROID_NS, AttrValue, XmlAttribute, XmlElement};
use privscan::model::{AndroidManifest, ArtifactReport};
use privscan::testkit::axml::*;
use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build};
use privscan::testkit::{dex, elf};
use privscan::{Config, scan::scan_path};
use std::path::PathBuf;

const PKG: &str = "com.hostile.app";
const APPSFLYER: &[&str] = &["Lcom/appsflyer/AppsFlyerLib;", "Lcom/hostile/app/Main;"];

fn scan_named(bytes: &[u8], file: &str) -> ArtifactReport {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(file);
    std::fs::write(&p, bytes).unwrap();
    scan_path(&p, &Config::new())
}

fn scan(bytes: &[u8]) -> ArtifactReport {
    scan_named(bytes, "app.apk")
}

fn base_manifest() -> XmlElement {
    manifest(
        PKG,
        vec![
            uses_permission("android.permission.CAMERA"),
            uses_permission("android.permission.READ_CONTACTS"),
            element_with(
                "application",
                vec![android_attr("label", s("App"))],
                vec![element(
                    "activity",
                    vec![android_attr("name", s("com.hostile.app.Main"))],
                )],
            ),
        ],
    )
}

fn axml(root: &XmlElement) -> Vec<u8> {
    encode(root, ANDROID_NAMESPACES, &EncodeOptions::default())
}

fn manifest_of(r: &ArtifactReport) -> &AndroidManifest {
    assert!(r.error.is_none(), "artifact error: {:?}", r.error);
    &r.android.as_ref().expect("android facts").manifest
}

fn perms(r: &ArtifactReport) -> Vec<&str> {
    manifest_of(r)
        .uses_permissions
        .iter()
        .map(|p| p.name.as_str())
        .collect()
}

/// Findings with `code`, as `(subject, message)`.
fn findings<'a>(r: &'a ArtifactReport, code: &str) -> Vec<(&'a str, &'a str)> {
    r.findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| (f.subject.as_str(), f.message.as_str()))
        .collect()
}

fn sdk_ids(r: &ArtifactReport) -> Vec<&str> {
    r.sdks.iter().map(|d| d.id.as_str()).collect()
}

/// The decoded base manifest and the AppsFlyer detection from classes.dex.
fn assert_base_seen(r: &ArtifactReport) {
    assert_eq!(manifest_of(r).package.as_deref(), Some(PKG));
    assert_eq!(
        perms(r),
        [
            "android.permission.CAMERA",
            "android.permission.READ_CONTACTS"
        ]
    );
    assert!(sdk_ids(r).contains(&"appsflyer"), "{:?}", sdk_ids(r));
}

fn clean_entries() -> Vec<EntrySpec> {
    vec![
        EntrySpec::deflated("AndroidManifest.xml", &axml(&base_manifest())),
        EntrySpec::deflated("classes.dex", &dex::build(APPSFLYER)),
    ]
}

#[test]
fn clean_apk_has_no_tamper_findings() {
    let r = scan(&build(&clean_entries(), &ArchiveSpec::default()));
    assert_base_seen(&r);
    for code in ["PS901", "PS902", "PS903"] {
        assert!(findings(&r, code).is_empty(), "{code}: {:?}", r.findings);
    }
    assert!(r.entry_errors.is_empty(), "{:?}", r.entry_errors);
}

// ------------------------------------------------------------------ ZIP

#[test]
fn z1_badpack_manifest_is_read_and_flagged() {
    let mut e = clean_entries();
    e[0] = EntrySpec::stored("AndroidManifest.xml", &axml(&base_manifest()));
    e[0].cd_method = Some(0x1C5D);
    e[0].lfh_method = Some(0x1C5D);
    e[0].cd_csize = Some(1);
    e[0].lfh_csize = Some(1);
    let r = scan(&build(&e, &ArchiveSpec::default()));
    assert_base_seen(&r);
    let ps901 = findings(&r, "PS901");
    assert_eq!(ps901.len(), 2, "{ps901:?}");
    assert!(ps901.iter().all(|(s, _)| *s == "AndroidManifest.xml"));
    assert!(ps901.iter().any(|(_, m)| m.contains("7261")), "{ps901:?}");
}

#[test]
fn z2_fake_encryption_bit_is_ignored_and_flagged() {
    // Both headers, on the manifest and the DEX.
    let mut e = clean_entries();
    e[0].flags = 1;
    e[1].flags = 1;
    let r = scan(&build(&e, &ArchiveSpec::default()));
    assert_base_seen(&r);
    let subjects: Vec<&str> = findings(&r, "PS901").iter().map(|f| f.0).collect();
    assert_eq!(subjects, ["AndroidManifest.xml", "classes.dex"]);
    assert!(findings(&r, "PS901")[0].1.contains("encrypt"));

    // Variant: central directory only ("type 1").
    let mut e = clean_entries();
    e[0].cd_flags = Some(1);
    let r = scan(&build(&e, &ArchiveSpec::default()));
    assert_base_seen(&r);
    assert!(
        findings(&r, "PS901")
            .iter()
            .any(|(s, m)| *s == "AndroidManifest.xml" && m.contains("encrypt"))
    );
}

/// Z4 on the manifest. Android refuses the APK (`kDuplicateEntry`), so no
/// copy is "the" manifest: privscan reports PS902 and decodes the FIRST
/// central-directory record (the one `by_name` returns); the second copy's
/// package and permissions are not in the report.
#[test]
fn z4_duplicate_manifest_first_is_scanned_and_not_installable() {
    let evil = manifest(
        "com.evil.app",
        vec![uses_permission("android.permission.READ_SMS")],
    );
    let mut e = clean_entries();
    e.push(EntrySpec::deflated("AndroidManifest.xml", &axml(&evil)));
    let r = scan(&build(&e, &ArchiveSpec::default()));
    assert_base_seen(&r);
    let ps902 = findings(&r, "PS902");
    assert_eq!(ps902.len(), 1, "{ps902:?}");
    assert_eq!(ps902[0].0, "AndroidManifest.xml");
    assert!(ps902[0].1.contains("2 times") && ps902[0].1.contains("reject"));
}

/// Z4 on classes.dex: every copy is scanned (a benign second copy cannot
/// hide SDK classes in the first).
#[test]
fn z4_duplicate_dex_every_copy_is_scanned() {
    let mut e = clean_entries();
    e[1] = EntrySpec::deflated("classes.dex", &dex::build(&["Lcom/hostile/app/Main;"]));
    e.push(EntrySpec::deflated("classes.dex", &dex::build(APPSFLYER)));
    let r = scan(&build(&e, &ArchiveSpec::default()));
    assert_base_seen(&r);
    let dex_entries = r
        .binaries
        .iter()
        .filter(|b| b.entry == "classes.dex")
        .count();
    assert_eq!(dex_entries, 2);
    assert!(
        findings(&r, "PS902")
            .iter()
            .any(|(s, m)| *s == "classes.dex" && m.contains("2 times"))
    );
}

#[test]
fn z6a_prepended_junk_is_salvaged_and_not_installable() {
    let spec = ArchiveSpec {
        prefix: vec![0xAA; 16],
        ..ArchiveSpec::default()
    };
    let r = scan(&build(&clean_entries(), &spec));
    assert_base_seen(&r);
    assert!(!findings(&r, "PS902").is_empty(), "{:?}", r.findings);
}

#[test]
fn z6b_comment_length_mismatch_is_not_installable() {
    for delta in [1, -1] {
        let spec = ArchiveSpec {
            comment: b"build 42".to_vec(),
            comment_len_delta: delta,
            ..ArchiveSpec::default()
        };
        let r = scan(&build(&clean_entries(), &spec));
        assert_base_seen(&r);
        assert!(
            !findings(&r, "PS902").is_empty(),
            "delta {delta}: {:?}",
            r.findings
        );
    }
}

/// Z6c: a copy of the real EOCD in the comment. Android reads the copy
/// (the last record, itself consistent): same entries, PS901 tampered.
#[test]
fn z6c_fake_eocd_copy_in_comment_is_flagged() {
    let clean = build(&clean_entries(), &ArchiveSpec::default());
    let spec = ArchiveSpec {
        comment: clean[clean.len() - 22..].to_vec(),
        ..ArchiveSpec::default()
    };
    let r = scan(&build(&clean_entries(), &spec));
    assert_base_seen(&r);
    let ps901 = findings(&r, "PS901");
    assert!(
        ps901
            .iter()
            .any(|(s, m)| *s == "archive" && m.contains("end")),
        "{ps901:?}"
    );
}

/// Regression (fake_empty_eocd_in_comment_hid_every_entry): `PK\5\6` + 18
/// zero bytes in the comment is a consistent last record declaring an empty
/// archive. Android reads it and refuses the APK (kEmptyArchive); the reader
/// used to report "no AndroidManifest.xml". Now the real central directory
/// is salvaged and the fake is reported (PS902).
#[test]
fn z6c_fake_empty_eocd_in_comment_does_not_hide_the_entries() {
    let mut fake = vec![0x50, 0x4B, 0x05, 0x06];
    fake.extend_from_slice(&[0u8; 18]);
    let spec = ArchiveSpec {
        comment: fake,
        ..ArchiveSpec::default()
    };
    let bytes = build(&clean_entries(), &spec);
    let z = privscan::input::zip::ZipArchive::parse(&bytes, &privscan::Limits::default()).unwrap();
    assert_eq!(z.entries().len(), 2);
    let r = scan(&bytes);
    assert_base_seen(&r);
    assert!(!findings(&r, "PS902").is_empty(), "{:?}", r.findings);
}

#[test]
fn z7_hostile_names_are_kept_and_the_apk_is_scanned() {
    let deep = format!("assets/{}x", "ۦۖ۫/".repeat(600));
    assert!(deep.len() > 4096);
    let services = format!("META-INF/services/{}", "o".repeat(300));
    let mut e = clean_entries();
    for name in [deep.as_str(), &services, "res/Prn.png", "res/aux.xml"] {
        e.push(EntrySpec::stored(name, b"x"));
    }
    e.push(EntrySpec::stored("AndroidManifest.xml/", b""));
    let r = scan(&build(&e, &ArchiveSpec::default()));
    // `AndroidManifest.xml/` does not shadow the manifest (exact-byte names).
    assert_base_seen(&r);
    assert!(findings(&r, "PS902").is_empty(), "{:?}", r.findings);

    // Reject controls: NUL and invalid UTF-8 make Android refuse the archive.
    for bad in [&b"assets/a\0b"[..], &b"assets/\xC3\x28"[..]] {
        let mut e = clean_entries();
        e.push(EntrySpec {
            name: bad.to_vec(),
            data: b"x".to_vec(),
            ..EntrySpec::default()
        });
        let r = scan(&build(&e, &ArchiveSpec::default()));
        assert_base_seen(&r);
        assert!(
            findings(&r, "PS902")
                .iter()
                .any(|(_, m)| m.contains("rejects")),
            "{:?}",
            r.findings
        );
    }
}

// ------------------------------------------------------------------ AXML

fn apk_with_manifest(manifest_bytes: &[u8]) -> Vec<u8> {
    let mut e = clean_entries();
    e[0] = EntrySpec::deflated("AndroidManifest.xml", manifest_bytes);
    build(&e, &ArchiveSpec::default())
}

fn ps903(r: &ArtifactReport) -> String {
    let f = findings(r, "PS903");
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].0, "AndroidManifest.xml");
    f[0].1.to_string()
}

#[test]
fn a1_outer_header_type_tampered_decodes_and_is_flagged() {
    for t in [0x0000u16, 0xB800, 0x5703] {
        let mut b = axml(&base_manifest());
        put_u16(&mut b, 0, t);
        let r = scan(&apk_with_manifest(&b));
        assert_base_seen(&r);
        assert!(ps903(&r).contains("axml-header-type"));
    }
    // Variant: chunk size smaller than the entry, junk after it.
    let mut b = axml(&base_manifest());
    put_u16(&mut b, 0, 0x0000);
    b.extend_from_slice(&[0xEE; 40]);
    let r = scan(&apk_with_manifest(&b));
    assert_base_seen(&r);
    assert!(ps903(&r).contains("axml-trailing-data"));
}

#[test]
fn a2_inflated_string_count_decodes_and_is_flagged() {
    let mut root = base_manifest();
    let bogus = plain_attr(
        "tag",
        AttrValue::Other {
            data_type: 0x03,
            data: 1000,
        },
    );
    root.children[0].attributes.push(bogus);
    let (mut b, layout) = encode_with_layout(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    let sp = layout.string_pool.start;
    let n = get_u32(&b, sp + 8);
    put_u32(&mut b, sp + 8, n + 12);
    let r = scan(&apk_with_manifest(&b));
    assert_base_seen(&r);
    let msg = ps903(&r);
    assert!(
        msg.contains("axml-string-count") && msg.contains("axml-string-index"),
        "{msg}"
    );
}

/// A4: every node with headerSize 0x14. AOSP accepts any headerSize ≥ 16,
/// 4-aligned and ≤ size, so this decodes the same and is not flagged.
#[test]
fn a4_node_header_size_0x14_decodes_the_same() {
    let b = encode(
        &base_manifest(),
        ANDROID_NAMESPACES,
        &EncodeOptions {
            node_header_size: 0x14,
            ..Default::default()
        },
    );
    let r = scan(&apk_with_manifest(&b));
    assert_base_seen(&r);
    assert!(findings(&r, "PS903").is_empty(), "{:?}", r.findings);

    // Reject control: headerSize 0x0E → Android BAD_TYPE; the artifact fails
    // with the AXML error (no manifest, so nothing else to report).
    let (mut b, layout) = encode_with_layout(
        &base_manifest(),
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    );
    put_u16(
        &mut b,
        layout.elements("uses-permission")[0].offset + 2,
        0x0E,
    );
    let r = scan(&apk_with_manifest(&b));
    let err = r.error.expect("artifact error");
    assert_eq!(err.code, "axml");
    assert!(
        err.message.contains("AndroidManifest.xml"),
        "{}",
        err.message
    );
}

#[test]
fn a5_junk_chunks_and_early_end_element_decode_and_are_flagged() {
    let root = base_manifest();
    let (good, layout) = encode_with_layout(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    let after_map = layout.resource_map.end;
    // (a) unknown chunk 0x057A and (b) a string pool relabelled 0x0200.
    let mut b = good.clone();
    let mut copy = good[layout.string_pool.clone()].to_vec();
    put_u16(&mut copy, 0, 0x0200);
    insert_chunk(&mut b, after_map, &copy);
    insert_chunk(&mut b, after_map, &chunk(0x057A, 8, &[], &[0; 8]));
    let r = scan(&apk_with_manifest(&b));
    assert_base_seen(&r);
    assert!(ps903(&r).contains("axml-junk-chunk"));
    // An END_ELEMENT before the root: decoded, flagged (Android 14+ may refuse).
    let first = layout.elements("manifest")[0].offset;
    let end = layout
        .nodes
        .iter()
        .find(|n| n.chunk_type == 0x0103)
        .unwrap();
    let end_bytes = good[end.offset..end.offset + end.size as usize].to_vec();
    let mut b = good.clone();
    insert_chunk(&mut b, first, &end_bytes);
    let r = scan(&apk_with_manifest(&b));
    assert_base_seen(&r);
    assert!(ps903(&r).contains("axml-end-before-root"));
}

#[test]
fn a6_lying_attribute_names_read_by_resource_id() {
    let decoy = XmlAttribute {
        namespace: Some(ANDROID_NS.to_owned()),
        name: "name".into(),
        resource_id: None,
        value: s("com.decoy.Main"),
    };
    let mut version_name = android_attr("versionName", s("8.4.5"));
    version_name.name = String::new();
    let mut perm_no_ns = uses_permission("android.permission.READ_CONTACTS");
    perm_no_ns.attributes[0].namespace = None;
    let mut root = manifest(
        PKG,
        vec![
            uses_permission("android.permission.CAMERA"),
            perm_no_ns,
            element_with(
                "application",
                vec![],
                vec![element(
                    "activity",
                    vec![android_attr("name", s("com.real.Main")), decoy],
                )],
            ),
        ],
    );
    root.attributes.push(version_name);
    let r = scan(&apk_with_manifest(&axml(&root)));
    assert_base_seen(&r);
    let m = manifest_of(&r);
    assert_eq!(m.version_name.as_deref(), Some("8.4.5"));
    let names: Vec<&str> = m.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["com.real.Main"]);
    let msg = ps903(&r);
    assert!(msg.contains("axml-attr-name-mismatch"), "{msg}");
}

#[test]
fn a8_markup_in_attribute_names_is_data() {
    let mut root = base_manifest();
    root.attributes
        .push(plain_attr(" >\n</manifest>\n<x a", s("v1")));
    root.attributes.push(plain_attr("\u{1}", s("v2")));
    for v in ["e1", "e2"] {
        root.attributes.push(XmlAttribute {
            namespace: Some(ANDROID_NS.into()),
            name: String::new(),
            resource_id: None,
            value: s(v),
        });
    }
    let r = scan(&apk_with_manifest(&axml(&root)));
    // Every real child still counts; the junk attributes change nothing.
    assert_base_seen(&r);
    assert_eq!(manifest_of(&r).components.len(), 1);
    assert_eq!(manifest_of(&r).version_name, None);
}

/// A9: versionName is `@0x7F0C0011`, resolved through resources.arsc.
#[test]
fn a9_version_name_reference_resolves_through_arsc() {
    let mut root = base_manifest();
    root.attributes.push(android_attr(
        "versionName",
        AttrValue::Reference(0x7F0C_0011),
    ));
    let arsc = encode_arsc(PKG, 0x7f, &[(0x7F0C_0011, "8.4.5", &[])]);
    let mut e = clean_entries();
    e[0] = EntrySpec::deflated("AndroidManifest.xml", &axml(&root));
    e.push(EntrySpec::stored("resources.arsc", &arsc));
    let r = scan(&build(&e, &ArchiveSpec::default()));
    assert_base_seen(&r);
    assert_eq!(manifest_of(&r).version_name.as_deref(), Some("8.4.5"));
}

/// A9 variant: the value also varies by locale (`values-fr`). Android's
/// `getNonConfigurationString` returns null here; privscan reports the
/// default-configuration value, as `aapt dump badging` does (documented in
/// docs/hostile.md).
#[test]
fn a9_locale_varying_version_name_reports_the_default_value() {
    let mut root = base_manifest();
    root.attributes.push(android_attr(
        "versionName",
        AttrValue::Reference(0x7F0C_0011),
    ));
    let arsc = encode_arsc(PKG, 0x7f, &[(0x7F0C_0011, "8.4.5", &[("fr", "8.4.5-fr")])]);
    let mut e = clean_entries();
    e[0] = EntrySpec::deflated("AndroidManifest.xml", &axml(&root));
    e.push(EntrySpec::stored("resources.arsc", &arsc));
    let r = scan(&build(&e, &ArchiveSpec::default()));
    assert_base_seen(&r);
    assert_eq!(manifest_of(&r).version_name.as_deref(), Some("8.4.5"));
}

/// A9 with no resources.arsc: the reference is kept as `@0x7f0c0011`.
#[test]
fn a9_unresolvable_version_name_stays_a_reference() {
    let mut root = base_manifest();
    root.attributes.push(android_attr(
        "versionName",
        AttrValue::Reference(0x7F0C_0011),
    ));
    let r = scan(&apk_with_manifest(&axml(&root)));
    assert_base_seen(&r);
    assert_eq!(manifest_of(&r).version_name.as_deref(), Some("@0x7f0c0011"));
}

// ------------------------------------------------------------------ DEX / ELF

/// D2: a `dex\n036\0` classes2.dex is reported (version, not loadable on
/// ART: PS902) but does not stop the scan; the 035 classes.dex is scanned.
#[test]
fn d2_dex_036_in_apk_is_flagged_not_fatal() {
    let mut d = dex::build(&["Lio/branch/referral/Branch;"]);
    d[4..7].copy_from_slice(b"036");
    let mut e = clean_entries();
    e.push(EntrySpec::deflated("classes2.dex", &d));
    let r = scan(&build(&e, &ArchiveSpec::default()));
    assert_base_seen(&r);
    let v036 = r
        .binaries
        .iter()
        .find(|b| b.entry == "classes2.dex")
        .unwrap();
    assert_eq!(v036.dex.as_ref().unwrap().version, "036");
    let ps902 = findings(&r, "PS902");
    assert_eq!(ps902.len(), 1, "{:?}", r.findings);
    assert_eq!(ps902[0].0, "classes2.dex");
    assert!(ps902[0].1.contains("036") && ps902[0].1.contains("ART"));

    // 037-041 are ART versions: no finding.
    for v in [b"037", b"039", b"040"] {
        let mut d = dex::build(APPSFLYER);
        d[4..7].copy_from_slice(v);
        let mut e = clean_entries();
        e[1] = EntrySpec::deflated("classes.dex", &d);
        let r = scan(&build(&e, &ArchiveSpec::default()));
        assert_base_seen(&r);
        assert!(findings(&r, "PS902").is_empty(), "{:?}", r.findings);
    }
}

fn so_bytes() -> Vec<u8> {
    elf::build(&elf::ElfSpec {
        machine: 183,
        needed: vec!["liblog.so".into(), "libc.so".into()],
        soname: Some("libbad.so".into()),
        exports: vec!["JNI_OnLoad".into()],
        imports: vec!["__android_log_print".into()],
    })
}

/// E1 (a): e_shoff = 0xFF…FF, e_shnum = 0xFFFF. Linux exec ignores
/// sections; bionic's dlopen refuses the file. The dynamic facts still come
/// from PT_DYNAMIC, the finding says "not loadable via dlopen", and the rest
/// of the APK is scanned.
#[test]
fn e1_bogus_section_headers_keep_dynamic_info_and_the_apk_scan() {
    let mut so = so_bytes();
    so[0x28..0x30].copy_from_slice(&[0xFF; 8]);
    so[0x3C..0x3E].copy_from_slice(&[0xFF; 2]);
    let mut e = clean_entries();
    e.push(EntrySpec::stored("lib/arm64-v8a/libbad.so", &so));
    let r = scan(&build(&e, &ArchiveSpec::default()));
    assert_base_seen(&r);
    let b = r
        .binaries
        .iter()
        .find(|b| b.entry == "lib/arm64-v8a/libbad.so")
        .expect("ELF facts");
    assert_eq!(b.slices[0].needed, ["liblog.so", "libc.so"]);
    assert_eq!(b.slices[0].soname.as_deref(), Some("libbad.so"));
    let ps902 = findings(&r, "PS902");
    assert_eq!(ps902.len(), 1, "{:?}", r.findings);
    assert_eq!(ps902[0].0, "lib/arm64-v8a/libbad.so");
    assert!(ps902[0].1.contains("dlopen"), "{}", ps902[0].1);

    // (b) e_shstrndx out of range, (c) e_shentsize = 0: still read, APK scanned.
    for (at, v) in [(0x3Eusize, [0xFFu8, 0xFF]), (0x3A, [0, 0])] {
        let mut so = so_bytes();
        so[at..at + 2].copy_from_slice(&v);
        let mut e = clean_entries();
        e.push(EntrySpec::stored("lib/arm64-v8a/libbad.so", &so));
        let r = scan(&build(&e, &ArchiveSpec::default()));
        assert_base_seen(&r);
        let b = r
            .binaries
            .iter()
            .find(|b| b.entry == "lib/arm64-v8a/libbad.so")
            .expect("ELF facts");
        assert_eq!(
            b.slices[0].needed,
            ["liblog.so", "libc.so"],
            "patch at {at:#x}"
        );
    }

    // A library that is not ELF at all: an entry error, the APK still scanned.
    let mut e = clean_entries();
    e.push(EntrySpec::stored(
        "lib/arm64-v8a/libjunk.so",
        b"\x7fELF junk",
    ));
    let r = scan(&build(&e, &ArchiveSpec::default()));
    assert_base_seen(&r);
    assert!(
        r.entry_errors
            .iter()
            .any(|x| x.entry == "lib/arm64-v8a/libjunk.so")
    );
}

// ------------------------------------------------------------------ corpus

fn corpus_dir() -> Option<PathBuf> {
    [
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")),
        PathBuf::from("/work/shared/corpus"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

/// Every corpus file, scanned alone, under `catch_unwind`: no panic.
#[test]
fn corpus_scans_never_panic() {
    let Some(root) = corpus_dir() else {
        eprintln!("SKIP: shared corpus not found");
        return;
    };
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| !p.to_string_lossy().ends_with(".expected.json"))
        .collect();
    files.sort();
    assert!(files.len() > 100, "{} corpus files", files.len());
    let config = Config::new();
    let mut panicked = Vec::new();
    for f in &files {
        let r = std::panic::catch_unwind(|| scan_path(f, &config));
        if r.is_err() {
            panicked.push(f.display().to_string());
        }
    }
    assert!(panicked.is_empty(), "panicked on: {panicked:?}");
}

// ------------------------------------------------------------------ fuzz regressions

/// Regression (elf_dynamic_offset_near_u64_max_overflowed, found by the
/// `elf` fuzz target): a PT_DYNAMIC `p_offset` near u64::MAX made the
/// program-header reader compute `offset + 8` with overflow (a panic in
/// debug builds). Now the entry is just unreadable.
#[test]
fn elf_dynamic_offset_near_u64_max_overflowed() {
    let mut so = elf::build(&elf::ElfSpec {
        machine: 183,
        needed: vec!["liblog.so".into()],
        ..Default::default()
    });
    let phoff = u64::from_le_bytes(so[0x20..0x28].try_into().unwrap()) as usize;
    let phnum = u16::from_le_bytes([so[0x38], so[0x39]]) as usize;
    let dynamic = (0..phnum)
        .map(|i| phoff + i * 56)
        .find(|&p| u32::from_le_bytes(so[p..p + 4].try_into().unwrap()) == 2)
        .expect("PT_DYNAMIC");
    so[dynamic + 8..dynamic + 16].copy_from_slice(&(u64::MAX - 7).to_le_bytes());
    so[dynamic + 32..dynamic + 40].copy_from_slice(&16u64.to_le_bytes());
    let r = privscan::native::elf::parse_program_headers_only(&so, "libx.so");
    // The DT_* entries are unreadable: no DT_NEEDED, and it says why.
    if let Ok((facts, anomalies)) = r {
        assert!(facts.slices[0].needed.is_empty());
        assert!(!anomalies.is_empty());
    }
}

/// Regression (macho_lc_main_text_underflow_panicked_in_goblin, found by
/// the `macho` fuzz target): `__TEXT.vmaddr < __TEXT.fileoff` with an
/// LC_MAIN made goblin 0.10.7 subtract with overflow. The slice is now
/// reported with a warning instead of reaching goblin.
#[test]
fn macho_lc_main_text_underflow_panicked_in_goblin() {
    let mut m = Vec::new();
    let p32 = |m: &mut Vec<u8>, v: u32| m.extend_from_slice(&v.to_le_bytes());
    let p64 = |m: &mut Vec<u8>, v: u64| m.extend_from_slice(&v.to_le_bytes());
    for v in [0xfeed_facf, 0x0100_000c, 0, 2, 2, 72 + 24, 0, 0] {
        p32(&mut m, v);
    }
    p32(&mut m, 0x19);
    p32(&mut m, 72);
    m.extend_from_slice(b"__TEXT\0\0\0\0\0\0\0\0\0\0");
    for v in [0u64, 0x1000, 0x1000, 0] {
        p64(&mut m, v); // vmaddr 0 < fileoff 0x1000
    }
    for v in [5u32, 5, 0, 0] {
        p32(&mut m, v);
    }
    p32(&mut m, 0x8000_0028);
    p32(&mut m, 24);
    p64(&mut m, 0);
    p64(&mut m, 0);
    m.resize(0x2000, 0);
    let facts = privscan::native::macho::parse(&m, "Payload/X.app/X", &privscan::Limits::default())
        .expect("thin Mach-O");
    assert!(
        facts.warnings().iter().any(|w| w.contains("overflows")),
        "{:?}",
        facts.warnings()
    );
}
