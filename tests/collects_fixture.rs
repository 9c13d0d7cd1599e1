//! The sample APK's collects table and code findings, end to end through
//! the library (`scan::scan` on `fixtures/sample.apk` with
//! `fixtures/sample-policy.toml`); the expected call sites are those the
//! fixture generator writes (`testkit::fixtures::sample_dex_files`).

use privscan::policy::load::load;
use privscan::scan::{Config, scan};
use std::path::Path;

#[test]
fn sample_apk_shows_sdk_data_and_ps202() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = load(&root.join("fixtures/sample-policy.toml")).expect("policy");
    let config = Config {
        policy: Some(policy),
        ..Config::new()
    };
    let report = scan(&[root.join("fixtures/sample.apk")], &config);
    let a = &report.artifacts[0];
    assert!(a.error.is_none(), "{:?}", a.error);
    assert!(a.entry_errors.is_empty(), "{:?}", a.entry_errors);
    let rows: Vec<(String, &str, &str, Option<bool>)> = a
        .collects
        .iter()
        .map(|c| {
            (
                c.sdk.clone().unwrap_or_else(|| "app".into()),
                c.data.as_str(),
                c.api.as_str(),
                c.declared,
            )
        })
        .collect();
    let want = [
        (
            "appsflyer",
            "advertising",
            "Lcom/google/android/gms/ads/identifier/AdvertisingIdClient;->getAdvertisingIdInfo",
            Some(false),
        ),
        (
            "firebase-analytics",
            "device-id",
            "Landroid/telephony/TelephonyManager;->getDeviceId",
            Some(true),
        ),
        (
            "firebase-analytics",
            "device-model",
            "Landroid/os/Build;->MODEL",
            Some(true),
        ),
        (
            "zego-express",
            "installed-apps",
            "Landroid/content/pm/PackageManager;->getInstalledPackages",
            Some(false),
        ),
        (
            "zego-express",
            "microphone",
            "Landroid/media/AudioRecord;->startRecording",
            Some(true),
        ),
        (
            "app",
            "device-id",
            "const-string \"android_id\"",
            Some(true),
        ),
        (
            "app",
            "location",
            "Landroid/location/LocationManager;->getLastKnownLocation",
            Some(false),
        ),
    ];
    let want: Vec<(String, &str, &str, Option<bool>)> = want
        .iter()
        .map(|w| (w.0.to_string(), w.1, w.2, w.3))
        .collect();
    assert_eq!(rows, want);
    let code: Vec<(&str, &str)> = a
        .findings
        .iter()
        .filter(|f| f.code == "PS202" || f.code == "PS106")
        .map(|f| (f.code.as_str(), f.subject.as_str()))
        .collect();
    assert_eq!(
        code,
        [
            ("PS106", "location"),
            ("PS202", "zego-express: installed-apps")
        ]
    );
    let ps202 = a
        .findings
        .iter()
        .find(|f| f.code == "PS202")
        .expect("PS202");
    assert_eq!(
        ps202.clause.as_ref().map(|c| c.id.as_str()),
        Some("III.(A).3")
    );
    assert_eq!(
        ps202.evidence[0].detail.as_deref(),
        Some(
            "im.zego.zegoexpress.ZegoExpressEngine.createEngine -> Landroid/content/pm/PackageManager;->getInstalledPackages (pc 0)"
        )
    );
    // JSON carries the same rows.
    let json = serde_json::to_value(a).expect("json");
    assert_eq!(json["collects"].as_array().map(Vec::len), Some(7));
    assert_eq!(json["collects"][3]["call_sites"][0]["entry"], "classes.dex");
}
