//! The HTML report of a many-app batch laid out by headless Chromium at
//! 1400 px and 800 px: no horizontal overflow of the page and no table
//! cell whose content is wider than the cell (nothing cut or spilling).
//! A copy of the page gets a measuring script (the report itself has no
//! script and a CSP that forbids one); `--dump-dom` returns what it wrote.
//! Skips with a visible message when /usr/bin/chromium is absent.

use assert_cmd::Command;
use std::path::Path;

const CHROMIUM: &str = "/usr/bin/chromium";

const MEASURE: &str = r#"<script>
document.querySelectorAll('details').forEach(function (d) { d.open = true; });
(function () {
  var root = document.documentElement, vw = root.clientWidth, wide = [], cut = [];
  document.body.querySelectorAll('*').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 1) { wide.push(el.tagName + ':' + (el.textContent || '').slice(0, 40)); }
  });
  document.querySelectorAll('td,th').forEach(function (el) {
    if (el.scrollWidth > el.clientWidth + 1) { cut.push((el.textContent || '').slice(0, 40)); }
  });
  var out = document.createElement('pre');
  out.id = 'layout';
  out.textContent = 'LAYOUT ' + JSON.stringify({ scrollWidth: root.scrollWidth, clientWidth: vw, wide: wide.slice(0, 5), cut: cut.slice(0, 5), nwide: wide.length, ncut: cut.length }) + ' END';
  document.body.appendChild(out);
})();
</script>"#;

fn chromium(profile: &Path, extra: &[String], url: &str) -> std::process::Output {
    std::process::Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap()
}

/// A batch of 14 apps with long, unbreakable names, a policy with stale
/// declarations (info findings) and one broken input; the HTML report.
fn batch_html(dir: &Path) -> String {
    let apk = privscan::testkit::fixtures::sample_apk();
    let builds = dir.join("builds");
    std::fs::create_dir_all(&builds).unwrap();
    for i in 0..14 {
        let name = format!(
            "com.example.enterprise.fleet.release.build-{i:02}-arm64_v8a-universal-signed-aligned.apk"
        );
        std::fs::write(builds.join(name), &apk).unwrap();
    }
    std::fs::write(builds.join("truncated-download.apk"), &apk[..300]).unwrap();
    let mut policy = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-policy.toml"),
    )
    .unwrap();
    policy.push_str("\n[[clause]]\nid = \"IX\"\ntitle = \"Stale\"\nandroid_permissions = [\"android.permission.BODY_SENSORS\", \"android.permission.READ_CALENDAR\", \"android.permission.SEND_SMS\"]\n");
    std::fs::write(dir.join("policy.toml"), policy).unwrap();
    let html = dir.join("report.html");
    let out = Command::cargo_bin("privscan")
        .unwrap()
        .current_dir(dir)
        .args([
            "scan",
            "builds",
            "--policy",
            "policy.toml",
            "--format",
            "html",
            "--fail-on",
            "high",
            "-o",
        ])
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "the truncated APK is not scanned"
    );
    std::fs::read_to_string(&html).unwrap()
}

#[test]
fn many_app_html_fits_1400_and_800_pixels() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!(
            "SKIP: {CHROMIUM} not installed (apt-get install chromium); HTML layout not checked"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let html = batch_html(dir.path());
    // Signal first: the verdict and the gate precede the summary; info is folded.
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(
        at("class=\"verdict fail\"") < at("id=\"gate\"")
            && at("id=\"gate\"") < at("id=\"summary\"")
    );
    assert!(html.contains("<details><summary><span class=\"sev info\">INFO</span> 42 finding(s): PS104 ×42</summary>"), "info folded per code");

    let measured = html
        .replace(
            "<meta http-equiv=\"Content-Security-Policy\"",
            "<meta name=\"csp-removed-for-measuring\"",
        )
        .replace("</body>", &format!("{MEASURE}</body>"));
    let page = dir.path().join("measure.html");
    std::fs::write(&page, measured).unwrap();
    for width in [1400u32, 800] {
        let profile = tempfile::tempdir().unwrap();
        let out = chromium(
            profile.path(),
            &[format!("--window-size={width},1000"), "--dump-dom".into()],
            &format!("file://{}", page.display()),
        );
        let dom = String::from_utf8_lossy(&out.stdout);
        let start = dom.find("<pre id=\"layout\">LAYOUT ").unwrap_or_else(|| {
            panic!(
                "no measurement at {width}px: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let end = dom[start..].find(" END").unwrap() + start;
        let text = dom[start + "<pre id=\"layout\">LAYOUT ".len()..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        eprintln!("{width}px: {v}");
        assert!(v["clientWidth"].as_u64().unwrap() <= u64::from(width));
        assert!(
            v["clientWidth"].as_u64().unwrap() >= u64::from(width) - 40,
            "{v}"
        );
        assert_eq!(
            v["scrollWidth"], v["clientWidth"],
            "horizontal overflow at {width}px: {v}"
        );
        assert_eq!(
            v["nwide"], 0,
            "elements past the right edge at {width}px: {v}"
        );
        assert_eq!(
            v["ncut"], 0,
            "table cells wider than their content box at {width}px: {v}"
        );
    }
}
