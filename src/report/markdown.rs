//! GitHub-flavoured Markdown report (`--format markdown`) for pull-request
//! comments and CI step summaries (`$GITHUB_STEP_SUMMARY`): a summary
//! table per artifact, the findings grouped by severity, and the SDK
//! inventory.
//!
//! Distrusted input: every string from an artifact (paths, package names,
//! permission names, messages quoting them) is escaped: Markdown and HTML
//! punctuation is backslash-escaped or entity-encoded, so a hostile name
//! cannot inject links, images, HTML, table cells, `@mentions` or `#refs`;
//! line breaks become spaces. Tables are capped (`MAX_ROWS` per severity)
//! so a huge batch stays under GitHub's 65 536-character comment limit.

use crate::model::{ArtifactReport, Finding, ScanReport, Severity};
use crate::report::RenderOptions;
use crate::report::verdict::{gating, info_by_code, verdict};
use std::fmt::Write as _;

/// Rows per findings table before "... and N more".
pub const MAX_ROWS: usize = 100;

/// Severities in report order (high first).
pub const ORDER: [Severity; 4] = [
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// Number of findings per severity, in [`ORDER`] order.
pub fn severity_counts<'a>(artifacts: impl IntoIterator<Item = &'a ArtifactReport>) -> [usize; 4] {
    let mut counts = [0usize; 4];
    for a in artifacts {
        for f in &a.findings {
            if let Some(i) = ORDER.iter().position(|s| *s == f.severity) {
                counts[i] += 1;
            }
        }
    }
    counts
}

/// Escape untrusted text for a Markdown table cell.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '~' | '@' | '{'
            | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn code(s: &str) -> String {
    // Code spans cannot hold a backtick or a pipe safely inside tables;
    // escaped plain text is safe everywhere.
    escape(s)
}

fn finding_row(out: &mut String, a: &ArtifactReport, f: &Finding) {
    let clause = f
        .clause
        .as_ref()
        .map(|c| format!("{} {}", escape(&c.id), escape(&c.title)))
        .unwrap_or_else(|| "—".into());
    let evidence = f
        .evidence
        .first()
        .map(|l| escape(&l.to_string()))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} |",
        f.code,
        code(&f.subject),
        escape(crate::baseline::artifact_name(&a.path)),
        clause,
        escape(&f.message),
        evidence
    );
}

/// Render `report` as Markdown with the default options (gate `high`,
/// info findings summarised).
pub fn render(report: &ScanReport) -> String {
    render_with(report, &RenderOptions::default())
}

/// Render `report` as Markdown: what fails the gate first, info findings
/// as counts per code unless `opts.show_info`, the verdict line last.
pub fn render_with(report: &ScanReport, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let counts = severity_counts(&report.artifacts);
    let errors = report
        .artifacts
        .iter()
        .filter(|a| a.error.is_some())
        .count();
    let _ = writeln!(out, "## privscan report\n");
    let _ = writeln!(
        out,
        "{} artifact(s) scanned, {} could not be scanned · findings: **{}** high, **{}** medium, **{}** low, **{}** info · privscan {} (catalog {})\n",
        report.artifacts.len(),
        errors,
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        escape(&report.tool.version),
        escape(&report.tool.catalog_version)
    );

    let v = verdict(report, opts.fail_on, opts.show_info);
    let _ = writeln!(out, "**{}**\n", escape(&v.line()));
    let gate = gating(report, opts.fail_on);
    if !gate.is_empty() {
        let _ = writeln!(out, "### Fails the gate ({})\n", gate.len());
        out.push_str("| Code | Subject | Artifact | Clause | Message | Evidence |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for (a, f) in gate.iter().take(MAX_ROWS) {
            finding_row(&mut out, a, f);
        }
        if gate.len() > MAX_ROWS {
            let _ = writeln!(out, "\n… and {} more.", gate.len() - MAX_ROWS);
        }
        out.push('\n');
    }
    out.push_str(
        "| Artifact | Kind | App | Version | High | Medium | Low | Info | SDKs | Status |\n",
    );
    out.push_str("|---|---|---|---|---:|---:|---:|---:|---:|---|\n");
    for a in &report.artifacts {
        let c = severity_counts([a]);
        let (app, version) = app_and_version(a);
        let status = match &a.error {
            Some(e) => format!("error: {}", escape(&e.code)),
            None if a.findings.is_empty() => "clean".into(),
            None => "findings".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            escape(&a.path),
            a.kind.map(|k| k.as_str()).unwrap_or("?"),
            escape(&app),
            escape(&version),
            c[0],
            c[1],
            c[2],
            c[3],
            a.sdks.len(),
            status
        );
    }

    let _ = writeln!(out, "\n### Findings\n");
    if counts.iter().sum::<usize>() == 0 {
        out.push_str("No findings.\n");
    }
    for (i, sev) in ORDER.iter().enumerate() {
        if counts[i] == 0 {
            continue;
        }
        let _ = writeln!(
            out,
            "#### {} ({})\n",
            sev.as_str().to_ascii_uppercase(),
            counts[i]
        );
        if *sev == Severity::Info && !opts.show_info {
            let list: Vec<String> = info_by_code(&report.artifacts)
                .iter()
                .map(|(c, n)| format!("{} ×{n}", escape(c)))
                .collect();
            let _ = writeln!(out, "{} (`--show info` lists them)\n", list.join(", "));
            continue;
        }
        out.push_str("| Code | Subject | Artifact | Clause | Message | Evidence |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        let mut shown = 0usize;
        for a in &report.artifacts {
            for f in a.findings.iter().filter(|f| f.severity == *sev) {
                if shown < MAX_ROWS {
                    finding_row(&mut out, a, f);
                }
                shown += 1;
            }
        }
        if shown > MAX_ROWS {
            let _ = writeln!(out, "\n… and {} more.", shown - MAX_ROWS);
        }
        out.push('\n');
    }

    let errored: Vec<&ArtifactReport> = report
        .artifacts
        .iter()
        .filter(|a| a.error.is_some())
        .collect();
    if !errored.is_empty() {
        let _ = writeln!(out, "\n### Could not be scanned\n");
        for a in errored.iter().take(MAX_ROWS) {
            if let Some(e) = &a.error {
                let _ = writeln!(
                    out,
                    "- {} ({}): {}",
                    escape(&a.path),
                    escape(&e.code),
                    escape(&e.message)
                );
            }
        }
    }

    let _ = writeln!(out, "\n### SDK inventory\n");
    if report.artifacts.iter().all(|a| a.sdks.is_empty()) {
        out.push_str("No SDKs detected.\n");
    } else {
        out.push_str("| Artifact | SDK | Vendor | Category | Version | Confidence |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for a in &report.artifacts {
            for d in &a.sdks {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    escape(crate::baseline::artifact_name(&a.path)),
                    escape(&d.inventory_name()),
                    escape(&d.company_label()),
                    escape(&d.category),
                    escape(d.version.as_deref().unwrap_or("—")),
                    match d.confidence {
                        crate::model::Confidence::Present => "present",
                        crate::model::Confidence::Configured => "configured",
                    }
                );
            }
        }
    }
    if report.artifacts.iter().any(|a| !a.collects.is_empty()) {
        let _ = writeln!(out, "\n### Collects (data read by code)\n");
        out.push_str("| Artifact | SDK | Data | API | Call sites | Declared |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for a in &report.artifacts {
            for c in &a.collects {
                let [sdk, data, api, sites, declared] = c.cells();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    escape(crate::baseline::artifact_name(&a.path)),
                    escape(&sdk),
                    escape(&data),
                    code(&api),
                    escape(&sites),
                    escape(&declared)
                );
            }
        }
    }
    if report.artifacts.iter().any(|a| a.store.is_some()) {
        let _ = writeln!(out, "\n### Store declarations (per data type)\n");
        for a in &report.artifacts {
            let Some(store) = &a.store else { continue };
            let _ = writeln!(
                out,
                "{}: {}\n",
                escape(crate::baseline::artifact_name(&a.path)),
                escape(&store.summary())
            );
            out.push_str("| Data type | Policy | Data safety | Privacy manifest | Build |\n");
            out.push_str("|---|---|---|---|---|\n");
            for r in &store.rows {
                let cells: Vec<String> = r.cells().iter().map(|c| escape(c)).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            out.push('\n');
        }
    }
    let _ = writeln!(out, "\n{}", escape(&v.line()));
    out
}

/// Package or bundle id, and version name, of an artifact ("" when unknown).
pub fn app_and_version(a: &ArtifactReport) -> (String, String) {
    if let Some(m) = &a.android {
        return (
            m.manifest.package.clone().unwrap_or_default(),
            m.manifest.version_name.clone().unwrap_or_default(),
        );
    }
    if let Some(i) = &a.ios {
        return (
            i.bundle_id.clone().unwrap_or_default(),
            i.short_version.clone().unwrap_or_default(),
        );
    }
    (String::new(), String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markdown_html_and_mentions() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(escape("[x](http://e)"), "\\[x\\]\\(http\\://e\\)");
        assert_eq!(escape("@team #12"), "\\@team \\#12");
        assert_eq!(escape("a\nb"), "a b");
    }
}
