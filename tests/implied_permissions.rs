//! Permissions as the platform grants them (issue 17 class 7): implied and
//! split permissions (`ParsingPackageUtils.convertCompatPermissions` /
//! `convertSplitPermissions`, `rules/implied-permissions.toml`) reported as
//! granted, marked implied, and diffed against the policy (PS107), on APKs
//! built with the testkit.

use privscan::android::xml::{AttrValue, XmlElement};
use privscan::model::{ArtifactReport, ImpliedRule};
use privscan::policy::load::parse;
use privscan::testkit::axml::*;
use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build};
use privscan::{Config, scan::scan_path};

fn uses_sdk(target: Option<i32>) -> XmlElement {
    let mut attrs = vec![android_attr("minSdkVersion", AttrValue::IntDec(1))];
    if let Some(t) = target {
        attrs.push(android_attr("targetSdkVersion", AttrValue::IntDec(t)));
    }
    element("uses-sdk", attrs)
}

fn scan(target: Option<i32>, perms: &[&str], policy: Option<&str>) -> ArtifactReport {
    let mut children = vec![uses_sdk(target)];
    children.extend(
        perms
            .iter()
            .map(|p| uses_permission(&format!("android.permission.{p}"))),
    );
    let root = manifest("com.example.legacy", children);
    let e = vec![EntrySpec::deflated(
        "AndroidManifest.xml",
        &encode(&root, ANDROID_NAMESPACES, &EncodeOptions::default()),
    )];
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.apk");
    std::fs::write(&p, build(&e, &ArchiveSpec::default())).unwrap();
    let mut config = Config::new();
    if let Some(text) = policy {
        config.policy = Some(parse(text, "policy.toml").unwrap());
    }
    let r = scan_path(&p, &config);
    assert!(r.error.is_none(), "{:?}", r.error);
    r
}

const POLICY: &str = r#"
[policy]
name = "legacy"

[[clause]]
id = "4"
title = "Permissions"
android_permissions = ["android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION", "android.permission.BLUETOOTH_SCAN"]
"#;

fn implied(r: &ArtifactReport) -> Vec<&str> {
    r.android
        .as_ref()
        .map(|a| {
            a.manifest
                .implied_permissions
                .iter()
                .map(|p| p.name.as_str())
                .collect()
        })
        .unwrap_or_default()
}

fn codes<'r>(r: &'r ArtifactReport, code: &str) -> Vec<(&'r str, privscan::Severity)> {
    r.findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| (f.subject.as_str(), f.severity))
        .collect()
}

#[test]
fn background_location_is_granted_below_29_and_is_a_finding() {
    let r = scan(Some(28), &["ACCESS_FINE_LOCATION"], Some(POLICY));
    assert_eq!(
        implied(&r),
        [
            "android.permission.POST_NOTIFICATIONS",
            "android.permission.ACCESS_COARSE_LOCATION",
            "android.permission.ACCESS_BACKGROUND_LOCATION"
        ]
    );
    let bg = &r.android.as_ref().unwrap().manifest.implied_permissions[2];
    assert_eq!(bg.rule, ImpliedRule::Split);
    assert_eq!(bg.target_sdk_below, Some(29));
    assert_eq!(
        bg.location.detail.as_deref(),
        Some("manifest/uses-permission[1]")
    );
    let ps107 = codes(&r, "PS107");
    // FINE is declared: background location is disclosed only in part (low);
    // POST_NOTIFICATIONS is dangerous and undisclosed (medium).
    assert!(
        ps107.contains(&(
            "android.permission.ACCESS_BACKGROUND_LOCATION",
            privscan::Severity::Low
        )),
        "{ps107:?}"
    );
    assert!(
        ps107.contains(&(
            "android.permission.POST_NOTIFICATIONS",
            privscan::Severity::Medium
        )),
        "{ps107:?}"
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.subject.ends_with("ACCESS_BACKGROUND_LOCATION"))
        .unwrap();
    assert!(
        f.message
            .contains("split from android.permission.ACCESS_FINE_LOCATION, targetSdkVersion < 29"),
        "{}",
        f.message
    );
    assert!(f.message.contains("platform.xml"), "{}", f.message);
    // COARSE is declared and implied: neither PS107 nor a stale PS104.
    assert!(
        !ps107
            .iter()
            .any(|(s, _)| s.ends_with("ACCESS_COARSE_LOCATION"))
    );
    let ps104 = codes(&r, "PS104");
    assert!(
        !ps104
            .iter()
            .any(|(s, _)| s.ends_with("ACCESS_COARSE_LOCATION")),
        "{ps104:?}"
    );
    // Not requested and not implied: stale.
    assert!(
        ps104.iter().any(|(s, _)| s.ends_with("BLUETOOTH_SCAN")),
        "{ps104:?}"
    );
    // Distinguishable from a declared uses-permission: never PS101.
    assert!(
        codes(&r, "PS101")
            .iter()
            .all(|(s, _)| !s.ends_with("BACKGROUND_LOCATION"))
    );
}

#[test]
fn targeting_29_grants_no_background_location() {
    let r = scan(Some(33), &["ACCESS_FINE_LOCATION"], Some(POLICY));
    assert_eq!(implied(&r), ["android.permission.ACCESS_COARSE_LOCATION"]);
    assert!(codes(&r, "PS107").is_empty(), "{:?}", r.findings);
}

#[test]
fn pre_donut_app_without_permissions_gets_phone_and_storage() {
    let r = scan(Some(3), &[], None);
    let got = implied(&r);
    assert!(
        got.contains(&"android.permission.READ_PHONE_STATE"),
        "{got:?}"
    );
    assert!(
        got.contains(&"android.permission.WRITE_EXTERNAL_STORAGE"),
        "{got:?}"
    );
    assert!(
        got.contains(&"android.permission.READ_EXTERNAL_STORAGE"),
        "{got:?}"
    );
    let json = serde_json::to_value(&r).unwrap();
    let first = &json["android"]["implied_permissions"][1];
    assert_eq!(first["name"], "android.permission.WRITE_EXTERNAL_STORAGE");
    assert_eq!(first["rule"], "compat-permission");
    assert_eq!(first["target_sdk_below"], 4);
    // Without a policy there is nothing to diff.
    assert!(codes(&r, "PS107").is_empty());
}

#[test]
fn absent_target_sdk_uses_min_sdk() {
    // minSdkVersion 1, no targetSdkVersion: the app targets API 1.
    let r = scan(None, &["READ_CONTACTS"], None);
    let got = implied(&r);
    assert!(got.contains(&"android.permission.READ_CALL_LOG"), "{got:?}");
    assert!(
        got.contains(&"android.permission.READ_PHONE_STATE"),
        "{got:?}"
    );
}

#[test]
fn a_denied_implied_permission_is_ps105() {
    let policy = r#"
[policy]
name = "denies"

[[clause]]
id = "4"
title = "Permissions"
android_permissions = ["android.permission.ACCESS_FINE_LOCATION"]

[[clause]]
id = "5"
title = "What we never do"
denies = ["android.permission.ACCESS_BACKGROUND_LOCATION"]
"#;
    let r = scan(Some(28), &["ACCESS_FINE_LOCATION"], Some(policy));
    let ps105 = codes(&r, "PS105");
    assert_eq!(
        ps105,
        [(
            "android.permission.ACCESS_BACKGROUND_LOCATION",
            privscan::Severity::High
        )]
    );
}

#[test]
fn text_report_lists_implied_permissions() {
    let r = scan(Some(30), &["BLUETOOTH"], None);
    let report = privscan::ScanReport {
        schema_version: privscan::SCHEMA_VERSION,
        tool: privscan::ToolInfo {
            name: "privscan".into(),
            version: "0.1.0".into(),
            catalog_version: "test".into(),
        },
        run: None,
        totals: None,
        artifacts: vec![r],
    };
    let text = privscan::report::text::render(&report, false);
    assert!(
        text.contains("implied permissions: 4 granted by Android"),
        "{text}"
    );
    assert!(text.contains("android.permission.BLUETOOTH_SCAN (split from android.permission.BLUETOOTH, targetSdkVersion < 31, granted on API 31+)"), "{text}");
}
