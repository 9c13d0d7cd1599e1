//! Human-readable text report (`--format text`, the default on a TTY).
//!
//! Signal first: the findings that fail the gate (`--fail-on`) come
//! before anything else. Then per artifact: a header (path, kind, package
//! or bundle id, version, min/target SDK), the artifact error and entry
//! errors, a permission summary, the SDK inventory, then findings grouped
//! by severity (high first) with their clause and evidence; info findings
//! are one line of counts per code unless `--show info`. At the end a
//! summary line and the one-line verdict (`report::verdict`).
//!
//! Distrusted input: every string that came from a scanned artifact
//! (package names, permission names, entry paths, messages quoting them)
//! may contain terminal control sequences. They are escaped before
//! printing, so a hostile manifest cannot rewrite the reviewer's terminal.
//! ANSI colour is added only when the caller asks for it (a TTY without
//! `NO_COLOR`).

use crate::model::{ArtifactReport, Confidence, Finding, ScanReport, Severity};
use crate::report::RenderOptions;
use crate::report::verdict::{gating, verdict};
use crate::rules::permissions::PermissionCatalog;
use std::fmt::Write as _;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";

/// Severities in report order.
const ORDER: [Severity; 4] = [
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    fn severity(&self, s: Severity) -> String {
        let label = s.as_str().to_ascii_uppercase();
        let style = match s {
            Severity::High => "\x1b[1;31m",
            Severity::Medium => YELLOW,
            Severity::Low => CYAN,
            Severity::Info => DIM,
        };
        self.paint(style, &label)
    }
}

/// Escape control characters (ESC, CR, BEL...) so untrusted text prints
/// as visible escapes instead of acting on the terminal.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Render `report` as text with every finding listed and the default
/// gate (`--fail-on high`). `color` adds ANSI colour codes; with `false`
/// the output contains no escape sequence at all.
pub fn render(report: &ScanReport, color: bool) -> String {
    let opts = RenderOptions {
        color,
        show_info: true,
        ..RenderOptions::default()
    };
    render_with(report, &opts)
}

/// Render `report` as text with `opts` (gate, `--show info`, colour).
pub fn render_with(report: &ScanReport, opts: &RenderOptions) -> String {
    let st = Style { color: opts.color };
    let mut out = String::new();
    let gate = gating(report, opts.fail_on);
    if !gate.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            st.paint(
                "\x1b[1;31m",
                &format!(
                    "FAILS THE GATE (--fail-on {}): {} finding{}",
                    opts.fail_on.threshold().map_or("never", |t| t.as_str()),
                    gate.len(),
                    plural(gate.len())
                )
            )
        );
        for (a, f) in gate.iter().take(50) {
            let _ = writeln!(
                out,
                "  {} {} {}  {}",
                st.severity(f.severity),
                st.paint(BOLD, &clean(&f.code)),
                clean(&f.subject),
                clean(crate::baseline::artifact_name(&a.path))
            );
        }
        if gate.len() > 50 {
            let _ = writeln!(out, "  ... and {} more (below)", gate.len() - 50);
        }
        out.push('\n');
    }
    for (i, a) in report.artifacts.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        artifact(&mut out, a, &st, opts.show_info);
    }
    let mut counts = [0usize; 4];
    for f in report.artifacts.iter().flat_map(|a| &a.findings) {
        if let Some(slot) = ORDER
            .iter()
            .position(|s| *s == f.severity)
            .and_then(|p| counts.get_mut(p))
        {
            *slot = slot.saturating_add(1);
        }
    }
    let total: usize = counts.iter().sum();
    let parts: Vec<String> = ORDER
        .iter()
        .zip(counts)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let errors = report
        .artifacts
        .iter()
        .filter(|a| a.error.is_some())
        .count();
    let n = report.artifacts.len();
    let _ = writeln!(
        out,
        "\n{}: {}; {n} artifact{} scanned, {errors} could not be scanned",
        st.paint(BOLD, &format!("{total} finding{}", plural(total))),
        parts.join(", "),
        plural(n),
    );
    let _ = writeln!(
        out,
        "{}",
        verdict(report, opts.fail_on, opts.show_info).line()
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn artifact(out: &mut String, a: &ArtifactReport, st: &Style, show_info: bool) {
    let kind = a.kind.map_or("unknown", |k| k.as_str());
    let _ = writeln!(out, "{} ({kind})", st.paint(BOLD, &clean(&a.path)));

    let mut facts = Vec::new();
    if let Some(android) = &a.android {
        let m = &android.manifest;
        if let Some(p) = &m.package {
            facts.push(format!("package {}", clean(p)));
        }
        match (&m.version_name, m.version_code) {
            (Some(n), Some(c)) => facts.push(format!("version {} ({c})", clean(n))),
            (Some(n), None) => facts.push(format!("version {}", clean(n))),
            (None, Some(c)) => facts.push(format!("versionCode {c}")),
            (None, None) => {}
        }
        if let Some(s) = &m.min_sdk {
            facts.push(format!("minSdk {}", clean(&s.to_string())));
        }
        if let Some(s) = &m.target_sdk {
            facts.push(format!("targetSdk {}", clean(&s.to_string())));
        }
    }
    if let Some(ios) = &a.ios {
        if let Some(b) = &ios.bundle_id {
            facts.push(format!("bundle {}", clean(b)));
        }
        match (&ios.short_version, &ios.version) {
            (Some(s), Some(v)) => facts.push(format!("version {} ({})", clean(s), clean(v))),
            (Some(s), None) => facts.push(format!("version {}", clean(s))),
            (None, Some(v)) => facts.push(format!("build {}", clean(v))),
            (None, None) => {}
        }
        if let Some(m) = &ios.minimum_os {
            facts.push(format!("minimum iOS {}", clean(m)));
        }
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "  {}", facts.join("  "));
    }
    if let Some(e) = &a.error {
        let _ = writeln!(
            out,
            "  {} [{}]: {}",
            st.paint("\x1b[1;31m", "error"),
            clean(&e.code),
            clean(&e.message)
        );
    }
    for e in &a.entry_errors {
        let _ = writeln!(
            out,
            "  {} {}: {}",
            st.paint(YELLOW, "entry error"),
            clean(&e.entry),
            clean(&e.message)
        );
    }

    if let Some(android) = &a.android {
        permissions(out, android, st);
    }
    if let Some(ios) = a.ios.as_ref().filter(|i| !i.usage_descriptions.is_empty()) {
        let keys: Vec<String> = ios
            .usage_descriptions
            .iter()
            .map(|u| clean(&u.key))
            .collect();
        let _ = writeln!(
            out,
            "  usage descriptions: {}: {}",
            keys.len(),
            keys.join(", ")
        );
    }
    if !a.sdks.is_empty() {
        sdk_table(out, a, st);
    }
    if !a.collects.is_empty() {
        collects_table(out, a, st);
    }
    if let Some(store) = &a.store {
        store_table(out, store, st);
    }
    findings(out, &a.findings, st, show_info);
}

fn permissions(out: &mut String, android: &crate::model::AndroidFacts, st: &Style) {
    let catalog = PermissionCatalog::embedded();
    let mut names: Vec<&str> = android
        .manifest
        .uses_permissions
        .iter()
        .map(|u| u.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let dangerous: Vec<String> = names
        .iter()
        .filter(|n| catalog.get(n).is_some_and(|p| p.is_dangerous()))
        .map(|n| clean(n))
        .collect();
    let mut line = format!("  permissions: {} requested", names.len());
    if !dangerous.is_empty() {
        let _ = write!(
            line,
            ", {} dangerous: {}",
            dangerous.len(),
            st.paint(RED, &dangerous.join(", "))
        );
    }
    let _ = writeln!(out, "{line}");
    let implied = &android.manifest.implied_permissions;
    if !implied.is_empty() {
        let _ = writeln!(
            out,
            "  implied permissions: {} granted by Android without a uses-permission:",
            implied.len()
        );
        for p in implied {
            let _ = writeln!(out, "    {}", clean(&crate::android::implied::describe(p)));
        }
    }
}

/// Store declarations beside the policy and the build, per data type.
fn store_table(out: &mut String, store: &crate::model::store::StoreReport, st: &Style) {
    let rows: Vec<Vec<String>> = store
        .rows
        .iter()
        .map(|r| r.cells().iter().map(|x| clean(x)).collect())
        .collect();
    let head: Vec<String> = crate::model::store::TABLE_HEADER
        .iter()
        .map(|h| h.to_string())
        .collect();
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let fmt_row = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.chars().count()))))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let _ = writeln!(out, "  Store declarations: {}", clean(&store.summary()));
    let _ = writeln!(out, "    {}", st.paint(DIM, &fmt_row(&head)));
    for r in &rows {
        let _ = writeln!(out, "    {}", fmt_row(r));
    }
}

/// What the code reads: one row per SDK (or app) × API.
fn collects_table(out: &mut String, a: &ArtifactReport, st: &Style) {
    let rows: Vec<[String; 5]> = a
        .collects
        .iter()
        .map(|c| c.cells().map(|x| clean(&x)))
        .collect();
    let head = crate::collects::TABLE_HEADER.map(str::to_owned);
    let mut widths = head.clone().map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let fmt_row = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.chars().count()))))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let _ = writeln!(out, "  Collects (data read by code): {}", rows.len());
    let _ = writeln!(out, "    {}", st.paint(DIM, &fmt_row(&head)));
    for r in &rows {
        let _ = writeln!(out, "    {}", fmt_row(r));
    }
}

fn sdk_table(out: &mut String, a: &ArtifactReport, st: &Style) {
    let header = [
        "SDK",
        "VENDOR",
        "CATEGORY",
        "VERSION",
        "CONFIDENCE",
        "EVIDENCE",
    ];
    let rows: Vec<[String; 6]> = a
        .sdks
        .iter()
        .map(|d| {
            [
                clean(&d.inventory_name()),
                clean(&d.company_label()),
                clean(&d.category),
                d.version.as_deref().map_or_else(|| "-".to_owned(), clean),
                match d.confidence {
                    Confidence::Present => "present".to_owned(),
                    Confidence::Configured => "configured".to_owned(),
                },
                d.evidence.len().to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let fmt_row = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.chars().count()))))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let _ = writeln!(out, "  SDKs: {}", a.sdks.len());
    let head: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let _ = writeln!(out, "    {}", st.paint(DIM, &fmt_row(&head)));
    for r in &rows {
        let _ = writeln!(out, "    {}", fmt_row(r));
    }
}

fn findings(out: &mut String, findings: &[Finding], st: &Style, show_info: bool) {
    if findings.is_empty() {
        let _ = writeln!(out, "  no findings");
        return;
    }
    for sev in ORDER {
        let group: Vec<&Finding> = findings.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        if sev == Severity::Info && !show_info {
            let mut by_code: std::collections::BTreeMap<&str, usize> = Default::default();
            for f in &group {
                *by_code.entry(f.code.as_str()).or_insert(0) += 1;
            }
            let counts: Vec<String> = by_code
                .iter()
                .map(|(c, n)| format!("{} ×{n}", clean(c)))
                .collect();
            let _ = writeln!(
                out,
                "  {} ({}): {} {}",
                st.severity(sev),
                group.len(),
                counts.join(", "),
                st.paint(DIM, "(--show info lists them)")
            );
            continue;
        }
        let _ = writeln!(out, "  {} ({})", st.severity(sev), group.len());
        for f in group {
            let _ = writeln!(
                out,
                "    {} {}",
                st.paint(BOLD, &clean(&f.code)),
                clean(&f.subject)
            );
            let _ = writeln!(out, "      {}", clean(&f.message));
            if let Some(c) = &f.clause {
                let label = if c.title.is_empty() {
                    c.id.clone()
                } else {
                    format!("{} {}", c.id, c.title)
                };
                let _ = writeln!(out, "      violates clause {}", clean(&label));
            }
            for e in &f.evidence {
                let _ = writeln!(
                    out,
                    "      {} {}",
                    st.paint(DIM, "at"),
                    clean(&e.to_string())
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_escapes_terminal_controls() {
        assert_eq!(clean("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(clean("x\ny"), "x\\u{a}y");
        assert_eq!(clean("caf\u{e9}"), "caf\u{e9}");
        assert_eq!(clean("\u{202e}txt"), "\\u{202e}txt");
    }
}
