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
pub mod sarif;
pub mod text;

use crate::model::{ScanReport, Severity};

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
