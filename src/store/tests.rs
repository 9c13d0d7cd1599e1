use super::*;
use crate::model::{
    CallSite, CollectedDataType, Confidence, PrivacyManifest, SdkEvidence, Severity,
};
use crate::policy::{Clause, DeclaredSdk};
use crate::testkit::data_safety::DataSafetyCsv;

fn ds(csv: &DataSafetyCsv) -> DataSafety {
    data_safety::parse(&csv.bytes(), "play/data-safety.csv", DataTypes::embedded()).unwrap()
}

fn policy(categories: &[&str], sdks: &[(&str, &[&str])]) -> Policy {
    Policy {
        name: "t".into(),
        source: "policy.toml".into(),
        clauses: vec![Clause {
            id: "2.1".into(),
            title: "What we collect".into(),
            data_categories: categories.iter().map(|s| s.to_string()).collect(),
            sdks: sdks
                .iter()
                .map(|(n, d)| DeclaredSdk {
                    name: n.to_string(),
                    data: d.iter().map(|s| s.to_string()).collect(),
                    ..DeclaredSdk::default()
                })
                .collect(),
            line: Some(7),
            ..Clause::default()
        }],
        ..Policy::default()
    }
}

fn detection(id: &str, category: &str) -> Detection {
    Detection {
        id: id.into(),
        name: id.into(),
        vendor: "v".into(),
        category: category.into(),
        version: None,
        confidence: Confidence::Present,
        evidence: vec![SdkEvidence {
            matcher: "dex_class".into(),
            pattern: "x".into(),
            matched: "x".into(),
            tier: Confidence::Present,
            location: Location::entry("classes.dex"),
        }],
        matcher_counts: Default::default(),
        companies: Vec::new(),
        version_source: None,
        bundled_by: Vec::new(),
        part_of: Vec::new(),
        contains: Vec::new(),
        contacts: Vec::new(),
    }
}

fn collect(api_id: &str, data: &str, play: Option<&str>, apple: Option<&str>) -> Collect {
    Collect {
        sdk: None,
        data: data.into(),
        api_id: api_id.into(),
        api: "Landroid/x;->y".into(),
        count: 2,
        call_sites: vec![CallSite {
            entry: "classes.dex".into(),
            class: "Lcom/a/Main;".into(),
            method: "onCreate".into(),
            pc: 4,
        }],
        play: play.map(Into::into),
        apple: apple.map(Into::into),
        permission: Vec::new(),
        permission_requested: None,
        declared: None,
    }
}

fn manifest(entry: &str, tracking: bool, domains: &[&str], types: &[&str]) -> PrivacyManifest {
    PrivacyManifest {
        entry: entry.into(),
        tracking,
        tracking_domains: domains.iter().map(|s| s.to_string()).collect(),
        collected_data_types: types.iter().map(|s| s.to_string()).collect(),
        collected: types
            .iter()
            .map(|t| CollectedDataType {
                data_type: t.to_string(),
                linked: Some(false),
                tracking: Some(false),
                purposes: vec!["NSPrivacyCollectedDataTypePurposeAnalytics".into()],
            })
            .collect(),
        ..PrivacyManifest::default()
    }
}

fn inputs<'a>(
    d: Option<&'a DataSafety>,
    p: Option<&'a Policy>,
    ios: Option<&'a IosFacts>,
    perms: &'a [(String, Location)],
    sdks: &'a [Detection],
    collects: &'a [Collect],
) -> StoreInputs<'a> {
    StoreInputs {
        data_safety: d,
        policy: p,
        ios,
        permissions: perms,
        sdks,
        collects,
        catalog: Catalog::embedded(),
    }
}

fn codes(f: &[Finding], code: &str) -> Vec<String> {
    f.iter()
        .filter(|x| x.code == code)
        .map(|x| x.subject.clone())
        .collect()
}

#[test]
fn nothing_to_compare_gives_no_table() {
    let i = inputs(None, None, None, &[], &[], &[]);
    assert!(check(&i).is_none());
    let ios = IosFacts::default();
    assert!(check(&inputs(None, None, Some(&ios), &[], &[], &[])).is_none());
}

#[test]
fn ps501_build_collects_what_data_safety_omits() {
    let mut csv = DataSafetyCsv::new(true);
    csv.declare("PSL_CRASH_LOGS", false, &["PSL_ANALYTICS"]);
    let d = ds(&csv);
    let c = [collect(
        "android-id",
        "device-id",
        Some("Device or other IDs"),
        None,
    )];
    let perms = [(
        "android.permission.READ_CONTACTS".to_string(),
        Location::entry("AndroidManifest.xml"),
    )];
    let (report, f) = check(&inputs(Some(&d), None, None, &perms, &[], &c)).unwrap();
    let ps501: Vec<&Finding> = f.iter().filter(|x| x.code == "PS501").collect();
    assert_eq!(ps501.len(), 2, "{f:#?}");
    let dev = ps501.iter().find(|x| x.subject == "device-id").unwrap();
    assert_eq!(dev.severity, Severity::High);
    assert!(
        dev.message.contains("code: android-id (app, 2 call sites)"),
        "{}",
        dev.message
    );
    assert!(dev.message.contains("play/data-safety.csv") && dev.message.contains("PSL_DEVICE_ID"));
    assert_eq!(dev.evidence[0].entry, "classes.dex");
    assert_eq!(dev.evidence.last().unwrap().entry, "play/data-safety.csv");
    let contacts = ps501.iter().find(|x| x.subject == "contacts").unwrap();
    assert_eq!(contacts.severity, Severity::Low);
    // The declared type is in the table, and is no finding.
    let crash = report
        .rows
        .iter()
        .find(|r| r.data_type == "crash-data")
        .unwrap();
    assert!(crash.data_safety.as_ref().unwrap().declared);
    assert!(!crash.build.declared);
    assert!(
        report
            .rows
            .iter()
            .all(|r| r.policy.is_none() && r.privacy_manifest.is_none())
    );
}

#[test]
fn ps503_and_ps504_data_safety_and_policy_disagree_both_ways() {
    let mut csv = DataSafetyCsv::new(true);
    csv.declare("PSL_CONTACTS", false, &["PSL_APP_FUNCTIONALITY"]);
    csv.declare("PSL_NAME", false, &[]);
    let d = ds(&csv);
    let p = policy(&["location", "network"], &[]);
    let (report, f) = check(&inputs(Some(&d), Some(&p), None, &[], &[], &[])).unwrap();
    // Contacts: declared in Data safety, never in the policy. Name: the
    // policy vocabulary has no word for it, so it is no PS503.
    assert_eq!(codes(&f, "PS503"), ["contacts"]);
    let m = &f.iter().find(|x| x.code == "PS503").unwrap().message;
    assert!(
        m.contains("policy.toml") && m.contains("play/data-safety.csv"),
        "{m}"
    );
    // Location: in the policy, neither location type in Data safety;
    // network names no store data type.
    assert_eq!(codes(&f, "PS504"), ["location"]);
    let ps504 = f.iter().find(|x| x.code == "PS504").unwrap();
    assert_eq!(ps504.evidence[0].line, Some(7));
    assert!(
        ps504.message.contains("PSL_APPROX_LOCATION")
            && ps504.message.contains("PSL_PRECISE_LOCATION")
    );
    let loc = report
        .rows
        .iter()
        .find(|r| r.data_type == "precise-location")
        .unwrap();
    assert_eq!(loc.policy.as_ref().unwrap().notes, ["2.1: location"]);
    // Declaring approximate location covers the policy's "location".
    let mut csv2 = csv.clone();
    csv2.declare("PSL_APPROX_LOCATION", false, &[]);
    let d2 = ds(&csv2);
    let (_, f2) = check(&inputs(Some(&d2), Some(&p), None, &[], &[], &[])).unwrap();
    assert!(codes(&f2, "PS504").is_empty());
}

#[test]
fn ps505_no_data_collected_with_a_collecting_sdk() {
    let d = ds(&DataSafetyCsv::new(false));
    let sdks = [
        detection("google-mobile-ads", "ads"),
        detection("not-in-catalog", "ads"),
    ];
    let (_, f) = check(&inputs(Some(&d), None, None, &[], &sdks, &[])).unwrap();
    assert_eq!(codes(&f, "PS505"), ["google-mobile-ads"]);
    let m = &f.iter().find(|x| x.code == "PS505").unwrap().message;
    assert!(
        m.contains("PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA false")
            && m.contains("advertising-id"),
        "{m}"
    );
    let mut yes = DataSafetyCsv::new(true);
    yes.declare("PSL_DEVICE_ID", true, &["PSL_ADVERTISING"]);
    let d = ds(&yes);
    let (_, f) = check(&inputs(Some(&d), None, None, &[], &sdks, &[])).unwrap();
    assert!(codes(&f, "PS505").is_empty());
}

#[test]
fn privacy_manifests_merge_app_and_frameworks() {
    let ios = IosFacts {
        privacy_manifests: vec![
            manifest(
                "Payload/A.app/Frameworks/Ads.framework/PrivacyInfo.xcprivacy",
                false,
                &["t.ads.example"],
                &[
                    "NSPrivacyCollectedDataTypeDeviceID",
                    "NSPrivacyCollectedDataTypeCoarseLocation",
                ],
            ),
            manifest(
                "Payload/A.app/PrivacyInfo.xcprivacy",
                false,
                &[],
                &["NSPrivacyCollectedDataTypeDeviceID"],
            ),
        ],
        ..IosFacts::default()
    };
    let sdks = [detection("google-mobile-ads", "ads")];
    let c = [collect(
        "contacts-ios",
        "contacts",
        None,
        Some("NSPrivacyCollectedDataTypeContacts"),
    )];
    let (report, f) = check(&inputs(None, None, Some(&ios), &[], &sdks, &c)).unwrap();
    assert_eq!(
        report.privacy_manifests[0],
        "Payload/A.app/PrivacyInfo.xcprivacy"
    );
    assert_eq!(report.tracking, Some(false));
    assert_eq!(report.tracking_domains, ["t.ads.example"]);
    let dev = report
        .rows
        .iter()
        .find(|r| r.data_type == "device-id")
        .unwrap();
    assert_eq!(
        dev.privacy_manifest.as_ref().unwrap().notes,
        ["app: DeviceID (Analytics)", "Ads: DeviceID (Analytics)"]
    );
    // PS502: contacts read by the code, in no manifest. Device id is
    // declared; approximate location by the SDK's manifest counts as
    // declared for the merged report.
    // App interactions: the ads SDK documents app usage.
    assert_eq!(codes(&f, "PS502"), ["contacts", "app-interactions"]);
    // PS507: the SDK's manifest declares coarse location, the app's does not.
    assert_eq!(codes(&f, "PS507"), ["approximate-location"]);
    let m = &f.iter().find(|x| x.code == "PS507").unwrap().message;
    assert!(
        m.contains("Ads") && m.contains("Payload/A.app/PrivacyInfo.xcprivacy"),
        "{m}"
    );
    // PS506: a tracking domain and an ads SDK, NSPrivacyTracking false everywhere.
    assert_eq!(
        codes(&f, "PS506"),
        ["NSPrivacyTrackingDomains", "google-mobile-ads"]
    );
    // With NSPrivacyTracking true in the SDK's manifest, no PS506.
    let mut tracked = ios.clone();
    tracked.privacy_manifests[0].tracking = true;
    let (r2, f2) = check(&inputs(None, None, Some(&tracked), &[], &sdks, &c)).unwrap();
    assert!(codes(&f2, "PS506").is_empty());
    assert_eq!(r2.tracking, Some(true));
}

#[test]
fn ps505_for_manifests_that_declare_nothing() {
    let ios = IosFacts {
        privacy_manifests: vec![manifest(
            "Payload/A.app/PrivacyInfo.xcprivacy",
            true,
            &[],
            &[],
        )],
        ..IosFacts::default()
    };
    let sdks = [detection("google-analytics", "analytics")];
    let (_, f) = check(&inputs(None, None, Some(&ios), &[], &sdks, &[])).unwrap();
    assert_eq!(codes(&f, "PS505"), ["google-analytics"]);
    assert!(
        f.iter()
            .any(|x| x.code == "PS502" && x.subject == "device-id")
    );
}

#[test]
fn sdk_of_a_manifest_path() {
    use super::table::manifest_sdk;
    assert_eq!(manifest_sdk("Payload/A.app/PrivacyInfo.xcprivacy"), None);
    assert_eq!(
        manifest_sdk("Payload/A.app/Frameworks/FBSDKCoreKit.framework/PrivacyInfo.xcprivacy")
            .as_deref(),
        Some("FBSDKCoreKit")
    );
    assert_eq!(
        manifest_sdk("Pods/GoogleUtilities/Resources/PrivacyInfo.xcprivacy").as_deref(),
        Some("GoogleUtilities")
    );
    assert_eq!(manifest_sdk("ios/Runner/PrivacyInfo.xcprivacy"), None);
}

#[test]
fn policy_sdk_data_and_permissions_count_as_mentions() {
    let mut csv = DataSafetyCsv::new(true);
    csv.declare("PSL_DEVICE_ID", true, &[]);
    csv.declare("PSL_CONTACTS", false, &[]);
    let d = ds(&csv);
    let mut p = policy(&[], &[("Firebase", &["device-id"])]);
    p.clauses[0].android_permissions = vec!["android.permission.READ_CONTACTS".into()];
    let (report, f) = check(&inputs(Some(&d), Some(&p), None, &[], &[], &[])).unwrap();
    assert!(codes(&f, "PS503").is_empty(), "{f:#?}");
    let dev = report
        .rows
        .iter()
        .find(|r| r.data_type == "device-id")
        .unwrap();
    assert_eq!(
        dev.policy.as_ref().unwrap().notes,
        ["2.1: Firebase device-id"]
    );
    let c = report
        .rows
        .iter()
        .find(|r| r.data_type == "contacts")
        .unwrap();
    assert_eq!(c.policy.as_ref().unwrap().notes, ["2.1: READ_CONTACTS"]);
}
