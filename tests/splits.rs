//! Split APK sets (`.apks`, `.xapk`, directories of split APKs): the
//! merged Android view, per-split evidence, PS101 on a permission only a
//! feature split requests, and the caps and errors of nested archives.

use privscan::model::{ArtifactKind, ArtifactReport};
use privscan::scan::{Config, scan_path};
use privscan::testkit::aab::{
    FEATURE, FEATURE_PERMISSION, build_apks, build_xapk, sample_apks, sample_split_apks,
};
use privscan::testkit::fixtures::SAMPLE_PACKAGE;
use std::path::Path;

fn policy_config() -> Config {
    let policy = privscan::policy::load::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-policy.toml"),
    )
    .unwrap();
    Config {
        policy: Some(policy),
        ..Config::new()
    }
}

fn scan_bytes(name: &str, bytes: &[u8], config: &Config) -> ArtifactReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    scan_path(&path, config)
}

const FEATURE_ENTRY: &str = "splits/camera_live-master.apk!AndroidManifest.xml";

fn assert_merged_view(report: &ArtifactReport, feature_entry: &str, base_entry: &str) {
    assert!(report.error.is_none(), "{:?}", report.error);
    let android = report.android.as_ref().unwrap();
    let names: Vec<&str> = android.modules.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["base", FEATURE, "config.arm64_v8a"]);
    // Base facts.
    assert_eq!(android.manifest.package.as_deref(), Some(SAMPLE_PACKAGE));
    assert_eq!(android.manifest.version_code, Some(3));
    assert_eq!(android.manifest.version_name.as_deref(), Some("1.2.0"));
    assert_eq!(android.manifest.split, None);
    // The feature split's permission, located in the split.
    let p = android
        .manifest
        .uses_permissions
        .iter()
        .find(|p| p.name == FEATURE_PERMISSION)
        .expect("feature permission in the merged view");
    assert_eq!(p.location.entry, feature_entry);
    let internet = android
        .manifest
        .uses_permissions
        .iter()
        .find(|p| p.name == "android.permission.INTERNET")
        .unwrap();
    assert_eq!(internet.location.entry, base_entry);
    // The feature split's component joins the merged view.
    assert!(android.manifest.components.iter().any(|c| c.name
        == "com.privscan.sample.camera.CameraLiveActivity"
        && c.location.entry == feature_entry));
    // PS101 for the split's permission, citing the permissions clause,
    // with the split as evidence.
    let ps101 = report
        .findings
        .iter()
        .find(|f| f.code == "PS101" && f.subject == FEATURE_PERMISSION)
        .unwrap_or_else(|| panic!("no PS101 for {FEATURE_PERMISSION}: {:?}", report.findings));
    assert_eq!(
        ps101.clause.as_ref().map(|c| c.id.as_str()),
        Some("III.(D)")
    );
    assert!(
        ps101.evidence.iter().any(|l| l.entry == feature_entry),
        "{:?}",
        ps101.evidence
    );
    // A base permission the policy lacks is reported from the base.
    let contacts = report
        .findings
        .iter()
        .find(|f| f.code == "PS101" && f.subject == "android.permission.READ_CONTACTS")
        .unwrap();
    assert!(contacts.evidence.iter().all(|l| l.entry == base_entry));
    // INTERNET is declared: no finding.
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.subject == "android.permission.INTERNET")
    );
}

#[test]
fn sample_apks_reports_feature_split_permission_and_ps101() {
    let report = scan_bytes("sample.apks", &sample_apks(), &policy_config());
    assert_eq!(report.kind, Some(ArtifactKind::Apks));
    assert_merged_view(
        &report,
        FEATURE_ENTRY,
        "splits/base-master.apk!AndroidManifest.xml",
    );
    // DEX and native libraries of every split are scanned.
    let entries: Vec<&str> = report.binaries.iter().map(|b| b.entry.as_str()).collect();
    for want in [
        "splits/base-master.apk!classes.dex",
        "splits/base-master.apk!classes2.dex",
        "splits/base-arm64_v8a.apk!lib/arm64-v8a/libZegoExpressEngine.so",
        "splits/camera_live-master.apk!classes.dex",
    ] {
        assert!(entries.contains(&want), "{want} not in {entries:?}");
    }
    // The ZEGO library found in the config split is evidence of ZEGO.
    let zego = report
        .sdks
        .iter()
        .find(|d| d.id.contains("zego"))
        .expect("ZEGO detected");
    assert!(
        zego.evidence
            .iter()
            .any(|l| l.location.entry.starts_with("splits/base-arm64_v8a.apk!")),
        "{:?}",
        zego.evidence
    );
    assert!(report.entry_errors.is_empty(), "{:?}", report.entry_errors);
}

#[test]
fn committed_fixture_matches_generator_when_present() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample.apks");
    if !path.exists() {
        eprintln!("SKIP: fixtures/sample.apks not generated yet");
        return;
    }
    assert!(
        std::fs::read(&path).unwrap() == sample_apks(),
        "fixtures/sample.apks is stale: run `cargo run --example make_fixtures`"
    );
    let report = scan_path(&path, &policy_config());
    assert_merged_view(
        &report,
        FEATURE_ENTRY,
        "splits/base-master.apk!AndroidManifest.xml",
    );
}

fn xapk_files() -> Vec<(String, Vec<u8>)> {
    let names = ["base.apk", "config.arm64_v8a.apk", "camera_live.apk"];
    sample_split_apks()
        .into_iter()
        .zip(names)
        .map(|((_, b), n)| (n.to_string(), b))
        .collect()
}

#[test]
fn xapk_is_merged_like_apks() {
    let files = xapk_files();
    let listed: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let bytes = build_xapk(SAMPLE_PACKAGE, &listed, &files);
    let report = scan_bytes("sample.xapk", &bytes, &policy_config());
    assert_eq!(report.kind, Some(ArtifactKind::Xapk));
    assert_merged_view(
        &report,
        "camera_live.apk!AndroidManifest.xml",
        "base.apk!AndroidManifest.xml",
    );
}

#[test]
fn xapk_naming_a_missing_apk_is_a_clear_error() {
    let mut files = xapk_files();
    let listed: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
    files.retain(|(n, _)| n != "camera_live.apk");
    let bytes = build_xapk(SAMPLE_PACKAGE, &listed, &files);
    let report = scan_bytes("incomplete.xapk", &bytes, &policy_config());
    let e = report.error.expect("an incomplete split set is an error");
    assert_eq!(e.code, "missing-split");
    assert!(
        e.message.contains("'camera_live.apk'") && e.message.contains("manifest.json"),
        "{}",
        e.message
    );
    assert!(report.android.is_none());
}

#[test]
fn nesting_past_the_cap_is_a_clear_error() {
    let files = xapk_files();
    let listed: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let inner = build_xapk(SAMPLE_PACKAGE, &listed, &files);
    // One level of nesting (APKs at depth 2) is within the default cap of 2.
    let once = xapk_containing("inner.xapk", &inner);
    let report = scan_bytes("once.xapk", &once, &Config::new());
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.android.unwrap().modules.len(), 3);
    // Two levels (APKs at depth 3) are not.
    let twice = xapk_containing("middle.xapk", &once);
    let report = scan_bytes("twice.xapk", &twice, &Config::new());
    let e = report.error.expect("nesting past the cap is an error");
    assert_eq!(e.code, "limit");
    assert!(
        e.message.contains("nested 3 deep") && e.message.contains("max_nesting"),
        "{}",
        e.message
    );
}

/// An XAPK whose manifest.json names no APK, holding one nested archive.
fn xapk_containing(name: &str, bytes: &[u8]) -> Vec<u8> {
    use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build};
    build(
        &[
            EntrySpec::deflated(
                "manifest.json",
                br#"{"package_name":"com.privscan.sample"}"#,
            ),
            EntrySpec::stored(name, bytes),
        ],
        &ArchiveSpec::default(),
    )
}

#[test]
fn broken_splits_are_entry_errors_and_a_broken_base_is_an_error() {
    let mut apks = sample_split_apks();
    apks[1].1 = b"PK\x03\x04 not really a zip".to_vec();
    let report = scan_bytes("broken.apks", &build_apks(&apks), &Config::new());
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(
        report
            .entry_errors
            .iter()
            .any(|e| e.entry == "splits/base-arm64_v8a.apk"),
        "{:?}",
        report.entry_errors
    );
    assert_eq!(report.android.unwrap().modules.len(), 2);

    let mut apks = sample_split_apks();
    apks[0].1 = vec![0u8; 64];
    let report = scan_bytes("nobase.apks", &build_apks(&apks), &Config::new());
    let e = report.error.unwrap();
    assert_eq!(e.code, "no-base");
    assert!(
        e.message.contains("splits/base-master.apk"),
        "{}",
        e.message
    );
}

#[test]
fn directory_of_split_apks_is_one_app() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "base.apk",
        "split_config.arm64_v8a.apk",
        "split_camera_live.apk",
    ];
    for ((_, bytes), name) in sample_split_apks().into_iter().zip(names) {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    assert!(privscan::android::splits::is_split_dir(dir.path()));
    let report = scan_path(dir.path(), &policy_config());
    assert_eq!(report.kind, Some(ArtifactKind::Apks));
    assert_merged_view(
        &report,
        "split_camera_live.apk!AndroidManifest.xml",
        "base.apk!AndroidManifest.xml",
    );

    // Without base.apk, a common package still makes a split directory;
    // a stray non-APK file does not.
    std::fs::rename(dir.path().join("base.apk"), dir.path().join("app.apk")).unwrap();
    assert!(privscan::android::splits::is_split_dir(dir.path()));
    std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
    assert!(!privscan::android::splits::is_split_dir(dir.path()));
}

#[test]
fn mutated_split_sets_never_panic() {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let config = Config::new();
    let files = xapk_files();
    let listed: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let seeds = [
        (ArtifactKind::Apks, sample_apks()),
        (
            ArtifactKind::Xapk,
            build_xapk(SAMPLE_PACKAGE, &listed, &files),
        ),
    ];
    for (kind, seed) in &seeds {
        for _ in 0..150 {
            let mut m = seed.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() % m.len() as u64) as usize;
                m[i] = next() as u8;
            }
            let budget = privscan::limits::Budget::new(&config.limits);
            let mut report = ArtifactReport::new("m".to_string());
            let r = privscan::android::splits::scan_split_set(
                &m,
                *kind,
                &config.read_options(),
                &budget,
                &mut report,
            );
            if let Err(e) = r {
                assert!(!e.message.is_empty());
            }
        }
    }
}

#[test]
fn nested_reads_share_the_total_inflated_cap() {
    let apks = sample_apks();
    // Enough for the outer archive's stored APKs, not for everything inside.
    let mut config = Config::new();
    config.limits.max_total_inflated = 6_000;
    let budget = privscan::limits::Budget::new(&config.limits);
    let mut report = ArtifactReport::new("capped.apks".to_string());
    let e = privscan::android::splits::scan_split_set(
        &apks,
        ArtifactKind::Apks,
        &config.read_options(),
        &budget,
        &mut report,
    )
    .unwrap_err();
    assert_eq!(e.code, "limit", "{e:?}");
    assert!(e.message.contains("max_total_inflated"), "{}", e.message);
    // The default cap is ample.
    let budget = privscan::limits::Budget::new(&Config::new().limits);
    let mut report = ArtifactReport::new("ok.apks".to_string());
    privscan::android::splits::scan_split_set(
        &apks,
        ArtifactKind::Apks,
        &Config::new().read_options(),
        &budget,
        &mut report,
    )
    .unwrap();
    assert!(budget.remaining() < Config::new().limits.max_total_inflated);
}

#[test]
fn json_lists_modules_with_the_fields_of_android() {
    let report = scan_bytes("sample.apks", &sample_apks(), &Config::new());
    let v = serde_json::to_value(&report).unwrap();
    let android = &v["android"];
    assert_eq!(android["package"], SAMPLE_PACKAGE);
    let modules = android["modules"].as_array().unwrap();
    let names: Vec<&str> = modules
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["base", FEATURE, "config.arm64_v8a"]);
    for m in modules {
        for field in ["package", "version_code", "uses_permissions", "components"] {
            assert!(m.get(field).is_some(), "{} lacks {field}", m["name"]);
        }
    }
    assert_eq!(modules[1]["split"], FEATURE);
    assert_eq!(
        modules[1]["uses_permissions"][0]["location"]["entry"],
        FEATURE_ENTRY
    );
    assert!(android.get("split").is_none());
}
