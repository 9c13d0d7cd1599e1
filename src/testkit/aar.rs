//! Writes Android libraries (`.aar`) and jars for tests and the
//! `fixtures/sample-sdk.aar` fixture: a text `AndroidManifest.xml`,
//! `classes.jar` (class entries whose names are the classes), a
//! `libs/*.jar` with a nested jar, `jni/arm64-v8a/*.so` (real ELF),
//! `proguard.txt`, `R.txt` and a `META-INF/*.version` marker. Layout as in
//! `android::aar`. Test code: panics on misuse are acceptable here.

use crate::testkit::zip::build_simple;

/// A minimal class file body (magic + Java 8 version); the scanner reads
/// class names from entry paths, not from class bodies.
pub const CLASS_BYTES: &[u8] = b"\xca\xfe\xba\xbe\x00\x00\x00\x34";

/// The library manifest of the sample AAR: package `com.example.sdk`,
/// `INTERNET` and `READ_PHONE_STATE`, a service and a meta-data key.
pub const SAMPLE_MANIFEST: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    package="com.example.sdk">
    <uses-sdk android:minSdkVersion="21" />
    <uses-permission android:name="android.permission.INTERNET" />
    <uses-permission android:name="android.permission.READ_PHONE_STATE" />
    <application>
        <service android:name="im.zego.zegoexpress.internal.ZegoService" android:exported="false" />
        <meta-data android:name="com.example.sdk.APP_KEY" android:value="demo" />
    </application>
</manifest>
"#;

/// A jar of `classes` (`com/foo/Bar` → `com/foo/Bar.class`) plus `extra` entries.
pub fn jar(classes: &[&str], extra: &[(&str, &[u8])]) -> Vec<u8> {
    let names: Vec<String> = classes.iter().map(|c| format!("{c}.class")).collect();
    let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), CLASS_BYTES)).collect();
    entries.extend_from_slice(extra);
    build_simple(&entries)
}

/// The files of the sample AAR, as (path, bytes), sorted by path.
pub fn sample_aar_files() -> Vec<(String, Vec<u8>)> {
    let nested = jar(
        &["com/adjust/sdk/Adjust", "com/adjust/sdk/AdjustConfig"],
        &[],
    );
    let libs_jar = jar(
        &["com/example/sdk/util/Helper"],
        &[("lib/adjust.jar", &nested)],
    );
    let classes = jar(
        &[
            "im/zego/zegoexpress/ZegoExpressEngine",
            "com/example/sdk/SdkEntry",
        ],
        &[
            (
                "META-INF/versions/11/com/example/sdk/SdkEntry.class",
                CLASS_BYTES,
            ),
            ("META-INF/im.zego_express-video.version", b"3.14.5\n"),
        ],
    );
    let so = crate::testkit::elf::build(&crate::testkit::elf::ElfSpec {
        machine: 183,
        soname: Some("libZegoExpressEngine.so".into()),
        exports: vec![
            "Java_im_zego_zegoexpress_internal_ZegoExpressEngineJniAPI_createEngineJni".into(),
        ],
        imports: vec!["malloc".into()],
        ..Default::default()
    });
    let mut files = vec![
        (
            "AndroidManifest.xml".to_string(),
            SAMPLE_MANIFEST.as_bytes().to_vec(),
        ),
        (
            "R.txt".to_string(),
            b"int string app_name 0x7f010001\n".to_vec(),
        ),
        ("classes.jar".to_string(), classes),
        ("jni/arm64-v8a/libZegoExpressEngine.so".to_string(), so),
        ("libs/helper.jar".to_string(), libs_jar),
        (
            "proguard.txt".to_string(),
            b"-keep class im.zego.** { *; }\n".to_vec(),
        ),
    ];
    files.sort();
    files
}

/// The sample AAR (`fixtures/sample-sdk.aar`).
pub fn sample_aar() -> Vec<u8> {
    let files = sample_aar_files();
    let entries: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    build_simple(&entries)
}
