//! End-to-end CLI tests: the README's main command on the shipped
//! fixtures, exit codes, JSON contract, and a corpus APK against the
//! hand-drafted seed policy (issue acceptance: undeclared permissions with
//! clause id and evidence in text and JSON).

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> Option<PathBuf> {
    [
        root().join("../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

fn privscan() -> Command {
    Command::cargo_bin("privscan").unwrap()
}

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("valid JSON")
}

#[test]
fn readme_main_command_reports_undeclared_permissions_and_sdk() {
    let out = privscan()
        .current_dir(root())
        .args([
            "scan",
            "fixtures/sample.apk",
            "--policy",
            "fixtures/sample-policy.toml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "PS101 android.permission.ACCESS_FINE_LOCATION",
        ))
        .stdout(predicate::str::contains(
            "violates clause III.(D) Application Permissions",
        ))
        .stdout(predicate::str::contains("PS201 appsflyer"))
        .stdout(predicate::str::contains("ZEGO Express Engine"))
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    // Colour only on a terminal: the test's stdout is a pipe.
    assert!(!text.contains('\u{1b}'), "ANSI codes on a pipe");
    // ZEGO is declared by its legal name, so it is not a PS201.
    assert!(!text.contains("PS201 zego-express"), "{text}");
}

#[test]
fn json_contract_on_the_sample_apk() {
    let out = privscan()
        .current_dir(root())
        .args([
            "scan",
            "fixtures/sample.apk",
            "--policy",
            "fixtures/sample-policy.toml",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "privscan");
    let a = &v["artifacts"][0];
    assert_eq!(a["kind"], "apk");
    assert_eq!(a["sha256"].as_str().map(str::len), Some(64));
    let android = &a["android"];
    assert_eq!(android["package"], "com.privscan.sample");
    assert_eq!(android["version_code"], 3);
    // versionName is a reference resolved through resources.arsc.
    assert_eq!(android["version_name"], "1.2.0");
    assert_eq!(android["min_sdk"], 24);
    assert_eq!(android["target_sdk"], 34);
    let perms: Vec<&str> = android["uses_permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        perms.contains(&"android.permission.POST_NOTIFICATIONS"),
        "uses-permission-sdk-23 kept: {perms:?}"
    );
    let storage = android["uses_permissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "android.permission.READ_EXTERNAL_STORAGE")
        .unwrap();
    assert_eq!(storage["max_sdk_version"], 32);
    let sdks: Vec<&str> = a["sdks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        sdks.contains(&"zego-express")
            && sdks.contains(&"firebase-analytics")
            && sdks.contains(&"appsflyer"),
        "{sdks:?}"
    );
    let f = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "PS101" && f["subject"] == "android.permission.READ_CONTACTS")
        .expect("PS101 READ_CONTACTS");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["clause"]["id"], "III.(D)");
    assert_eq!(f["evidence"][0]["entry"], "AndroidManifest.xml");
}

#[test]
fn fail_on_never_exits_zero_and_no_policy_reports_facts_only() {
    privscan()
        .current_dir(root())
        .args([
            "scan",
            "fixtures/sample.apk",
            "--policy",
            "fixtures/sample-policy.toml",
            "--fail-on",
            "never",
        ])
        .assert()
        .code(0);
    let out = privscan()
        .current_dir(root())
        .args(["scan", "fixtures/sample.apk", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    assert_eq!(
        v["artifacts"][0]["findings"].as_array().map(Vec::len),
        Some(0)
    );
    assert!(!v["artifacts"][0]["sdks"].as_array().unwrap().is_empty());
}

#[test]
fn unreadable_input_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.apk");
    std::fs::write(&bad, b"PK\x03\x04 truncated").unwrap();
    privscan()
        .args(["scan"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.apk"));
    privscan()
        .args(["scan", "does-not-exist.apk"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does-not-exist.apk"));
}

#[test]
fn bad_policy_file_is_a_clear_error_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("policy.toml");
    std::fs::write(
        &p,
        "[policy]\nname = \"x\"\n\n[[clause]]\nid = \"I\"\nandroid_permision = [\"CAMERA\"]\n",
    )
    .unwrap();
    privscan()
        .current_dir(root())
        .args(["scan", "fixtures/sample.apk", "--policy"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy.toml:6"))
        .stderr(predicate::str::contains("android_permision"));
}

#[test]
fn explain_prints_a_code() {
    privscan()
        .args(["explain", "PS101"])
        .assert()
        .success()
        .stdout(predicate::str::contains("PermissionNotDeclared"));
}

/// Issue acceptance: a corpus APK scanned with a policy drafted by hand from
/// ../shared/seeds reports undeclared permissions with clause id and evidence.
#[test]
fn corpus_apk_against_seed_policy_text_and_json() {
    let Some(corpus) = corpus() else {
        eprintln!("SKIP: ../shared/corpus is absent");
        return;
    };
    let apk = corpus.join("apk/androguard__a2dp.Vol_137.apk");
    let seed = root().join("tests/data/seed-policy.toml");
    privscan()
        .args(["scan"])
        .arg(&apk)
        .arg("--policy")
        .arg(&seed)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "PS101 android.permission.READ_CONTACTS",
        ))
        .stdout(predicate::str::contains(
            "violates clause III.(D) Application Permissions",
        ))
        .stdout(predicate::str::contains("at AndroidManifest.xml:"));
    let out = privscan()
        .args(["scan", "--format", "json"])
        .arg(&apk)
        .arg("--policy")
        .arg(&seed)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let findings = v["artifacts"][0]["findings"].as_array().unwrap();
    let contacts = findings
        .iter()
        .find(|f| f["code"] == "PS101" && f["subject"] == "android.permission.READ_CONTACTS")
        .expect("READ_CONTACTS undeclared");
    assert_eq!(contacts["clause"]["id"], "III.(D)");
    assert_eq!(contacts["evidence"][0]["entry"], "AndroidManifest.xml");
    assert!(contacts["evidence"][0]["line"].as_u64().is_some());
    // Declared in the seed: never reported as undeclared.
    assert!(
        !findings
            .iter()
            .any(|f| f["code"] == "PS101" && f["subject"] == "android.permission.INTERNET")
    );
}

#[test]
fn fixtures_are_fresh() {
    for (name, bytes) in privscan::testkit::all_fixtures() {
        let path = root().join("fixtures").join(name);
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == bytes,
            "fixtures/{name} is stale: run `cargo run --example make_fixtures` and commit"
        );
    }
    assert!(Path::new(&root().join("fixtures/sample-policy.toml")).is_file());
}

/// Issue acceptance (iOS): the fixture IPA produces PS102, PS301 and PS303
/// with evidence in text and JSON.
#[test]
fn sample_ipa_prechecks_in_text_and_json() {
    privscan()
        .current_dir(root())
        .args([
            "scan",
            "fixtures/sample.ipa",
            "--policy",
            "fixtures/sample-policy.toml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "PS102 NSLocationWhenInUseUsageDescription",
        ))
        .stdout(predicate::str::contains(
            "PS301 NSPrivacyAccessedAPICategorySystemBootTime",
        ))
        .stdout(predicate::str::contains("PS303 NSContactsUsageDescription"))
        .stdout(predicate::str::contains("ITMS-91053"));
    let out = privscan()
        .current_dir(root())
        .args([
            "scan",
            "fixtures/sample.ipa",
            "--policy",
            "fixtures/sample-policy.toml",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let a = &v["artifacts"][0];
    assert_eq!(a["kind"], "ipa");
    assert_eq!(a["ios"]["bundle_id"], "com.example.samplelive");
    let findings = a["findings"].as_array().unwrap();
    for (code, subject) in [
        ("PS102", "NSLocationWhenInUseUsageDescription"),
        ("PS301", "NSPrivacyAccessedAPICategorySystemBootTime"),
        ("PS303", "NSContactsUsageDescription"),
    ] {
        let f = findings
            .iter()
            .find(|f| f["code"] == code && f["subject"] == subject)
            .unwrap_or_else(|| panic!("{code} {subject} missing: {findings:?}"));
        assert!(
            !f["evidence"].as_array().unwrap().is_empty(),
            "{code} has evidence"
        );
    }
    let ps102 = findings.iter().find(|f| f["code"] == "PS102").unwrap();
    assert_eq!(ps102["clause"]["id"], "III.(D)");
    let sdks: Vec<&str> = a["sdks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        sdks.contains(&"zego-express") && sdks.contains(&"firebase-analytics"),
        "{sdks:?}"
    );
}

#[test]
fn policy_extract_and_lint_on_the_seed() {
    let seed = root().join("../shared/seeds/000_84f2546856c26503.txt");
    let seed = if seed.is_file() {
        seed
    } else {
        PathBuf::from("/work/shared/seeds/000_84f2546856c26503.txt")
    };
    if !seed.is_file() {
        eprintln!("SKIP: ../shared/seeds is absent");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("policy.toml");
    privscan()
        .args(["policy", "extract"])
        .arg(&seed)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let policy = privscan::policy::load::load(&out).expect("the draft loads as a policy file");
    let d = policy
        .clauses
        .iter()
        .find(|c| c.id == "III.(D)")
        .expect("III.(D)");
    assert_eq!(
        d.android_permissions.len(),
        11,
        "{:?}",
        d.android_permissions
    );
    privscan()
        .args(["policy", "lint"])
        .arg(&seed)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("PS401"))
        .stdout(predicate::str::contains("PS402 medium location"));
}

/// `--policy-text` drafts the policy from prose and uses it: location is
/// described in the seed's prose (clause I.(C).3) but missing from its
/// permission list, so ACCESS_FINE_LOCATION is PS103, not PS101.
#[test]
fn policy_text_reports_ps103_for_prose_only_categories() {
    let seed = [
        root().join("../shared/seeds/000_84f2546856c26503.txt"),
        PathBuf::from("/work/shared/seeds/000_84f2546856c26503.txt"),
    ]
    .into_iter()
    .find(|p| p.is_file());
    let Some(seed) = seed else {
        eprintln!("SKIP: ../shared/seeds is absent");
        return;
    };
    let out = privscan()
        .current_dir(root())
        .args([
            "scan",
            "fixtures/sample.apk",
            "--format",
            "json",
            "--policy-text",
        ])
        .arg(&seed)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let findings = v["artifacts"][0]["findings"].as_array().unwrap();
    let loc = findings
        .iter()
        .find(|f| f["subject"] == "android.permission.ACCESS_FINE_LOCATION")
        .expect("location permission reported");
    assert_eq!(loc["code"], "PS103", "{loc}");
    assert_eq!(loc["clause"]["id"], "III.(D)");
    // CAMERA is in the seed's permission list: not reported.
    assert!(
        !findings
            .iter()
            .any(|f| f["subject"] == "android.permission.CAMERA")
    );
}

/// `--rules DIR` extends the embedded catalog with a user's SDK rules.
#[test]
fn rules_dir_extends_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("inhouse.toml"),
        r#"
[vendor]
id = "inhouse"
name = "In-house Analytics Ltd."

[[sdk]]
id = "inhouse-logger"
name = "In-house Logger"
category = "analytics"
source = "https://example.com/internal-sdk-docs (package com.privscan.sample.util)"

[sdk.match]
dex_class = ["com.privscan.sample.util"]

[sdk.tests]
positive = ["dex_class:com.privscan.sample.util.Logger"]
negative = ["dex_class:com.privscan.sample.utility.X"]
"#,
    )
    .unwrap();
    let out = privscan()
        .current_dir(root())
        .args(["scan", "fixtures/sample.apk", "--format", "json", "--rules"])
        .arg(dir.path())
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let sdks: Vec<&str> = v["artifacts"][0]["sdks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        sdks.contains(&"inhouse-logger") && sdks.contains(&"zego-express"),
        "{sdks:?}"
    );
    // A broken rule file is a clear error naming the file.
    std::fs::write(dir.path().join("broken.toml"), "[vendor]\nid = 3\n").unwrap();
    privscan()
        .current_dir(root())
        .args(["scan", "fixtures/sample.apk", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.toml"));
}

/// `--max-entry-size` lowers (or raises) the per-entry cap; an entry over
/// it is not read and is reported as PS905, which `--fail-on medium` fails.
#[test]
fn max_entry_size_flag_caps_entries_and_reports_ps905() {
    use privscan::testkit::axml::{
        ANDROID_NAMESPACES, EncodeOptions, encode, manifest, uses_permission,
    };
    use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build};
    let dir = tempfile::tempdir().unwrap();
    let apk = dir.path().join("big-dex.apk");
    let axml = encode(
        &manifest(
            "com.big.dex",
            vec![uses_permission("android.permission.CAMERA")],
        ),
        ANDROID_NAMESPACES,
        &EncodeOptions::default(),
    );
    let bytes = build(
        &[
            EntrySpec::deflated("AndroidManifest.xml", &axml),
            EntrySpec::deflated("classes.dex", &vec![0u8; 64 << 10]),
        ],
        &ArchiveSpec::default(),
    );
    std::fs::write(&apk, bytes).unwrap();
    let ps905 = |extra: &[&str], code: i32| -> Vec<String> {
        let out = privscan()
            .arg("scan")
            .arg(&apk)
            .args(["--format", "json", "--fail-on", "medium"])
            .args(extra)
            .assert()
            .code(code)
            .get_output()
            .stdout
            .clone();
        let v = json_of(&out);
        v["artifacts"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "PS905")
            .map(|f| f["subject"].as_str().unwrap().to_string())
            .collect()
    };
    // Under the default caps the (zero-filled, so not a DEX) entry is read.
    assert!(ps905(&[], 0).is_empty());
    assert_eq!(ps905(&["--max-entry-size", "32KiB"], 1), ["classes.dex"]);
    assert_eq!(
        ps905(&["--max-total-inflated", "32KiB"], 1),
        ["classes.dex"]
    );
    assert!(ps905(&["--max-entry-size", "1MiB"], 0).is_empty());
    privscan()
        .arg("scan")
        .arg(&apk)
        .args(["--max-entry-size", "12 parsecs"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown unit"));
}
