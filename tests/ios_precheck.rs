//! The sample IPA (`testkit::ipa::sample_ipa`) against the sample policy
//! (camera + microphone declared): PS102 for the undeclared location key,
//! PS301 for undeclared required-reason APIs, PS303 for Contacts.framework
//! linked without NSContactsUsageDescription — each with evidence.

use std::collections::HashMap;
use std::io::Read;

use privscan::Limits;
use privscan::diff::ios::{diff_ios, precheck};
use privscan::ios::scan_bundle;
use privscan::model::Finding;
use privscan::policy::model::{Clause, Policy};
use privscan::testkit::ipa::sample_ipa;

fn unzip(data: &[u8]) -> HashMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(data)).unwrap();
    let mut out = HashMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut v = Vec::new();
        f.read_to_end(&mut v).unwrap();
        out.insert(f.name().unwrap().into_owned(), v);
    }
    out
}

/// The iOS part of `fixtures/sample-policy.toml`.
fn sample_policy() -> Policy {
    Policy {
        name: "Sample Live privacy policy".into(),
        source: "sample-privacy-policy.md".into(),
        clauses: vec![
            Clause {
                id: "I.(C).3".into(),
                title: "Live streaming, recordings and posts".into(),
                data_categories: vec!["camera".into(), "microphone".into(), "photos".into()],
                ..Default::default()
            },
            Clause {
                id: "III.(D)".into(),
                title: "Application Permissions".into(),
                android_permissions: vec![
                    "android.permission.CAMERA".into(),
                    "android.permission.RECORD_AUDIO".into(),
                ],
                ios_usage: vec![
                    "NSCameraUsageDescription".into(),
                    "NSMicrophoneUsageDescription".into(),
                ],
                ..Default::default()
            },
        ],
        allow: Vec::new(),
    }
}

fn by_code<'a>(f: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    f.iter().filter(|x| x.code == code).collect()
}

#[test]
fn sample_ipa_yields_ps102_ps301_ps303_with_evidence() {
    let files = unzip(&sample_ipa());
    let scan = scan_bundle(&files, &Limits::default()).unwrap();
    assert!(scan.entry_errors.is_empty(), "{:?}", scan.entry_errors);

    let ps102 = diff_ios(&scan.facts, &sample_policy());
    assert_eq!(ps102.len(), 1, "{ps102:#?}");
    let f = &ps102[0];
    assert_eq!(
        (f.code.as_str(), f.subject.as_str()),
        ("PS102", "NSLocationWhenInUseUsageDescription")
    );
    assert_eq!(f.clause.as_ref().unwrap().id, "III.(D)");
    assert_eq!(f.evidence[0].entry, "Payload/SampleLive.app/Info.plist");
    assert_eq!(
        f.evidence[0].detail.as_deref(),
        Some("NSLocationWhenInUseUsageDescription")
    );

    let pre = precheck(&scan);
    let ps301 = by_code(&pre, "PS301");
    let got: Vec<(&str, &str)> = ps301
        .iter()
        .map(|f| (f.subject.as_str(), f.evidence[0].entry.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "NSPrivacyAccessedAPICategorySystemBootTime",
                "Payload/SampleLive.app/SampleLive"
            ),
            (
                "NSPrivacyAccessedAPICategoryUserDefaults",
                "Payload/SampleLive.app/Frameworks/FirebaseAnalytics.framework/FirebaseAnalytics"
            ),
        ],
        "{ps301:#?}"
    );
    assert_eq!(
        ps301[0].evidence[0].detail.as_deref(),
        Some("_mach_absolute_time")
    );
    assert!(ps301[0].message.contains("ITMS-91053"));
    assert!(
        ps301[1].message.contains("has no PrivacyInfo.xcprivacy"),
        "{}",
        ps301[1].message
    );
    // Zego declares FileTimestamp for its `_stat`; the app declares UserDefaults.
    assert!(
        pre.iter()
            .all(|f| f.subject != "NSPrivacyAccessedAPICategoryFileTimestamp")
    );

    let ps303 = by_code(&pre, "PS303");
    assert_eq!(ps303.len(), 1, "{ps303:#?}");
    assert_eq!(ps303[0].subject, "NSContactsUsageDescription");
    assert_eq!(
        ps303[0].evidence[0].entry,
        "Payload/SampleLive.app/SampleLive"
    );
    assert_eq!(
        ps303[0].evidence[0].detail.as_deref(),
        Some("LC_LOAD_DYLIB /System/Library/Frameworks/Contacts.framework/Contacts")
    );
    assert!(ps303[0].message.contains("ITMS-90683"));

    // Findings serialize with code, subject and evidence (JSON contract).
    let json = serde_json::to_value(&pre).unwrap();
    assert_eq!(json[0]["code"], "PS301");
    assert!(json[0]["evidence"][0]["entry"].is_string());
}

#[test]
fn sample_ipa_facts() {
    let scan = scan_bundle(&unzip(&sample_ipa()), &Limits::default()).unwrap();
    let f = &scan.facts;
    assert_eq!(f.bundle_id.as_deref(), Some("com.example.samplelive"));
    assert_eq!(f.short_version.as_deref(), Some("2.4.0"));
    assert_eq!(f.minimum_os.as_deref(), Some("15.0"));
    assert_eq!(f.background_modes, ["audio", "voip"]);
    assert_eq!(f.queries_schemes, ["weixin", "fb"]);
    assert_eq!(f.ats_exceptions, ["NSExceptionDomains:cdn.example.com"]);
    let keys: Vec<&str> = f
        .usage_descriptions
        .iter()
        .map(|u| u.key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "NSCameraUsageDescription",
            "NSMicrophoneUsageDescription",
            "NSLocationWhenInUseUsageDescription"
        ]
    );
    assert_eq!(f.entitlements["aps-environment"], "production");
    assert_eq!(
        f.entitlements["keychain-access-groups"][0],
        "ABCDE12345.com.example.samplelive"
    );
    assert_eq!(f.privacy_manifests.len(), 2);
    let fw: Vec<(&str, bool)> = scan
        .frameworks
        .iter()
        .map(|f| (f.name.as_str(), f.has_privacy_manifest))
        .collect();
    assert_eq!(
        fw,
        [("FirebaseAnalytics", false), ("ZegoExpressEngine", true)]
    );
    let kinds: Vec<&str> = f.bundles.iter().map(|b| b.kind.as_str()).collect();
    assert_eq!(kinds, ["app", "appex", "framework", "framework"]);
    // main executable is fat: arm64 + x86_64
    let main = scan
        .binaries
        .iter()
        .find(|b| b.entry.ends_with("SampleLive.app/SampleLive"))
        .unwrap();
    let archs: Vec<&str> = main.slices.iter().map(|s| s.arch.as_str()).collect();
    assert_eq!(archs, ["arm64", "x86_64"]);
    let fire = scan
        .binaries
        .iter()
        .find(|b| b.entry.ends_with("FirebaseAnalytics"))
        .unwrap();
    assert_eq!(fire.slices[0].objc_classes, ["FIRAnalytics", "FIRApp"]);
    let mut langs: Vec<(&str, &str)> = scan
        .localized
        .iter()
        .map(|l| (l.language.as_str(), l.key.as_str()))
        .collect();
    langs.sort();
    assert_eq!(
        langs,
        [
            ("en", "NSCameraUsageDescription"),
            ("zh-Hans", "NSCameraUsageDescription")
        ]
    );
}
