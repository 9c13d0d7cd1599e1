use super::*;
use crate::collects::CallSite;
use crate::policy::model::{Clause, DeclaredSdk};

const ZEGO: &str = r#"
[vendor]
id = "zego"
name = "ZEGO"
aliases = ["Shenzhen Jigou Technology Co., Ltd."]
[[sdk]]
id = "zego-express"
name = "ZEGO Express Engine"
category = "rtc"
source = "test"
[sdk.match]
dex_class = ["im.zego.zegoexpress"]
[sdk.tests]
positive = ["dex_class:im.zego.zegoexpress.A"]
negative = ["dex_class:im.zegox.A"]
"#;

fn row(sdk: Option<&str>, data: &str, api: &str, count: u64) -> Collect {
    Collect {
        sdk: sdk.map(Into::into),
        data: data.into(),
        api_id: "x".into(),
        api: api.into(),
        count,
        call_sites: vec![CallSite {
            entry: "classes.dex".into(),
            class: "im.zego.zegoexpress.A".into(),
            method: "m".into(),
            pc: 3,
        }],
        play: None,
        apple: None,
        permission: vec![],
        permission_requested: None,
        declared: None,
    }
}

fn policy() -> Policy {
    Policy {
        clauses: vec![
            Clause {
                id: "I".into(),
                data_categories: vec!["device-id".into()],
                android_permissions: vec!["android.permission.ACCESS_FINE_LOCATION".into()],
                ..Clause::default()
            },
            Clause {
                id: "III.(A).3".into(),
                title: "Third-party SDKs".into(),
                sdks: vec![DeclaredSdk {
                    name: "Jigou".into(),
                    vendor: Some("Shenzhen Jigou Technology Co., Ltd.".into()),
                    data: vec!["device-id".into(), "device-model".into()],
                    ..DeclaredSdk::default()
                }],
                ..Clause::default()
            },
        ],
        ..Policy::default()
    }
}

#[test]
fn ps202_for_declared_sdk_reading_unlisted_data_and_ps106_for_app() {
    let catalog = Catalog::from_texts(&[("zego.toml", ZEGO)]).unwrap();
    let rows = vec![
        row(Some("zego-express"), "device-id", "TM->getImei", 2),
        row(
            Some("zego-express"),
            "installed-apps",
            "PM->getInstalledPackages",
            7,
        ),
        row(None, "location", "LM->getLastKnownLocation", 1), // declared via permission
        row(None, "device-id", "const-string \"android_id\"", 1),
        row(None, "clipboard", "CM->getPrimaryClip", 2),
    ];
    let (f, declared) = diff_collects(&rows, &policy(), &catalog, PermissionCatalog::embedded());
    assert_eq!(declared, vec![true, false, true, true, false]);
    let got: Vec<(&str, &str)> = f
        .iter()
        .map(|x| (x.code.as_str(), x.subject.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("PS106", "clipboard"),
            ("PS202", "zego-express: installed-apps")
        ]
    );
    assert_eq!(f[1].clause.as_ref().unwrap().id, "III.(A).3");
    assert!(
        f[1].message.contains("7 call sites")
            && f[1].message.contains("lists device-id, device-model"),
        "{}",
        f[1].message
    );
    assert_eq!(
        f[1].evidence[0].detail.as_deref(),
        Some("im.zego.zegoexpress.A.m -> PM->getInstalledPackages (pc 3)")
    );
}

#[test]
fn undeclared_sdk_gets_no_ps202() {
    let catalog = Catalog::from_texts(&[("zego.toml", ZEGO)]).unwrap();
    let mut p = policy();
    p.clauses[1].sdks.clear();
    let rows = vec![row(Some("zego-express"), "installed-apps", "PM->x", 1)];
    let (f, declared) = diff_collects(&rows, &p, &catalog, PermissionCatalog::embedded());
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(declared, vec![false]);
}
