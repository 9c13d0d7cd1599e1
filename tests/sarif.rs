//! SARIF output validated against the official OASIS SARIF 2.1.0 JSON
//! schema (errata01, vendored in tests/data with its license note) with
//! the `boon` JSON-schema validator, on the sample APK + sample policy
//! (built by the testkit), a truncated APK, and a hand-built source-tree
//! report that exercises file:line regions.

use assert_cmd::Command;
use privscan::findings::CODES;
use privscan::{ArtifactKind, ArtifactReport, Finding, Location, ScanReport, Severity, ToolInfo};
use std::path::Path;

fn validate(instance: &serde_json::Value) {
    if let Err(e) = check(instance) {
        panic!("SARIF does not validate: {e}");
    }
}

fn check(instance: &serde_json::Value) -> Result<(), String> {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(schema_path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    compiler.add_resource(url, schema).unwrap();
    let idx = compiler.compile(url, &mut schemas).unwrap();
    schemas
        .validate(instance, idx)
        .map_err(|e| format!("{e:#}"))
}

#[test]
fn the_validator_rejects_broken_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let (mut log, _) = sarif_of(dir.path());
    log["runs"][0]["results"][0]["level"] = serde_json::json!("severe");
    assert!(check(&log).is_err());
    let (mut log, _) = sarif_of(dir.path());
    log["runs"][0]["tool"]["driver"]["rules"][0]["bogus"] = serde_json::json!(1);
    assert!(check(&log).is_err());
}

fn sarif_of(dir: &Path) -> (serde_json::Value, i32) {
    let apk = dir.join("sample.apk");
    std::fs::write(&apk, privscan::testkit::fixtures::sample_apk()).unwrap();
    let bad = dir.join("broken.apk");
    std::fs::write(&bad, &privscan::testkit::fixtures::sample_apk()[..100]).unwrap();
    let out = Command::cargo_bin("privscan")
        .unwrap()
        .arg("scan")
        .arg(&apk)
        .arg(&bad)
        .arg("--policy")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-policy.toml"))
        .args(["--format", "sarif"])
        .output()
        .unwrap();
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn sample_apk_sarif_validates_and_maps_findings() {
    let dir = tempfile::tempdir().unwrap();
    let (log, code) = sarif_of(dir.path());
    assert_eq!(code, 2, "broken.apk cannot be scanned");
    validate(&log);

    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "privscan");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), CODES.len());
    for (r, c) in rules.iter().zip(CODES) {
        assert_eq!(r["id"], c.id);
        assert_eq!(r["name"], c.name);
        assert_eq!(r["shortDescription"]["text"], c.short);
        assert_eq!(r["fullDescription"]["text"], c.why);
        assert!(r["help"]["text"].as_str().unwrap().contains(c.help));
    }
    assert_eq!(rules[0]["defaultConfiguration"]["level"], "error"); // PS101 high
    assert!(
        run["properties"]["catalogVersion"]
            .as_str()
            .is_some_and(|v| !v.is_empty())
    );

    let results = run["results"].as_array().unwrap();
    let contacts = results
        .iter()
        .find(|r| {
            r["ruleId"] == "PS101"
                && r["properties"]["subject"] == "android.permission.READ_CONTACTS"
        })
        .expect("PS101 READ_CONTACTS result");
    assert_eq!(contacts["level"], "error");
    assert_eq!(contacts["ruleIndex"], 0);
    let loc = &contacts["locations"][0];
    assert!(
        loc["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("/sample.apk")
    );
    assert_eq!(loc["logicalLocations"][0]["name"], "AndroidManifest.xml");
    assert_eq!(loc["properties"]["entry"], "AndroidManifest.xml");
    assert!(
        results.iter().any(|r| r["ruleId"] == "PS201"),
        "AppsFlyer is undeclared"
    );
    for r in results {
        let rid = r["ruleId"].as_str().unwrap();
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], rid);
        assert_eq!(
            r["partialFingerprints"]["privscan/v1"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
    }

    // The truncated APK is a tool execution notification, not a result.
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("broken.apk")
    );

    // Fingerprints are stable across runs in different directories.
    let other = tempfile::tempdir().unwrap();
    let (log2, _) = sarif_of(other.path());
    let fps = |l: &serde_json::Value| -> Vec<String> {
        l["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["privscan/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(fps(&log), fps(&log2));
    let mut unique = fps(&log);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), fps(&log).len(), "fingerprints are distinct");
}

#[test]
fn source_tree_findings_get_file_and_line_regions() {
    let mut a = ArtifactReport::new("checkouts/my app");
    a.kind = Some(ArtifactKind::Source);
    a.findings.push(Finding {
        code: "PS201".into(),
        severity: Severity::Medium,
        subject: "appsflyer".into(),
        message: "AppsFlyer <SDK> is \"not\" declared".into(),
        clause: None,
        evidence: vec![Location {
            entry: "app/build.gradle".into(),
            detail: Some("com.appsflyer:af-android-sdk:6.12.1".into()),
            line: Some(42),
        }],
    });
    a.findings.push(Finding {
        code: "PS999".into(), // unknown code: still a valid result, no ruleIndex
        severity: Severity::Info,
        subject: "x".into(),
        message: "m".into(),
        clause: None,
        evidence: vec![],
    });
    let report = ScanReport {
        schema_version: 1,
        tool: ToolInfo {
            name: "privscan".into(),
            version: "0.1.0".into(),
            catalog_version: "test".into(),
        },
        run: None,
        totals: None,
        artifacts: vec![a],
    };
    let log: serde_json::Value =
        serde_json::from_str(&privscan::report::sarif::render(&report)).unwrap();
    validate(&log);
    let r = &log["runs"][0]["results"][0];
    assert_eq!(r["level"], "warning");
    let pl = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        pl["artifactLocation"]["uri"],
        "checkouts/my%20app/app/build.gradle"
    );
    assert_eq!(pl["region"]["startLine"], 42);
    assert_eq!(
        r["locations"][0]["message"]["text"],
        "com.appsflyer:af-android-sdk:6.12.1"
    );
    let unknown = &log["runs"][0]["results"][1];
    assert_eq!(unknown["level"], "note");
    assert!(unknown.get("ruleIndex").is_none());
    assert_eq!(
        unknown["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "checkouts/my%20app"
    );
}

/// PS501-PS504 in SARIF: each result's rule is in the registry with its
/// help, its level follows the finding's severity, and evidence in the
/// Data safety export is a physical location at that repository file
/// (relative URI, `%SRCROOT%`) with the row's line, never a logical
/// location inside the APK.
#[test]
fn store_findings_point_at_the_data_safety_export_and_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("play")).unwrap();
    std::fs::write(
        dir.path().join("sample.apk"),
        privscan::testkit::fixtures::sample_apk(),
    )
    .unwrap();
    let csv = privscan::testkit::data_safety::sample_data_safety();
    std::fs::write(dir.path().join("play/data-safety.csv"), &csv).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-policy.toml"),
        dir.path().join("policy.toml"),
    )
    .unwrap();
    let out = Command::cargo_bin("privscan")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "scan",
            "sample.apk",
            "--policy",
            "policy.toml",
            "--data-safety",
            "play/data-safety.csv",
            "--format",
            "sarif",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&log);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let lines: Vec<&str> = std::str::from_utf8(&csv).unwrap().lines().collect();
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    let mut csv_locations = 0;
    for r in run["results"].as_array().unwrap() {
        let id = r["ruleId"].as_str().unwrap();
        if !id.starts_with("PS50") {
            continue;
        }
        *seen.entry(id.to_owned()).or_default() += 1;
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], id);
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        let severity = r["properties"]["severity"].as_str().unwrap();
        let level = match severity {
            "high" => "error",
            "medium" | "low" => "warning",
            _ => "note",
        };
        assert_eq!(r["level"], level, "{id} {severity}");
        for l in r["locations"].as_array().unwrap() {
            let art = &l["physicalLocation"]["artifactLocation"];
            assert_eq!(art["uriBaseId"], "%SRCROOT%");
            let uri = art["uri"].as_str().unwrap();
            assert!(!uri.starts_with('/') && !uri.contains(':'), "{uri}");
            let logical = l["logicalLocations"].to_string();
            assert!(!logical.contains("data-safety.csv"), "{id}: {l}");
            if uri != "play/data-safety.csv" {
                continue;
            }
            if let Some(line) = l["physicalLocation"]["region"]["startLine"].as_u64() {
                // The row the message names is that line of the file.
                let row = l["message"]["text"].as_str().unwrap();
                assert_eq!(row, format!("row {line}"), "{id}");
                assert!(lines[line as usize - 1].starts_with("PSL_"), "{id}: {row}");
                csv_locations += 1;
            }
        }
    }
    // The sample's disagreements: PS501 (code and permissions the form
    // omits), PS503 (contacts: form only), PS504 (photos: policy only).
    for code in ["PS501", "PS503", "PS504"] {
        assert!(seen.contains_key(code), "{code} missing: {seen:?}");
    }
    assert!(
        csv_locations >= 1,
        "no result located at a row of the export"
    );
}
