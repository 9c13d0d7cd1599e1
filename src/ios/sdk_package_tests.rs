use super::*;
use crate::testkit::apple_sdk::{sample_xcframework_files, sdwebimage_framework};
use std::collections::HashMap;

fn src(files: Vec<(String, Vec<u8>)>) -> HashMap<String, Vec<u8>> {
    files.into_iter().collect()
}

#[test]
fn framework_info_binary_and_manifest() {
    let f = read_framework(
        &src(sdwebimage_framework("", true)),
        "SDWebImage",
        &Limits::default(),
    )
    .unwrap();
    let lib = &f.libraries[0];
    assert_eq!(
        lib.info.as_ref().and_then(|i| i.short_version.as_deref()),
        Some("5.19.0")
    );
    assert_eq!(lib.binary_entry.as_deref(), Some("SDWebImage"));
    let Some(LibraryBinary::Dynamic(m)) = &lib.binary else {
        panic!("dynamic binary expected: {:?}", lib.binary)
    };
    assert!(
        m.slices[0]
            .facts
            .objc_classes
            .contains(&"SDImageCache".to_string())
    );
    assert_eq!(lib.privacy_manifests.len(), 1);
    assert!(f.problems.is_empty());
    let empty: HashMap<String, Vec<u8>> = HashMap::new();
    assert!(read_framework(&empty, "X", &Limits::default()).is_err());
}

#[test]
fn xcframework_available_libraries() {
    let f = read_xcframework(&src(sample_xcframework_files()), &Limits::default()).unwrap();
    assert_eq!(f.libraries.len(), 2);
    assert_eq!(f.libraries[0].identifier, "ios-arm64");
    assert_eq!(f.libraries[0].privacy_manifests.len(), 1);
    let Some(LibraryBinary::Static(s)) = &f.libraries[1].binary else {
        panic!("static binary expected")
    };
    assert_eq!(s.archs, ["arm64", "x86_64"]);
    assert!(f.libraries[1].privacy_manifests.is_empty());
    assert!(f.problems.is_empty(), "{:?}", f.problems);
}

#[test]
fn xcframework_with_missing_or_hostile_libraries() {
    let mut files = src(sample_xcframework_files());
    files.remove("ios-arm64_x86_64-simulator/libSampleSDK.a");
    let f = read_xcframework(&files, &Limits::default()).unwrap();
    assert!(
        f.problems
            .iter()
            .any(|p| p.entry.ends_with("libSampleSDK.a")),
        "{:?}",
        f.problems
    );
    // A LibraryPath escaping the package is refused, not followed.
    let info = crate::testkit::ipa::xml_plist(&plist::Value::Dictionary(
        [(
            "AvailableLibraries".to_string(),
            plist::Value::Array(vec![plist::Value::Dictionary(
                [
                    (
                        "LibraryIdentifier".to_string(),
                        plist::Value::String("..".into()),
                    ),
                    (
                        "LibraryPath".to_string(),
                        plist::Value::String("x.framework".into()),
                    ),
                ]
                .into_iter()
                .collect(),
            )]),
        )]
        .into_iter()
        .collect(),
    ));
    let f = read_xcframework(&src(vec![("Info.plist".into(), info)]), &Limits::default()).unwrap();
    assert!(f.libraries.is_empty());
    assert!(f.problems[0].message.contains("unusable"));
    let no_libs = crate::testkit::ipa::xml_plist(&plist::Value::Dictionary(Default::default()));
    assert!(
        read_xcframework(
            &src(vec![("Info.plist".into(), no_libs)]),
            &Limits::default()
        )
        .is_err()
    );
}
