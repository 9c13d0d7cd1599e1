//! Source-repo mode on a fixture checkout generated in a temp dir: a Gradle
//! module with manifests (main, debug) and a version catalog, an iOS folder
//! with Podfile.lock and Info.plist, a PRIVACY.md, a `.gitignore`d folder and
//! a `build/` output. The scan yields the expected permissions (including
//! those merged in by SDKs, minus `tools:node="remove"`), SDKs and findings,
//! each with file:line evidence (what SARIF's `region.startLine` is built from).

use privscan::{ArtifactReport, Config, Finding};
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// 1-based line of `needle` in the fixture file `rel`.
fn line(root: &Path, rel: &str, needle: &str) -> u32 {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let i = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in {rel}"));
    text[..i].matches('\n').count() as u32 + 1
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    xmlns:tools="http://schemas.android.com/tools">

    <uses-permission android:name="android.permission.INTERNET" />
    <uses-permission android:name="android.permission.CAMERA" />
    <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION" />
    <uses-permission android:name="com.google.android.gms.permission.AD_ID" tools:node="remove" />

    <application android:name=".App" android:label="Fixture">
        <activity android:name=".MainActivity" android:exported="true" />
    </application>
</manifest>
"#;

const DEBUG_MANIFEST: &str = r#"<manifest xmlns:android="http://schemas.android.com/apk/res/android">
    <uses-permission android:name="android.permission.READ_LOGS" />
</manifest>
"#;

const BUILD_GRADLE: &str = r#"plugins {
    id 'com.android.application'
}

android {
    namespace 'com.example.fixture'
    flavorDimensions = ["store"]
    productFlavors { play {} fdroid {} }
}

dependencies {
    implementation 'androidx.core:core:1.16.0'
    implementation platform(libs.firebase.bom)
    implementation libs.firebase.messaging
    playImplementation "com.google.android.gms:play-services-ads:23.0.0"
    debugImplementation 'com.squareup.leakcanary:leakcanary-android:2.14'
    debugImplementation 'io.sentry:sentry-android:7.0.0'
    testImplementation 'junit:junit:4.13.2'
}
"#;

const CATALOG: &str = r#"[versions]
firebase-bom = "33.1.0"

[libraries]
firebase-bom = { module = "com.google.firebase:firebase-bom", version.ref = "firebase-bom" }
firebase-messaging = { module = "com.google.firebase:firebase-messaging" }
"#;

const PODFILE_LOCK: &str = r#"PODS:
  - FirebaseCore (10.0.0)
  - Google-Mobile-Ads-SDK (11.2.0):
    - GoogleUserMessagingPlatform (>= 1.1)
  - GoogleUserMessagingPlatform (2.1.0)

DEPENDENCIES:
  - Google-Mobile-Ads-SDK

COCOAPODS: 1.15.2
"#;

const INFO_PLIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleIdentifier</key>
	<string>com.example.fixture</string>
	<key>NSCameraUsageDescription</key>
	<string>Scan QR codes.</string>
	<key>NSMicrophoneUsageDescription</key>
	<string>Record voice notes.</string>
</dict>
</plist>
"#;

const PRIVACY: &str = r#"# Fixture Privacy Policy

## 1. Permissions

The app requests these permissions:

- Camera (`android.permission.CAMERA`, `NSCameraUsageDescription`): to scan QR codes.
- Internet (`android.permission.INTERNET`): to sync your data.

## 2. Third-party services

We use Firebase Cloud Messaging by Google to deliver push notifications.
"#;

fn fixture(root: &Path) {
    write(root, "settings.gradle", "include ':app'\n");
    write(root, "build.gradle", "// top-level\n");
    write(root, "app/build.gradle", BUILD_GRADLE);
    write(root, "gradle/libs.versions.toml", CATALOG);
    write(root, "app/src/main/AndroidManifest.xml", MANIFEST);
    write(root, "app/src/debug/AndroidManifest.xml", DEBUG_MANIFEST);
    write(root, "ios/Podfile.lock", PODFILE_LOCK);
    write(root, "ios/Runner/Info.plist", INFO_PLIST);
    write(root, "PRIVACY.md", PRIVACY);
    // Ignored and generated files must not be read.
    write(root, ".gitignore", "generated/\n");
    let audio = MANIFEST.replace("CAMERA", "RECORD_AUDIO");
    write(root, "generated/AndroidManifest.xml", &audio);
    write(
        root,
        "app/build/intermediates/merged_manifests/AndroidManifest.xml",
        &audio,
    );
}

fn scan(root: &Path) -> ArtifactReport {
    assert!(privscan::source::is_source_tree(root));
    let report = privscan::scan(&[root.to_path_buf()], &Config::new());
    assert_eq!(report.artifacts.len(), 1);
    let r = report.artifacts.into_iter().next().unwrap();
    assert!(r.error.is_none(), "{:?}", r.error);
    r
}

fn finding<'a>(r: &'a ArtifactReport, code: &str, subject: &str) -> &'a Finding {
    r.findings
        .iter()
        .find(|f| f.code == code && f.subject == subject)
        .unwrap_or_else(|| {
            let all: Vec<(&str, &str)> = r
                .findings
                .iter()
                .map(|f| (f.code.as_str(), f.subject.as_str()))
                .collect();
            panic!("no {code} {subject} in {all:?}")
        })
}

#[test]
fn fixture_repo_facts_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let r = scan(root);
    assert_eq!(r.policy.as_deref(), Some("PRIVACY.md"));

    // Android: the main manifest's permissions, AD_ID removed by
    // tools:node="remove", the debug manifest's READ_LOGS kept apart,
    // the ignored / build-output manifests' RECORD_AUDIO never read.
    let android = r.android.as_ref().unwrap();
    let names: Vec<&str> = android
        .manifest
        .uses_permissions
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    for p in [
        "android.permission.INTERNET",
        "android.permission.CAMERA",
        "android.permission.ACCESS_FINE_LOCATION",
    ] {
        assert!(names.contains(&p), "{p} in {names:?}");
    }
    assert!(!names.contains(&"com.google.android.gms.permission.AD_ID"));
    assert!(!names.contains(&"android.permission.READ_LOGS"));
    assert!(!names.contains(&"android.permission.RECORD_AUDIO"));
    let modules: Vec<&str> = android.modules.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(modules, ["app:main", "app:debug"]);
    assert_eq!(
        android.modules[1].manifest.uses_permissions[0].name,
        "android.permission.READ_LOGS"
    );
    let camera = android
        .manifest
        .uses_permissions
        .iter()
        .find(|p| p.name == "android.permission.CAMERA")
        .unwrap();
    assert_eq!(camera.location.entry, "app/src/main/AndroidManifest.xml");
    assert_eq!(
        camera.location.line,
        Some(line(root, "app/src/main/AndroidManifest.xml", "CAMERA"))
    );

    // Merged-manifest prediction: firebase-messaging merges its permissions
    // (catalog), attributed to the build.gradle line that declares it.
    let fcm_line = line(root, "app/build.gradle", "libs.firebase.messaging");
    let catalog = privscan::rules::sdk::Catalog::embedded();
    let fcm = catalog.sdk("firebase-messaging").unwrap();
    let merged_new: Vec<&str> = fcm
        .permissions
        .iter()
        .map(String::as_str)
        .filter(|p| *p != "android.permission.INTERNET")
        .collect();
    assert!(!merged_new.is_empty());
    for p in &merged_new {
        let u = android
            .manifest
            .uses_permissions
            .iter()
            .find(|u| u.name == *p)
            .unwrap_or_else(|| panic!("{p} merged in by firebase-messaging"));
        assert!(
            u.added_by.contains(&"firebase-messaging".to_string()),
            "{p}"
        );
        assert_eq!(u.location.entry, "app/build.gradle", "{p}");
        if u.added_by == ["firebase-messaging"] {
            assert_eq!(u.location.line, Some(fcm_line), "{p}");
        }
    }

    // SDKs: Gradle (catalog accessor, flavor), CocoaPods; BOM and tests not SDKs.
    let ids: Vec<&str> = r.sdks.iter().map(|d| d.id.as_str()).collect();
    assert!(ids.contains(&"firebase-messaging"), "{ids:?}");
    assert!(ids.contains(&"google-mobile-ads"), "{ids:?}");
    let ads = r.sdks.iter().find(|d| d.id == "google-mobile-ads").unwrap();
    let ads_lines: Vec<(String, Option<u32>, Option<String>)> = ads
        .evidence
        .iter()
        .map(|e| {
            (
                e.location.entry.clone(),
                e.location.line,
                e.location.detail.clone(),
            )
        })
        .collect();
    assert!(
        ads_lines.iter().any(|(e, l, d)| e == "app/build.gradle"
            && *l == Some(line(root, "app/build.gradle", "play-services-ads"))
            && d.as_deref().is_some_and(|d| d.contains("flavor play"))),
        "{ads_lines:?}"
    );
    assert!(
        ads_lines.iter().any(|(e, l, _)| e == "ios/Podfile.lock"
            && *l == Some(line(root, "ios/Podfile.lock", "- Google-Mobile-Ads-SDK"))),
        "{ads_lines:?}"
    );

    // iOS usage keys with Info.plist lines.
    let ios = r.ios.as_ref().unwrap();
    let mic = ios
        .usage_descriptions
        .iter()
        .find(|u| u.key == "NSMicrophoneUsageDescription")
        .unwrap();
    assert_eq!(mic.location.entry, "ios/Runner/Info.plist");
    assert_eq!(
        mic.location.line,
        Some(line(
            root,
            "ios/Runner/Info.plist",
            "<key>NSMicrophoneUsageDescription</key>"
        ))
    );

    // Findings against the repo's own PRIVACY.md, with file:line evidence.
    let loc = finding(&r, "PS101", "android.permission.ACCESS_FINE_LOCATION");
    assert_eq!(loc.evidence[0].entry, "app/src/main/AndroidManifest.xml");
    assert_eq!(
        loc.evidence[0].line,
        Some(line(
            root,
            "app/src/main/AndroidManifest.xml",
            "ACCESS_FINE_LOCATION"
        ))
    );
    let ads_f = finding(&r, "PS201", "google-mobile-ads");
    assert!(
        ads_f
            .evidence
            .iter()
            .any(|e| e.entry == "app/build.gradle" && e.line.is_some())
    );
    let mic_f = finding(&r, "PS102", "NSMicrophoneUsageDescription");
    assert_eq!(mic_f.evidence[0].entry, "ios/Runner/Info.plist");
    assert!(mic_f.evidence[0].line.is_some());
    // Declared in the policy: no findings for them.
    for (code, subject) in [
        ("PS101", "android.permission.CAMERA"),
        ("PS101", "android.permission.INTERNET"),
        ("PS102", "NSCameraUsageDescription"),
        ("PS201", "firebase-messaging"),
    ] {
        assert!(
            !r.findings
                .iter()
                .any(|f| f.code == code && f.subject == subject),
            "{code} {subject} is declared in PRIVACY.md"
        );
    }
    // Every finding's evidence names a file of the fixture, with a line.
    for f in r.findings.iter().filter(|f| f.code != "PS203") {
        for e in &f.evidence {
            assert!(
                root.join(&e.entry).is_file(),
                "{} {}: {e}",
                f.code,
                f.subject
            );
            assert!(e.line.is_some(), "{} {}: {e}", f.code, f.subject);
        }
    }
}

/// Debug-only dependencies are reported apart and not diffed; an explicit
/// policy replaces the repo's own.
#[test]
fn fixture_debug_dependencies_and_explicit_policy() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let policy = privscan::policy::load::parse(
        "[policy]\nname = \"explicit\"\nsource = \"explicit.toml\"\n\n[[clause]]\nid = \"1\"\ntitle = \"Permissions\"\nandroid_permissions = [\"android.permission.CAMERA\", \"android.permission.ACCESS_FINE_LOCATION\"]\n",
        "explicit.toml",
    )
    .unwrap();
    let mut config = Config::new();
    config.policy = Some(policy);
    let report = privscan::scan(&[root.to_path_buf()], &config);
    let r = &report.artifacts[0];
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(r.policy.as_deref(), Some("explicit.toml"));
    assert!(
        !r.findings
            .iter()
            .any(|f| f.subject == "android.permission.ACCESS_FINE_LOCATION")
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "PS101" && f.subject == "android.permission.INTERNET")
    );
    let sentry = r
        .sdks
        .iter()
        .find(|d| d.id == "sentry")
        .expect("debug-only Sentry is reported");
    assert!(sentry.evidence.iter().all(|e| {
        e.location
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("debug builds only"))
    }));
    assert!(!r.findings.iter().any(|f| f.subject == sentry.id));
}

/// Two diverging copies of the policy give PS402 with both files as evidence.
#[test]
fn diverging_policy_copies() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let copy = PRIVACY.replace("Firebase Cloud Messaging by Google", "our own push server");
    write(root, "app/src/main/res/raw/privacy_policy.md", &copy);
    let r = scan(root);
    let f = r.findings.iter().find(|f| f.code == "PS402").unwrap();
    let entries: Vec<&str> = f.evidence.iter().map(|e| e.entry.as_str()).collect();
    assert_eq!(
        entries,
        ["PRIVACY.md", "app/src/main/res/raw/privacy_policy.md"]
    );
    assert_eq!(
        f.evidence[0].line,
        Some(line(root, "PRIVACY.md", "We use Firebase"))
    );
}

/// A folder of built artifacts is not a source tree (batch mode).
#[test]
fn artifact_folder_is_not_a_source_tree() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.apk", "PK");
    write(dir.path(), "sub/b.ipa", "PK");
    assert!(!privscan::source::is_source_tree(dir.path()));
    let empty = tempfile::tempdir().unwrap();
    assert!(!privscan::source::is_source_tree(empty.path()));
    let flutter = tempfile::tempdir().unwrap();
    write(flutter.path(), "pubspec.yaml", "name: x\n");
    assert!(privscan::source::is_source_tree(flutter.path()));
    let nested = tempfile::tempdir().unwrap();
    write(
        nested.path(),
        "src/xcode/App.xcodeproj/project.pbxproj",
        "{}",
    );
    assert!(privscan::source::is_source_tree(nested.path()));
    // A downloads folder with a project somewhere and APKs elsewhere is a batch.
    write(nested.path(), "out/release/app.apk", "PK");
    assert!(!privscan::source::is_source_tree(nested.path()));
}

/// SARIF results for a source tree point at the repo file and line, so code
/// scanning annotates the pull request's diff.
#[test]
fn fixture_sarif_has_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let report = privscan::scan(&[root.to_path_buf()], &Config::new());
    let sarif: serde_json::Value =
        serde_json::from_str(&privscan::report::sarif::render(&report)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let want = [
        (
            "PS101",
            "app/src/main/AndroidManifest.xml",
            line(
                root,
                "app/src/main/AndroidManifest.xml",
                "ACCESS_FINE_LOCATION",
            ),
        ),
        (
            "PS102",
            "ios/Runner/Info.plist",
            line(
                root,
                "ios/Runner/Info.plist",
                "<key>NSMicrophoneUsageDescription</key>",
            ),
        ),
        (
            "PS201",
            "app/build.gradle",
            line(root, "app/build.gradle", "play-services-ads"),
        ),
    ];
    for (rule, file, start) in want {
        let hit = results.iter().any(|r| {
            r["ruleId"] == rule
                && r["locations"].as_array().unwrap().iter().any(|l| {
                    let p = &l["physicalLocation"];
                    p["artifactLocation"]["uri"]
                        .as_str()
                        .is_some_and(|u| u.ends_with(file))
                        && p["region"]["startLine"] == start
                })
        });
        assert!(hit, "no SARIF {rule} result at {file}:{start}");
    }
}
