//! Issue 16: one SDK inside another (`[[sdk.bundles]]`), transitive parts
//! of an SDK family (`parts`), versions with their evidence (file-name
//! patterns, string markers, Apple Generic Versioning what(1) strings),
//! Swift module names, and catalog `domains` as contacts (never a
//! detection on their own). All bytes are built here or by `src/testkit`.

use privscan::detect::Detector;
use privscan::model::{ArtifactReport, Detection, Location};
use privscan::rules::sdk::Catalog;
use privscan::testkit::axml::*;
use privscan::testkit::dex_code::{ClassSpec, Insn, MethodSpec};
use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build};
use privscan::{Config, scan::scan_path};

fn loc(e: &str) -> Location {
    Location::entry(e.to_string())
}

fn find<'a>(d: &'a [Detection], id: &str) -> Option<&'a Detection> {
    d.iter().find(|x| x.id == id)
}

fn feed_classes(det: &mut Detector<'_>, classes: &[&str]) {
    for c in classes {
        det.dex_class(c.as_bytes(), &loc("classes.dex"));
    }
}

#[test]
fn oaid_sdk_bundles_huawei_identifier_client() {
    let c = Catalog::embedded();
    let mut det = c.detector();
    feed_classes(
        &mut det,
        &[
            "com.bun.miitmdid.core.MdidSdkHelper",
            "com.huawei.hms.ads.identifier.AdvertisingIdClient",
            "com.huawei.hms.ads.identifier.AdvertisingIdClient$Info",
        ],
    );
    let d = det.finish();
    let hms = find(&d, "hms-ads").expect("hms-ads reported");
    assert_eq!(hms.bundled_by, vec!["msa-oaid".to_string()]);
    assert_eq!(
        hms.inventory_name(),
        "HUAWEI Ads Kit (Petal Ads) (bundled by msa-oaid)"
    );
    let msa = find(&d, "msa-oaid").unwrap();
    assert_eq!(msa.contains, vec!["hms-ads".to_string()]);
    assert!(msa.bundled_by.is_empty());
}

#[test]
fn real_huawei_ads_beside_oaid_sdk_is_its_own_sdk() {
    let c = Catalog::embedded();
    let mut det = c.detector();
    feed_classes(
        &mut det,
        &[
            "com.bun.miitmdid.core.MdidSdkHelper",
            "com.huawei.hms.ads.identifier.AdvertisingIdClient",
            "com.huawei.hms.ads.BannerView",
        ],
    );
    let d = det.finish();
    let hms = find(&d, "hms-ads").unwrap();
    assert!(hms.bundled_by.is_empty(), "{:?}", hms.bundled_by);
    assert!(find(&d, "msa-oaid").unwrap().contains.is_empty());
}

#[test]
fn bundled_classes_without_the_outer_sdk_are_the_inner_sdk() {
    let c = Catalog::embedded();
    let mut det = c.detector();
    feed_classes(
        &mut det,
        &["com.huawei.hms.ads.identifier.AdvertisingIdClient"],
    );
    let d = det.finish();
    assert!(find(&d, "hms-ads").unwrap().bundled_by.is_empty());
}

#[test]
fn zego_express_carries_avkit2_but_a_liveroom_library_is_liveroom() {
    let c = Catalog::embedded();
    let mut det = c.detector();
    feed_classes(
        &mut det,
        &[
            "im.zego.zegoexpress.ZegoExpressEngine",
            "com.zego.zegoavkit2.ZegoAVKitJNI",
        ],
    );
    let mut a = det.clone();
    let d = a.clone().finish();
    assert_eq!(
        find(&d, "zego-liveroom").unwrap().bundled_by,
        vec!["zego-express".to_string()]
    );
    // Its own native library is evidence outside Express's package.
    a.native_lib(
        "lib/arm64-v8a/libzegoliveroom.so",
        &loc("lib/arm64-v8a/libzegoliveroom.so"),
    );
    let d = a.finish();
    assert!(find(&d, "zego-liveroom").unwrap().bundled_by.is_empty());
    // Merging order does not change the answer.
    let mut x = c.detector();
    x.native_lib("libzegoliveroom.so", &loc("lib/x/libzegoliveroom.so"));
    let mut y = det;
    y.merge(x);
    assert!(
        find(&y.finish(), "zego-liveroom")
            .unwrap()
            .bundled_by
            .is_empty()
    );
}

#[test]
fn ab_testing_pulled_in_by_remote_config_is_part_of_it() {
    let c = Catalog::embedded();
    let mut det = c.detector();
    feed_classes(
        &mut det,
        &[
            "com.google.firebase.remoteconfig.FirebaseRemoteConfig",
            "com.google.firebase.abt.FirebaseABTesting",
        ],
    );
    let mut own = det.clone();
    let d = det.finish();
    let abt = find(&d, "firebase-ab-testing").unwrap();
    assert_eq!(abt.part_of, vec!["firebase-remote-config".to_string()]);
    assert!(abt.bundled_by.is_empty());
    // A dependency of its own: the app uses A/B Testing itself.
    own.dependency(
        "gradle",
        "com.google.firebase:firebase-abt:21.1.1",
        &loc("app/build.gradle"),
    );
    let d = own.finish();
    let abt = find(&d, "firebase-ab-testing").unwrap();
    assert!(abt.part_of.is_empty());
    assert_eq!(abt.version.as_deref(), Some("21.1.1"));
    assert_eq!(abt.version_source.as_ref().unwrap().kind, "dependency");
    // Alone, A/B Testing is its own SDK.
    let mut alone = c.detector();
    feed_classes(&mut alone, &["com.google.firebase.abt.FirebaseABTesting"]);
    assert!(
        find(&alone.finish(), "firebase-ab-testing")
            .unwrap()
            .part_of
            .is_empty()
    );
}

#[test]
fn policy_declaring_the_outer_sdk_is_not_flagged_for_its_internals() {
    use privscan::diff::sdk::diff_sdks;
    let c = Catalog::embedded();
    let mut det = c.detector();
    feed_classes(
        &mut det,
        &[
            "com.bun.miitmdid.core.MdidSdkHelper",
            "com.huawei.hms.ads.identifier.AdvertisingIdClient",
        ],
    );
    let d = det.finish();
    let policy = privscan::policy::load::parse(
        "[policy]\nname = \"x\"\n[[clause]]\nid = \"1\"\ntitle = \"SDKs\"\nsdks = [{ name = \"MiitMdid\" }]\n",
        "p.toml",
    );
    let Ok(policy) = policy else {
        panic!("policy: {policy:?}");
    };
    let f = diff_sdks(&d, &policy, c);
    assert!(f.iter().all(|f| f.code != "PS201"), "{f:?}");
    // The same classes with real HMS Ads code: flagged.
    let mut det = c.detector();
    feed_classes(
        &mut det,
        &[
            "com.bun.miitmdid.core.MdidSdkHelper",
            "com.huawei.hms.ads.identifier.AdvertisingIdClient",
            "com.huawei.hms.ads.BannerView",
        ],
    );
    let f = diff_sdks(&det.finish(), &policy, c);
    assert!(
        f.iter()
            .any(|f| f.code == "PS201" && f.subject == "hms-ads"),
        "{f:?}"
    );
}

#[test]
fn jpush_version_from_its_library_name_only() {
    let c = Catalog::embedded();
    let mut det = c.detector();
    det.native_lib("libjpush219.so", &loc("lib/armeabi-v7a/libjpush219.so"));
    let d = det.finish();
    let j = find(&d, "jpush").unwrap();
    assert_eq!(j.version.as_deref(), Some("2.1.9"));
    let src = j.version_source.as_ref().unwrap();
    assert_eq!(
        (src.kind.as_str(), src.text.as_str()),
        ("file_name", "libjpush219.so")
    );
    // libjcore<d><d><d>.so names JCore's version as libjpush does JPush's
    // (npm cordova-plugin-jcore 1.4.4 ships libjcore332.so beside
    // jcore-android-3.3.2.jar); any other name states none.
    let mut det = c.detector();
    det.native_lib("libjcore127.so", &loc("lib/x/libjcore127.so"));
    let d = det.finish();
    assert_eq!(
        find(&d, "jiguang-jcore").unwrap().version.as_deref(),
        Some("1.2.7")
    );
    for x in &d {
        if x.id != "jiguang-jcore" {
            assert_eq!(x.version, None, "{}", x.id);
        }
    }
    for name in ["libjcore.so", "libjcore1270.so", "libjcore12.so"] {
        let mut det = c.detector();
        det.native_lib(name, &loc(name));
        for x in det.finish() {
            assert_eq!(x.version, None, "{name} {}", x.id);
        }
    }
}

const MARKED: &str = r#"
[vendor]
id = "acme"
name = "Acme"
[[sdk]]
id = "acme-rtc"
name = "Acme RTC"
category = "rtc"
source = "test"
[sdk.match]
native_lib = ["libacmertc.so"]
framework = ["AcmeRTC"]
domains = ["acme-rtc.example"]
[sdk.tests]
positive = ["native_lib:libacmertc.so", "domains:api.acme-rtc.example"]
negative = ["native_lib:libacmertc2.so", "domains:acme-rtc.example.evil"]
[sdk.version]
string = ["AcmeRTC-SDK v"]
"#;

#[test]
fn version_from_a_string_marker_needs_a_detection() {
    let c = Catalog::from_texts(&[("acme.toml", MARKED)]).unwrap();
    let blob = b"\0\x01junk AcmeRTC-SDK v4.2.17\0more";
    let mut det = c.detector();
    det.strings(blob, &loc("lib/arm64-v8a/libx.so"));
    assert!(
        det.clone().finish().is_empty(),
        "a string alone detects nothing"
    );
    det.native_lib("libacmertc.so", &loc("lib/arm64-v8a/libacmertc.so"));
    let d = det.finish();
    assert_eq!(d[0].version.as_deref(), Some("4.2.17"));
    let s = d[0].version_source.as_ref().unwrap();
    assert_eq!(
        (s.kind.as_str(), s.text.as_str()),
        ("string", "AcmeRTC-SDK v4.2.17")
    );
    // A marker with no dotted version after it states nothing.
    let mut det = c.detector();
    det.strings(b"AcmeRTC-SDK v4\0", &loc("x"));
    det.native_lib("libacmertc.so", &loc("x"));
    assert_eq!(det.finish()[0].version, None);
}

#[test]
fn what_string_states_a_framework_version() {
    let c = Catalog::from_texts(&[("acme.toml", MARKED)]).unwrap();
    let mut det = c.detector();
    det.strings(
        b"\0@(#)PROGRAM:AcmeRTC  PROJECT:AcmeRTC-3.12.4\n\0",
        &loc("Frameworks/AcmeRTC.framework/AcmeRTC"),
    );
    det.framework(
        "AcmeRTC.framework",
        &loc("Frameworks/AcmeRTC.framework/AcmeRTC"),
    );
    let d = det.finish();
    assert_eq!(d[0].version.as_deref(), Some("3.12.4"));
    assert_eq!(d[0].version_source.as_ref().unwrap().kind, "what_string");
}

#[test]
fn swift_module_names_identify_a_framework() {
    let c = Catalog::embedded();
    let mut det = c.detector();
    det.macho_symbol("_$s9Alamofire7SessionC7defaultACvpZ", &loc("App"));
    let d = det.finish();
    let a = find(&d, "alamofire").expect("Alamofire from its Swift module");
    assert!(a.matcher_counts.contains_key("swift_module"));
    let mut det = c.detector();
    det.macho_symbol("_$s10Foundation4DateV", &loc("App"));
    det.macho_symbol("_$sSo8NSObjectC", &loc("App"));
    assert!(det.finish().is_empty());
}

#[test]
fn hosts_in_string_data_are_contacts_never_detections() {
    let c = Catalog::from_texts(&[("acme.toml", MARKED)]).unwrap();
    let mut det = c.detector();
    det.strings(
        b"https://api.acme-rtc.example/v1\0notacme-rtc.example\0x.acme-rtc.example.evil.com\0",
        &loc("classes.dex"),
    );
    let done = det.clone().finish_all();
    assert!(done.detections.is_empty());
    let hosts: Vec<(&str, &str, bool)> = done
        .contacts
        .iter()
        .map(|c| (c.sdk.as_str(), c.host.as_str(), c.sdk_detected))
        .collect();
    assert_eq!(hosts, vec![("acme-rtc", "api.acme-rtc.example", false)]);
    det.native_lib("libacmertc.so", &loc("lib/x/libacmertc.so"));
    let done = det.finish_all();
    assert_eq!(
        done.detections[0].contacts,
        vec!["api.acme-rtc.example".to_string()]
    );
    assert!(done.contacts[0].sdk_detected);
}

fn apk_with_url(url: &str) -> ArtifactReport {
    let root = manifest("com.example.app", vec![]);
    let dex = privscan::testkit::dex_code::build(&[ClassSpec::new(
        "Lcom/example/app/Main;",
        vec![MethodSpec::new("run", vec![Insn::string(url)])],
    )]);
    let e = vec![
        EntrySpec::deflated(
            "AndroidManifest.xml",
            &encode(&root, ANDROID_NAMESPACES, &EncodeOptions::default()),
        ),
        EntrySpec::deflated("classes.dex", &dex),
    ];
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.apk");
    std::fs::write(&p, build(&e, &ArchiveSpec::default())).unwrap();
    let r = scan_path(&p, &Config::new());
    assert!(r.error.is_none(), "{:?}", r.error);
    r
}

#[test]
fn apk_with_only_a_zego_url_has_a_contact_and_no_detection() {
    let r = apk_with_url("https://webliveroom-api.zego.im/ws");
    assert!(r.sdks.is_empty(), "{:?}", r.sdks);
    let c: Vec<(&str, &str)> = r
        .contacts
        .iter()
        .map(|c| (c.sdk.as_str(), c.host.as_str()))
        .collect();
    assert_eq!(c, vec![("zego-express", "webliveroom-api.zego.im")]);
    assert_eq!(r.contacts[0].location.entry, "classes.dex");
}

/// An IPA's Mach-O bytes get the same string pass as DEX and ELF: a
/// framework binary's URL is a contact of the SDK it belongs to, and a
/// host of an SDK whose code is absent is a contact, never a detection.
#[test]
fn ipa_mach_o_strings_are_contacts() {
    let mut files = privscan::testkit::ipa::sample_files();
    for (path, bytes) in files.iter_mut() {
        if path.ends_with("ZegoExpressEngine.framework/ZegoExpressEngine") {
            bytes.extend_from_slice(b"\0wss://webliveroom-api.zego.im/ws\0");
        }
        if *path == "Payload/SampleLive.app/SampleLive" {
            bytes.extend_from_slice(b"\0https://api.agora.io/v1\0");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.ipa");
    std::fs::write(&p, privscan::testkit::ipa::build_ipa(&files)).unwrap();
    let r = scan_path(&p, &Config::new());
    assert!(r.error.is_none(), "{:?}", r.error);
    let c: Vec<(&str, &str, &str)> = r
        .contacts
        .iter()
        .map(|c| (c.sdk.as_str(), c.host.as_str(), c.location.entry.as_str()))
        .collect();
    assert!(
        c.contains(&(
            "zego-express",
            "webliveroom-api.zego.im",
            "Payload/SampleLive.app/Frameworks/ZegoExpressEngine.framework/ZegoExpressEngine"
        )),
        "{c:?}"
    );
    let zego = r.sdks.iter().find(|d| d.id == "zego-express").unwrap();
    assert_eq!(zego.contacts, vec!["webliveroom-api.zego.im".to_string()]);
    // The app binary talks to Agora's host; no Agora code: contact only.
    let agora: Vec<_> = r
        .contacts
        .iter()
        .filter(|c| c.host == "api.agora.io")
        .collect();
    assert_eq!(agora.len(), 1, "{c:?}");
    assert!(!agora[0].sdk_detected);
    assert_eq!(agora[0].location.entry, "Payload/SampleLive.app/SampleLive");
    assert!(
        r.sdks.iter().all(|d| !d.id.starts_with("agora")),
        "{:?}",
        r.sdks
    );
    // With the manifest-only read, no binary is read: no contacts.
    let mut cfg = Config::new();
    cfg.manifest_only = true;
    let r = scan_path(&p, &cfg);
    assert!(r.contacts.is_empty(), "{:?}", r.contacts);
}

/// Real input (npm cordova-plugin-alipay-v2 2.0.0): the Alipay SDK ships
/// Alibaba's UTDID (`com.ut.device` in the AAR, `UTDevice` in the iOS
/// framework); the carriers' login SDKs ride inside JVerification.
#[test]
fn alipay_bundles_utdid_and_jverification_bundles_carrier_sdks() {
    let c = Catalog::embedded();
    let mut det = c.detector();
    det.objc_class("AlipaySDK", &loc("AlipaySDK"));
    det.objc_class("UTDevice", &loc("AlipaySDK"));
    let d = det.finish();
    assert_eq!(
        find(&d, "alibaba-utdid").expect("utdid").bundled_by,
        vec!["alipay".to_string()]
    );
    // UTDID on its own (or an app class next to Alipay) is UTDID embedded.
    let mut det = c.detector();
    det.objc_class("UTDevice", &loc("App"));
    let d = det.finish();
    assert!(find(&d, "alibaba-utdid").unwrap().bundled_by.is_empty());
    let mut det = c.detector();
    feed_classes(
        &mut det,
        &[
            "com.alipay.sdk.app.PayTask",
            "com.ut.device.UTDevice",
            "com.ta.utdid2.device.UTUtdid",
        ],
    );
    let d = det.finish();
    assert_eq!(
        find(&d, "alibaba-utdid").unwrap().bundled_by,
        vec!["alipay".to_string()]
    );

    let mut det = c.detector();
    feed_classes(
        &mut det,
        &[
            "cn.jiguang.verifysdk.api.JVerificationInterface",
            "com.cmic.gen.sdk.auth.GenAuthnHelper",
            "cn.com.chinatelecom.account.api.CtAuth",
            "com.unicom.online.account.kernel.UniAccountHelper",
        ],
    );
    let d = det.finish();
    for id in ["cmcc-quick-login", "ctcc-quick-login", "cucc-quick-login"] {
        assert_eq!(
            find(&d, id).expect(id).bundled_by,
            vec!["jverification".to_string()],
            "{id}"
        );
    }
    // The China Mobile SDK integrated directly is its own SDK.
    let mut det = c.detector();
    feed_classes(&mut det, &["com.cmic.gen.sdk.auth.GenAuthnHelper"]);
    let d = det.finish();
    let cm = find(&d, "cmcc-quick-login").unwrap();
    assert!(cm.bundled_by.is_empty());
    assert_eq!(cm.vendor, "China Mobile");
}

/// A framework inside an IPA whose Info.plist keeps Xcode's template
/// `CFBundleShortVersionString` 1.0 states its SDK version in
/// `CFBundleVersion` (as Facebook SDK 4.x frameworks do): that version is
/// reported; a plist stating only 1.0 / 1 states no version.
#[test]
fn ipa_framework_version_behind_the_template_short_version() {
    let plist = |short: &str, build: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>im.zego.ZegoExpressEngine</string>
<key>CFBundleExecutable</key><string>ZegoExpressEngine</string>
<key>CFBundlePackageType</key><string>FMWK</string>
<key>CFBundleShortVersionString</key><string>{short}</string>
<key>CFBundleVersion</key><string>{build}</string>
</dict></plist>"#
        )
        .into_bytes()
    };
    let version_of = |short: &str, build: &str| {
        let mut files = privscan::testkit::ipa::sample_files();
        for (path, bytes) in files.iter_mut() {
            if path.ends_with("ZegoExpressEngine.framework/Info.plist") {
                *bytes = plist(short, build);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("app.ipa");
        std::fs::write(&p, privscan::testkit::ipa::build_ipa(&files)).unwrap();
        let r = scan_path(&p, &Config::new());
        assert!(r.error.is_none(), "{:?}", r.error);
        let z = r.sdks.iter().find(|d| d.id == "zego-express").unwrap();
        z.version.clone()
    };
    assert_eq!(version_of("1.0", "3.14.5").as_deref(), Some("3.14.5"));
    assert_eq!(version_of("3.15.0", "42").as_deref(), Some("3.15.0"));
    assert_eq!(version_of("1.0", "1"), None);
}
