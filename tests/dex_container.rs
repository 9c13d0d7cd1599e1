//! DEX as ART loads it, the rest of issue 17 class 3: v041 containers
//! (Android 15; ART `dex_file_loader.cc` walks the logical files by
//! `file_size` until `IsDexContainerLastEntry`) are read section by
//! section, and a DEX whose Adler-32 checksum does not match (ART opens
//! app DEX with `verify_checksum`, `dex_file_verifier` "Bad checksum") is
//! reported as not loadable (PS902).

use privscan::android::dex::{self, HEADER_SIZE_V41, adler32};
use privscan::model::ArtifactReport;
use privscan::testkit::axml::*;
use privscan::testkit::dex::{build, build_container};
use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build as zip};
use privscan::{Config, Limits, scan::scan_path};

const APPSFLYER: &[&str] = &["Lcom/appsflyer/AppsFlyerLib;"];
const PLAIN: &[&str] = &["Lcom/hostile/app/Main;"];

fn apk(classes_dex: &[u8]) -> ArtifactReport {
    let root = manifest(
        "com.hostile.app",
        vec![uses_permission("android.permission.CAMERA")],
    );
    let e = vec![
        EntrySpec::deflated(
            "AndroidManifest.xml",
            &encode(&root, ANDROID_NAMESPACES, &EncodeOptions::default()),
        ),
        EntrySpec::deflated("classes.dex", classes_dex),
    ];
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.apk");
    std::fs::write(&p, zip(&e, &ArchiveSpec::default())).unwrap();
    let r = scan_path(&p, &Config::new());
    assert!(r.error.is_none(), "{:?}", r.error);
    r
}

fn sdk_ids(r: &ArtifactReport) -> Vec<&str> {
    r.sdks.iter().map(|d| d.id.as_str()).collect()
}

fn ps902(r: &ArtifactReport) -> Vec<&str> {
    r.findings
        .iter()
        .filter(|f| f.code == "PS902")
        .map(|f| f.message.as_str())
        .collect()
}

fn put(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn refresh_checksum(b: &mut [u8], at: usize, end: usize) {
    let sum = adler32(&b[at + 12..end]);
    put(b, at + 8, sum);
}

#[test]
fn every_section_of_a_v041_container_is_read() {
    let c = build_container(&[PLAIN, APPSFLYER]);
    let limits = Limits::default();
    let parts: Vec<_> = dex::sections(&c, &limits).collect();
    assert_eq!(parts.len(), 2);
    let second = parts[1].as_ref().unwrap();
    assert!(second.header_offset() > 0);
    assert!(second.is_container_last());
    let names: Vec<String> = second
        .class_descriptors()
        .map(|d| String::from_utf8_lossy(d.unwrap()).into_owned())
        .collect();
    assert_eq!(names, ["Lcom/appsflyer/AppsFlyerLib;"]);
    assert!(
        parts
            .iter()
            .all(|p| p.as_ref().unwrap().checksum_mismatch().is_none())
    );
    assert!(
        parts
            .iter()
            .all(|p| p.as_ref().unwrap().anomalies().is_empty()),
        "{:?}",
        parts[1].as_ref().unwrap().anomalies()
    );

    // The SDK lives only in the second section: still embedded.
    let r = apk(&c);
    assert!(sdk_ids(&r).contains(&"appsflyer"), "{:?}", sdk_ids(&r));
    assert!(ps902(&r).is_empty(), "{:?}", ps902(&r));
    let dex = r
        .binaries
        .iter()
        .find(|b| b.entry == "classes.dex")
        .and_then(|b| b.dex.as_ref())
        .unwrap();
    assert_eq!(
        (dex.version.as_str(), dex.sections, dex.classes),
        ("041", 2, 2)
    );
}

#[test]
fn a_single_v041_file_and_a_plain_dex_are_one_section() {
    let limits = Limits::default();
    assert_eq!(
        dex::sections(&build_container(&[APPSFLYER]), &limits).count(),
        1
    );
    assert_eq!(dex::sections(&build(APPSFLYER), &limits).count(), 1);
    // A plain 035 file followed by bytes that look like a DEX: ART opens one.
    let mut two = build(PLAIN);
    two.extend_from_slice(&build(APPSFLYER));
    assert_eq!(dex::sections(&two, &limits).count(), 1);
}

#[test]
fn hostile_container_headers_end_the_walk() {
    let limits = Limits::default();
    // file_size 0 in the first section: no progress is possible, one section.
    let mut c = build_container(&[PLAIN, APPSFLYER]);
    put(&mut c, 0x20, 0);
    let parts: Vec<_> = dex::sections(&c, &limits).collect();
    assert_eq!(parts.len(), 1);
    assert!(
        parts[0]
            .as_ref()
            .unwrap()
            .anomalies()
            .iter()
            .any(|a| a.contains("file_size 0"))
    );

    // file_size pointing into garbage: the second "section" is an error, not a panic.
    let mut c = build_container(&[PLAIN, APPSFLYER]);
    let first = u32::from_le_bytes(c[0x20..0x24].try_into().unwrap());
    put(&mut c, 0x20, first + 4);
    let parts: Vec<_> = dex::sections(&c, &limits).collect();
    assert_eq!(parts.len(), 2);
    assert!(
        parts[1].is_err(),
        "{:?}",
        parts[1].as_ref().map(|f| f.anomalies().to_vec())
    );

    // Lying header_offset and container_size are anomalies (ART's verifier rejects them).
    let mut c = build_container(&[PLAIN, APPSFLYER]);
    let second = first as usize;
    put(&mut c, second + 0x74, 0x1000);
    put(&mut c, 0x70, u32::MAX);
    let parts: Vec<_> = dex::sections(&c, &limits).collect();
    let a0 = parts[0].as_ref().unwrap().anomalies().join("; ");
    assert!(a0.contains("container_size 4294967295"), "{a0}");
    let a1 = parts[1].as_ref().unwrap().anomalies().join("; ");
    assert!(a1.contains("header_offset 0x1000"), "{a1}");

    // Every truncation of a container: no panic, at most two sections.
    let c = build_container(&[PLAIN, APPSFLYER, PLAIN]);
    for n in (0..c.len()).step_by(7) {
        let got = dex::sections(&c[..n], &limits).count();
        assert!((1..=3).contains(&got), "{n}: {got}");
    }
    assert_eq!(dex::sections(&c, &limits).count(), 3);
    assert!(c.len() / HEADER_SIZE_V41 >= 3);
}

#[test]
fn bad_checksum_is_not_loadable() {
    let mut d = build(APPSFLYER);
    let n = d.len();
    d[n - 1] ^= 0x5a;
    let r = apk(&d);
    let msgs = ps902(&r);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("Bad checksum") && msgs[0].contains("verify_checksum"),
        "{}",
        msgs[0]
    );
    let f = r.findings.iter().find(|f| f.code == "PS902").unwrap();
    assert_eq!(f.subject, "classes.dex");

    // The same bytes with a fixed checksum: loadable, no PS902.
    refresh_checksum(&mut d, 0, n);
    assert!(ps902(&apk(&d)).is_empty());
}

#[test]
fn bad_checksum_in_a_later_container_section_names_the_section() {
    let mut c = build_container(&[PLAIN, APPSFLYER]);
    let n = c.len();
    c[n - 1] ^= 0x01;
    let r = apk(&c);
    let msgs = ps902(&r);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("container section 2"), "{}", msgs[0]);
    // The first section's checksum covers only its own bytes.
    let limits = Limits::default();
    let first = dex::sections(&c, &limits).next().unwrap().unwrap();
    assert!(first.checksum_mismatch().is_none());
}
