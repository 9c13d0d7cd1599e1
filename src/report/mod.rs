//! Report emitters (text, JSON/JSONL; SARIF and Markdown later) and the
//! exit-code rule. Emitters only format a [`ScanReport`]; they never decide
//! what is a finding.
//!
//! Exit codes (`../shared/DESIGN.md`, "Outputs and exit codes"): 2 when an
//! input could not be scanned, else 1 when a finding is at or above
//! `--fail-on`, else 0.

pub mod html;
pub mod json;
pub mod markdown;
pub mod merge;
pub mod sarif;
pub mod text;
pub mod verdict;

use crate::model::{ScanReport, Severity};

/// Output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, what fails the gate first (colour only on a terminal).
    Text,
    /// The JSON contract (schema_version 1; docs/report.schema.json).
    Json,
    /// One JSON object per artifact per line, written as each artifact
    /// finishes: with --jobs > 1 the line order may differ from input order.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub-flavoured Markdown, for PR comments and CI step summaries.
    Markdown,
    /// One self-contained HTML page (inline CSS and SVG, no network fetches).
    Html,
}

/// How a report is rendered, beyond its data.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The gate: findings at or above it are listed first and decide the verdict.
    pub fail_on: FailOn,
    /// List every info finding (`--show info`) instead of a count per code.
    pub show_info: bool,
    /// ANSI colour in the text report.
    pub color: bool,
    /// Where SARIF URIs are relative to (`--sarif-root`).
    pub uris: sarif::UriMap,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            fail_on: FailOn::High,
            show_info: false,
            color: false,
            uris: sarif::UriMap::current_dir(),
        }
    }
}

/// Render `report` in `format`. JSONL is one artifact per line here (the
/// scan command streams it instead, as artifacts finish); a JSONL report
/// carries no `run`/`totals` header line, so `privscan merge` reads both.
pub fn render(report: &ScanReport, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Text => text::render_with(report, opts),
        Format::Json => json::render(report),
        Format::Jsonl => {
            let mut out = String::new();
            for a in &report.artifacts {
                out.push_str(&json::render_line(a));
                out.push('\n');
            }
            out
        }
        Format::Sarif => sarif::render_with(report, &opts.uris),
        Format::Markdown => markdown::render_with(report, opts),
        Format::Html => html::render_with(report, opts),
    }
}

/// Lowest severity that makes the run fail (`--fail-on`); `Never` only
/// fails on unscannable inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    /// Fail on any finding.
    Info,
    /// Fail on low, medium and high findings.
    Low,
    /// Fail on medium and high findings.
    Medium,
    /// Fail on high findings (the default).
    #[default]
    High,
    /// Never fail on findings; unscannable inputs still exit 2.
    Never,
}

impl FailOn {
    /// The threshold severity, `None` for [`FailOn::Never`].
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Info => Some(Severity::Info),
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Never => None,
        }
    }
}

/// Exit code of a run: 2 if any artifact has an `error` (it could not be
/// scanned), else 1 if any finding's severity is at or above `fail_on`,
/// else 0.
pub fn exit_code(report: &ScanReport, fail_on: FailOn) -> u8 {
    if report.artifacts.iter().any(|a| a.error.is_some()) {
        return 2;
    }
    let Some(threshold) = fail_on.threshold() else {
        return 0;
    };
    let failing = report
        .artifacts
        .iter()
        .flat_map(|a| &a.findings)
        .any(|f| f.severity >= threshold);
    u8::from(failing)
}
