//! Source-repository mode reads the SDK binaries a checkout vendors
//! (libs/*.aar, libs/*.jar, jniLibs/*.so, Pods/ static libraries) with the
//! readers an artifact of that kind gets, attributes every finding to the
//! file and to the build-file line declaring it, and never passes a
//! binary it could not read.

use privscan::scan::{Config, scan_path};
use std::path::Path;

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

const MANIFEST: &[u8] = br#"<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.live">
  <uses-permission android:name="android.permission.INTERNET"/>
  <application android:name=".App"><activity android:name=".Main"/></application>
</manifest>
"#;

const GRADLE: &[u8] = b"plugins { id 'com.android.application' }
dependencies {
    implementation files('libs/sample-sdk.aar')
    implementation fileTree(dir: 'libs', include: ['*.jar'])
    debugImplementation files('debug/tools.jar')
}
";

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "settings.gradle", b"include ':app'\n");
    write(r, "app/build.gradle", GRADLE);
    write(r, "app/src/main/AndroidManifest.xml", MANIFEST);
    write(
        r,
        "app/libs/sample-sdk.aar",
        &privscan::testkit::aar::sample_aar(),
    );
    write(
        r,
        "app/libs/util.jar",
        &privscan::testkit::aar::jar(&["com/example/util/Strings"], &[]),
    );
    write(
        r,
        "app/debug/tools.jar",
        &privscan::testkit::aar::jar(&["com/umeng/analytics/MobclickAgent"], &[]),
    );
    write(
        r,
        "app/src/main/jniLibs/arm64-v8a/libZegoExpressEngine.so",
        &privscan::testkit::aab::sample_so(),
    );
    write(r, "gradle/wrapper/gradle-wrapper.jar", b"not app code");
    write(
        r,
        "app/build/outputs/aar/copy.aar",
        b"build output, skipped",
    );
    write(
        r,
        "ios/Podfile",
        b"platform :ios, '13.0'\ntarget 'Live' do\n  pod 'SampleSDK'\nend\n",
    );
    write(
        r,
        "ios/Pods/SampleSDK/libSampleSDK.a",
        &privscan::testkit::ar::sample_static_lib(),
    );
    dir
}

#[test]
fn vendored_binaries_are_read_and_attributed_to_their_declarations() {
    let dir = repo();
    let report = scan_path(dir.path(), &Config::new());
    assert!(report.error.is_none(), "{:?}", report.error);
    let sdk = |id: &str| report.sdks.iter().find(|d| d.id == id);

    let zego = sdk("zego-express").expect("ZEGO in the vendored AAR");
    let aar_ev = zego
        .evidence
        .iter()
        .find(|e| e.location.entry.starts_with("app/libs/sample-sdk.aar!"))
        .expect("evidence inside the AAR");
    assert_eq!(
        aar_ev.location.detail.as_deref().map(|d| d.ends_with(
            "declared at app/build.gradle:3 (implementation files('libs/sample-sdk.aar'))"
        )),
        Some(true),
        "{:?}",
        aar_ev.location
    );
    assert!(
        zego.evidence.iter().any(|e| e.location.entry
            == "app/src/main/jniLibs/arm64-v8a/libZegoExpressEngine.so"
            && e.location.detail.as_deref()
                == Some("packed by AGP from the main source set jniLibs/")),
        "{:?}",
        zego.evidence
    );

    let sdweb = sdk("sdwebimage").expect("SDWebImage in the Pods static library");
    assert!(
        sdweb.evidence.iter().all(|e| e
            .location
            .entry
            .starts_with("ios/Pods/SampleSDK/libSampleSDK.a!")
            && e.location.detail.as_deref() == Some("declared at ios/Podfile:3 (pod 'SampleSDK')")),
        "{:?}",
        sdweb.evidence
    );
    // The debug-only jar is reported as such, not as a release SDK.
    let umeng = sdk("umeng-analytics").expect("Umeng in the debug-only jar");
    assert!(
        umeng
            .evidence
            .iter()
            .any(|e| e.location.entry.starts_with("app/debug/tools.jar!")
                && e.location
                    .detail
                    .as_deref()
                    .is_some_and(|d| d.contains("debug builds only"))),
        "{:?}",
        umeng.evidence
    );

    // The AAR's manifest merges READ_PHONE_STATE into the app.
    let m = &report.android.as_ref().unwrap().manifest;
    let p = m
        .uses_permissions
        .iter()
        .find(|p| p.name == "android.permission.READ_PHONE_STATE")
        .expect("permission merged from the vendored AAR");
    assert_eq!(
        p.location.entry,
        "app/libs/sample-sdk.aar!AndroidManifest.xml"
    );

    // PS301 for the static library, located in it.
    assert!(report.findings.iter().any(|f| {
        f.code == "PS301"
            && f.evidence
                .iter()
                .any(|l| l.entry == "ios/Pods/SampleSDK/libSampleSDK.a!arm64/SDImageCache.o")
    }));
    // Build outputs and the Gradle wrapper are not read.
    let read_anything = |prefix: &str| {
        report.binaries.iter().any(|b| b.entry.starts_with(prefix))
            || report
                .entry_errors
                .iter()
                .any(|e| e.entry.starts_with(prefix))
    };
    assert!(!read_anything("app/build/"));
    assert!(!read_anything("gradle/wrapper/"));
    assert!(
        report.findings.iter().all(|f| f.code != "PS906"),
        "{:?}",
        report.findings
    );
}

#[test]
fn an_unreadable_vendored_binary_is_never_clean() {
    let dir = repo();
    write(dir.path(), "app/libs/broken.jar", b"junk");
    write(
        dir.path(),
        "app/src/main/jniLibs/arm64-v8a/libfake.so",
        b"INPUT(-lc)\n",
    );
    let report = scan_path(dir.path(), &Config::new());
    for rel in [
        "app/libs/broken.jar",
        "app/src/main/jniLibs/arm64-v8a/libfake.so",
    ] {
        assert!(
            report
                .entry_errors
                .iter()
                .any(|e| e.entry == rel && e.message.starts_with("vendored SDK binary not read: ")),
            "{rel}: {:?}",
            report.entry_errors
        );
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.code == "PS906" && f.subject == rel),
            "{rel}"
        );
    }
}

/// A vendored native library's string data reaches the tree's report as
/// contacts, located at the vendored file inside the tree.
#[test]
fn vendored_binary_hosts_are_contacts_of_the_tree() {
    let dir = repo();
    let mut so = privscan::testkit::aab::sample_so();
    so.extend_from_slice(b"\0wss://webliveroom-api.zego.im/ws\0");
    write(
        dir.path(),
        "app/src/main/jniLibs/arm64-v8a/libZegoExpressEngine.so",
        &so,
    );
    let r = scan_path(dir.path(), &Config::new());
    assert!(r.error.is_none(), "{:?}", r.error);
    let c: Vec<(&str, &str, &str)> = r
        .contacts
        .iter()
        .map(|c| (c.sdk.as_str(), c.host.as_str(), c.location.entry.as_str()))
        .collect();
    assert!(
        c.contains(&(
            "zego-express",
            "webliveroom-api.zego.im",
            "app/src/main/jniLibs/arm64-v8a/libZegoExpressEngine.so"
        )),
        "{c:?}"
    );
}
