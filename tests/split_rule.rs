//! The split-set merge rule: APKs are merged into one app only when the
//! package installer would install them together (AOSP
//! `ApkLiteParseUtils.parseClusterPackageLite`: same `package` and
//! `versionCode`, each split name once, one base). Two builds of one app
//! left in one folder are two artifacts, never one silent merge; an
//! archive whose APKs disagree is refused.

use privscan::android::splits::{ApkLite, check_cluster, is_split_dir, split_dir_mismatch};
use privscan::android::xml::{AttrValue, XmlElement};
use privscan::scan::{Config, scan, scan_path};
use privscan::testkit::aab::{apk, base_manifest, build_apks, config_manifest, sample_split_apks};
use privscan::testkit::fixtures::SAMPLE_PACKAGE;

fn with_version_code(mut root: XmlElement, code: i32) -> XmlElement {
    root.attributes.retain(|a| a.name != "versionCode");
    privscan::testkit::axml::insert_by_id(
        &mut root.attributes,
        privscan::testkit::axml::android_attr("versionCode", AttrValue::IntDec(code)),
    );
    root
}

fn lite(display: &str, package: &str, code: u64, split: Option<&str>) -> ApkLite {
    ApkLite {
        display: display.into(),
        package: Some(package.into()),
        version_code: code,
        split: split.map(Into::into),
    }
}

#[test]
fn cluster_rules_follow_the_installer() {
    let base = lite("base.apk", "com.x", 3, None);
    let cfg = lite(
        "split_config.arm64_v8a.apk",
        "com.x",
        3,
        Some("config.arm64_v8a"),
    );
    assert_eq!(check_cluster(&[base.clone(), cfg.clone()], true), Ok(()));

    let other_version = lite("split_cam.apk", "com.x", 4, Some("cam"));
    let e = check_cluster(&[base.clone(), other_version], true).unwrap_err();
    assert!(
        e.contains("inconsistent versionCode 4 in split_cam.apk; expected 3"),
        "{e}"
    );

    let other_app = lite("split_cam.apk", "com.y", 3, Some("cam"));
    let e = check_cluster(&[base.clone(), other_app], true).unwrap_err();
    assert!(e.contains("inconsistent package com.y"), "{e}");

    let twice = lite("again.apk", "com.x", 3, Some("config.arm64_v8a"));
    let e = check_cluster(&[base.clone(), cfg.clone(), twice], true).unwrap_err();
    assert!(
        e.contains("split name config.arm64_v8a defined more than once"),
        "{e}"
    );

    let second_base = lite("app-old.apk", "com.x", 3, None);
    let e = check_cluster(&[base.clone(), second_base.clone()], true).unwrap_err();
    assert!(e.contains("(base) defined more than once"), "{e}");
    // Standalone variants of one build (bundletool `standalones/`).
    assert_eq!(check_cluster(&[base, second_base], false), Ok(()));

    let e = check_cluster(&[cfg], true).unwrap_err();
    assert!(e.contains("missing base APK"), "{e}");
}

/// Writes `files` into a fresh temp dir.
fn folder(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

#[test]
fn two_builds_of_one_app_in_one_folder_are_two_artifacts() {
    let v3 = apk(&with_version_code(base_manifest(), 3), vec![]);
    let v4 = apk(&with_version_code(base_manifest(), 4), vec![]);
    let dir = folder(&[("app-1.2.0.apk", v3), ("app-1.3.0.apk", v4)]);
    let why = split_dir_mismatch(dir.path()).unwrap();
    assert!(
        why.contains("inconsistent versionCode 4 in app-1.3.0.apk"),
        "{why}"
    );
    let report = scan(&[dir.path().to_path_buf()], &Config::new());
    let paths: Vec<String> = report
        .artifacts
        .iter()
        .map(|a| a.path.rsplit('/').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(paths, ["app-1.2.0.apk", "app-1.3.0.apk"]);
    for a in &report.artifacts {
        assert_eq!(
            a.kind,
            Some(privscan::model::ArtifactKind::Apk),
            "{}",
            a.path
        );
        let m = &a.android.as_ref().unwrap().manifest;
        assert_eq!(m.package.as_deref(), Some(SAMPLE_PACKAGE));
        assert!(a.android.as_ref().unwrap().modules.is_empty());
    }
}

#[test]
fn a_split_of_another_version_is_not_merged() {
    let mut apks = sample_split_apks();
    // The config split from build 4 next to base and feature from build 3.
    apks[1].1 = apk(&with_version_code(config_manifest("arm64_v8a"), 4), vec![]);
    let names = [
        "base.apk",
        "split_config.arm64_v8a.apk",
        "split_camera_live.apk",
    ];
    let files: Vec<(&str, Vec<u8>)> = names
        .iter()
        .copied()
        .zip(apks.iter().map(|a| a.1.clone()))
        .collect();
    let dir = folder(&files);
    assert!(!is_split_dir(dir.path()));
    let report = scan(&[dir.path().to_path_buf()], &Config::new());
    assert_eq!(report.artifacts.len(), 3);

    // The consistent set is still one app.
    let apks = sample_split_apks();
    let files: Vec<(&str, Vec<u8>)> = names
        .iter()
        .copied()
        .zip(apks.into_iter().map(|a| a.1))
        .collect();
    let dir = folder(&files);
    assert!(is_split_dir(dir.path()));
    let report = scan(&[dir.path().to_path_buf()], &Config::new());
    assert_eq!(report.artifacts.len(), 1);
    assert_eq!(
        report.artifacts[0].android.as_ref().unwrap().modules.len(),
        3
    );
}

#[test]
fn an_archive_of_mismatched_splits_is_refused() {
    let mut apks = sample_split_apks();
    apks[2].1 = apk(&with_version_code(config_manifest("x86_64"), 9), vec![]);
    apks[2].0 = "base-x86_64.apk".into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.apks");
    std::fs::write(&path, build_apks(&apks)).unwrap();
    let report = scan_path(&path, &Config::new());
    let e = report.error.expect("a mismatched set is an error");
    assert_eq!(e.code, "split-mismatch");
    assert!(
        e.message
            .contains("inconsistent versionCode 9 in splits/base-x86_64.apk"),
        "{}",
        e.message
    );
    assert!(report.android.is_none());
}
