//! The HTML report end to end: scan the sample APK against the sample
//! policy, render `--format html`, load the file in headless Chromium
//! (Debian's `chromium`, installed by .ci/run) and check the rendered DOM
//! shows the findings, the SDK inventory and the permission table, and that
//! markup injected through an artifact path stays text.
//! Skips with a visible message when /usr/bin/chromium is absent.

use assert_cmd::Command;
use std::path::Path;

const CHROMIUM: &str = "/usr/bin/chromium";

fn render(dir: &Path) -> (std::path::PathBuf, String) {
    // A file name carrying markup: it must be escaped, not executed.
    let apk = dir.join("sample<b>x.apk");
    std::fs::write(&apk, privscan::testkit::fixtures::sample_apk()).unwrap();
    let html = dir.join("report.html");
    let out = Command::cargo_bin("privscan")
        .unwrap()
        .arg("scan")
        .arg(&apk)
        .arg("--policy")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-policy.toml"))
        .args(["--format", "html", "--output"])
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "high findings: exit 1");
    let text = std::fs::read_to_string(&html).unwrap();
    (html, text)
}

#[test]
fn html_is_self_contained_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = render(dir.path());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no scripts");
    // No resource is loaded from anywhere: no src/href attributes, no CSS imports.
    assert!(!html.contains(" src=") && !html.contains(" href=") && !html.contains("@import"));
    assert!(html.contains("default-src 'none'"));
    assert!(html.contains("<svg"));
    assert!(html.contains("sample&lt;b&gt;x.apk"));
    assert!(!html.contains("<b>"));
}

#[test]
fn chromium_renders_the_findings() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!(
            "SKIP: {CHROMIUM} not installed (apt-get install chromium); HTML not rendered in a browser"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (html, _) = render(dir.path());
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(
            format!("file://{}", html.display())
                .replace('<', "%3C")
                .replace('>', "%3E"),
        )
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The DOM Chromium built from the file: the findings are there as text.
    for needle in [
        "privscan report",
        "PS101",
        "android.permission.READ_CONTACTS",
        "android.permission.ACCESS_FINE_LOCATION",
        "PS201",
        "AppsFlyer",
        "ZEGO Express",
        "Permissions of",
        "not declared",
        "dangerous",
    ] {
        assert!(dom.contains(needle), "rendered page lacks {needle:?}");
    }
    // The injected markup was not turned into an element by the browser.
    assert!(!dom.contains("<b>"));
    assert!(dom.contains("sample&lt;b&gt;x.apk"));
    // The chart rendered as SVG with one bar per severity.
    assert_eq!(dom.matches("<rect").count(), 4);
}

#[test]
fn markdown_summarises_findings_and_sdks() {
    let dir = tempfile::tempdir().unwrap();
    let apk = dir.path().join("sample.apk");
    std::fs::write(&apk, privscan::testkit::fixtures::sample_apk()).unwrap();
    let out = Command::cargo_bin("privscan")
        .unwrap()
        .arg("scan")
        .arg(&apk)
        .arg("--policy")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-policy.toml"))
        .args(["--format", "markdown"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("## privscan report"), "{md}");
    assert!(md.contains("#### HIGH ("), "{md}");
    // Subjects are escaped for Markdown, so `_` cannot start emphasis.
    assert!(
        md.contains("| PS101 | android.permission.READ\\_CONTACTS |"),
        "{md}"
    );
    assert!(md.contains("### SDK inventory"));
    assert!(md.contains("AppsFlyer"), "{md}");
    // Every table row has the same number of cells as its header.
    for line in md.lines().filter(|l| l.starts_with("| PS")) {
        let cells = line.matches(" | ").count() + 1;
        assert_eq!(cells, 6, "{line}");
    }
}
