//! Self-contained HTML report (`--format html`): one file with inline CSS
//! and an inline SVG bar chart (findings per severity); no script, no
//! external stylesheet, font or image, and a Content-Security-Policy
//! (`default-src 'none'`) that forbids the browser any network fetch.
//!
//! Sections: summary (counts and chart), findings by severity, SDK
//! inventory, then per artifact its permission table (`uses-permission`
//! with protectionLevel from the permission catalog and whether the
//! policy declares it) and iOS usage descriptions.
//!
//! Distrusted input: every string from an artifact is HTML-escaped
//! (`&`, `<`, `>`, `"`, `'`) before it is written, in text and attributes.

use crate::model::{ArtifactReport, Finding, ScanReport, Severity};
use crate::report::RenderOptions;
use crate::report::markdown::{ORDER, app_and_version, severity_counts};
use crate::report::verdict::{gating, info_by_code, verdict};
use crate::rules::permissions::PermissionCatalog;
use std::fmt::Write as _;

/// Rows per findings table before "... and N more".
pub const MAX_ROWS: usize = 1000;

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#1b1f24}\
h1{font-size:1.6em}h2{margin-top:1.8em;border-bottom:1px solid #d0d7de}\
table{border-collapse:collapse;margin:.6em 0;width:100%}th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}\
table.f{table-layout:fixed}table.f col.c{width:5.5em}table.f col.s{width:16%}table.f col.a{width:14%}table.f col.l{width:12%}table.f col.e{width:24%}\
.verdict{font-weight:600;padding:.5em .8em;border-left:4px solid #6e7781;background:#f6f8fa}.verdict.fail{border-color:#cf222e}\
details{margin:.6em 0}summary{cursor:pointer;font-weight:600}\
th{background:#f6f8fa}td.n{text-align:right}code{font-family:ui-monospace,monospace;word-break:break-all}\
.sev{font-weight:600;padding:.05em .4em;border-radius:.3em;color:#fff}\
.high{background:#cf222e}.medium{background:#bf8700}.low{background:#0969da}.info{background:#6e7781}\
.err{color:#cf222e}.muted{color:#6e7781}svg{max-width:100%;height:auto}";

/// Header and column widths of a findings table (fixed layout, so long
/// messages and evidence wrap instead of widening the page).
const FINDINGS_TABLE: &str = "<table class=\"f\"><colgroup><col class=\"c\"><col class=\"s\"><col class=\"a\"><col class=\"l\"><col><col class=\"e\"></colgroup>\
<tr><th>Code</th><th>Subject</th><th>Artifact</th><th>Clause</th><th>Message</th><th>Evidence</th></tr>\n";

fn color(i: usize) -> &'static str {
    ["#cf222e", "#bf8700", "#0969da", "#6e7781"]
        .get(i)
        .copied()
        .unwrap_or("#6e7781")
}

/// Inline SVG bar chart of `counts` (high, medium, low, info).
fn chart(counts: &[usize; 4]) -> String {
    // Info findings (stale declarations) can outnumber the rest a
    // hundredfold; scale to the other severities and clip the info bar.
    let signal = counts.iter().take(3).copied().max().unwrap_or(0);
    let max = if signal > 0 { signal } else { counts[3] }.max(1);
    let (bar_w, gap, h) = (60usize, 30usize, 160usize);
    let width = 4 * bar_w + 5 * gap;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{}\" role=\"img\" aria-label=\"Findings per severity\">",
        h + 50
    );
    for (i, sev) in ORDER.iter().enumerate() {
        let n = counts.get(i).copied().unwrap_or(0);
        let bh = n.min(max) * h / max;
        let x = gap + i * (bar_w + gap);
        let y = 20 + h - bh;
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{bar_w}\" height=\"{bh}\" fill=\"{}\"><title>{}: {n}</title></rect>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\">{n}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\">{}</text>",
            color(i),
            sev.as_str(),
            x + bar_w / 2,
            y.saturating_sub(4).max(12),
            x + bar_w / 2,
            h + 40,
            sev.as_str()
        );
    }
    svg.push_str("</svg>");
    svg
}

fn finding_row(out: &mut String, a: &ArtifactReport, f: &Finding) {
    let clause = f
        .clause
        .as_ref()
        .map(|c| format!("{} {}", escape(&c.id), escape(&c.title)))
        .unwrap_or_else(|| "<span class=\"muted\">—</span>".into());
    let evidence: Vec<String> = f
        .evidence
        .iter()
        .take(5)
        .map(|l| format!("<code>{}</code>", escape(&l.to_string())))
        .collect();
    let _ = writeln!(
        out,
        "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        escape(&f.code),
        escape(&f.subject),
        escape(&a.path),
        clause,
        escape(&f.message),
        evidence.join("<br>")
    );
}

fn permission_table(out: &mut String, a: &ArtifactReport) {
    let Some(android) = &a.android else { return };
    let perms = &android.manifest.uses_permissions;
    let _ = writeln!(out, "<h3>Permissions of {}</h3>", escape(&a.path));
    if perms.is_empty() {
        out.push_str("<p class=\"muted\">No uses-permission elements.</p>\n");
        return;
    }
    let catalog = PermissionCatalog::embedded();
    let undeclared = |name: &str| {
        a.findings
            .iter()
            .any(|f| f.code == "PS101" && f.subject == name)
    };
    out.push_str("<table><tr><th>Permission</th><th>Element</th><th>maxSdkVersion</th><th>protectionLevel</th><th>Category</th><th>Policy</th></tr>\n");
    for p in perms {
        let info = catalog.get(&p.name);
        let policy = if a.policy.is_none() {
            "<span class=\"muted\">no policy</span>"
        } else if undeclared(&p.name) {
            "<span class=\"err\">not declared</span>"
        } else {
            "declared or allowed"
        };
        let tag = match p.tag {
            crate::model::UsesPermissionTag::UsesPermission => "uses-permission",
            crate::model::UsesPermissionTag::UsesPermissionSdk23 => "uses-permission-sdk-23",
        };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{tag}</td><td>{}</td><td>{}</td><td>{}</td><td>{policy}</td></tr>",
            escape(&p.name),
            p.max_sdk_version
                .as_ref()
                .map(|l| escape(&l.to_string()))
                .unwrap_or_default(),
            info.map(|i| escape(&i.protection_level))
                .unwrap_or_else(|| "<span class=\"muted\">unknown</span>".into()),
            info.map(|i| escape(&i.category)).unwrap_or_default(),
        );
    }
    out.push_str("</table>\n");
}

fn usage_table(out: &mut String, a: &ArtifactReport) {
    let Some(ios) = &a.ios else { return };
    let _ = writeln!(
        out,
        "<h3>iOS usage descriptions of {}</h3>",
        escape(&a.path)
    );
    if ios.usage_descriptions.is_empty() {
        out.push_str("<p class=\"muted\">No NS*UsageDescription keys.</p>\n");
        return;
    }
    out.push_str("<table><tr><th>Key</th><th>Text</th><th>Bundle</th></tr>\n");
    for u in &ios.usage_descriptions {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td></tr>",
            escape(&u.key),
            escape(&u.text),
            escape(&u.location.entry)
        );
    }
    out.push_str("</table>\n");
}

/// Render `report` as one self-contained HTML document with the default
/// options (gate `high`, info findings summarised).
pub fn render(report: &ScanReport) -> String {
    render_with(report, &RenderOptions::default())
}

/// Render `report` as HTML: the verdict and what fails the gate first,
/// info findings folded in a `<details>` with counts per code (every one
/// listed with `opts.show_info`), the verdict again at the end.
pub fn render_with(report: &ScanReport, opts: &RenderOptions) -> String {
    let counts = severity_counts(&report.artifacts);
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>privscan report</title>\n<style>");
    out.push_str(CSS);
    out.push_str("</style></head><body>\n<h1>privscan report</h1>\n");
    let errors = report
        .artifacts
        .iter()
        .filter(|a| a.error.is_some())
        .count();
    let _ = writeln!(
        out,
        "<p>{} artifact(s) scanned, {} could not be scanned. privscan {}, SDK catalog {}.</p>",
        report.artifacts.len(),
        errors,
        escape(&report.tool.version),
        escape(&report.tool.catalog_version)
    );

    let v = verdict(report, opts.fail_on, opts.show_info);
    let verdict_html = format!(
        "<p class=\"verdict{}\">{}</p>\n",
        if v.exit == 0 { "" } else { " fail" },
        escape(&v.line())
    );
    out.push_str(&verdict_html);
    let gate = gating(report, opts.fail_on);
    if !gate.is_empty() {
        let _ = writeln!(
            out,
            "<h2 id=\"gate\">Fails the gate ({} finding(s))</h2>",
            gate.len()
        );
        out.push_str(FINDINGS_TABLE);
        for (a, f) in gate.iter().take(MAX_ROWS) {
            finding_row(&mut out, a, f);
        }
        out.push_str("</table>\n");
        if gate.len() > MAX_ROWS {
            let _ = writeln!(out, "<p>… and {} more.</p>", gate.len() - MAX_ROWS);
        }
    }
    out.push_str("<h2 id=\"summary\">Summary</h2>\n");
    let _ = writeln!(
        out,
        "<p>Findings: {} high, {} medium, {} low, {} info.</p>",
        counts[0], counts[1], counts[2], counts[3]
    );
    out.push_str(&chart(&counts));
    out.push_str("\n<table><tr><th>Artifact</th><th>Kind</th><th>App</th><th>Version</th><th>High</th><th>Medium</th><th>Low</th><th>Info</th><th>SDKs</th><th>Status</th></tr>\n");
    for a in &report.artifacts {
        let c = severity_counts([a]);
        let (app, version) = app_and_version(a);
        let status = match &a.error {
            Some(e) => format!(
                "<span class=\"err\">not scanned ({}): {}</span>",
                escape(&e.code),
                escape(&e.message)
            ),
            None if a.findings.is_empty() => "clean".into(),
            None => "findings".into(),
        };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{status}</td></tr>",
            escape(&a.path),
            a.kind.map(|k| k.as_str()).unwrap_or("?"),
            escape(&app),
            escape(&version),
            c[0],
            c[1],
            c[2],
            c[3],
            a.sdks.len()
        );
    }
    out.push_str("</table>\n");

    out.push_str("<h2 id=\"findings\">Findings by severity</h2>\n");
    if counts.iter().sum::<usize>() == 0 {
        out.push_str("<p>No findings.</p>\n");
    }
    for (i, sev) in ORDER.iter().enumerate() {
        if counts[i] == 0 {
            continue;
        }
        let heading = format!(
            "<span class=\"sev {}\">{}</span> {} finding(s)",
            sev.as_str(),
            sev.as_str().to_ascii_uppercase(),
            counts[i]
        );
        let folded = *sev == Severity::Info && !opts.show_info;
        if folded {
            let list: Vec<String> = info_by_code(&report.artifacts)
                .iter()
                .map(|(c, n)| format!("{} ×{n}", escape(c)))
                .collect();
            let _ = writeln!(
                out,
                "<details><summary>{heading}: {}</summary>",
                list.join(", ")
            );
        } else {
            let _ = writeln!(out, "<h3>{heading}</h3>");
        }
        out.push_str(FINDINGS_TABLE);
        let mut shown = 0usize;
        for a in &report.artifacts {
            for f in a.findings.iter().filter(|f| f.severity == *sev) {
                if shown < MAX_ROWS {
                    finding_row(&mut out, a, f);
                }
                shown += 1;
            }
        }
        out.push_str("</table>\n");
        if shown > MAX_ROWS {
            let _ = writeln!(out, "<p>… and {} more.</p>", shown - MAX_ROWS);
        }
        if folded {
            out.push_str("</details>\n");
        }
    }

    if report.artifacts.iter().any(|a| a.store.is_some()) {
        out.push_str("<h2 id=\"store\">Store declarations (per data type)</h2>\n");
        for a in &report.artifacts {
            let Some(store) = &a.store else { continue };
            let _ = writeln!(
                out,
                "<p><code>{}</code>: {}</p>",
                escape(&a.path),
                escape(&store.summary())
            );
            out.push_str("<table><tr><th>Data type</th><th>Policy</th><th>Data safety</th><th>Privacy manifest</th><th>Build</th></tr>\n");
            for r in &store.rows {
                out.push_str("<tr>");
                for c in r.cells() {
                    let _ = write!(out, "<td>{}</td>", escape(&c));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</table>\n");
        }
    }

    if report.artifacts.iter().any(|a| !a.collects.is_empty()) {
        out.push_str("<h2 id=\"collects\">Collects (data read by code)</h2>\n");
        out.push_str("<table><tr><th>Artifact</th><th>SDK</th><th>Data</th><th>API</th><th>Call sites</th><th>Declared</th></tr>\n");
        for a in &report.artifacts {
            for c in &a.collects {
                let [sdk, data, api, sites, declared] = c.cells();
                let _ = writeln!(
                    out,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                    escape(&a.path),
                    escape(&sdk),
                    escape(&data),
                    escape(&api),
                    escape(&sites),
                    escape(&declared)
                );
            }
        }
        out.push_str("</table>\n");
    }
    out.push_str("<h2 id=\"sdks\">SDK inventory</h2>\n");
    if report.artifacts.iter().all(|a| a.sdks.is_empty()) {
        out.push_str("<p>No SDKs detected.</p>\n");
    } else {
        out.push_str("<table><tr><th>Artifact</th><th>SDK</th><th>Vendor</th><th>Category</th><th>Version</th><th>Confidence</th><th>Evidence</th></tr>\n");
        for a in &report.artifacts {
            for d in &a.sdks {
                let ev = d
                    .evidence
                    .first()
                    .map(|e| {
                        format!(
                            "<code>{}</code> in {}",
                            escape(&e.matched),
                            escape(&e.location.to_string())
                        )
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{ev}</td></tr>",
                    escape(&a.path),
                    escape(&d.inventory_name()),
                    escape(&d.company_label()),
                    escape(&d.category),
                    escape(d.version.as_deref().unwrap_or("")),
                    match d.confidence {
                        crate::model::Confidence::Present => "present",
                        crate::model::Confidence::Configured => "configured",
                    }
                );
            }
        }
        out.push_str("</table>\n");
    }

    out.push_str("<h2 id=\"permissions\">Permissions per artifact</h2>\n");
    for a in &report.artifacts {
        permission_table(&mut out, a);
        usage_table(&mut out, a);
    }
    out.push_str(&verdict_html);
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
        assert_eq!(escape("a\u{1b}b"), "a\\u{1b}b");
    }

    #[test]
    fn chart_scales_bars_to_the_largest_count() {
        let svg = chart(&[4, 2, 0, 1]);
        assert!(svg.contains("height=\"160\""), "{svg}");
        assert!(svg.contains("height=\"80\""), "{svg}");
        assert!(svg.contains("height=\"0\""), "{svg}");
        assert!(svg.contains("height=\"40\""), "{svg}");
    }
}
