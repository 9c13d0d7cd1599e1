//! Nothing passes silently: an artifact whose primary manifest is missing
//! or unreadable (an IPA without the app's Info.plist, an APK without
//! AndroidManifest.xml, an AAR without its manifest) is an artifact error
//! that fails the gate, never a clean report.

use privscan::model::ArtifactReport;
use privscan::scan::{Config, scan_path};
use privscan::testkit::ipa::{build_ipa, sample_files};
use privscan::testkit::zip::build_simple;

fn scan_bytes(name: &str, bytes: &[u8]) -> ArtifactReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    scan_path(&path, &Config::new())
}

const MAIN_PLIST: &str = "Payload/SampleLive.app/Info.plist";

#[test]
fn ipa_without_the_apps_info_plist_is_an_error() {
    let files: Vec<(&str, Vec<u8>)> = sample_files()
        .into_iter()
        .filter(|(n, _)| *n != MAIN_PLIST)
        .collect();
    let report = scan_bytes("noinfo.ipa", &build_ipa(&files));
    let e = report.error.expect("no Info.plist is not a clean report");
    assert_eq!(e.code, "no-info-plist");
    assert!(
        e.message
            .contains("Payload/SampleLive.app/Info.plist: the app's Info.plist is missing"),
        "{}",
        e.message
    );
    assert!(report.findings.is_empty() && report.ios.is_none());
}

#[test]
fn ipa_with_an_unreadable_info_plist_is_an_error() {
    let files: Vec<(&str, Vec<u8>)> = sample_files()
        .into_iter()
        .map(|(n, b)| {
            if n == MAIN_PLIST {
                (n, b"bplist00\xff\xff garbage".to_vec())
            } else {
                (n, b)
            }
        })
        .collect();
    let report = scan_bytes("badinfo.ipa", &build_ipa(&files));
    let e = report.error.expect("an unreadable Info.plist is an error");
    assert_eq!(e.code, "no-info-plist");
    assert!(e.message.contains("is unreadable: "), "{}", e.message);
}

#[test]
fn the_sample_ipa_still_scans() {
    let report = scan_bytes("ok.ipa", &build_ipa(&sample_files()));
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        report.ios.unwrap().bundle_id.as_deref(),
        Some("com.example.samplelive")
    );
}

#[test]
fn an_extension_without_info_plist_stays_an_entry_error() {
    let appex = "Payload/SampleLive.app/PlugIns/SampleShare.appex/Info.plist";
    let files: Vec<(&str, Vec<u8>)> = sample_files()
        .into_iter()
        .filter(|(n, _)| *n != appex)
        .collect();
    let report = scan_bytes("noappex.ipa", &build_ipa(&files));
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(
        report
            .entry_errors
            .iter()
            .any(|e| e.entry == appex && e.message == "Info.plist is missing"),
        "{:?}",
        report.entry_errors
    );
}

#[test]
fn apk_without_manifest_is_an_error() {
    let dex = privscan::testkit::dex::build(&["Lcom/x/A;"]);
    let report = scan_bytes("nomanifest.apk", &build_simple(&[("classes.dex", &dex)]));
    let e = report.error.expect("an APK without a manifest is an error");
    assert_eq!(e.code, "no-manifest");
    assert!(
        e.message.contains("no AndroidManifest.xml"),
        "{}",
        e.message
    );
}

#[test]
fn aar_without_manifest_is_an_error() {
    let classes = privscan::testkit::aar::jar(&["com/x/Sdk"], &[]);
    let bytes = build_simple(&[("classes.jar", &classes), ("R.txt", b"")]);
    let report = scan_bytes("nomanifest.aar", &bytes);
    let e = report.error.expect("an AAR without a manifest is an error");
    assert_eq!(e.code, "no-manifest");
    assert!(
        e.message.contains("no AndroidManifest.xml"),
        "{}",
        e.message
    );
    assert!(report.sdks.is_empty() && report.findings.is_empty());
}
