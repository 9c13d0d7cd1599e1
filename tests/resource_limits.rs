//! Resource caps end to end (`privscan::limits::Limits`): zip bombs as APKs
//! (a 1 GiB single entry, a 1 GiB total spread over DEX entries, an
//! overlapping-entry "zip of death"), a huge string-pool count, deep XML
//! nesting. Each scan must end within a bounded time, without a panic, and
//! with the cap named in `ArtifactReport.error` or `entry_errors`.
//!
//! Bombs are written with `testkit::zip::deflate_zeros`, so the inflated
//! bytes never exist in the test process except where the scanner itself
//! inflates them under its caps.

use privscan::model::ArtifactReport;
use privscan::testkit::axml::*;
use privscan::testkit::zip::{ArchiveSpec, EntrySpec, Precompressed, build, deflate_zeros};
use privscan::{Config, Limits, scan::scan_path};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Generous wall-clock bound for one scan on a loaded 2-core machine.
const BOUND: Duration = Duration::from_secs(60);

fn manifest_bytes() -> Vec<u8> {
    encode(
        &manifest(
            "com.bomb.app",
            vec![uses_permission("android.permission.CAMERA")],
        ),
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    )
}

fn scan_with(bytes: &[u8], config: &Config) -> (ArtifactReport, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bomb.apk");
    std::fs::write(&p, bytes).unwrap();
    let t = Instant::now();
    let r = scan_path(&p, config);
    (r, t.elapsed())
}

fn package(r: &ArtifactReport) -> Option<&str> {
    r.android.as_ref()?.manifest.package.as_deref()
}

fn gib_zeros() -> &'static Precompressed {
    static B: OnceLock<Precompressed> = OnceLock::new();
    B.get_or_init(|| deflate_zeros(1 << 30))
}

/// One classes.dex inflating to 1 GiB: stopped by `max_entry_size` before
/// any byte is inflated; the manifest is still reported.
#[test]
fn gib_single_entry_bomb_apk_names_max_entry_size() {
    let bomb = gib_zeros();
    assert!(bomb.stream.len() < 2 << 20);
    let bytes = build(
        &[
            EntrySpec::deflated("AndroidManifest.xml", &manifest_bytes()),
            EntrySpec {
                name: b"classes.dex".to_vec(),
                precompressed: Some(bomb.clone()),
                ..EntrySpec::default()
            },
        ],
        &ArchiveSpec::default(),
    );
    let (r, took) = scan_with(&bytes, &Config::new());
    assert!(took < BOUND, "{took:?}");
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(package(&r), Some("com.bomb.app"));
    let e = r
        .entry_errors
        .iter()
        .find(|e| e.entry == "classes.dex")
        .expect("entry error for the bomb");
    assert!(e.message.contains("max_entry_size"), "{}", e.message);
    assert!(e.message.contains("1073741824"), "{}", e.message);
    // The incomplete scan is a finding too, naming the entry and the flag.
    let capped: Vec<_> = r.findings.iter().filter(|f| f.code == "PS905").collect();
    assert_eq!(capped.len(), 1, "{:?}", r.findings);
    assert_eq!(capped[0].subject, "classes.dex");
    assert_eq!(capped[0].evidence[0].entry, "classes.dex");
    assert!(
        capped[0].message.contains("--max-entry-size"),
        "{}",
        capped[0].message
    );
}

/// 1 GiB spread over DEX entries that each pass the per-entry cap: the
/// total budget stops the artifact with `max_total_inflated` named. (Caps
/// scaled down 16x to keep the test quick: 20 × 4 MiB against 64 MiB.)
#[test]
fn total_inflated_bomb_apk_names_max_total_inflated() {
    let kernel = deflate_zeros(4 << 20);
    let mut entries = vec![EntrySpec::deflated(
        "AndroidManifest.xml",
        &manifest_bytes(),
    )];
    for i in 0..20 {
        let name = if i == 0 {
            "classes.dex".to_string()
        } else {
            format!("classes{}.dex", i + 1)
        };
        entries.push(EntrySpec {
            name: name.into_bytes(),
            precompressed: Some(kernel.clone()),
            ..EntrySpec::default()
        });
    }
    let bytes = build(&entries, &ArchiveSpec::default());
    let mut config = Config::new();
    config.limits = Limits {
        max_total_inflated: 64 << 20,
        max_entry_size: 8 << 20,
        ..Limits::default()
    };
    let (r, took) = scan_with(&bytes, &config);
    assert!(took < BOUND, "{took:?}");
    assert_eq!(package(&r), Some("com.bomb.app"));
    let capped = r
        .entry_errors
        .iter()
        .filter(|e| e.message.contains("max_total_inflated"))
        .count();
    // 64 MiB minus the manifest leaves room for 15 entries of 4 MiB.
    assert_eq!(capped, 5, "{:?}", r.entry_errors);
    let ps905: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.code == "PS905")
        .map(|f| f.subject.as_str())
        .collect();
    assert_eq!(ps905.len(), 5, "{:?}", r.findings);
    assert!(
        r.findings
            .iter()
            .filter(|f| f.code == "PS905")
            .all(|f| f.message.contains("--max-total-inflated")),
        "{:?}",
        r.findings
    );
}

/// "Zip of death": 300 central-directory records named like DEX files,
/// all pointing at one local header whose data inflates to 4 MiB (1.2 GiB
/// in total). Overlaps are reported (PS901; the local-name mismatches are
/// PS902) and the budget stops the reads.
#[test]
fn overlap_bomb_apk_is_flagged_and_bounded() {
    let kernel = deflate_zeros(4 << 20);
    let mut entries: Vec<EntrySpec> = (0..300)
        .map(|i| EntrySpec {
            name: format!("classes{}.dex", i + 2).into_bytes(),
            precompressed: Some(kernel.clone()),
            omit_local: i > 0,
            cd_local_offset: (i > 0).then_some(0),
            ..EntrySpec::default()
        })
        .collect();
    entries.push(EntrySpec::deflated(
        "AndroidManifest.xml",
        &manifest_bytes(),
    ));
    let bytes = build(&entries, &ArchiveSpec::default());
    assert!(bytes.len() < 64 * 1024, "{}", bytes.len());
    let mut config = Config::new();
    config.limits.max_total_inflated = 128 << 20;
    let (r, took) = scan_with(&bytes, &config);
    assert!(took < BOUND, "{took:?}");
    assert_eq!(package(&r), Some("com.bomb.app"));
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "PS901" && f.message.contains("overlap")),
        "{:?}",
        r.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    assert!(r.findings.iter().any(|f| f.code == "PS902"));
    let capped = r
        .entry_errors
        .iter()
        .filter(|e| e.message.contains("max_total_inflated"))
        .count();
    assert!(capped >= 300 - 32, "{capped}");
}

/// stringCount = 0x7FFFFFFF in the manifest's pool: its offset table runs
/// past the chunk, which `ResStringPool::setTo` rejects (BAD_TYPE: Android
/// does not install it); refused from the header alone (no allocation
/// sized by the count), the artifact error says why.
#[test]
fn huge_string_pool_count_is_refused_quickly() {
    let (mut b, layout) = encode_with_layout(
        &manifest("com.x", vec![]),
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    );
    put_u32(&mut b, layout.string_pool.start + 8, 0x7FFF_FFFF);
    let bytes = build(
        &[EntrySpec::deflated("AndroidManifest.xml", &b)],
        &ArchiveSpec::default(),
    );
    let (r, took) = scan_with(&bytes, &Config::new());
    assert!(took < Duration::from_secs(5), "{took:?}");
    let err = r.error.expect("artifact error");
    assert_eq!(err.code, "axml");
    assert!(
        err.message.contains("entry table extends past the chunk"),
        "{}",
        err.message
    );

    // A count under the cap whose offsets overrun the chunk: Android's
    // BAD_TYPE, also refused from the header.
    put_u32(&mut b, layout.string_pool.start + 8, 1_000_000);
    let bytes = build(
        &[EntrySpec::deflated("AndroidManifest.xml", &b)],
        &ArchiveSpec::default(),
    );
    let (r, took) = scan_with(&bytes, &Config::new());
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(r.error.expect("artifact error").code, "axml");

    // The same in a DEX: string_ids_size = u32::MAX is an entry error only.
    let mut dex = privscan::testkit::dex::build(&["La/B;"]);
    dex[0x38..0x3C].copy_from_slice(&u32::MAX.to_le_bytes());
    let bytes = build(
        &[
            EntrySpec::deflated("AndroidManifest.xml", &manifest_bytes()),
            EntrySpec::deflated("classes.dex", &dex),
        ],
        &ArchiveSpec::default(),
    );
    let (r, _) = scan_with(&bytes, &Config::new());
    assert_eq!(package(&r), Some("com.bomb.app"));
    let e = r
        .entry_errors
        .iter()
        .find(|e| e.entry == "classes.dex")
        .unwrap();
    assert!(e.message.contains("max_strings"), "{}", e.message);
}

/// Deeply nested elements, binary (2,000) and text (100,000): the
/// subtree past `max_depth` (1,024) is skipped, the rest is read (the
/// package, the permission after it) and the cap is reported as PS905;
/// no stack overflow, no blank report (issue 17 class 6).
#[test]
fn deep_xml_nesting_is_capped() {
    let mut el = element("x", vec![]);
    // (The test encoder recurses, so the binary tree is 2,000 deep.)
    for _ in 0..2_000 {
        el = element_with("x", vec![], vec![el]);
    }
    let root = manifest(
        "com.deep",
        vec![el, uses_permission("android.permission.CAMERA")],
    );
    let b = encode(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    let bytes = build(
        &[EntrySpec::deflated("AndroidManifest.xml", &b)],
        &ArchiveSpec::default(),
    );
    let (r, took) = scan_with(&bytes, &Config::new());
    assert!(took < BOUND, "{took:?}");
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_read_in_part(&r, "max_depth");

    // Text manifest: a loose AndroidManifest.xml 5,000 elements deep.
    let text_of = |depth: usize| {
        let mut text = String::from("<manifest package=\"com.deep\">");
        text.push_str(&"<x>".repeat(depth));
        text.push_str(&"</x>".repeat(depth));
        text.push_str("<uses-permission android:name=\"android.permission.CAMERA\" ");
        text.push_str("xmlns:android=\"http://schemas.android.com/apk/res/android\"/>");
        text.push_str("</manifest>");
        text
    };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("AndroidManifest.xml");
    std::fs::write(&p, text_of(5_000)).unwrap();
    let r = scan_path(&p, &Config::new());
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_read_in_part(&r, "max_depth");

    // 100,000 deep: quick-xml's own nesting limit (65,535) refuses it, as
    // aapt2 would; a named error, no stack overflow.
    std::fs::write(&p, text_of(100_000)).unwrap();
    let r = scan_path(&p, &Config::new());
    let err = r.error.expect("artifact error");
    assert!(err.message.contains("deeper than"), "{}", err.message);
}

/// The manifest was read (package, CAMERA) and PS905 names `cap`.
fn assert_read_in_part(r: &ArtifactReport, cap: &str) {
    assert_eq!(package(r), Some("com.deep"));
    let m = &r.android.as_ref().unwrap().manifest;
    assert!(
        m.uses_permissions
            .iter()
            .any(|p| p.name == "android.permission.CAMERA"),
        "{:?}",
        m.uses_permissions
    );
    let ps905: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.code == "PS905")
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        ps905
            .iter()
            .any(|m| m.contains(&format!("cap {cap} reached"))),
        "{ps905:?}"
    );
}
