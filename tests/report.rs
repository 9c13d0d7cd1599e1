//! Report emitters (text, JSON, JSONL) and the exit-code rule, on a
//! hand-built report.

use privscan::report::{FailOn, exit_code, json, text};
use privscan::{
    AndroidFacts, AndroidManifest, ArtifactError, ArtifactKind, ArtifactReport, ClauseRef,
    Confidence, Detection, EntryError, Finding, Location, SCHEMA_VERSION, ScanReport, SdkEvidence,
    SdkLevel, Severity, ToolInfo, UsesPermission, UsesPermissionTag,
};

fn finding(
    code: &str,
    severity: Severity,
    subject: &str,
    clause: Option<(&str, &str)>,
    evidence: Location,
) -> Finding {
    Finding {
        code: code.into(),
        severity,
        subject: subject.into(),
        message: format!("{subject} is requested but not declared"),
        clause: clause.map(|(id, title)| ClauseRef {
            id: id.into(),
            title: title.into(),
            line: None,
        }),
        evidence: vec![evidence],
    }
}

fn uses(name: &str, i: usize) -> UsesPermission {
    UsesPermission {
        name: name.into(),
        tag: UsesPermissionTag::UsesPermission,
        max_sdk_version: None,
        added_by: vec![],
        location: Location::detail(
            "AndroidManifest.xml",
            format!("manifest/uses-permission[{i}]"),
        ),
    }
}

fn apk() -> ArtifactReport {
    let mut a = ArtifactReport::new("build/sample.apk");
    a.kind = Some(ArtifactKind::Apk);
    a.android = Some(AndroidFacts {
        manifest: AndroidManifest {
            package: Some("com.example.live".into()),
            version_code: Some(42),
            version_name: Some("1.4.2".into()),
            min_sdk: Some(SdkLevel::Api(24)),
            target_sdk: Some(SdkLevel::Api(34)),
            uses_permissions: vec![
                uses("android.permission.INTERNET", 1),
                uses("android.permission.CAMERA", 2),
                uses("android.permission.CAMERA", 3),
            ],
            ..AndroidManifest::default()
        },
        modules: vec![],
    });
    a.sdks = vec![Detection {
        id: "zego-express".into(),
        name: "ZEGO Express".into(),
        vendor: "ZEGO".into(),
        category: "rtc".into(),
        version: Some("3.14.5".into()),
        confidence: Confidence::Present,
        evidence: vec![SdkEvidence {
            matcher: "native_lib".into(),
            pattern: "libZegoExpressEngine.so".into(),
            matched: "libZegoExpressEngine.so".into(),
            tier: Confidence::Present,
            location: Location::entry("lib/arm64-v8a/libZegoExpressEngine.so"),
        }],
        matcher_counts: Default::default(),
        companies: Vec::new(),
        version_source: None,
        bundled_by: Vec::new(),
        part_of: Vec::new(),
        contains: Vec::new(),
        contacts: Vec::new(),
    }];
    a.entry_errors = vec![EntryError {
        entry: "lib/x86/libbroken.so".into(),
        message: "truncated ELF header".into(),
    }];
    a.findings = vec![
        finding(
            "PS104",
            Severity::Info,
            "android.permission.RECORD_AUDIO",
            Some(("III.(D)", "Application Permissions")),
            Location {
                entry: "policy.toml".into(),
                detail: None,
                line: Some(30),
            },
        ),
        finding(
            "PS101",
            Severity::High,
            "android.permission.CAMERA",
            Some(("III.(D)", "Application Permissions")),
            Location::detail("AndroidManifest.xml", "manifest/uses-permission[2]"),
        ),
        finding(
            "PS101",
            Severity::Medium,
            "android.permission.INTERNET",
            None,
            Location::detail("AndroidManifest.xml", "manifest/uses-permission[1]"),
        ),
    ];
    a
}

fn report(artifacts: Vec<ArtifactReport>) -> ScanReport {
    ScanReport {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "privscan".into(),
            version: "0.1.0".into(),
            catalog_version: "test".into(),
        },
        run: None,
        totals: None,
        artifacts,
    }
}

#[test]
fn text_groups_findings_by_severity_with_clause_and_evidence() {
    let out = text::render(&report(vec![apk()]), false);
    assert!(!out.contains('\x1b'), "{out}");
    // What fails the gate comes first, then the artifact.
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "FAILS THE GATE (--fail-on high): 1 finding");
    assert_eq!(
        lines[1],
        "  HIGH PS101 android.permission.CAMERA  sample.apk"
    );
    assert_eq!(lines[3], "build/sample.apk (apk)");
    assert!(
        out.contains("package com.example.live  version 1.4.2 (42)  minSdk 24  targetSdk 34"),
        "{out}"
    );
    assert!(
        out.contains("entry error lib/x86/libbroken.so: truncated ELF header"),
        "{out}"
    );
    // CAMERA appears twice in the manifest: counted once, listed as dangerous.
    assert!(
        out.contains("permissions: 2 requested, 1 dangerous: android.permission.CAMERA"),
        "{out}"
    );
    assert!(
        out.contains("SDK           VENDOR  CATEGORY  VERSION  CONFIDENCE  EVIDENCE"),
        "{out}"
    );
    assert!(
        out.contains("ZEGO Express  ZEGO    rtc       3.14.5   present     1"),
        "{out}"
    );

    let start = out.find("build/sample.apk (apk)").unwrap();
    let pos = |s: &str| {
        start
            + out[start..]
                .find(s)
                .unwrap_or_else(|| panic!("{s} missing in\n{out}"))
    };
    assert!(
        pos("HIGH (1)") < pos("MEDIUM (1)") && pos("MEDIUM (1)") < pos("INFO (1)"),
        "{out}"
    );
    let camera = pos("PS101 android.permission.CAMERA");
    assert!(pos("HIGH (1)") < camera && camera < pos("MEDIUM (1)"));
    let block: Vec<&str> = out[camera..].lines().take(4).collect();
    assert_eq!(
        block,
        [
            "PS101 android.permission.CAMERA",
            "      android.permission.CAMERA is requested but not declared",
            "      violates clause III.(D) Application Permissions",
            "      at AndroidManifest.xml (manifest/uses-permission[2])",
        ]
    );
    assert!(out.contains("      at policy.toml:30\n"), "{out}");
    // A finding without a clause prints no clause line.
    let internet: Vec<&str> = out[pos("PS101 android.permission.INTERNET")..]
        .lines()
        .take(3)
        .collect();
    assert_eq!(
        internet[2],
        "      at AndroidManifest.xml (manifest/uses-permission[1])"
    );
    let tail: Vec<&str> = out.trim_end().lines().rev().take(2).collect();
    assert_eq!(
        tail[1],
        "3 findings: 1 high, 1 medium, 0 low, 1 info; 1 artifact scanned, 0 could not be scanned",
        "{out}"
    );
    assert!(
        tail[0].starts_with(
            "verdict: FAIL (exit 1) · failed: 1 finding at or above --fail-on high (PS101 ×1)"
        ),
        "{out}"
    );
}

#[test]
fn text_colour_only_when_asked_and_hostile_strings_are_escaped() {
    let mut a = apk();
    a.android.as_mut().unwrap().manifest.package = Some("evil\x1b]0;pwned\x07\x1b[2J".into());
    a.findings[1].subject = "android.permission.\x1b[8mHIDDEN".into();
    let plain = text::render(&report(vec![a.clone()]), false);
    assert!(
        !plain.contains('\x1b') && !plain.contains('\x07'),
        "{plain:?}"
    );
    assert!(
        plain.contains("package evil\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"),
        "{plain}"
    );
    let coloured = text::render(&report(vec![a]), true);
    assert!(coloured.contains("\x1b[1;31mHIGH\x1b[0m"), "{coloured:?}");
    // Only our own SGR sequences: every ESC is followed by `[` and a digit.
    assert!(
        coloured
            .match_indices('\x1b')
            .all(|(i, _)| coloured[i + 1..].starts_with('['))
    );
    assert!(!coloured.contains("\x1b]0;"));
}

#[test]
fn text_reports_unscannable_artifacts_and_ios_facts() {
    let mut broken = ArtifactReport::new("bad.ipa");
    broken.kind = Some(ArtifactKind::Ipa);
    broken.error = Some(ArtifactError {
        code: "zip".into(),
        message: "end of central directory not found".into(),
    });
    let mut ios = ArtifactReport::new("app.ipa");
    ios.kind = Some(ArtifactKind::Ipa);
    ios.ios = Some(privscan::IosFacts {
        bundle_id: Some("com.example.live".into()),
        short_version: Some("2.0".into()),
        version: Some("200".into()),
        minimum_os: Some("15.0".into()),
        usage_descriptions: vec![privscan::UsageDescription {
            key: "NSCameraUsageDescription".into(),
            text: "Take photos".into(),
            location: Location::entry("Payload/App.app/Info.plist"),
        }],
        ..Default::default()
    });
    let out = text::render(&report(vec![broken, ios]), false);
    assert!(
        out.contains(
            "bad.ipa (ipa)\n  error [zip]: end of central directory not found\n  no findings\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "app.ipa (ipa)\n  bundle com.example.live  version 2.0 (200)  minimum iOS 15.0\n  usage descriptions: 1: NSCameraUsageDescription\n"
        ),
        "{out}"
    );
    let tail: Vec<&str> = out.trim_end().lines().rev().take(2).collect();
    assert_eq!(
        tail[1],
        "0 findings: 0 high, 0 medium, 0 low, 0 info; 2 artifacts scanned, 1 could not be scanned",
        "{out}"
    );
    assert!(
        tail[0].starts_with("verdict: ERROR (exit 2) · failed: 1 input not scanned: bad.ipa (zip)"),
        "{out}"
    );
    assert!(tail[0].contains("skipped: policy check"), "{out}");
}

#[test]
fn json_follows_the_contract_and_jsonl_is_one_line_per_artifact() {
    let r = report(vec![apk(), ArtifactReport::new("other.apk")]);
    let v: serde_json::Value = serde_json::from_str(&json::render(&r)).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "privscan");
    let a = &v["artifacts"][0];
    assert_eq!(a["kind"], "apk");
    assert_eq!(a["error"], serde_json::Value::Null);
    assert_eq!(a["android"]["package"], "com.example.live");
    assert_eq!(
        a["android"]["uses_permissions"][1]["name"],
        "android.permission.CAMERA"
    );
    assert_eq!(a["findings"][1]["code"], "PS101");
    assert_eq!(a["findings"][1]["severity"], "high");
    assert_eq!(a["findings"][1]["clause"]["id"], "III.(D)");
    assert_eq!(a["findings"][2]["clause"], serde_json::Value::Null);
    assert_eq!(a["sdks"][0]["id"], "zego-express");
    assert_eq!(serde_json::from_value::<ScanReport>(v).unwrap(), r);

    for art in &r.artifacts {
        let line = json::render_line(art);
        assert!(!line.contains('\n'));
        assert_eq!(&serde_json::from_str::<ArtifactReport>(&line).unwrap(), art);
    }
}

#[test]
fn exit_codes_for_every_fail_on() {
    let with = |sevs: &[Severity]| {
        let mut a = ArtifactReport::new("a.apk");
        a.findings = sevs
            .iter()
            .map(|s| finding("PS101", *s, "x", None, Location::entry("e")))
            .collect();
        report(vec![a])
    };
    let cases = [
        (FailOn::Info, [0, 1, 1, 1, 1]),
        (FailOn::Low, [0, 0, 1, 1, 1]),
        (FailOn::Medium, [0, 0, 0, 1, 1]),
        (FailOn::High, [0, 0, 0, 0, 1]),
        (FailOn::Never, [0, 0, 0, 0, 0]),
    ];
    let reports = [
        with(&[]),
        with(&[Severity::Info]),
        with(&[Severity::Info, Severity::Low]),
        with(&[Severity::Medium, Severity::Low]),
        with(&[Severity::High]),
    ];
    for (fail_on, expected) in cases {
        let got: Vec<u8> = reports.iter().map(|r| exit_code(r, fail_on)).collect();
        assert_eq!(got, expected, "{fail_on:?}");
    }
    // An unscannable artifact is exit 2 whatever the threshold.
    let mut r = with(&[Severity::High]);
    let mut bad = ArtifactReport::new("bad.apk");
    bad.error = Some(ArtifactError {
        code: "zip".into(),
        message: "not a zip".into(),
    });
    r.artifacts.push(bad);
    for fail_on in [FailOn::Info, FailOn::High, FailOn::Never] {
        assert_eq!(exit_code(&r, fail_on), 2);
    }
    assert_eq!(FailOn::default(), FailOn::High);
}
