use super::*;
use crate::model::UsesPermission;
use crate::rules::implied::RuleCase;

fn up(name: &str, tag: UsesPermissionTag, max: Option<u32>) -> UsesPermission {
    UsesPermission {
        name: name.to_owned(),
        tag,
        max_sdk_version: max.map(SdkLevel::Api),
        added_by: Vec::new(),
        location: Location::detail(
            "AndroidManifest.xml",
            format!("manifest/uses-permission[{name}]"),
        ),
    }
}

fn manifest(target: Option<u32>, requested: &[&str]) -> AndroidManifest {
    AndroidManifest {
        target_sdk: target.map(SdkLevel::Api),
        uses_permissions: requested
            .iter()
            .map(|n| up(n, UsesPermissionTag::UsesPermission, None))
            .collect(),
        ..AndroidManifest::default()
    }
}

fn names(m: &AndroidManifest, rules: &ImpliedRules) -> Vec<String> {
    implied_permissions(m, rules, PermissionCatalog::embedded())
        .into_iter()
        .map(|p| p.name)
        .collect()
}

fn case_manifest(c: &RuleCase) -> AndroidManifest {
    let req: Vec<&str> = c.requested.iter().map(String::as_str).collect();
    manifest(Some(c.target_sdk), &req)
}

#[test]
fn every_rule_passes_its_positive_and_negative_case() {
    let rules = ImpliedRules::embedded();
    assert!(!rules.split.is_empty() && !rules.compat.is_empty());
    for c in &rules.compat {
        let pos = names(&case_manifest(&c.positive), rules);
        assert!(
            pos.contains(&c.permission),
            "{} positive: {pos:?}",
            c.permission
        );
        let neg = names(&case_manifest(&c.negative), rules);
        assert!(
            !neg.contains(&c.permission),
            "{} negative: {neg:?}",
            c.permission
        );
    }
    for (i, s) in rules.split.iter().enumerate() {
        // A flag-gated entry is tested with its flag on.
        let mut on = rules.clone();
        if let Some(r) = on.split.get_mut(i) {
            r.feature_flag = None;
        }
        let pos = names(&case_manifest(&s.positive), &on);
        assert!(
            pos.contains(&s.permission),
            "{} <- {} positive: {pos:?}",
            s.permission,
            s.from
        );
        let neg = names(&case_manifest(&s.negative), &on);
        assert!(
            !neg.contains(&s.permission),
            "{} <- {} negative: {neg:?}",
            s.permission,
            s.from
        );
    }
}

#[test]
fn feature_flagged_splits_are_not_applied() {
    let m = manifest(
        Some(35),
        &[
            "android.permission.INTERNET",
            "android.permission.BODY_SENSORS",
        ],
    );
    let got = names(&m, ImpliedRules::embedded());
    assert!(
        !got.contains(&"android.permission.ACCESS_LOCAL_NETWORK".to_owned()),
        "{got:?}"
    );
    assert!(
        !got.contains(&"android.permission.health.READ_HEART_RATE".to_owned()),
        "{got:?}"
    );
}

#[test]
fn applied_rules_name_permissions_the_catalog_dates() {
    let cat = PermissionCatalog::embedded();
    let rules = ImpliedRules::embedded();
    let applied = rules.compat.iter().map(|c| c.permission.as_str()).chain(
        rules
            .split
            .iter()
            .filter(|s| s.feature_flag.is_none())
            .map(|s| s.permission.as_str()),
    );
    for p in applied {
        let info = cat
            .get(p)
            .unwrap_or_else(|| panic!("{p} missing from the catalog"));
        assert!(info.added_in.is_some(), "{p} has no added_in");
    }
}

#[test]
fn pre_donut_app_gets_the_compat_permissions_and_their_split_chain() {
    let m = manifest(Some(3), &[]);
    let got = implied_permissions(&m, ImpliedRules::embedded(), PermissionCatalog::embedded());
    let n: Vec<&str> = got.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        n,
        [
            "android.permission.POST_NOTIFICATIONS",
            "android.permission.WRITE_EXTERNAL_STORAGE",
            "android.permission.READ_PHONE_STATE",
            "android.permission.READ_EXTERNAL_STORAGE",
            "android.permission.ACCESS_MEDIA_LOCATION",
            "android.permission.READ_MEDIA_AUDIO",
            "android.permission.READ_MEDIA_VIDEO",
            "android.permission.READ_MEDIA_IMAGES",
            "android.permission.READ_MEDIA_VISUAL_USER_SELECTED",
        ]
    );
    assert_eq!(got[0].rule, ImpliedRule::Compat);
    assert_eq!(got[0].target_sdk_below, Some(33));
    assert_eq!(got[0].min_api, 33);
    assert_eq!(got[3].rule, ImpliedRule::Split);
    assert_eq!(
        got[3].from.as_deref(),
        Some("android.permission.WRITE_EXTERNAL_STORAGE")
    );
    assert_eq!(got[3].min_api, 16);
    assert_eq!(got[8].min_api, 34);
    assert!(
        got[1]
            .location
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("targetSdkVersion 3")
    );
}

#[test]
fn absent_target_falls_back_to_min_sdk_then_zero() {
    let mut m = manifest(None, &[]);
    m.min_sdk = Some(SdkLevel::Api(21));
    assert_eq!(effective_target_sdk(&m), Some(21));
    let got = names(&m, ImpliedRules::embedded());
    assert_eq!(got, ["android.permission.POST_NOTIFICATIONS"]);
    m.min_sdk = None;
    assert_eq!(effective_target_sdk(&m), Some(0));
    assert!(
        names(&m, ImpliedRules::embedded())
            .contains(&"android.permission.READ_PHONE_STATE".to_owned())
    );
}

#[test]
fn unresolved_or_codename_target_implies_nothing() {
    let mut m = manifest(None, &["android.permission.ACCESS_FINE_LOCATION"]);
    m.target_sdk = Some(SdkLevel::Other("@0x7f0b0001".to_owned()));
    assert_eq!(effective_target_sdk(&m), None);
    assert!(names(&m, ImpliedRules::embedded()).is_empty());
    m.target_sdk = Some(SdkLevel::Other("VanillaIceCream".to_owned()));
    // CUR_DEVELOPMENT: only the splits without targetSdk apply.
    assert_eq!(
        names(&m, ImpliedRules::embedded()),
        ["android.permission.ACCESS_COARSE_LOCATION"]
    );
}

#[test]
fn background_location_below_29_with_the_union_of_both_sources() {
    let mut m = manifest(Some(28), &["android.permission.ACCESS_FINE_LOCATION"]);
    m.uses_permissions.push(up(
        "android.permission.ACCESS_COARSE_LOCATION",
        UsesPermissionTag::UsesPermission,
        None,
    ));
    m.uses_permissions[0].max_sdk_version = Some(SdkLevel::Api(30));
    let got = implied_permissions(&m, ImpliedRules::embedded(), PermissionCatalog::embedded());
    let bg: Vec<&ImpliedPermission> = got
        .iter()
        .filter(|p| p.name == "android.permission.ACCESS_BACKGROUND_LOCATION")
        .collect();
    assert_eq!(bg.len(), 1, "{got:?}");
    assert_eq!(
        bg[0].from.as_deref(),
        Some("android.permission.ACCESS_FINE_LOCATION")
    );
    assert_eq!(bg[0].target_sdk_below, Some(29));
    // FINE stops at 30, COARSE is unbounded: granted from 29 on.
    assert_eq!((bg[0].min_api, bg[0].max_api), (29, None));
    assert_eq!(
        describe(bg[0]),
        "android.permission.ACCESS_BACKGROUND_LOCATION (split from android.permission.ACCESS_FINE_LOCATION, targetSdkVersion < 29, granted on API 29+)"
    );
    assert!(
        names(
            &manifest(Some(29), &["android.permission.ACCESS_FINE_LOCATION"]),
            ImpliedRules::embedded()
        )
        .iter()
        .all(|n| n != "android.permission.ACCESS_BACKGROUND_LOCATION")
    );
}

#[test]
fn max_sdk_below_the_new_permission_level_implies_nothing() {
    // Google's recommended legacy Bluetooth declaration.
    let mut m = manifest(
        Some(30),
        &[
            "android.permission.BLUETOOTH",
            "android.permission.BLUETOOTH_ADMIN",
        ],
    );
    for u in &mut m.uses_permissions {
        u.max_sdk_version = Some(SdkLevel::Api(30));
    }
    let got = names(&m, ImpliedRules::embedded());
    assert!(
        got.iter()
            .all(|n| !n.starts_with("android.permission.BLUETOOTH_")),
        "{got:?}"
    );
    // Without maxSdkVersion the same app gets all three on API 31+.
    let m = manifest(Some(30), &["android.permission.BLUETOOTH"]);
    let got = implied_permissions(&m, ImpliedRules::embedded(), PermissionCatalog::embedded());
    let bt: Vec<(&str, u32)> = got
        .iter()
        .filter(|p| p.rule == ImpliedRule::Split)
        .map(|p| (p.name.as_str(), p.min_api))
        .collect();
    assert_eq!(
        bt,
        [
            ("android.permission.BLUETOOTH_SCAN", 31),
            ("android.permission.BLUETOOTH_CONNECT", 31),
            ("android.permission.BLUETOOTH_ADVERTISE", 31)
        ]
    );
    assert_eq!(got[0].name, "android.permission.POST_NOTIFICATIONS");
    assert_eq!(
        got[1].location.detail.as_deref(),
        Some("manifest/uses-permission[android.permission.BLUETOOTH]")
    );
}

#[test]
fn storage_with_max_sdk_32_gets_no_media_permissions() {
    let mut m = manifest(Some(32), &["android.permission.READ_EXTERNAL_STORAGE"]);
    m.uses_permissions[0].max_sdk_version = Some(SdkLevel::Api(32));
    let got = names(&m, ImpliedRules::embedded());
    assert!(got.iter().all(|n| !n.contains("READ_MEDIA")), "{got:?}");
    assert_eq!(got, ["android.permission.POST_NOTIFICATIONS"]);
}

#[test]
fn sdk23_source_raises_the_lower_bound() {
    let m = AndroidManifest {
        target_sdk: Some(SdkLevel::Api(15)),
        uses_permissions: vec![up(
            "android.permission.READ_CONTACTS",
            UsesPermissionTag::UsesPermissionSdk23,
            None,
        )],
        ..AndroidManifest::default()
    };
    let got = implied_permissions(&m, ImpliedRules::embedded(), PermissionCatalog::embedded());
    let cl = got
        .iter()
        .find(|p| p.name == "android.permission.READ_CALL_LOG");
    assert_eq!(
        cl.map(|p| (p.min_api, p.max_api)),
        Some((23, None)),
        "{got:?}"
    );
}

#[test]
fn an_explicit_request_is_not_implied_again() {
    let m = manifest(
        Some(28),
        &[
            "android.permission.ACCESS_FINE_LOCATION",
            "android.permission.ACCESS_BACKGROUND_LOCATION",
        ],
    );
    let got = names(&m, ImpliedRules::embedded());
    assert!(
        !got.contains(&"android.permission.ACCESS_BACKGROUND_LOCATION".to_owned()),
        "{got:?}"
    );
    assert!(got.contains(&"android.permission.ACCESS_COARSE_LOCATION".to_owned()));
    let m = manifest(Some(3), &["android.permission.READ_PHONE_STATE"]);
    let got = names(&m, ImpliedRules::embedded());
    assert_eq!(
        got.iter()
            .filter(|n| n.ends_with("READ_PHONE_STATE"))
            .count(),
        0
    );
}
