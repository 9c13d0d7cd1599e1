//! Android permission diff (PS101/PS103/PS104) and `[[allow]]` handling on
//! hand-built manifests and policies, with a small permission catalog of
//! known protection levels.

use privscan::diff::{apply_allows, diff_android};
use privscan::policy::load::{load, parse};
use privscan::policy::{Allow, Policy};
use privscan::rules::permissions::PermissionCatalog;
use privscan::{
    AndroidManifest, Finding, Location, SdkLevel, Severity, UsesPermission, UsesPermissionTag,
};

const CATALOG: &str = r#"
[[permission]]
name = "android.permission.CAMERA"
protection_level = "dangerous"
category = "camera"
[[permission]]
name = "android.permission.INTERNET"
protection_level = "normal"
category = "network"
[[permission]]
name = "android.permission.ACCESS_NETWORK_STATE"
protection_level = "normal"
category = "network"
[[permission]]
name = "android.permission.ACCESS_FINE_LOCATION"
protection_level = "dangerous"
category = "location"
[[permission]]
name = "android.permission.READ_CONTACTS"
protection_level = "dangerous"
category = "contacts"
[[permission]]
name = "android.permission.RECORD_AUDIO"
protection_level = "dangerous"
category = "microphone"
[[permission]]
name = "android.permission.BIND_ACCESSIBILITY_SERVICE"
protection_level = "signature"
category = "system"
[[permission]]
name = "android.permission.READ_PRIVILEGED_PHONE_STATE"
protection_level = "signature|privileged"
category = "phone"
"#;

fn catalog() -> PermissionCatalog {
    PermissionCatalog::parse(CATALOG).unwrap()
}

fn uses(name: &str, index: usize, tag: UsesPermissionTag) -> UsesPermission {
    let element = match tag {
        UsesPermissionTag::UsesPermission => "uses-permission",
        UsesPermissionTag::UsesPermissionSdk23 => "uses-permission-sdk-23",
    };
    UsesPermission {
        name: name.to_owned(),
        tag,
        max_sdk_version: None,
        added_by: Vec::new(),
        location: Location::detail(
            "AndroidManifest.xml",
            format!("manifest/{element}[{index}]"),
        ),
    }
}

fn manifest(names: &[&str]) -> AndroidManifest {
    AndroidManifest {
        package: Some("com.example.live".into()),
        uses_permissions: names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                uses(
                    &format!("android.permission.{n}"),
                    i + 1,
                    UsesPermissionTag::UsesPermission,
                )
            })
            .collect(),
        ..AndroidManifest::default()
    }
}

const POLICY: &str = r#"[policy]
name = "Example"

[[clause]]
id = "I.(C).3.(3)"
title = "Geolocation for Nearby"
data_categories = ["location"]

[[clause]]
id = "III.(D)"
title = "Application Permissions"
android_permissions = ["INTERNET", "CAMERA", "RECORD_AUDIO"]
"#;

fn policy() -> Policy {
    parse(POLICY, "policy.toml").unwrap()
}

fn summary(findings: &[Finding]) -> Vec<(&str, Severity, &str, Option<&str>)> {
    findings
        .iter()
        .map(|f| {
            (
                f.code.as_str(),
                f.severity,
                f.subject.as_str(),
                f.clause.as_ref().map(|c| c.id.as_str()),
            )
        })
        .collect()
}

#[test]
fn every_code_with_severity_by_protection_level_in_sorted_order() {
    let mut m = manifest(&[
        "INTERNET",
        "CAMERA",
        "ACCESS_FINE_LOCATION",
        "READ_CONTACTS",
        "ACCESS_NETWORK_STATE",
        "BIND_ACCESSIBILITY_SERVICE",
        "READ_PRIVILEGED_PHONE_STATE",
    ]);
    m.uses_permissions.push(uses(
        "com.vendor.permission.C2D_MESSAGE",
        8,
        UsesPermissionTag::UsesPermission,
    ));
    let f = diff_android(&m, &policy(), &catalog());
    assert_eq!(
        summary(&f),
        [
            (
                "PS101",
                Severity::High,
                "android.permission.READ_CONTACTS",
                Some("III.(D)")
            ),
            (
                "PS101",
                Severity::Medium,
                "android.permission.ACCESS_NETWORK_STATE",
                Some("III.(D)")
            ),
            (
                "PS103",
                Severity::Medium,
                "android.permission.ACCESS_FINE_LOCATION",
                Some("III.(D)")
            ),
            (
                "PS101",
                Severity::Low,
                "android.permission.BIND_ACCESSIBILITY_SERVICE",
                Some("III.(D)")
            ),
            (
                "PS101",
                Severity::Low,
                "android.permission.READ_PRIVILEGED_PHONE_STATE",
                Some("III.(D)")
            ),
            (
                "PS101",
                Severity::Low,
                "com.vendor.permission.C2D_MESSAGE",
                Some("III.(D)")
            ),
            (
                "PS104",
                Severity::Info,
                "android.permission.RECORD_AUDIO",
                Some("III.(D)")
            ),
        ]
    );
    let contacts = &f[0];
    assert_eq!(
        contacts.evidence,
        [Location::detail(
            "AndroidManifest.xml",
            "manifest/uses-permission[4]"
        )]
    );
    assert!(
        contacts
            .message
            .contains("android.permission.READ_CONTACTS (contacts, protectionLevel dangerous)")
    );
    assert!(
        contacts
            .message
            .contains("not declared in clause III.(D) Application Permissions"),
        "{}",
        contacts.message
    );

    let location = &f[2];
    assert!(
        location
            .message
            .contains("clause I.(C).3.(3) Geolocation for Nearby"),
        "{}",
        location.message
    );
    assert!(
        location.message.contains("location data"),
        "{}",
        location.message
    );
    assert_eq!(
        location.evidence,
        [Location::detail(
            "AndroidManifest.xml",
            "manifest/uses-permission[3]"
        )]
    );

    assert!(
        f[5].message
            .contains("not in privscan's permission catalog"),
        "{}",
        f[5].message
    );
    assert!(
        f[4].message
            .contains("protectionLevel signature|privileged"),
        "{}",
        f[4].message
    );
}

#[test]
fn stale_declaration_points_at_the_declaring_clause_line() {
    let f = diff_android(&manifest(&["INTERNET", "CAMERA"]), &policy(), &catalog());
    assert_eq!(
        summary(&f),
        [(
            "PS104",
            Severity::Info,
            "android.permission.RECORD_AUDIO",
            Some("III.(D)")
        )]
    );
    assert_eq!(
        f[0].evidence,
        [Location {
            entry: "policy.toml".into(),
            detail: Some("clause III.(D)".into()),
            line: Some(9)
        }]
    );
    assert_eq!(
        f[0].clause.as_ref().unwrap().title,
        "Application Permissions"
    );
}

#[test]
fn duplicate_elements_give_one_finding_with_all_evidence() {
    let mut m = manifest(&["READ_CONTACTS"]);
    m.uses_permissions.push(uses(
        "android.permission.READ_CONTACTS",
        2,
        UsesPermissionTag::UsesPermissionSdk23,
    ));
    m.uses_permissions.push(uses(
        "android.permission.READ_CONTACTS",
        1,
        UsesPermissionTag::UsesPermission,
    ));
    let f: Vec<_> = diff_android(&m, &policy(), &catalog())
        .into_iter()
        .filter(|f| f.code != "PS104")
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].evidence,
        [
            Location::detail("AndroidManifest.xml", "manifest/uses-permission[1]"),
            Location::detail("AndroidManifest.xml", "manifest/uses-permission-sdk-23[2]"),
        ]
    );
    // Requested by a plain uses-permission too, so not flagged as sdk-23-only.
    assert!(
        !f[0].message.contains("uses-permission-sdk-23"),
        "{}",
        f[0].message
    );
}

#[test]
fn sdk23_only_max_sdk_and_added_by_are_described() {
    let mut m = AndroidManifest::default();
    let mut contacts = uses(
        "android.permission.READ_CONTACTS",
        1,
        UsesPermissionTag::UsesPermissionSdk23,
    );
    contacts.added_by = vec!["firebase-messaging".into(), "zego-express".into()];
    contacts.max_sdk_version = Some(SdkLevel::Api(28));
    m.uses_permissions.push(contacts);
    let f = diff_android(&m, &Policy::default(), &catalog());
    assert_eq!(f.len(), 1);
    let msg = &f[0].message;
    assert!(
        msg.contains("via uses-permission-sdk-23, granted on API 23+"),
        "{msg}"
    );
    assert!(msg.contains("maxSdkVersion 28"), "{msg}");
    assert!(
        msg.contains("merged in by firebase-messaging, zego-express"),
        "{msg}"
    );
}

#[test]
fn policy_without_a_permission_clause() {
    let f = diff_android(
        &manifest(&["CAMERA", "INTERNET"]),
        &Policy::default(),
        &catalog(),
    );
    assert_eq!(
        summary(&f),
        [
            ("PS101", Severity::High, "android.permission.CAMERA", None),
            (
                "PS101",
                Severity::Medium,
                "android.permission.INTERNET",
                None
            ),
        ]
    );
    assert!(
        f[0].message
            .contains("the policy, which has no clause enumerating app permissions"),
        "{}",
        f[0].message
    );

    // Prose only, no permission list: prose is not a declaration (issue 14:
    // PS103 applies only where a clause enumerates permissions), so the
    // camera permission is undeclared, high by protectionLevel.
    let prose = parse(
        "[policy]\nname = \"p\"\n[[clause]]\nid = \"I.(C)\"\ndata_categories = [\"camera\"]\n",
        "p.toml",
    )
    .unwrap();
    let f = diff_android(&manifest(&["CAMERA"]), &prose, &catalog());
    assert_eq!(
        summary(&f),
        [("PS101", Severity::High, "android.permission.CAMERA", None)]
    );
}

#[test]
fn denied_permission_requested_is_ps105_citing_the_denying_clause() {
    let p = parse(
        "[policy]\nname = \"p\"\n[[clause]]\nid = \"III.(D)\"\ntitle = \"Application Permissions\"\nandroid_permissions = [\"CAMERA\"]\n[[clause]]\nid = \"1.1.8\"\ntitle = \"拨打电话\"\ndenies = [\"READ_CONTACTS\", \"NSContactsUsageDescription\"]\n",
        "p.toml",
    )
    .unwrap();
    assert_eq!(
        p.clauses[1].denies,
        [
            "android.permission.READ_CONTACTS",
            "NSContactsUsageDescription"
        ]
    );
    let f = diff_android(&manifest(&["CAMERA", "READ_CONTACTS"]), &p, &catalog());
    assert_eq!(
        summary(&f),
        [(
            "PS105",
            Severity::High,
            "android.permission.READ_CONTACTS",
            Some("1.1.8")
        )]
    );
    assert!(
        f[0].message
            .contains("clause 1.1.8 拨打电话 of the policy says the app does not access it"),
        "{}",
        f[0].message
    );
    // A misspelled denial is an error naming the place, like android_permissions.
    let bad = parse(
        "[policy]\nname = \"p\"\n[[clause]]\nid = \"1\"\ndenies = [\"not a permission\"]\n",
        "p.toml",
    );
    assert!(bad.is_err());
}

#[test]
fn declared_short_names_from_drafted_policies_still_match() {
    let mut p = Policy::default();
    p.clauses.push(privscan::policy::Clause {
        id: "III.(D)".into(),
        android_permissions: vec!["CAMERA".into()],
        ..Default::default()
    });
    assert!(diff_android(&manifest(&["CAMERA"]), &p, &catalog()).is_empty());
}

#[test]
fn sample_policy_against_the_sample_apps_permissions() {
    let p = load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/sample-policy.toml"
    )))
    .unwrap();
    let m = manifest(&[
        "INTERNET",
        "ACCESS_NETWORK_STATE",
        "CAMERA",
        "RECORD_AUDIO",
        "ACCESS_FINE_LOCATION",
        "READ_CONTACTS",
    ]);
    let f = diff_android(&m, &p, &catalog());
    assert_eq!(
        summary(&f),
        [
            (
                "PS101",
                Severity::High,
                "android.permission.ACCESS_FINE_LOCATION",
                Some("III.(D)")
            ),
            (
                "PS101",
                Severity::High,
                "android.permission.READ_CONTACTS",
                Some("III.(D)")
            ),
        ]
    );
}

fn allow(code: &str, subject: &str, expires: Option<&str>) -> Allow {
    Allow {
        code: code.into(),
        subject: subject.into(),
        reason: "reviewed".into(),
        expires: expires.map(Into::into),
    }
}

#[test]
fn allows_suppress_until_they_expire() {
    let findings = diff_android(
        &manifest(&["INTERNET", "CAMERA", "READ_CONTACTS"]),
        &policy(),
        &catalog(),
    );
    let subjects = |f: &[Finding]| {
        f.iter()
            .map(|f| format!("{} {}", f.code, f.subject))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        subjects(&findings),
        [
            "PS101 android.permission.READ_CONTACTS",
            "PS104 android.permission.RECORD_AUDIO"
        ]
    );

    // No expiry, and expiry today or later: suppressed.
    for expires in [None, Some("2026-11-29"), Some("2030-01-01")] {
        let out = apply_allows(
            findings.clone(),
            &[allow("PS101", "android.permission.READ_CONTACTS", expires)],
            "2026-11-29",
        );
        assert_eq!(
            subjects(&out),
            ["PS104 android.permission.RECORD_AUDIO"],
            "{expires:?}"
        );
    }
    // Code or subject mismatch: no effect.
    let out = apply_allows(
        findings.clone(),
        &[
            allow("PS103", "android.permission.READ_CONTACTS", None),
            allow("PS101", "android.permission.CAMERA", None),
        ],
        "2026-11-29",
    );
    assert_eq!(out, findings);

    // Expired yesterday: finding kept, plus PS904 naming the allow.
    let out = apply_allows(
        findings.clone(),
        &[allow(
            "PS101",
            "android.permission.READ_CONTACTS",
            Some("2026-11-28"),
        )],
        "2026-11-29",
    );
    assert_eq!(
        subjects(&out),
        [
            "PS101 android.permission.READ_CONTACTS",
            "PS904 PS101 android.permission.READ_CONTACTS",
            "PS104 android.permission.RECORD_AUDIO"
        ]
    );
    let ps904 = &out[1];
    assert_eq!(ps904.severity, Severity::Medium);
    assert!(
        ps904.message.contains("expired on 2026-11-28"),
        "{}",
        ps904.message
    );
    assert!(ps904.message.contains("\"reviewed\""), "{}", ps904.message);

    // An expired allow next to one still in force: suppressed, no PS904.
    let out = apply_allows(
        findings,
        &[
            allow(
                "PS101",
                "android.permission.READ_CONTACTS",
                Some("2020-01-01"),
            ),
            allow(
                "PS101",
                "android.permission.READ_CONTACTS",
                Some("2027-01-01"),
            ),
        ],
        "2026-11-29",
    );
    assert_eq!(subjects(&out), ["PS104 android.permission.RECORD_AUDIO"]);
}

#[test]
fn permissions_the_app_defines_itself_are_not_reported() {
    let mut m = manifest(&["CAMERA"]);
    m.uses_permissions.push(uses(
        "com.example.live.permission.C2D_MESSAGE",
        2,
        UsesPermissionTag::UsesPermission,
    ));
    m.permissions.push(privscan::PermissionDef {
        name: "com.example.live.permission.C2D_MESSAGE".into(),
        protection_level: Some("signature".into()),
        location: Location::detail("AndroidManifest.xml", "manifest/permission[1]"),
    });
    let f = diff_android(&m, &Policy::default(), &catalog());
    assert_eq!(
        summary(&f),
        [("PS101", Severity::High, "android.permission.CAMERA", None)]
    );
}

/// The corpus folder (`../shared/corpus` from the crate root, else `/work/shared/corpus`).
fn corpus_dir() -> Option<std::path::PathBuf> {
    [
        std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")),
        std::path::PathBuf::from("/work/shared/corpus"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

/// The manifest facts an independent tool (aapt/androguard consensus) read
/// from a corpus file, as an `AndroidManifest`.
fn manifest_from_expected(file: &str, e: &serde_json::Value) -> Option<AndroidManifest> {
    let ups = e.get("uses_permissions")?.as_array()?;
    let mut m = AndroidManifest::default();
    for (i, u) in ups.iter().enumerate() {
        let tag = match u["tag"].as_str()? {
            "uses-permission-sdk-23" => UsesPermissionTag::UsesPermissionSdk23,
            _ => UsesPermissionTag::UsesPermission,
        };
        let mut up = uses(u["name"].as_str()?, i + 1, tag);
        up.location.entry = file.to_owned();
        up.max_sdk_version = u.get("maxSdkVersion").and_then(|v| v.as_str()).map(|v| {
            v.parse()
                .map_or_else(|_| SdkLevel::Other(v.to_owned()), SdkLevel::Api)
        });
        m.uses_permissions.push(up);
    }
    for p in e
        .get("declared_permissions")
        .and_then(|d| d.as_array())
        .into_iter()
        .flatten()
    {
        m.permissions.push(privscan::PermissionDef {
            name: p["name"].as_str()?.to_owned(),
            protection_level: p
                .get("protectionLevel")
                .and_then(|v| v.as_str())
                .map(Into::into),
            location: Location::entry(file),
        });
    }
    Some(m)
}

#[test]
fn corpus_manifests_against_the_seed_policy() {
    use std::collections::BTreeSet;
    let Some(dir) = corpus_dir() else {
        eprintln!("SKIP: corpus not found (../shared/corpus or /work/shared/corpus)");
        return;
    };
    let policy = load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/seed-policy.toml"
    )))
    .unwrap();
    let declared: BTreeSet<&str> = policy.android_permissions().map(|(p, _)| p).collect();
    let catalog = PermissionCatalog::embedded();
    let (mut manifests, mut findings_total) = (0, 0);
    for kind in ["apk", "manifest-axml", "manifest-text"] {
        let mut files: Vec<_> = std::fs::read_dir(dir.join(kind))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for path in files
            .iter()
            .filter(|p| p.to_string_lossy().ends_with(".expected.json"))
        {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let name = path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".expected.json", "");
            let Some(m) = manifest_from_expected(&name, &v["expected"]) else {
                continue;
            };
            manifests += 1;
            let f = diff_android(&m, &policy, catalog);
            findings_total += f.len();

            let own: BTreeSet<&str> = m.permissions.iter().map(|p| p.name.as_str()).collect();
            let requested: BTreeSet<&str> =
                m.uses_permissions.iter().map(|u| u.name.as_str()).collect();
            let undeclared: BTreeSet<&str> = requested
                .iter()
                .copied()
                .filter(|p| !declared.contains(p) && !own.contains(p))
                .collect();
            let stale: BTreeSet<&str> = declared.difference(&requested).copied().collect();
            let got = |codes: &[&str]| -> Vec<&str> {
                let mut v: Vec<&str> = f
                    .iter()
                    .filter(|x| codes.contains(&x.code.as_str()))
                    .map(|x| x.subject.as_str())
                    .collect();
                v.sort_unstable();
                v
            };
            assert_eq!(
                got(&["PS101", "PS103"]),
                undeclared.iter().copied().collect::<Vec<_>>(),
                "{name}"
            );
            assert_eq!(
                got(&["PS104"]),
                stale.iter().copied().collect::<Vec<_>>(),
                "{name}"
            );
            for x in f.iter().filter(|x| x.code != "PS104") {
                let elements = m
                    .uses_permissions
                    .iter()
                    .filter(|u| u.name == x.subject)
                    .count();
                assert_eq!(x.evidence.len(), elements, "{name} {}", x.subject);
                assert!(x.evidence.iter().all(|l| l.entry == name));
            }
            assert!(
                f.windows(2).all(|w| w[0].severity >= w[1].severity),
                "{name}: not sorted"
            );
        }
    }
    assert!(manifests >= 40, "only {manifests} corpus manifests read");
    eprintln!("corpus: {manifests} manifests, {findings_total} findings against the seed policy");
}

#[test]
fn corpus_spot_checks() {
    let Some(dir) = corpus_dir() else {
        eprintln!("SKIP: corpus not found (../shared/corpus or /work/shared/corpus)");
        return;
    };
    let policy = load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/seed-policy.toml"
    )))
    .unwrap();
    let read = |rel: &str| {
        let v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{rel}.expected.json"))).unwrap(),
        )
        .unwrap();
        manifest_from_expected(rel, &v["expected"]).unwrap()
    };
    // a2dp.Vol requests 17 permissions; the seed policy declares 3 of them
    // (ACCESS_WIFI_STATE, BLUETOOTH_ADMIN, WRITE_EXTERNAL_STORAGE).
    let f = diff_android(
        &read("apk/androguard__a2dp.Vol_137.apk"),
        &policy,
        &catalog(),
    );
    assert_eq!(
        f.iter()
            .filter(|x| x.code == "PS101" || x.code == "PS103")
            .count(),
        14
    );
    assert_eq!(f.iter().filter(|x| x.code == "PS104").count(), 8);
    // READ_CONTACTS is dangerous and its category (contacts) is not in the prose: PS101 high.
    let contacts = f
        .iter()
        .find(|x| x.subject == "android.permission.READ_CONTACTS")
        .unwrap();
    assert_eq!(
        (contacts.code.as_str(), contacts.severity),
        ("PS101", Severity::High)
    );
    // ACCESS_FINE_LOCATION: the seed's I.(C).3 covers location in prose: PS103.
    let loc = f
        .iter()
        .find(|x| x.subject == "android.permission.ACCESS_FINE_LOCATION")
        .unwrap();
    assert_eq!(loc.code, "PS103");
    assert!(loc.message.contains("clause I.(C).3"), "{}", loc.message);

    // duplicate.permissions: INTERNET twice (declared), REQUEST_INSTALL_PACKAGES
    // only as uses-permission-sdk-23, REQUEST_IGNORE_BATTERY_OPTIMIZATIONS sdk-23 with maxSdkVersion 27.
    let f = diff_android(
        &read("apk/androguard__duplicate.permisssions_9999999.apk"),
        &policy,
        &catalog(),
    );
    assert!(f.iter().all(|x| x.subject != "android.permission.INTERNET"));
    let battery = f
        .iter()
        .find(|x| x.subject == "android.permission.REQUEST_IGNORE_BATTERY_OPTIMIZATIONS")
        .unwrap();
    assert!(
        battery.message.contains("via uses-permission-sdk-23"),
        "{}",
        battery.message
    );
    assert!(
        battery.message.contains("maxSdkVersion 27"),
        "{}",
        battery.message
    );
}
