use super::*;
use crate::model::ArtifactKind;
use crate::scan::Config;

fn scan_bytes(name: &str, data: &[u8]) -> ArtifactReport {
    let dir = std::env::temp_dir().join(format!("privscan-pkg-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    let r = crate::scan::scan_path(&p, &Config::new());
    let _ = std::fs::remove_dir_all(&dir);
    r
}

fn codes(r: &ArtifactReport) -> Vec<(&str, &str)> {
    r.findings
        .iter()
        .map(|f| (f.code.as_str(), f.subject.as_str()))
        .collect()
}

#[test]
fn aar_reports_manifest_permissions_and_sdks() {
    let r = scan_bytes("sample-sdk.aar", &crate::testkit::aar::sample_aar());
    assert_eq!(r.kind, Some(ArtifactKind::Aar));
    assert!(r.error.is_none(), "{:?}", r.error);
    let m = &r.android.as_ref().unwrap().manifest;
    assert_eq!(m.uses_permissions.len(), 2);
    let ids: Vec<&str> = r.sdks.iter().map(|d| d.id.as_str()).collect();
    assert!(ids.contains(&"zego-express"), "{ids:?}");
    assert!(ids.contains(&"adjust"), "{ids:?}");
    // Sniffed by layout, not by name.
    let r = scan_bytes("download.bin", &crate::testkit::aar::sample_aar());
    assert_eq!(r.kind, Some(ArtifactKind::Aar));
}

#[test]
fn aar_without_manifest_is_an_artifact_error() {
    let jar = crate::testkit::aar::jar(&["a/B"], &[]);
    let data = crate::testkit::zip::build_simple(&[("classes.jar", &jar), ("R.txt", b"")]);
    let r = scan_bytes("broken.aar", &data);
    assert_eq!(
        r.error.as_ref().map(|e| e.code.as_str()),
        Some("no-manifest")
    );
}

#[test]
fn static_lib_reports_sdks_ps301_and_ps302() {
    let r = scan_bytes("libSampleSDK.a", &crate::testkit::ar::sample_static_lib());
    assert_eq!(r.kind, Some(ArtifactKind::StaticLib));
    assert!(r.error.is_none(), "{:?}", r.error);
    let ids: Vec<&str> = r.sdks.iter().map(|d| d.id.as_str()).collect();
    assert!(
        ids.contains(&"sdwebimage") && ids.contains(&"agora-rtc"),
        "{ids:?}"
    );
    let c = codes(&r);
    assert!(
        c.contains(&("PS301", "NSPrivacyAccessedAPICategoryFileTimestamp")),
        "{c:?}"
    );
    assert!(
        c.contains(&("PS301", "NSPrivacyAccessedAPICategorySystemBootTime")),
        "{c:?}"
    );
    assert!(c.contains(&("PS302", "sdwebimage")), "{c:?}");
    assert!(!c.iter().any(|(k, _)| *k == "PS906"), "{c:?}");
    assert_eq!(r.binaries.len(), 4);
}

#[test]
fn malformed_member_is_ps906() {
    use crate::testkit::ar::{Style, build};
    let mut m = crate::testkit::ar::object(crate::testkit::macho::Arch::Arm64, &["X"], &[]);
    m.truncate(40);
    let r = scan_bytes("libbad.a", &build(Style::Gnu, &[("bad.o", m)], &[]));
    assert!(r.error.is_none());
    assert!(
        codes(&r)
            .iter()
            .any(|(k, s)| *k == "PS906" && s.contains("bad.o")),
        "{:?}",
        codes(&r)
    );
}

#[test]
fn jar_classes_and_framework_dirs() {
    let inner = crate::testkit::aar::jar(&["io/agora/rtc2/RtcEngine"], &[]);
    let jar = crate::testkit::aar::jar(&["com/a/B"], &[("lib/inner.jar", &inner)]);
    let r = scan_bytes("x.jar", &jar);
    assert_eq!(r.kind, Some(ArtifactKind::Jar));
    assert!(r.sdks.iter().any(|d| d.id == "agora-rtc"), "{:?}", r.sdks);
    // An xcframework folder: manifest declared for the framework, not for the static lib.
    let dir = std::env::temp_dir().join(format!(
        "privscan-pkg-{}/Sample.xcframework",
        std::process::id()
    ));
    for (p, b) in crate::testkit::apple_sdk::sample_xcframework_files() {
        let f = dir.join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, b).unwrap();
    }
    let r = crate::scan::scan_path(&dir, &Config::new());
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
    assert_eq!(r.kind, Some(ArtifactKind::Xcframework));
    assert!(r.error.is_none(), "{:?}", r.error);
    let c = codes(&r);
    let ps301: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.code == "PS301" && f.subject == "NSPrivacyAccessedAPICategoryFileTimestamp")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(ps301.len(), 1, "{c:?}");
    assert!(ps301[0].contains("libSampleSDK.a"), "{}", ps301[0]);
    assert_eq!(r.ios.as_ref().unwrap().privacy_manifests.len(), 1);
}

#[test]
fn empty_folder_is_nothing_to_scan() {
    let dir = std::env::temp_dir().join(format!("privscan-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), b"hello").unwrap();
    let paths = crate::input::discover(std::slice::from_ref(&dir), &crate::scan::is_artifact_dir);
    let r = crate::scan::scan_path(&paths[0], &Config::new());
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(paths, vec![dir.clone()]);
    assert_eq!(
        r.error.as_ref().map(|e| e.code.as_str()),
        Some("nothing-to-scan")
    );
}

#[test]
fn apple_package_binaries_get_the_string_pass() {
    // An xcframework whose framework binary holds an Agora host: a contact,
    // attributed to its binary; the .a beside it embeds Agora.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("Sample.xcframework");
    for (p, mut b) in crate::testkit::apple_sdk::sample_xcframework_files() {
        if p.ends_with("SDWebImage.framework/SDWebImage") {
            b.extend_from_slice(b"\0https://api.agora.io/v1\0");
        }
        let f = root.join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, b).unwrap();
    }
    let r = crate::scan::scan_path(&root, &Config::new());
    assert!(r.error.is_none(), "{:?}", r.error);
    let c: Vec<(&str, &str, bool)> = r
        .contacts
        .iter()
        .map(|c| (c.host.as_str(), c.location.entry.as_str(), c.sdk_detected))
        .collect();
    assert_eq!(
        c,
        [(
            "api.agora.io",
            "ios-arm64/SDWebImage.framework/SDWebImage",
            true
        )]
    );
    // A loose static library: the pass runs over the whole archive.
    let mut lib = crate::testkit::ar::sample_static_lib();
    let clean = scan_bytes("libSampleSDK.a", &lib);
    assert!(clean.contacts.is_empty(), "{:?}", clean.contacts);
    // Overwrite the first `AgoraRtcEngineKit` string (same length,
    // NUL-padded) with a host: the pass reads the archive's raw bytes.
    let at = lib
        .windows(17)
        .position(|w| w == b"AgoraRtcEngineKit")
        .unwrap();
    lib.splice(at..at + 17, b"api.agora.io\0\0\0\0\0".iter().copied());
    let r = scan_bytes("libSampleSDK.a", &lib);
    assert!(
        r.contacts.iter().any(|c| c.host == "api.agora.io"),
        "{:?} {:?}",
        r.contacts,
        r.error
    );
}
