//! Writes Apple SDK packages for tests: a dynamic `.framework` (Mach-O
//! `MH_DYLIB` + Info.plist + optional privacy manifest), a static
//! framework whose binary is a fat file of `ar` archives, and an
//! `.xcframework` whose `Info.plist` `AvailableLibraries` lists both
//! kinds. Layouts as in `ios::sdk_package`. Test code.

use crate::testkit::ipa::{privacy_manifest, xml_plist};
use crate::testkit::macho::{Arch, MachOSpec, build_thin};
use plist::{Dictionary, Value};

fn dict(pairs: &[(&str, Value)]) -> Value {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.insert((*k).to_string(), v.clone());
    }
    Value::Dictionary(d)
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

/// A framework Info.plist for `name`.
pub fn framework_info(name: &str, version: &str) -> Vec<u8> {
    xml_plist(&dict(&[
        ("CFBundleIdentifier", s(&format!("com.example.{name}"))),
        ("CFBundleExecutable", s(name)),
        ("CFBundlePackageType", s("FMWK")),
        ("CFBundleShortVersionString", s(version)),
    ]))
}

/// A dynamic framework binary defining ObjC `classes` and importing `imports`.
pub fn dylib(name: &str, classes: &[&str], imports: &[&str]) -> Vec<u8> {
    build_thin(&MachOSpec {
        arch: Arch::Arm64,
        filetype: crate::testkit::macho::MH_DYLIB,
        id_dylib: Some(format!("@rpath/{name}.framework/{name}")),
        exports: classes
            .iter()
            .map(|c| format!("_OBJC_CLASS_$_{c}"))
            .collect(),
        imports: imports.iter().map(|i| i.to_string()).collect(),
        objc_classes: classes.iter().map(|c| c.to_string()).collect(),
        ..Default::default()
    })
}

/// The files of `SDWebImage.framework` (dynamic; classes `SDImageCache`,
/// imports `_stat`), with a privacy manifest declaring the file-timestamp
/// reason when `with_manifest`.
pub fn sdwebimage_framework(prefix: &str, with_manifest: bool) -> Vec<(String, Vec<u8>)> {
    let mut v = vec![
        (
            format!("{prefix}Info.plist"),
            framework_info("SDWebImage", "5.19.0"),
        ),
        (
            format!("{prefix}SDWebImage"),
            dylib(
                "SDWebImage",
                &["SDImageCache", "SDWebImageManager"],
                &["_stat"],
            ),
        ),
    ];
    if with_manifest {
        v.push((
            format!("{prefix}PrivacyInfo.xcprivacy"),
            privacy_manifest(
                &[("NSPrivacyAccessedAPICategoryFileTimestamp", &["C617.1"])],
                &[],
                false,
            ),
        ));
    }
    v
}

/// The files of `Sample.xcframework`: `ios-arm64/SDWebImage.framework`
/// (dynamic, with a privacy manifest) and
/// `ios-arm64_x86_64-simulator/libSampleSDK.a` (fat of `ar`, no manifest).
pub fn sample_xcframework_files() -> Vec<(String, Vec<u8>)> {
    let lib = |id: &str, path: &str, archs: &[&str]| {
        dict(&[
            ("LibraryIdentifier", s(id)),
            ("LibraryPath", s(path)),
            ("SupportedPlatform", s("ios")),
            (
                "SupportedArchitectures",
                Value::Array(archs.iter().map(|a| s(a)).collect()),
            ),
        ])
    };
    let info = xml_plist(&dict(&[
        ("CFBundlePackageType", s("XFWK")),
        ("XCFrameworkFormatVersion", s("1.0")),
        (
            "AvailableLibraries",
            Value::Array(vec![
                lib("ios-arm64", "SDWebImage.framework", &["arm64"]),
                lib(
                    "ios-arm64_x86_64-simulator",
                    "libSampleSDK.a",
                    &["arm64", "x86_64"],
                ),
            ]),
        ),
    ]));
    let mut files = vec![("Info.plist".to_string(), info)];
    files.extend(sdwebimage_framework(
        "ios-arm64/SDWebImage.framework/",
        true,
    ));
    files.push((
        "ios-arm64_x86_64-simulator/libSampleSDK.a".into(),
        crate::testkit::ar::sample_static_lib(),
    ));
    files
}
