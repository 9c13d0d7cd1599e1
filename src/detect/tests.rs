//! Unit tests of the SDK detector.
use super::*;
use crate::model::{Component, ComponentKind, MetaData, UsesPermission, UsesPermissionTag};
use crate::rules::sdk::tests::ZEGO;

fn catalog() -> Catalog {
    Catalog::from_texts(&[("zego.toml", ZEGO)]).unwrap()
}

fn ids(d: &[Detection]) -> Vec<&str> {
    d.iter().map(|x| x.id.as_str()).collect()
}

#[test]
fn dex_class_package_boundaries_and_most_specific() {
    let c = catalog();
    let loc = Location::entry("classes.dex");
    let dex = crate::testkit::dex::build(&[
        "Lim/zego/zegoexpress/ZegoExpressEngine;",
        "Lim/zego/zegoexpress/internal/Impl;",
        "Lim/zego/zegoexpressx/Foo;",
        "Lcom/example/im/zego/zegoexpress/Bar;",
        "Lim/zego/zegoexpress$Inner;",
    ]);
    let parsed = crate::android::dex::parse(&dex, &crate::Limits::default()).unwrap();
    let mut det = c.detector();
    for d in parsed.class_descriptors() {
        det.dex_class(d.unwrap(), &loc);
    }
    let found = det.finish();
    assert_eq!(ids(&found), vec!["zego-express", "zego-express-internal"]);
    let main = &found[0];
    assert_eq!(main.confidence, Confidence::Present);
    let matched: Vec<&str> = main.evidence.iter().map(|e| e.matched.as_str()).collect();
    assert_eq!(
        matched,
        vec![
            "im.zego.zegoexpress$Inner",
            "im.zego.zegoexpress.ZegoExpressEngine"
        ]
    );
    assert_eq!(main.matcher_counts.get("dex_class"), Some(&2));
    assert_eq!(
        found[1].evidence[0].matched,
        "im.zego.zegoexpress.internal.Impl"
    );
    // dotted input and array descriptors
    let mut det = c.detector();
    det.dex_class(b"[[Lim/zego/zegoexpress/A;", &loc);
    det.dex_class(b"im.zego.zegoexpress.B", &loc);
    det.dex_class(b"[I", &loc);
    assert_eq!(det.finish()[0].matcher_counts.get("dex_class"), Some(&2));
}

#[test]
fn evidence_is_capped_and_order_independent() {
    let c = catalog();
    let names: Vec<String> = (0..40)
        .map(|i| format!("Lim/zego/zegoexpress/C{i:02};"))
        .collect();
    let loc = Location::entry("classes.dex");
    let mut a = c.detector();
    for n in &names {
        a.dex_class(n.as_bytes(), &loc);
    }
    let mut b1 = c.detector();
    let mut b2 = c.detector();
    for (i, n) in names.iter().rev().enumerate() {
        if i % 2 == 0 { &mut b1 } else { &mut b2 }.dex_class(n.as_bytes(), &loc);
    }
    b2.merge(b1);
    let (ra, rb) = (a.finish(), b2.finish());
    assert_eq!(ra, rb);
    assert_eq!(ra[0].evidence.len(), MAX_EXAMPLES);
    assert_eq!(ra[0].matcher_counts["dex_class"], 40);
    assert_eq!(ra[0].evidence[0].matched, "im.zego.zegoexpress.C00");
}

#[test]
fn elf_library_and_symbols() {
    let c = catalog();
    let so = crate::testkit::elf::build(&crate::testkit::elf::ElfSpec {
        machine: 183,
        needed: vec!["libzegoavkit.so".into()],
        soname: Some("libZegoExpressEngine.so".into()),
        exports: vec![
            "Java_im_zego_zegoexpress_ZegoExpressEngine_create".into(),
            "not_zego".into(),
        ],
        imports: vec!["malloc".into()],
    });
    let facts = crate::native::elf::parse(&so, "lib/arm64-v8a/libZegoExpressEngine.so").unwrap();
    let loc = Location::entry(&facts.entry);
    let mut det = c.detector();
    det.native_lib(&facts.entry, &loc);
    for n in &facts.slices[0].needed {
        det.native_lib(n, &loc);
    }
    for s in &facts.slices[0].exported_symbols {
        det.elf_symbol(s, &loc);
    }
    let found = det.finish();
    assert_eq!(ids(&found), vec!["zego-express"]);
    let counts = &found[0].matcher_counts;
    assert_eq!(counts.get("native_lib"), Some(&2)); // exact + libzego*.so glob on DT_NEEDED
    assert_eq!(counts.get("elf_symbol"), Some(&1));
    // The JNI export names its Java class, matched as a DEX class would be.
    assert_eq!(counts.get("jni_class"), Some(&1));
    let jni = &found[0].evidence;
    assert!(
        jni.iter()
            .any(|e| e.matcher == "jni_class"
                && e.matched == "im.zego.zegoexpress.ZegoExpressEngine"),
        "{jni:?}"
    );
    // A library named by nothing but a JNI export of a catalog package.
    let mut det = c.detector();
    det.elf_symbol(
        "Java_im_zego_zegoexpress_internal_Native_1Bridge_create__I",
        &loc,
    );
    let found = det.finish();
    assert_eq!(ids(&found), vec!["zego-express", "zego-express-internal"]);
    assert_eq!(found[1].matcher_counts.get("jni_class"), Some(&1));
    assert_eq!(
        found[1].evidence[0].matched,
        "im.zego.zegoexpress.internal.Native_Bridge"
    );
    let mut det = c.detector();
    det.elf_symbol("Java_im_zegox_Foo_bar", &loc);
    det.elf_symbol("Java_com_example_im_zego_zegoexpress_A_b", &loc);
    assert!(det.finish().is_empty());
    let mut det = c.detector();
    det.native_lib("libzeg.so", &loc);
    det.elf_symbol("Java_im_zego_other", &loc);
    assert!(det.finish().is_empty());
}

#[test]
fn manifest_is_configured_only_and_permissions_attributed() {
    let c = catalog();
    let loc = Location::entry("AndroidManifest.xml");
    let mut m = AndroidManifest::default();
    m.meta_data.push(MetaData {
        name: "com.zego.appid".into(),
        value: Some("1".into()),
        resource: None,
        location: loc.clone(),
    });
    m.meta_data.push(MetaData {
        name: "com.zego.appidx".into(),
        value: None,
        resource: None,
        location: loc.clone(),
    });
    m.components.push(Component {
        kind: ComponentKind::Service,
        name: "im.zego.zegoexpress.Svc".into(),
        exported: false,
        exported_explicit: None,
        has_intent_filter: false,
        permission: None,
        authorities: None,
        location: loc.clone(),
    });
    for p in ["android.permission.CAMERA", "android.permission.INTERNET"] {
        m.uses_permissions.push(UsesPermission {
            name: p.into(),
            tag: UsesPermissionTag::UsesPermission,
            max_sdk_version: None,
            added_by: vec![],
            location: loc.clone(),
        });
    }
    let mut det = c.detector();
    det.manifest(&m);
    let found = det.finish();
    assert_eq!(ids(&found), vec!["zego-express"]);
    assert_eq!(found[0].confidence, Confidence::Configured);
    assert_eq!(
        found[0].matcher_counts.keys().collect::<Vec<_>>(),
        vec!["manifest_component", "manifest_meta_data"]
    );
    attribute_permissions(&mut m, &found, &c);
    assert_eq!(m.uses_permissions[0].added_by, vec!["zego-express"]);
    assert!(m.uses_permissions[1].added_by.is_empty());
}

#[test]
fn ios_framework_objc_plist() {
    let c = catalog();
    let loc = Location::entry("Payload/A.app");
    let mut det = c.detector();
    det.framework("Payload/A.app/Frameworks/ZegoExpressEngine.framework", &loc);
    det.objc_class("ZegoExpressEngineImpl", &loc);
    det.objc_class("ZegoCanvasView", &loc); // exact pattern: no prefix match
    det.macho_symbol("_OBJC_CLASS_$_ZegoExpressEngine", &loc);
    det.plist_key("ZegoAppID", &loc);
    let found = det.finish();
    let counts = &found[0].matcher_counts;
    for k in ["framework", "objc_class", "macho_symbol", "plist_key"] {
        assert_eq!(counts.get(k), Some(&1), "{k}");
    }
    let mut det = c.detector();
    det.framework("ZegoExpressEngineX.framework", &loc);
    det.objc_class("Zego", &loc);
    det.plist_key("zegoappid", &loc);
    assert!(det.finish().is_empty());
}

#[test]
fn detections_carry_the_vendors_legal_entities() {
    let c = Catalog::embedded();
    let mut det = c.detector();
    det.dex_class(
        b"Lim/zego/zegoexpress/ZegoExpressEngine;",
        &Location::entry("classes.dex"),
    );
    det.dex_class(
        b"Lorg/osmdroid/views/MapView;",
        &Location::entry("classes.dex"),
    );
    let found = det.finish();
    let zego = found.iter().find(|d| d.id == "zego-express").unwrap();
    assert_eq!(
        zego.companies[0].name,
        "Shenzhen Jigou Technology Co., Ltd."
    );
    assert_eq!(
        zego.companies[0].local_name.as_deref(),
        Some("深圳市即构科技有限公司")
    );
    assert_eq!(zego.companies[0].jurisdiction.as_deref(), Some("CN"));
    assert_eq!(
        zego.company_label(),
        "ZEGO (Shenzhen Jigou Technology Co., Ltd. / 深圳市即构科技有限公司)"
    );
    // An open-source project names no company: the label is the vendor.
    let osm = found.iter().find(|d| d.id.starts_with("osmdroid")).unwrap();
    assert!(osm.companies.is_empty());
    assert_eq!(osm.company_label(), osm.vendor);
}

#[test]
fn framework_plists_and_pinned_dependencies_give_versions() {
    let c = catalog();
    let loc =
        Location::entry("Payload/A.app/Frameworks/ZegoExpressEngine.framework/ZegoExpressEngine");
    let mut det = c.detector();
    det.framework_with_version(
        "ZegoExpressEngine.framework",
        Some("3.14.5"),
        "Payload/A.app/Frameworks/ZegoExpressEngine.framework/Info.plist",
        &loc,
    );
    assert_eq!(det.finish()[0].version.as_deref(), Some("3.14.5"));
    let mut det = c.detector();
    det.framework_with_version("Other.framework", Some("1.0"), "Other/Info.plist", &loc);
    det.framework_with_version("ZegoExpressEngine", Some("bad version"), "x", &loc);
    let found = det.finish();
    assert_eq!(ids(&found), vec!["zego-express"]);
    assert_eq!(found[0].version, None);
    let gloc = Location::entry("app/build.gradle");
    for (coord, want) in [
        ("im.zego:express-video:3.20.0", Some("3.20.0")),
        ("im.zego:express-video:3.+", None),
        ("im.zego:express-video:$zegoVersion", None),
        ("im.zego:express-video", None),
    ] {
        let mut det = c.detector();
        det.dependency("gradle", coord, &gloc);
        let found = det.finish();
        assert_eq!(ids(&found), vec!["zego-express"], "{coord}");
        assert_eq!(found[0].version.as_deref(), want, "{coord}");
    }
    let mut det = c.detector();
    det.dependency("npm", "zego-express-engine-reactnative@3.2.1", &gloc);
    assert_eq!(det.finish()[0].version.as_deref(), Some("3.2.1"));
}

#[test]
fn files_give_version_and_dependencies_match() {
    let c = catalog();
    let loc = Location::entry("app.apk");
    let mut det = c.detector();
    det.file(
        "base/root/META-INF/im.zego_express-video.version",
        Some(b" 3.14.5\n"),
        &loc,
    );
    det.file("assets/zego/model.dat", None, &loc);
    let found = det.finish();
    assert_eq!(found[0].version.as_deref(), Some("3.14.5"));
    assert_eq!(found[0].matcher_counts["file"], 2);
    let mut det = c.detector();
    det.file(
        "META-INF/im.zego_express-video.version",
        Some(&[b'9'; 500]),
        &loc,
    );
    assert_eq!(det.finish()[0].version, None);

    for (eco, coord) in [
        ("gradle", "im.zego:express-video:3.14.5"),
        ("gradle", "im.zego:other:1"),
        ("cocoapods", "ZegoExpressEngine/Video"),
        ("spm", "https://github.com/zegoim/zego-express-sdk-ios.git"),
        ("pub", "zego_express_engine: ^3.1.0"),
        ("npm", "zego-express-engine-reactnative@3.0.0"),
    ] {
        let mut det = c.detector();
        det.dependency(eco, coord, &loc);
        assert_eq!(ids(&det.finish()), vec!["zego-express"], "{eco} {coord}");
    }
    for (eco, coord) in [
        ("gradle", "im.zegox:express-video"),
        ("npm", "zego"),
        ("maven", "im.zego:express-video"),
    ] {
        let mut det = c.detector();
        det.dependency(eco, coord, &loc);
        assert!(det.finish().is_empty(), "{eco} {coord}");
    }
}

#[test]
fn detectors_run_on_rayon_workers_and_merge() {
    use rayon::prelude::*;
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Detector<'static>>();
    let c = catalog();
    let dexes: Vec<Vec<u8>> = (0..8)
        .map(|i| crate::testkit::dex::build(&[&format!("Lim/zego/zegoexpress/C{i};"), "La/B;"]))
        .collect();
    let merged = dexes
        .par_iter()
        .enumerate()
        .map(|(i, bytes)| {
            let mut det = c.detector();
            let loc = Location::entry(format!("classes{i}.dex"));
            if let Ok(d) = crate::android::dex::parse(bytes, &crate::Limits::default()) {
                for cls in d.class_descriptors().flatten() {
                    det.dex_class(cls, &loc);
                }
            }
            det
        })
        .reduce(
            || c.detector(),
            |mut a, b| {
                a.merge(b);
                a
            },
        )
        .finish();
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].matcher_counts["dex_class"], 8);
    assert_eq!(merged[0].evidence.len(), MAX_EXAMPLES);
    assert_eq!(merged[0].evidence[0].location.entry, "classes0.dex");
}

#[test]
fn domains_match_host_and_subdomains_only() {
    let c = catalog();
    let loc = Location::entry("res/xml/network_security_config.xml");
    for (host, hit) in [
        ("zego.im", true),
        ("Rtc.ZEGO.im.", true),
        ("notzego.im", false),
        ("zego.im.evil.com", false),
        ("im", false),
    ] {
        let mut det = c.detector();
        det.domain(host, &loc);
        let done = det.finish_all();
        // A host is a contact, never a detection on its own (issue 16 item 6).
        assert!(done.detections.is_empty(), "{host}");
        assert_eq!(!done.contacts.is_empty(), hit, "{host}");
    }
}

#[test]
fn inline_catalog_rule_tests_pass() {
    assert_eq!(run_rule_tests(&catalog()), Vec::<String>::new());
}

const NAMED: &str = r#"
[vendor]
id = "jiguang"
name = "Jiguang"
[[sdk]]
id = "jpush"
name = "JPush"
category = "push"
source = "test"
[sdk.match]
dex_class = ["cn.jpush"]
[sdk.tests]
positive = ["dex_class:cn.jpush.A"]
negative = ["dex_class:cn.jpushx.A"]
[sdk.version]
file_name = ["^jpush-(?:android|ios)-(\\d+)\\.(\\d+)\\.(\\d+)\\.(?:jar|a)$"]
"#;

#[test]
fn artifact_file_name_gives_the_version_of_a_detected_sdk_only() {
    let c = Catalog::from_texts(&[("jiguang.toml", NAMED)]).unwrap();
    let loc = Location::entry("cn/jpush/android/api/JPushInterface.class");
    let mut det = c.detector();
    det.artifact_name("/vendor/libs/jpush-android-4.8.1.jar");
    det.dex_class(b"Lcn/jpush/android/api/JPushInterface;", &loc);
    let found = det.finish();
    assert_eq!(found[0].version.as_deref(), Some("4.8.1"));
    let src = found[0].version_source.as_ref().unwrap();
    assert_eq!(
        (src.kind.as_str(), src.entry.as_str()),
        ("file_name", "jpush-android-4.8.1.jar")
    );
    // The name alone detects nothing; an unversioned or foreign name states nothing.
    let mut det = c.detector();
    det.artifact_name("jpush-android-4.8.1.jar");
    assert!(det.finish().is_empty());
    for name in [
        "jpush-android.jar",
        "jpush-android-4.8.jar",
        "myjpush-android-4.8.1.jar",
    ] {
        let mut det = c.detector();
        det.artifact_name(name);
        det.dex_class(b"Lcn/jpush/android/api/JPushInterface;", &loc);
        assert_eq!(det.finish()[0].version, None, "{name}");
    }
}

#[test]
fn framework_plist_template_version_is_no_sdk_version() {
    use crate::ios::plist::InfoPlist;
    let plist = |short: Option<&str>, version: Option<&str>| InfoPlist {
        short_version: short.map(String::from),
        version: version.map(String::from),
        ..Default::default()
    };
    // Sentry.framework 8.56.2; FBSDKCoreKit.framework 4.x states 1.0 / 4.22.1;
    // TYRZUISDK.framework states only Xcode's template 1.0 / 1.
    assert_eq!(
        plist(Some("8.56.2"), Some("8.56.2")).sdk_version(),
        Some("8.56.2")
    );
    assert_eq!(
        plist(Some("1.0"), Some("4.22.1")).sdk_version(),
        Some("4.22.1")
    );
    assert_eq!(plist(Some("1.0"), Some("1")).sdk_version(), None);
    assert_eq!(plist(None, Some("237")).sdk_version(), None);
    assert_eq!(plist(Some("7.6.0"), Some("1")).sdk_version(), Some("7.6.0"));
}
