//! The sample apps shipped in `fixtures/`, built from the testkit writers.
//! `cargo run --example make_fixtures` writes them; the `fixtures_fresh`
//! test rebuilds them in memory and checks the committed bytes match, so
//! the fixtures can never drift from their generator.
//!
//! `sample.apk` is "Sample Live", a small live-streaming app: binary
//! manifest with a versionName resolved through resources.arsc, two DEX
//! files carrying Firebase, ZEGO Express and AppsFlyer classes, a ZEGO
//! native library, and a Firebase `.version` marker. Together with
//! `sample-policy.toml` it produces PS101 (undeclared location and
//! contacts permissions), PS201 (AppsFlyer is not declared), PS202 (ZEGO's
//! code reads the installed-app list its entry does not list) and PS106
//! (the app's code reads the location no clause declares).

use crate::android::xml::{ANDROID_NS, AttrValue, XmlElement};
use crate::testkit::axml::{
    ANDROID_NAMESPACES, EncodeOptions, android_attr, element, element_with, encode, encode_arsc,
    manifest, s, uses_permission,
};
use crate::testkit::zip::{ArchiveSpec, EntrySpec, build};

/// Package name of the sample APK.
pub const SAMPLE_PACKAGE: &str = "com.privscan.sample";

/// The versionName resource of the sample APK (`@string/app_version`).
pub const VERSION_NAME_RES: u32 = 0x7f0c_0001;

fn bool_attr(name: &str, v: bool) -> crate::android::xml::XmlAttribute {
    android_attr(name, AttrValue::Bool(v))
}

fn intent_filter(actions: &[&str], categories: &[&str]) -> XmlElement {
    let mut children: Vec<XmlElement> = actions
        .iter()
        .map(|a| element("action", vec![android_attr("name", s(a))]))
        .collect();
    children.extend(
        categories
            .iter()
            .map(|c| element("category", vec![android_attr("name", s(c))])),
    );
    element_with("intent-filter", vec![], children)
}

/// The sample app's manifest tree.
pub fn sample_manifest() -> XmlElement {
    let mut root = manifest(
        SAMPLE_PACKAGE,
        vec![
            element(
                "uses-sdk",
                vec![
                    android_attr("minSdkVersion", AttrValue::IntDec(24)),
                    android_attr("targetSdkVersion", AttrValue::IntDec(34)),
                ],
            ),
            uses_permission("android.permission.INTERNET"),
            uses_permission("android.permission.ACCESS_NETWORK_STATE"),
            uses_permission("android.permission.CAMERA"),
            uses_permission("android.permission.RECORD_AUDIO"),
            uses_permission("android.permission.ACCESS_FINE_LOCATION"),
            uses_permission("android.permission.READ_CONTACTS"),
            uses_permission("android.permission.WAKE_LOCK"),
            element(
                "uses-permission",
                vec![
                    android_attr("name", s("android.permission.READ_EXTERNAL_STORAGE")),
                    android_attr("maxSdkVersion", AttrValue::IntDec(32)),
                ],
            ),
            element(
                "uses-permission-sdk-23",
                vec![android_attr(
                    "name",
                    s("android.permission.POST_NOTIFICATIONS"),
                )],
            ),
            element(
                "permission",
                vec![
                    android_attr("name", s("com.privscan.sample.permission.C2D_MESSAGE")),
                    android_attr("protectionLevel", AttrValue::IntHex(0x2)),
                ],
            ),
            element(
                "uses-feature",
                vec![
                    android_attr("name", s("android.hardware.camera")),
                    bool_attr("required", false),
                ],
            ),
            element_with(
                "application",
                vec![
                    android_attr("label", s("Sample Live")),
                    bool_attr("allowBackup", true),
                    bool_attr("usesCleartextTraffic", false),
                ],
                vec![
                    element_with(
                        "activity",
                        vec![
                            android_attr("name", s(".MainActivity")),
                            bool_attr("exported", true),
                        ],
                        vec![intent_filter(
                            &["android.intent.action.MAIN"],
                            &["android.intent.category.LAUNCHER"],
                        )],
                    ),
                    element_with(
                        "activity",
                        vec![android_attr("name", s(".LiveRoomActivity"))],
                        vec![intent_filter(&["android.intent.action.VIEW"], &[])],
                    ),
                    element_with(
                        "service",
                        vec![
                            android_attr(
                                "name",
                                s("com.google.firebase.messaging.FirebaseMessagingService"),
                            ),
                            bool_attr("exported", false),
                        ],
                        vec![intent_filter(&["com.google.firebase.MESSAGING_EVENT"], &[])],
                    ),
                    element(
                        "provider",
                        vec![
                            android_attr(
                                "name",
                                s("com.google.firebase.provider.FirebaseInitProvider"),
                            ),
                            // aapt order: ascending resource ID
                            // (exported 0x01010010 < authorities 0x01010018).
                            bool_attr("exported", false),
                            android_attr(
                                "authorities",
                                s("com.privscan.sample.firebaseinitprovider"),
                            ),
                        ],
                    ),
                    element_with(
                        "receiver",
                        vec![android_attr(
                            "name",
                            s("com.appsflyer.SingleInstallBroadcastReceiver"),
                        )],
                        vec![intent_filter(
                            &["com.android.vending.INSTALL_REFERRER"],
                            &[],
                        )],
                    ),
                    element(
                        "meta-data",
                        vec![
                            android_attr(
                                "name",
                                s("com.google.firebase.messaging.default_notification_channel_id"),
                            ),
                            android_attr("value", s("live")),
                        ],
                    ),
                ],
            ),
        ],
    );
    // versionCode / versionName (a reference resolved through resources.arsc).
    root.attributes
        .push(android_attr("versionCode", AttrValue::IntDec(3)));
    root.attributes.push(android_attr(
        "versionName",
        AttrValue::Reference(VERSION_NAME_RES),
    ));
    root
}

/// Class descriptors of the sample's `classes.dex`.
pub const SAMPLE_CLASSES: &[&str] = &[
    "Lcom/privscan/sample/MainActivity;",
    "Lcom/privscan/sample/LiveRoomActivity;",
    "Lcom/google/firebase/analytics/FirebaseAnalytics;",
    "Lcom/google/firebase/messaging/FirebaseMessagingService;",
    "Lcom/google/firebase/provider/FirebaseInitProvider;",
    "Lim/zego/zegoexpress/ZegoExpressEngine;",
    "Lim/zego/zegoexpress/callback/IZegoEventHandler;",
];

/// Class descriptors of the sample's `classes2.dex` (multidex).
pub const SAMPLE_CLASSES2: &[&str] = &[
    "Lcom/appsflyer/AppsFlyerLib;",
    "Lcom/appsflyer/SingleInstallBroadcastReceiver;",
    "Lcom/privscan/sample/util/Logger;",
];

/// The sample's `classes.dex` and `classes2.dex` with code: every class of
/// [`SAMPLE_CLASSES`] / [`SAMPLE_CLASSES2`], some with methods that read
/// data. With `sample-policy.toml`: Firebase reads the device id and model
/// (declared for it); ZEGO reads the installed-app list (not in its entry:
/// PS202) and records audio (declared); AppsFlyer reads the advertising id
/// (AppsFlyer is undeclared: PS201); the app reads the last known location
/// (no clause declares location: PS106) and `android_id` (declared).
pub fn sample_dex_files() -> (Vec<u8>, Vec<u8>) {
    use crate::testkit::dex_code::{ClassSpec, Insn, MethodSpec, build};
    let code = |class: &str| -> Vec<MethodSpec> {
        match class {
            "Lcom/privscan/sample/MainActivity;" => vec![MethodSpec::new(
                "onCreate",
                vec![Insn::virt(
                    "Landroid/location/LocationManager;",
                    "getLastKnownLocation",
                )],
            )],
            "Lcom/google/firebase/analytics/FirebaseAnalytics;" => vec![MethodSpec::new(
                "logEvent",
                vec![
                    Insn::virt("Landroid/telephony/TelephonyManager;", "getDeviceId"),
                    Insn::sget("Landroid/os/Build;", "MODEL"),
                ],
            )],
            "Lim/zego/zegoexpress/ZegoExpressEngine;" => vec![
                MethodSpec::new(
                    "createEngine",
                    vec![Insn::virt(
                        "Landroid/content/pm/PackageManager;",
                        "getInstalledPackages",
                    )],
                ),
                MethodSpec::new(
                    "startPublishingStream",
                    vec![Insn::virt("Landroid/media/AudioRecord;", "startRecording")],
                ),
            ],
            "Lcom/appsflyer/AppsFlyerLib;" => vec![MethodSpec::new(
                "start",
                vec![Insn::invoke(
                    0x71,
                    "Lcom/google/android/gms/ads/identifier/AdvertisingIdClient;",
                    "getAdvertisingIdInfo",
                )],
            )],
            "Lcom/privscan/sample/util/Logger;" => {
                vec![MethodSpec::new(
                    "deviceTag",
                    vec![Insn::string("android_id")],
                )]
            }
            _ => Vec::new(),
        }
    };
    let specs = |classes: &[&str]| -> Vec<ClassSpec> {
        classes.iter().map(|c| ClassSpec::new(c, code(c))).collect()
    };
    (
        build(&specs(SAMPLE_CLASSES)),
        build(&specs(SAMPLE_CLASSES2)),
    )
}

/// The sample APK bytes (deterministic: no timestamps).
pub fn sample_apk() -> Vec<u8> {
    let manifest = encode(
        &sample_manifest(),
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    );
    let arsc = encode_arsc(
        SAMPLE_PACKAGE,
        0x7f,
        &[(VERSION_NAME_RES, "1.2.0", &[("fr", "1.2.0-fr")])],
    );
    let so = crate::testkit::elf::build(&crate::testkit::elf::ElfSpec {
        machine: 183,
        needed: vec!["liblog.so".into(), "libc.so".into(), "libm.so".into()],
        soname: Some("libZegoExpressEngine.so".into()),
        exports: vec![
            "JNI_OnLoad".into(),
            "Java_im_zego_zegoexpress_internal_ZegoExpressEngineJniAPI_createEngineJni".into(),
        ],
        imports: vec!["__android_log_print".into(), "malloc".into()],
    });
    let (dex1, dex2) = sample_dex_files();
    let entries = vec![
        EntrySpec::deflated("AndroidManifest.xml", &manifest),
        EntrySpec::deflated("classes.dex", &dex1),
        EntrySpec::deflated("classes2.dex", &dex2),
        EntrySpec::stored("resources.arsc", &arsc),
        EntrySpec::stored("lib/arm64-v8a/libZegoExpressEngine.so", &so),
        EntrySpec::deflated(
            "META-INF/com.google.firebase_firebase-analytics.version",
            b"21.5.0\n",
        ),
        EntrySpec::deflated(
            "res/layout/activity_main.xml",
            &encode(
                &element_with("LinearLayout", vec![], vec![]),
                &[("android", ANDROID_NS)],
                &EncodeOptions::default(),
            ),
        ),
    ];
    build(&entries, &ArchiveSpec::default())
}
