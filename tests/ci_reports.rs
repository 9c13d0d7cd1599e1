//! CI-grade reports end to end (issue 20): SARIF of a repository scan with
//! only repository-relative URIs and policy findings at the policy file,
//! GitHub's upload limits, `privscan merge` of three shards against the
//! unsharded report, the JSON Schema of the report (docs/report.schema.json)
//! against real reports, shell completions and the man page.
//! All inputs are built by the testkit; everything is written to temp dirs.

use assert_cmd::Command;
use privscan::findings::CODES;
use privscan::{ArtifactKind, ArtifactReport, Finding, Location, ScanReport, Severity, ToolInfo};
use std::path::Path;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema_check(schema_file: &str, url: &str, instance: &serde_json::Value) -> Result<(), String> {
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(manifest_dir().join(schema_file)).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource(url, schema).unwrap();
    let idx = compiler.compile(url, &mut schemas).unwrap();
    schemas
        .validate(instance, idx)
        .map_err(|e| format!("{e:#}"))
}

fn validate_sarif(log: &serde_json::Value) {
    let url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    if let Err(e) = schema_check("tests/data/sarif-schema-2.1.0.json", url, log) {
        panic!("SARIF does not validate: {e}");
    }
}

fn validate_report(report: &serde_json::Value) -> Result<(), String> {
    schema_check(
        "docs/report.schema.json",
        "https://privscan.invalid/report.schema.json",
        report,
    )
}

/// The sample policy plus a clause declaring what the sample app does not
/// request or embed (PS104, PS203).
fn policy_text() -> String {
    let mut p =
        std::fs::read_to_string(manifest_dir().join("fixtures/sample-policy.toml")).unwrap();
    p.push_str(
        "\n[[clause]]\nid = \"IX\"\ntitle = \"Stale declarations\"\nandroid_permissions = [\"android.permission.BODY_SENSORS\"]\nsdks = [{ name = \"AppLovin\", vendor = \"AppLovin\" }]\n",
    );
    p
}

/// A repository checkout: `build/app.apk`, `privacy/policy.toml`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("build")).unwrap();
    std::fs::create_dir_all(dir.path().join("privacy")).unwrap();
    std::fs::write(
        dir.path().join("build/app.apk"),
        privscan::testkit::fixtures::sample_apk(),
    )
    .unwrap();
    std::fs::write(dir.path().join("privacy/policy.toml"), policy_text()).unwrap();
    dir
}

fn privscan(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("privscan")
        .unwrap()
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn repository_sarif_has_only_relative_uris_and_policy_findings_at_the_policy() {
    let checkout = repo();
    let out = privscan(
        checkout.path(),
        &[
            "scan",
            "build/app.apk",
            "--policy",
            "privacy/policy.toml",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    validate_sarif(&log);
    let run = &log["runs"][0];
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        for l in r["locations"].as_array().unwrap() {
            let al = &l["physicalLocation"]["artifactLocation"];
            let uri = al["uri"].as_str().unwrap();
            assert!(
                !uri.starts_with('/') && !uri.contains(':'),
                "absolute URI {uri}"
            );
            assert_eq!(al["uriBaseId"], "%SRCROOT%", "{r}");
        }
    }
    let policy_clause_line = policy_text()
        .lines()
        .position(|l| l == "id = \"IX\"")
        .unwrap() as u64; // the `[[clause]]` line above it, 1-based
    for code in ["PS104", "PS203"] {
        let r = results
            .iter()
            .find(|r| r["ruleId"] == code)
            .unwrap_or_else(|| panic!("{code} result missing"));
        let pl = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            pl["artifactLocation"]["uri"], "privacy/policy.toml",
            "{code}: {r}"
        );
        assert_eq!(pl["region"]["startLine"], policy_clause_line, "{code}: {r}");
    }
    // A permission finding stays on the APK, its entry as a logical location.
    let contacts = results
        .iter()
        .find(|r| {
            r["ruleId"] == "PS101"
                && r["properties"]["subject"] == "android.permission.READ_CONTACTS"
        })
        .unwrap();
    let loc = &contacts["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "build/app.apk"
    );
    assert_eq!(loc["logicalLocations"][0]["name"], "AndroidManifest.xml");
    assert_eq!(loc["logicalLocations"][0]["kind"], "resource");
    assert_eq!(loc["logicalLocations"][1]["kind"], "element");
    // Rule help comes from the finding registry.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for (r, c) in rules.iter().zip(CODES) {
        assert!(r["help"]["markdown"].as_str().unwrap().contains(c.help));
    }

    // Same checkout at another path, scanned from a subdirectory with
    // --sarif-root: same URIs and fingerprints.
    let other = repo();
    let out2 = privscan(
        &other.path().join("build"),
        &[
            "scan",
            "app.apk",
            "--policy",
            "../privacy/policy.toml",
            "--format",
            "sarif",
            "--sarif-root",
            "..",
        ],
    );
    let log2: serde_json::Value = serde_json::from_slice(&out2.stdout).unwrap();
    let key = |l: &serde_json::Value| -> Vec<(String, String)> {
        l["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["privscan/v1"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(key(&log), key(&log2));
}

#[test]
fn sarif_respects_githubs_upload_limits() {
    let mut a = ArtifactReport::new("build/huge.apk");
    a.kind = Some(ArtifactKind::Apk);
    for i in 0..26_000u32 {
        let code = CODES[(i as usize) % CODES.len()];
        a.findings.push(Finding {
            code: code.id.into(),
            severity: if i % 2 == 0 {
                Severity::High
            } else {
                Severity::Info
            },
            subject: format!("subject-{i}"),
            message: format!("finding {i}"),
            clause: None,
            evidence: (0..if i == 0 { 25 } else { 1 })
                .map(|k| Location::detail("classes.dex", format!("com.example.C{k}")))
                .collect(),
        });
    }
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
    let map = privscan::report::sarif::UriMap::new(Path::new("/repo"), Path::new("/repo"));
    let log: serde_json::Value =
        serde_json::from_str(&privscan::report::sarif::render_with(&report, &map)).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), privscan::report::sarif::MAX_RESULTS);
    assert!(results.len() <= 25_000);
    // The high findings (13,000) are all kept; the cut falls on info.
    assert_eq!(
        results
            .iter()
            .filter(|r| r["properties"]["severity"] == "high")
            .count(),
        13_000
    );
    let ids: Vec<&str> = CODES.iter().map(|c| c.id).collect();
    for r in results {
        assert!(r["locations"].as_array().unwrap().len() <= 10);
        assert!(ids.contains(&r["ruleId"].as_str().unwrap()));
    }
    assert_eq!(results[0]["locations"].as_array().unwrap().len(), 10);
    assert_eq!(results[0]["properties"]["evidenceCount"], 25);
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rule_ids, ids,
        "rule ids are the registry's, in registry order"
    );
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["properties"]["code"] == "result-cap")
    );
    validate_sarif(&log);
}

/// A fleet directory: 9 copies of the sample APK under different names
/// (one nested) and one truncated APK.
fn fleet() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let apk = privscan::testkit::fixtures::sample_apk();
    std::fs::create_dir_all(dir.path().join("builds/team-b")).unwrap();
    for i in 0..6 {
        std::fs::write(dir.path().join(format!("builds/app{i}.apk")), &apk).unwrap();
    }
    for i in 0..3 {
        std::fs::write(dir.path().join(format!("builds/team-b/b{i}.apk")), &apk).unwrap();
    }
    std::fs::write(dir.path().join("builds/broken.apk"), &apk[..200]).unwrap();
    std::fs::write(dir.path().join("policy.toml"), policy_text()).unwrap();
    dir
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn merge_of_three_shards_equals_the_unsharded_report() {
    let dir = fleet();
    let d = dir.path();
    let base = [
        "scan",
        "builds",
        "--policy",
        "policy.toml",
        "--fail-on",
        "never",
    ];
    let whole = privscan(d, &[&base[..], &["--format", "json"]].concat());
    assert_eq!(whole.status.code(), Some(2), "broken.apk is not scanned");
    let whole = json_of(&whole);
    assert_eq!(whole["artifacts"].as_array().unwrap().len(), 10);
    validate_report(&whole).unwrap();
    let mut shard_files = Vec::new();
    let mut jsonl_files = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let f = format!("shard-{k}.json");
        let out = privscan(
            d,
            &[
                &base[..],
                &["--format", "json", "--shard", &shard, "--output", &f],
            ]
            .concat(),
        );
        assert!(out.status.code().is_some());
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(d.join(&f)).unwrap()).unwrap();
        assert_eq!(v["run"]["flags"]["shard"], shard);
        validate_report(&v).unwrap();
        shard_files.push(f);
        let g = format!("shard-{k}.jsonl");
        privscan(
            d,
            &[
                &base[..],
                &["--format", "jsonl", "--shard", &shard, "--output", &g],
            ]
            .concat(),
        );
        jsonl_files.push(g);
    }
    let mut args = vec!["merge", "--format", "json", "--fail-on", "never"];
    args.extend(shard_files.iter().map(String::as_str));
    let merged = privscan(d, &args);
    assert_eq!(
        merged.status.code(),
        Some(2),
        "the merged report still has broken.apk"
    );
    let merged = json_of(&merged);
    validate_report(&merged).unwrap();
    assert_eq!(merged, whole, "merge of the shards is the unsharded report");
    assert_eq!(merged["totals"]["artifacts"], 10);
    assert_eq!(merged["totals"]["not_scanned"], 1);

    // JSONL shards (completion order within a shard) merge to the same artifacts.
    let mut args = vec!["merge", "--format", "json", "--fail-on", "never"];
    args.extend(jsonl_files.iter().map(String::as_str));
    let from_lines = json_of(&privscan(d, &args));
    assert_eq!(from_lines["artifacts"], whole["artifacts"]);

    // One SARIF out of the shards.
    let mut args = vec!["merge", "--format", "sarif", "--fail-on", "never"];
    args.extend(shard_files.iter().map(String::as_str));
    let sarif = json_of(&privscan(d, &args));
    validate_sarif(&sarif);
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len() as u64,
        ["high", "medium", "low", "info"]
            .iter()
            .map(|s| merged["totals"][s].as_u64().unwrap())
            .sum::<u64>()
    );
}

#[test]
fn merge_refuses_reports_of_different_policies_unless_forced() {
    let dir = fleet();
    let d = dir.path();
    std::fs::write(
        d.join("other.toml"),
        policy_text().replace("BODY_SENSORS", "NFC"),
    )
    .unwrap();
    privscan(
        d,
        &[
            "scan",
            "builds/app0.apk",
            "--policy",
            "policy.toml",
            "--format",
            "json",
            "-o",
            "a.json",
        ],
    );
    privscan(
        d,
        &[
            "scan",
            "builds/app1.apk",
            "--policy",
            "other.toml",
            "--format",
            "json",
            "-o",
            "b.json",
        ],
    );
    let out = privscan(d, &["merge", "a.json", "b.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("different policies") && err.contains("--force"),
        "{err}"
    );
    let out = privscan(
        d,
        &["merge", "--force", "--format", "json", "a.json", "b.json"],
    );
    assert_eq!(json_of(&out)["artifacts"].as_array().unwrap().len(), 2);
}

#[test]
fn report_records_policy_flags_unused_allows_and_baseline_counts() {
    let dir = fleet();
    let d = dir.path();
    let mut p = policy_text();
    p.push_str("\n[[allow]]\ncode = \"PS101\"\nsubject = \"android.permission.READ_CONTACTS\"\nreason = \"reviewed\"\n");
    p.push_str("\n[[allow]]\ncode = \"PS201\"\nsubject = \"no-such-sdk\"\nreason = \"stale\"\n");
    std::fs::write(d.join("allow.toml"), &p).unwrap();
    privscan(
        d,
        &[
            "baseline",
            "write",
            "bl.json",
            "builds/app0.apk",
            "--policy",
            "allow.toml",
        ],
    );
    let out = privscan(
        d,
        &[
            "scan",
            "builds/app0.apk",
            "--policy",
            "allow.toml",
            "--baseline",
            "bl.json",
            "--format",
            "json",
        ],
    );
    let v = json_of(&out);
    validate_report(&v).unwrap();
    let run = &v["run"];
    assert_eq!(run["policy"]["path"], "allow.toml");
    assert_eq!(
        run["policy"]["sha256"],
        privscan::scan::sha256_hex(p.as_bytes())
    );
    assert_eq!(run["flags"]["baseline"], "bl.json");
    assert_eq!(
        run["unused_allows"],
        serde_json::json!(["PS201 no-such-sdk"])
    );
    assert_eq!(
        v["artifacts"][0]["allows_used"],
        serde_json::json!(["PS101 android.permission.READ_CONTACTS"])
    );
    let suppressed = v["totals"]["baseline_suppressed"].as_u64().unwrap();
    assert!(suppressed >= 5, "{v}");
    assert_eq!(v["artifacts"][0]["findings"].as_array().unwrap().len(), 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("[[allow]] PS201 no-such-sdk matched no finding"),
        "{err}"
    );
    assert!(
        err.contains(&format!("the baseline suppressed {suppressed} finding(s)")),
        "{err}"
    );

    // A missing baseline: one error line, the OS error once.
    let out = privscan(
        d,
        &["scan", "builds/app0.apk", "--baseline", "missing.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

#[test]
fn the_report_schema_rejects_what_the_contract_forbids() {
    let dir = fleet();
    let out = privscan(
        dir.path(),
        &[
            "scan",
            "builds/app0.apk",
            "--policy",
            "policy.toml",
            "--format",
            "json",
        ],
    );
    let good = json_of(&out);
    validate_report(&good).unwrap();
    let mut bad = good.clone();
    bad["artifacts"][0]["findings"][0]["severity"] = serde_json::json!("severe");
    assert!(validate_report(&bad).is_err());
    let mut bad = good.clone();
    bad["artifacts"][0]["findings"][0]["code"] = serde_json::json!("X1");
    assert!(validate_report(&bad).is_err());
    let mut bad = good;
    bad.as_object_mut().unwrap().remove("tool");
    assert!(validate_report(&bad).is_err());
}

#[test]
fn cli_conventions_jobs_hints_completions_and_man() {
    let dir = fleet();
    let d = dir.path();
    let out = privscan(d, &["scan", "builds/app0.apk", "--jobs", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be at least 1"));
    let out = privscan(
        d,
        &["scan", "builds/app0.apk", "--policy-text", "policy.toml"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hint: pass it with --policy"));
    std::fs::write(
        d.join("policy.md"),
        "# Privacy policy\n\nWe collect your location.\n",
    )
    .unwrap();
    let out = privscan(d, &["scan", "builds/app0.apk", "--policy", "policy.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pass it with --policy-text"));

    for (shell, needle) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef privscan"),
        ("fish", "complete -c privscan"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion"),
    ] {
        let out = privscan(d, &["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let s = String::from_utf8(out.stdout).unwrap();
        assert!(s.contains(needle), "{shell}: {needle}");
        for flag in ["sarif-root", "fail-on", "merge"] {
            assert!(s.contains(flag), "{shell} completion lacks {flag}");
        }
    }
    let man = privscan(d, &["man"]);
    assert!(man.status.success());
    let man = String::from_utf8(man.stdout).unwrap();
    assert!(man.contains(".TH privscan 1"), "{man}");
    for needle in [
        ".SH \"PRIVSCAN SCAN\"",
        ".SH \"PRIVSCAN MERGE\"",
        "sarif\\-root",
        "\\-\\-force",
    ] {
        assert!(man.contains(needle), "man page lacks {needle}");
    }
}
