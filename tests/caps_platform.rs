//! Issue 17 class 6: caps never blank a report. The default caps
//! (`privscan::Limits::default()`) are at or above what Android accepts,
//! so a file the phone installs is read whole: a manifest nested 300 deep
//! (`ResXMLParser` has no depth limit), a string pool of 4,000,000 strings
//! (`ResStringPool::setTo` checks only that the offset table fits the
//! chunk) and an APK of 250,000 entries (libziparchive reads up to the
//! EOCD count, ZIP64 for more than 65,535). A file over a cap is read in
//! part with PS905 naming the cap, and in a batch it never stops or empties
//! the `--format json` report of the others.

use assert_cmd::Command;
use privscan::android::axml;
use privscan::android::xml::XmlElement;
use privscan::testkit::axml::*;
use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build};
use privscan::{Config, Limits, scan::scan_path};

fn scan_bytes(name: &str, bytes: &[u8]) -> privscan::model::ArtifactReport {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    scan_path(&p, &Config::new())
}

fn nested(depth: usize) -> XmlElement {
    let mut el = element("x", vec![]);
    for _ in 1..depth {
        el = element_with("x", vec![], vec![el]);
    }
    el
}

fn perms(r: &privscan::model::ArtifactReport) -> Vec<String> {
    r.android
        .as_ref()
        .map(|a| {
            a.manifest
                .uses_permissions
                .iter()
                .map(|p| p.name.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn ps905(r: &privscan::model::ArtifactReport) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.code == "PS905")
        .map(|f| f.message.clone())
        .collect()
}

#[test]
fn a_manifest_nested_300_deep_is_read_whole() {
    // <manifest> + 300 nested elements + the permission after them.
    let root = manifest(
        "com.deep.ok",
        vec![nested(300), uses_permission("android.permission.CAMERA")],
    );
    let b = encode(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    let doc = axml::parse(&b, &Limits::default()).unwrap();
    assert!(doc.caps_hit.is_empty(), "{:?}", doc.caps_hit);
    let mut depth = 0;
    let mut el = &doc.root.children[0];
    loop {
        depth += 1;
        match el.children.first() {
            Some(c) => el = c,
            None => break,
        }
    }
    assert_eq!(depth, 300);
    let apk = build(
        &[EntrySpec::deflated("AndroidManifest.xml", &b)],
        &ArchiveSpec::default(),
    );
    let r = scan_bytes("deep.apk", &apk);
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(perms(&r), ["android.permission.CAMERA"]);
    assert!(ps905(&r).is_empty(), "{:?}", ps905(&r));
}

#[test]
fn a_pool_of_4_million_strings_is_read_whole() {
    const N: usize = 4_000_000;
    let (b, layout) = encode_with_layout(
        &manifest(
            "com.pool.big",
            vec![uses_permission("android.permission.READ_SMS")],
        ),
        ANDROID_NAMESPACES,
        &EncodeOptions {
            utf8: true,
            ..EncodeOptions::default()
        },
    );
    // The document's own strings, then empty strings up to N: the same
    // indices, a pool as large as Android accepts.
    let mut strings: Vec<&str> = layout.strings.iter().map(String::as_str).collect();
    strings.resize(N, "");
    let pool = string_pool_chunk(&strings, true);
    let mut doc = b[..layout.string_pool.start].to_vec();
    doc.extend_from_slice(&pool);
    doc.extend_from_slice(&b[layout.string_pool.end..]);
    let total = doc.len() as u32;
    put_u32(&mut doc, 4, total);
    assert_eq!(get_u32(&doc, layout.string_pool.start + 8), N as u32);

    let parsed = axml::parse(&doc, &Limits::default()).unwrap();
    assert!(parsed.caps_hit.is_empty(), "{:?}", parsed.caps_hit);
    let apk = build(
        &[EntrySpec::deflated("AndroidManifest.xml", &doc)],
        &ArchiveSpec::default(),
    );
    let r = scan_bytes("pool.apk", &apk);
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(perms(&r), ["android.permission.READ_SMS"]);
    assert!(ps905(&r).is_empty(), "{:?}", ps905(&r));

    // One over a tight cap: read in part, the cap named, never blank.
    let tight = Limits {
        max_strings: 1_000,
        ..Limits::default()
    };
    let parsed = axml::parse(&doc, &tight).unwrap();
    assert_eq!(parsed.caps_hit.len(), 1, "{:?}", parsed.caps_hit);
    assert_eq!(
        privscan::limits::cap_named_in(&parsed.caps_hit[0]),
        Some("max_strings")
    );
}

#[test]
fn an_apk_of_250000_entries_is_read_whole() {
    const N: usize = 250_000;
    let mut entries = vec![EntrySpec::deflated(
        "AndroidManifest.xml",
        &encode(
            &manifest(
                "com.many.entries",
                vec![uses_permission("android.permission.RECORD_AUDIO")],
            ),
            ANDROID_NAMESPACES,
            &EncodeOptions::default(),
        ),
    )];
    entries.extend((1..N).map(|i| EntrySpec::stored(&format!("assets/{i}"), b"")));
    let apk = build(
        &entries,
        &ArchiveSpec {
            zip64: true,
            ..ArchiveSpec::default()
        },
    );
    let archive = privscan::input::zip::ZipArchive::parse(&apk, &Limits::default()).unwrap();
    assert_eq!(archive.entries().len(), N);
    assert_eq!(archive.cap_hit(), None);
    let r = scan_bytes("many.apk", &apk);
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(perms(&r), ["android.permission.RECORD_AUDIO"]);
    assert!(ps905(&r).is_empty(), "{:?}", ps905(&r));
}

/// One batch: a clean APK, an APK whose manifest nests past `max_depth`
/// (read in part, PS905), a binary Info.plist whose shared objects expand
/// past `max_plist_bytes` (read in part, PS905) and a file that is no
/// archive at all (an artifact error). `--format json` prints one report
/// holding all four, each with what was read.
#[test]
fn one_capped_or_failing_artifact_never_empties_a_json_batch() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = build(
        &[EntrySpec::deflated(
            "AndroidManifest.xml",
            &encode(
                &manifest(
                    "com.good",
                    vec![uses_permission("android.permission.CAMERA")],
                ),
                ANDROID_NAMESPACES,
                &EncodeOptions::default(),
            ),
        )],
        &ArchiveSpec::default(),
    );
    std::fs::write(d.join("a-good.apk"), good).unwrap();
    let deep = build(
        &[EntrySpec::deflated(
            "AndroidManifest.xml",
            &encode(
                &manifest(
                    "com.capped",
                    vec![
                        nested(Limits::default().max_depth as usize + 10),
                        uses_permission("android.permission.READ_SMS"),
                    ],
                ),
                ANDROID_NAMESPACES,
                &EncodeOptions::default(),
            ),
        )],
        &ArchiveSpec::default(),
    );
    std::fs::write(d.join("b-capped.apk"), deep).unwrap();
    std::fs::write(d.join("c-broken.apk"), b"PK\x03\x04 not a zip").unwrap();
    std::fs::write(d.join("Info.plist"), shared_objects_plist()).unwrap();

    let out = Command::cargo_bin("privscan")
        .unwrap()
        .arg("scan")
        .arg(d)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: stdout {} bytes, stderr {}",
            out.stdout.len(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let arts = v["artifacts"].as_array().unwrap();
    let by_name = |n: &str| {
        arts.iter()
            .find(|a| a["path"].as_str().is_some_and(|p| p.ends_with(n)))
            .unwrap_or_else(|| panic!("{n} missing from {arts:?}"))
    };
    assert_eq!(arts.len(), 4, "{arts:?}");
    let codes = |a: &serde_json::Value| -> Vec<String> {
        a["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|x| x["code"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let good = by_name("a-good.apk");
    assert!(good["error"].is_null());
    assert_eq!(good["android"]["package"], "com.good");
    assert!(!codes(good).contains(&"PS905".to_owned()));
    let capped = by_name("b-capped.apk");
    assert!(capped["error"].is_null(), "{capped}");
    assert_eq!(capped["android"]["package"], "com.capped");
    assert!(
        capped.to_string().contains("android.permission.READ_SMS"),
        "{capped}"
    );
    assert!(codes(capped).contains(&"PS905".to_owned()), "{capped}");
    assert!(capped.to_string().contains("max_depth"));
    assert!(!by_name("c-broken.apk")["error"].is_null());
    let plist = by_name("Info.plist");
    assert!(plist["error"].is_null(), "{plist}");
    assert!(codes(plist).contains(&"PS905".to_owned()), "{plist}");
    assert!(plist.to_string().contains("com.example.shared"));
}

/// `{aaa: <14^8 shared copies of a 1 KB string>, CFBundleIdentifier: ...}`.
fn shared_objects_plist() -> Vec<u8> {
    use privscan::testkit::bplist::{ascii, bplist};
    let mut bomb_root = vec![0xaf, 0x10, 14];
    bomb_root.extend(std::iter::repeat_n(5, 14));
    let mut objects = vec![
        vec![0xd2, 1, 2, 3, 4],
        ascii("aaa"),
        ascii("CFBundleIdentifier"),
        bomb_root,
        ascii("com.example.shared"),
    ];
    // 5..=12: arrays of 14 refs to the next; 13: a 1,000-byte string.
    for i in 0..8u8 {
        let mut o = vec![0xaf, 0x10, 14];
        o.extend(std::iter::repeat_n(6 + i, 14));
        objects.push(o);
    }
    let mut s = vec![0x5f, 0x11, 0x03, 0xe8];
    s.extend(std::iter::repeat_n(b'A', 1000));
    objects.push(s);
    bplist(&objects)
}
