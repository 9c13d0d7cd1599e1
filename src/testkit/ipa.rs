//! Writes IPAs for tests and fixtures: `build_ipa` zips any files (stored
//! entries), `sample_ipa` builds the project's sample app ("Sample Live"):
//!
//! - `Payload/SampleLive.app/Info.plist` (binary plist) with
//!   NSCameraUsageDescription, NSMicrophoneUsageDescription and
//!   NSLocationWhenInUseUsageDescription (the last one is not declared by
//!   `fixtures/sample-policy.toml`, which declares camera + microphone → PS102);
//! - the main executable, a fat arm64 + x86_64 Mach-O linking Foundation,
//!   UIKit, AVFoundation, CoreLocation, **Contacts** (no
//!   NSContactsUsageDescription → PS303) and the two embedded frameworks,
//!   importing `_mach_absolute_time` (SystemBootTime, not declared in the
//!   app's privacy manifest → PS301) and `_OBJC_CLASS_$_NSUserDefaults`
//!   (declared), signed with XML and DER entitlements;
//! - `PrivacyInfo.xcprivacy` (XML) declaring UserDefaults (CA92.1);
//! - `en.lproj/InfoPlist.strings` (UTF-16 text) and `zh-Hans.lproj/InfoPlist.strings` (binary plist);
//! - `PlugIns/SampleShare.appex` (XML Info.plist, thin arm64 executable);
//! - `Frameworks/FirebaseAnalytics.framework` (ObjC classes FIRAnalytics,
//!   FIRApp; imports NSUserDefaults; **no** privacy manifest → PS301);
//! - `Frameworks/ZegoExpressEngine.framework` (ObjC class ZegoExpressEngine;
//!   imports `_stat`, declared in its own privacy manifest).

use std::io::Write;

use plist::{Dictionary, Value};

use crate::testkit::macho::{
    Arch, DylibKind, MH_DYLIB, MachOSpec, build_fat, build_thin, der_entitlements, xml_entitlements,
};

/// A zip of `files` (stored, in the given order).
pub fn build_ipa(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(Vec::new());
    {
        let mut zw = zip::ZipWriter::new(&mut cursor);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, data) in files {
            zw.start_file(*name, opts).unwrap();
            zw.write_all(data).unwrap();
        }
        zw.finish().unwrap();
    }
    cursor.into_inner()
}

fn dict(pairs: &[(&str, Value)]) -> Value {
    Value::Dictionary(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<Dictionary>(),
    )
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn arr(v: &[&str]) -> Value {
    Value::Array(v.iter().map(|x| s(x)).collect())
}

/// A value written as a binary plist.
pub fn binary_plist(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    v.to_writer_binary(&mut out).unwrap();
    out
}

/// A value written as an XML plist.
pub fn xml_plist(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    v.to_writer_xml(&mut out).unwrap();
    out
}

/// A privacy manifest declaring `(category, reasons)` pairs.
pub fn privacy_manifest(
    accessed: &[(&str, &[&str])],
    collected: &[&str],
    tracking: bool,
) -> Vec<u8> {
    let accessed: Vec<Value> = accessed
        .iter()
        .map(|(c, r)| {
            dict(&[
                ("NSPrivacyAccessedAPIType", s(c)),
                ("NSPrivacyAccessedAPITypeReasons", arr(r)),
            ])
        })
        .collect();
    let collected: Vec<Value> = collected
        .iter()
        .map(|c| {
            dict(&[
                ("NSPrivacyCollectedDataType", s(c)),
                ("NSPrivacyCollectedDataTypeLinked", Value::Boolean(false)),
                ("NSPrivacyCollectedDataTypeTracking", Value::Boolean(false)),
                (
                    "NSPrivacyCollectedDataTypePurposes",
                    arr(&["NSPrivacyCollectedDataTypePurposeAppFunctionality"]),
                ),
            ])
        })
        .collect();
    xml_plist(&dict(&[
        ("NSPrivacyTracking", Value::Boolean(tracking)),
        ("NSPrivacyTrackingDomains", Value::Array(Vec::new())),
        ("NSPrivacyCollectedDataTypes", Value::Array(collected)),
        ("NSPrivacyAccessedAPITypes", Value::Array(accessed)),
    ]))
}

/// The sample app's main Info.plist (as a value, for tests that vary it).
pub fn sample_info_plist() -> Value {
    dict(&[
        ("CFBundleIdentifier", s("com.example.samplelive")),
        ("CFBundleExecutable", s("SampleLive")),
        ("CFBundleName", s("SampleLive")),
        ("CFBundlePackageType", s("APPL")),
        ("CFBundleShortVersionString", s("2.4.0")),
        ("CFBundleVersion", s("240")),
        ("MinimumOSVersion", s("15.0")),
        (
            "NSCameraUsageDescription",
            s("Sample Live uses the camera for live streaming."),
        ),
        (
            "NSMicrophoneUsageDescription",
            s("Sample Live uses the microphone for live streaming."),
        ),
        (
            "NSLocationWhenInUseUsageDescription",
            s("Sample Live shows streams near you."),
        ),
        ("UIBackgroundModes", arr(&["audio", "voip"])),
        ("LSApplicationQueriesSchemes", arr(&["weixin", "fb"])),
        (
            "NSAppTransportSecurity",
            dict(&[(
                "NSExceptionDomains",
                dict(&[("cdn.example.com", dict(&[]))]),
            )]),
        ),
    ])
}

/// Entitlements of the sample main executable.
pub fn sample_entitlements() -> serde_json::Value {
    serde_json::json!({
        "application-identifier": "ABCDE12345.com.example.samplelive",
        "com.apple.developer.team-identifier": "ABCDE12345",
        "aps-environment": "production",
        "keychain-access-groups": ["ABCDE12345.com.example.samplelive"],
        "get-task-allow": false
    })
}

/// The sample app's main executable spec (one slice; the sample uses it for arm64 and x86_64).
pub fn sample_main_spec() -> MachOSpec {
    let ents = sample_entitlements();
    MachOSpec {
        dylibs: vec![
            (
                DylibKind::Load,
                "/System/Library/Frameworks/Foundation.framework/Foundation".into(),
            ),
            (
                DylibKind::Load,
                "/System/Library/Frameworks/UIKit.framework/UIKit".into(),
            ),
            (
                DylibKind::Load,
                "/System/Library/Frameworks/AVFoundation.framework/AVFoundation".into(),
            ),
            (
                DylibKind::Load,
                "/System/Library/Frameworks/CoreLocation.framework/CoreLocation".into(),
            ),
            (
                DylibKind::Weak,
                "/System/Library/Frameworks/Contacts.framework/Contacts".into(),
            ),
            (
                DylibKind::Load,
                "@rpath/FirebaseAnalytics.framework/FirebaseAnalytics".into(),
            ),
            (
                DylibKind::Load,
                "@rpath/ZegoExpressEngine.framework/ZegoExpressEngine".into(),
            ),
            (DylibKind::Load, "/usr/lib/libobjc.A.dylib".into()),
            (DylibKind::Load, "/usr/lib/libSystem.B.dylib".into()),
        ],
        imports: vec![
            "_objc_msgSend".into(),
            "_mach_absolute_time".into(),
            "_OBJC_CLASS_$_NSUserDefaults".into(),
            "_OBJC_CLASS_$_AVCaptureDevice".into(),
            "_OBJC_CLASS_$_CLLocationManager".into(),
            "_OBJC_CLASS_$_CNContactStore".into(),
            "_OBJC_CLASS_$_FIRApp".into(),
            "_OBJC_CLASS_$_ZegoExpressEngine".into(),
        ],
        exports: vec![
            "_OBJC_CLASS_$_AppDelegate".into(),
            "_OBJC_CLASS_$_LiveRoomViewController".into(),
        ],
        objc_classes: vec!["AppDelegate".into(), "LiveRoomViewController".into()],
        objc_selectors: vec![
            "application:didFinishLaunchingWithOptions:".into(),
            "startPreview".into(),
        ],
        identifier: Some("com.example.samplelive".into()),
        team_id: Some("ABCDE12345".into()),
        entitlements_xml: Some(xml_entitlements(&ents)),
        entitlements_der: Some(der_entitlements(&ents)),
        ..Default::default()
    }
}

fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// Every file of the sample IPA, in archive order (for tests that add,
/// replace or drop entries before zipping with `build_ipa`).
pub fn sample_files() -> Vec<(&'static str, Vec<u8>)> {
    let main_arm64 = build_thin(&sample_main_spec());
    let main_x86 = build_thin(&MachOSpec {
        arch: Arch::X86_64,
        ..sample_main_spec()
    });
    let appex = build_thin(&MachOSpec {
        dylibs: vec![
            (
                DylibKind::Load,
                "/System/Library/Frameworks/Foundation.framework/Foundation".into(),
            ),
            (DylibKind::Load, "/usr/lib/libSystem.B.dylib".into()),
        ],
        imports: vec!["_objc_msgSend".into()],
        objc_classes: vec!["ShareViewController".into()],
        identifier: Some("com.example.samplelive.share".into()),
        ..Default::default()
    });
    let firebase = build_thin(&MachOSpec {
        filetype: MH_DYLIB,
        id_dylib: Some("@rpath/FirebaseAnalytics.framework/FirebaseAnalytics".into()),
        dylibs: vec![
            (
                DylibKind::Load,
                "/System/Library/Frameworks/Foundation.framework/Foundation".into(),
            ),
            (DylibKind::Load, "/usr/lib/libSystem.B.dylib".into()),
        ],
        imports: vec![
            "_objc_msgSend".into(),
            "_OBJC_CLASS_$_NSUserDefaults".into(),
        ],
        exports: vec![
            "_OBJC_CLASS_$_FIRAnalytics".into(),
            "_OBJC_CLASS_$_FIRApp".into(),
        ],
        objc_classes: vec!["FIRAnalytics".into(), "FIRApp".into()],
        ..Default::default()
    });
    let zego = build_thin(&MachOSpec {
        filetype: MH_DYLIB,
        id_dylib: Some("@rpath/ZegoExpressEngine.framework/ZegoExpressEngine".into()),
        dylibs: vec![
            (
                DylibKind::Load,
                "/System/Library/Frameworks/AVFoundation.framework/AVFoundation".into(),
            ),
            (DylibKind::Load, "/usr/lib/libSystem.B.dylib".into()),
        ],
        imports: vec!["_stat".into(), "_OBJC_CLASS_$_AVCaptureSession".into()],
        exports: vec!["_OBJC_CLASS_$_ZegoExpressEngine".into()],
        objc_classes: vec!["ZegoExpressEngine".into()],
        ..Default::default()
    });
    let appex_info = dict(&[
        ("CFBundleIdentifier", s("com.example.samplelive.share")),
        ("CFBundleExecutable", s("SampleShare")),
        ("CFBundlePackageType", s("XPC!")),
        ("CFBundleShortVersionString", s("2.4.0")),
        ("CFBundleVersion", s("240")),
        (
            "NSExtension",
            dict(&[("NSExtensionPointIdentifier", s("com.apple.share-services"))]),
        ),
    ]);
    let fw_info = |id: &str, exe: &str, v: &str| {
        dict(&[
            ("CFBundleIdentifier", s(id)),
            ("CFBundleExecutable", s(exe)),
            ("CFBundlePackageType", s("FMWK")),
            ("CFBundleShortVersionString", s(v)),
        ])
    };
    let zh = dict(&[
        ("NSCameraUsageDescription", s("直播需要使用相机。")),
        ("CFBundleDisplayName", s("示例直播")),
    ]);
    vec![
        (
            "Payload/SampleLive.app/Info.plist",
            binary_plist(&sample_info_plist()),
        ),
        (
            "Payload/SampleLive.app/SampleLive",
            build_fat(&[main_arm64, main_x86]),
        ),
        (
            "Payload/SampleLive.app/PrivacyInfo.xcprivacy",
            privacy_manifest(
                &[("NSPrivacyAccessedAPICategoryUserDefaults", &["CA92.1"])],
                &["NSPrivacyCollectedDataTypeDeviceID"],
                false,
            ),
        ),
        (
            "Payload/SampleLive.app/en.lproj/InfoPlist.strings",
            utf16le_bom(
                "/* Localized purpose strings */\n\"NSCameraUsageDescription\" = \"Sample Live uses the camera for live streaming.\";\n\"CFBundleDisplayName\" = \"Sample Live\";\n",
            ),
        ),
        (
            "Payload/SampleLive.app/zh-Hans.lproj/InfoPlist.strings",
            binary_plist(&zh),
        ),
        (
            "Payload/SampleLive.app/PlugIns/SampleShare.appex/Info.plist",
            xml_plist(&appex_info),
        ),
        (
            "Payload/SampleLive.app/PlugIns/SampleShare.appex/SampleShare",
            appex,
        ),
        (
            "Payload/SampleLive.app/Frameworks/FirebaseAnalytics.framework/Info.plist",
            binary_plist(&fw_info(
                "org.cocoapods.FirebaseAnalytics",
                "FirebaseAnalytics",
                "8.15.0",
            )),
        ),
        (
            "Payload/SampleLive.app/Frameworks/FirebaseAnalytics.framework/FirebaseAnalytics",
            firebase,
        ),
        (
            "Payload/SampleLive.app/Frameworks/ZegoExpressEngine.framework/Info.plist",
            xml_plist(&fw_info(
                "im.zego.ZegoExpressEngine",
                "ZegoExpressEngine",
                "3.14.5",
            )),
        ),
        (
            "Payload/SampleLive.app/Frameworks/ZegoExpressEngine.framework/ZegoExpressEngine",
            zego,
        ),
        (
            "Payload/SampleLive.app/Frameworks/ZegoExpressEngine.framework/PrivacyInfo.xcprivacy",
            privacy_manifest(
                &[("NSPrivacyAccessedAPICategoryFileTimestamp", &["C617.1"])],
                &[],
                false,
            ),
        ),
    ]
}

/// The sample IPA (see the module docs for what it contains and which
/// findings it is built to produce).
pub fn sample_ipa() -> Vec<u8> {
    build_ipa(&sample_files())
}
