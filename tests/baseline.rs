//! Baseline round trip and `[[allow]]` expiry, end to end through the CLI,
//! on APKs built by the testkit (the sample app's manifest) in a temp dir.

use assert_cmd::Command;
use privscan::testkit::axml::{ANDROID_NAMESPACES, EncodeOptions, encode, uses_permission};
use privscan::testkit::fixtures::sample_manifest;
use std::path::{Path, PathBuf};

fn policy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-policy.toml")
}

/// An APK holding only the sample manifest, plus `extra` permissions.
fn apk(extra: &[&str]) -> Vec<u8> {
    let mut root = sample_manifest();
    for p in extra {
        root.children.insert(1, uses_permission(p));
    }
    let manifest = encode(&root, ANDROID_NAMESPACES, &EncodeOptions::default());
    privscan::testkit::zip::build_simple(&[("AndroidManifest.xml", &manifest)])
}

fn findings(json: &[u8]) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(json).unwrap();
    v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["findings"].as_array().unwrap().clone())
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn scan(args: &[&std::ffi::OsStr]) -> (Vec<(String, String)>, i32) {
    let out = Command::cargo_bin("privscan")
        .unwrap()
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    (findings(&out.stdout), out.status.code().unwrap())
}

#[test]
fn baseline_round_trip_reports_only_the_new_permission() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app.apk");
    std::fs::write(&app, apk(&[])).unwrap();
    let base = dir.path().join("privscan-baseline.json");
    let pol = policy();

    // Without a baseline the sample has undeclared permissions (exit 1).
    let (before, code) = scan(&[app.as_os_str(), "--policy".as_ref(), pol.as_os_str()]);
    assert!(
        before
            .iter()
            .any(|(c, s)| c == "PS101" && s == "android.permission.READ_CONTACTS"),
        "{before:?}"
    );
    assert_eq!(code, 1);

    let status = Command::cargo_bin("privscan")
        .unwrap()
        .args(["baseline", "write"])
        .arg(&base)
        .arg(&app)
        .arg("--policy")
        .arg(&pol)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    let recorded: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&base).unwrap()).unwrap();
    assert_eq!(recorded["findings"].as_array().unwrap().len(), before.len());
    assert!(
        recorded["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .len()
            == 32
    );

    // Same build with the baseline: nothing new, exit 0.
    let args = [
        app.as_os_str(),
        "--policy".as_ref(),
        pol.as_os_str(),
        "--baseline".as_ref(),
        base.as_os_str(),
    ];
    let (after, code) = scan(&args);
    assert_eq!(after, Vec::<(String, String)>::new());
    assert_eq!(code, 0);

    // The build gains one dangerous permission: exactly that one is reported,
    // even though the indices of the other uses-permission elements moved.
    std::fs::write(&app, apk(&["android.permission.READ_SMS"])).unwrap();
    let (new, code) = scan(&args);
    assert_eq!(
        new,
        vec![("PS101".to_owned(), "android.permission.READ_SMS".to_owned())]
    );
    assert_eq!(code, 1);

    // Another checkout directory: fingerprints use the file name only.
    let other = tempfile::tempdir().unwrap();
    let moved = other.path().join("app.apk");
    std::fs::write(&moved, apk(&[])).unwrap();
    let (moved_findings, _) = scan(&[
        moved.as_os_str(),
        "--policy".as_ref(),
        pol.as_os_str(),
        "--baseline".as_ref(),
        base.as_os_str(),
    ]);
    assert!(moved_findings.is_empty(), "{moved_findings:?}");
}

#[test]
fn allows_suppress_until_they_expire_then_ps904() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app.apk");
    std::fs::write(&app, apk(&[])).unwrap();
    let base_policy = std::fs::read_to_string(policy()).unwrap();
    let with_allow = |expires: &str| {
        let p = dir.path().join(format!("policy-{expires}.toml"));
        std::fs::write(
            &p,
            format!(
                "{base_policy}\n[[allow]]\ncode = \"PS101\"\nsubject = \"android.permission.READ_CONTACTS\"\nreason = \"friend finder, reviewed\"\nexpires = \"{expires}\"\n"
            ),
        )
        .unwrap();
        p
    };
    let in_force = with_allow("2999-12-31");
    let (f, _) = scan(&[app.as_os_str(), "--policy".as_ref(), in_force.as_os_str()]);
    assert!(!f.iter().any(|(_, s)| s.contains("READ_CONTACTS")), "{f:?}");
    assert!(!f.iter().any(|(c, _)| c == "PS904"), "{f:?}");

    let expired = with_allow("2001-01-01");
    let (f, _) = scan(&[app.as_os_str(), "--policy".as_ref(), expired.as_os_str()]);
    assert!(
        f.iter()
            .any(|(c, s)| c == "PS101" && s == "android.permission.READ_CONTACTS"),
        "{f:?}"
    );
    assert!(
        f.iter()
            .any(|(c, s)| c == "PS904" && s == "PS101 android.permission.READ_CONTACTS"),
        "{f:?}"
    );
}

#[test]
fn unreadable_baseline_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app.apk");
    std::fs::write(&app, apk(&[])).unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{not json").unwrap();
    let out = Command::cargo_bin("privscan")
        .unwrap()
        .arg("scan")
        .arg(&app)
        .arg("--baseline")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a privscan baseline"));
}
