use super::*;
use crate::android::dex::parse;
use crate::android::dex_code::WalkStats;
use crate::android::dex_collects::scan_dex;
use crate::limits::Limits;
use crate::native::macho_collects::scan_macho;
use crate::rules::data_apis::DataApiCatalog;
use crate::rules::sdk::Catalog;
use crate::testkit::dex_code::{ClassSpec, Insn, MethodSpec, build};

const ZEGO: &str = r#"
[vendor]
id = "zego"
name = "ZEGO"
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

const TM: &str = "Landroid/telephony/TelephonyManager;";
const PM: &str = "Landroid/content/pm/PackageManager;";

fn collects(classes: &[ClassSpec]) -> (Vec<Collect>, WalkStats) {
    let catalog = Catalog::from_texts(&[("zego.toml", ZEGO)]).unwrap();
    let bytes = build(classes);
    let dex = parse(&bytes, &Limits::default()).unwrap();
    let (acc, stats) = scan_dex(&dex, "classes.dex", &catalog, DataApiCatalog::embedded()).unwrap();
    (acc.finish(&catalog, DataApiCatalog::embedded()), stats)
}

#[test]
fn call_sites_are_attributed_to_sdk_or_app_with_counts() {
    let many: Vec<Insn> = (0..5)
        .map(|_| Insn::virt(PM, "getInstalledPackages"))
        .collect();
    let (rows, stats) = collects(&[
        ClassSpec::new(
            "Lim/zego/zegoexpress/internal/Dev;",
            vec![
                MethodSpec::new("collect", many),
                MethodSpec::new(
                    "imei",
                    vec![Insn::virt(TM, "getImei"), Insn::virt(TM, "getNetworkType")],
                ),
            ],
        ),
        ClassSpec::new(
            "Lcom/app/Main;",
            vec![MethodSpec::new(
                "onCreate",
                vec![
                    Insn::string("android_id"),
                    Insn::string("hello"),
                    Insn::sget("Landroid/os/Build;", "MODEL"),
                    Insn::sget("Landroid/os/Build;", "ID"),
                ],
            )],
        ),
    ]);
    assert!(stats.complete());
    let got: Vec<(Option<&str>, &str, &str, u64)> = rows
        .iter()
        .map(|r| (r.sdk.as_deref(), r.data.as_str(), r.api.as_str(), r.count))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                Some("zego-express"),
                "device-id",
                "Landroid/telephony/TelephonyManager;->getImei",
                1
            ),
            (
                Some("zego-express"),
                "installed-apps",
                "Landroid/content/pm/PackageManager;->getInstalledPackages",
                5
            ),
            (None, "device-id", "const-string \"android_id\"", 1),
            (None, "device-model", "Landroid/os/Build;->MODEL", 1),
        ]
    );
    let apps = &rows[1];
    assert_eq!(apps.call_sites.len(), MAX_SITES);
    assert_eq!(
        apps.call_sites[0],
        CallSite {
            entry: "classes.dex".into(),
            class: "im.zego.zegoexpress.internal.Dev".into(),
            method: "collect".into(),
            pc: 0
        }
    );
    assert_eq!(
        apps.call_sites.iter().map(|s| s.pc).collect::<Vec<_>>(),
        vec![0, 3, 6]
    );
    assert_eq!(
        apps.permission,
        vec!["android.permission.QUERY_ALL_PACKAGES"]
    );
    assert_eq!(apps.play.as_deref(), Some("Installed apps"));
}

#[test]
fn merging_keeps_the_smallest_sites_whatever_the_order() {
    let mk = |cls: &str| {
        let catalog = Catalog::from_texts(&[("zego.toml", ZEGO)]).unwrap();
        let bytes = build(&[ClassSpec::new(
            cls,
            vec![MethodSpec::new("m", vec![Insn::virt(TM, "getImei"); 2])],
        )]);
        let dex = parse(&bytes, &Limits::default()).unwrap();
        scan_dex(&dex, "classes.dex", &catalog, DataApiCatalog::embedded())
            .unwrap()
            .0
    };
    let catalog = Catalog::from_texts(&[("zego.toml", ZEGO)]).unwrap();
    let (a, b) = (mk("Lcom/app/A;"), mk("Lcom/app/B;"));
    let mut ab = a.clone();
    ab.merge(b.clone());
    let mut ba = b;
    ba.merge(a);
    let (ab, ba) = (
        ab.finish(&catalog, DataApiCatalog::embedded()),
        ba.finish(&catalog, DataApiCatalog::embedded()),
    );
    assert_eq!(ab, ba);
    assert_eq!(ab[0].count, 4);
    let sites: Vec<(&str, u32)> = ab[0]
        .call_sites
        .iter()
        .map(|s| (s.class.as_str(), s.pc))
        .collect();
    assert_eq!(
        sites,
        vec![("com.app.A", 0), ("com.app.A", 3), ("com.app.B", 0)]
    );
}

#[test]
fn macho_references_match_class_and_selector_pairs() {
    let mut slice = crate::native::macho::MachOSlice::default();
    slice.facts.imported_symbols = vec![
        "_OBJC_CLASS_$_ASIdentifierManager".into(),
        "_CNCopyCurrentNetworkInfo".into(),
    ];
    slice.objc_selectors = vec!["advertisingIdentifier".into(), "identifierForVendor".into()];
    let catalog = Catalog::from_texts(&[("zego.toml", ZEGO)]).unwrap();
    let rows = scan_macho(
        "Payload/A.app/A",
        &[slice],
        None,
        DataApiCatalog::embedded(),
    )
    .finish(&catalog, DataApiCatalog::embedded());
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.api_id.as_str(), r.api.as_str()))
        .collect();
    // identifierForVendor without a UIDevice reference does not count.
    assert_eq!(
        got,
        vec![
            ("ios-idfa", "ASIdentifierManager advertisingIdentifier"),
            ("ios-wifi-ssid", "_CNCopyCurrentNetworkInfo")
        ]
    );
}
