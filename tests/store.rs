//! The store cross-check end to end: the sample APK with its policy and its
//! Data safety fixture (disagreements in each direction), and a source tree
//! whose committed `play/data-safety.csv` is found like its policy.

use privscan::testkit::data_safety::DataSafetyCsv;
use privscan::{Config, scan};
use std::path::Path;

fn subjects(a: &privscan::ArtifactReport, code: &str) -> Vec<String> {
    a.findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.subject.clone())
        .collect()
}

#[test]
fn sample_apk_against_its_data_safety_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = privscan::policy::load::load(&root.join("fixtures/sample-policy.toml")).unwrap();
    let ds =
        privscan::store::data_safety::read(&root.join("fixtures/sample-data-safety.csv")).unwrap();
    let config = Config {
        policy: Some(policy),
        data_safety: Some(ds),
        ..Config::new()
    };
    let report = scan(&[root.join("fixtures/sample.apk")], &config);
    let a = &report.artifacts[0];
    assert!(a.error.is_none(), "{:?}", a.error);
    // The build reads location and installed apps the form omits ...
    let ps501 = subjects(a, "PS501");
    for t in [
        "approximate-location",
        "precise-location",
        "installed-apps",
        "photos-videos",
    ] {
        assert!(ps501.contains(&t.to_string()), "{t} in {ps501:?}");
    }
    assert!(!ps501.contains(&"device-id".to_string()));
    // ... the form declares contacts the policy never mentions ...
    assert_eq!(subjects(a, "PS503"), ["contacts"]);
    // ... and the policy declares camera and photos the form omits.
    assert_eq!(subjects(a, "PS504"), ["camera", "photos"]);
    let store = a.store.as_ref().unwrap();
    let dev = store
        .rows
        .iter()
        .find(|r| r.data_type == "device-id")
        .unwrap();
    let cells = dev.cells();
    assert!(cells[1].starts_with("yes: I.(C).1: device-id"), "{cells:?}");
    assert!(
        cells[2].starts_with("yes: PSL_DEVICE_ID collected, shared"),
        "{cells:?}"
    );
    assert_eq!(cells[3], "-");
    let text = privscan::report::text::render(&report, false);
    assert!(text.contains("Store declarations: Data safety"), "{text}");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["artifacts"][0]["store"]["data_safety"]["types"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn a_source_tree_brings_its_own_data_safety_export() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, bytes: &[u8]| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    write(
        "app/src/main/AndroidManifest.xml",
        br#"<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.ds">
<uses-permission android:name="android.permission.READ_CONTACTS" />
<application android:label="DS" /></manifest>"#,
    );
    write(
        "app/build.gradle",
        b"plugins { id 'com.android.application' }\n",
    );
    let mut csv = DataSafetyCsv::new(true);
    csv.declare("PSL_CRASH_LOGS", false, &["PSL_ANALYTICS"]);
    write("play/data-safety.csv", &csv.bytes());
    write(
        "fastlane/metadata/android/data_safety.csv",
        b"not,a,data safety export\n",
    );
    let report = scan(&[root.to_path_buf()], &Config::new());
    let a = &report.artifacts[0];
    assert!(a.error.is_none(), "{:?}", a.error);
    let store = a.store.as_ref().expect("store table");
    assert_eq!(
        store.data_safety.as_ref().unwrap().source,
        "play/data-safety.csv"
    );
    assert_eq!(subjects(a, "PS501"), ["contacts"]);
    let bad = a
        .entry_errors
        .iter()
        .find(|e| e.entry == "fastlane/metadata/android/data_safety.csv")
        .expect("the unreadable export is reported");
    assert!(
        bad.message
            .contains("not a Play Console Data safety export"),
        "{}",
        bad.message
    );
}
