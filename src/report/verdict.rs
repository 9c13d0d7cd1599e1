//! The verdict of a run, shared by the text, Markdown and HTML reports:
//! what fails the gate (findings at or above `--fail-on`, inputs that
//! could not be scanned), what was skipped (no policy, a resource cap
//! that left an artifact half read, an unreadable input) and which flag
//! changes the outcome. One line at the end of every human report.
//!
//! The exit code it states is `report::exit_code`, so the line and the
//! process status never disagree.

use crate::model::{ArtifactReport, Finding, ScanReport, Severity};
use crate::report::{FailOn, exit_code};
use std::collections::BTreeMap;

/// What a run's outcome is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Process exit code (0 pass, 1 findings at or above the gate, 2 an input not scanned).
    pub exit: u8,
    /// What failed, e.g. `3 findings at or above --fail-on high`.
    pub failed: Vec<String>,
    /// What was not checked, e.g. `policy check (no --policy or --policy-text)`.
    pub skipped: Vec<String>,
    /// Flags that change the outcome or the view, e.g. `--show info lists 503 info findings`.
    pub hints: Vec<String>,
}

/// `true` when no artifact of `report` was compared against a policy.
pub fn policy_skipped(report: &ScanReport) -> bool {
    let run_policy = report.run.as_ref().is_some_and(|r| r.policy.is_some());
    !run_policy && report.artifacts.iter().all(|a| a.policy.is_none())
}

/// Findings at or above the gate, in artifact order.
pub fn gating(report: &ScanReport, fail_on: FailOn) -> Vec<(&ArtifactReport, &Finding)> {
    let Some(t) = fail_on.threshold() else {
        return Vec::new();
    };
    report
        .artifacts
        .iter()
        .flat_map(|a| a.findings.iter().map(move |f| (a, f)))
        .filter(|(_, f)| f.severity >= t)
        .collect()
}

/// Info findings counted per code, in code order.
pub fn info_by_code(artifacts: &[ArtifactReport]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in artifacts.iter().flat_map(|a| &a.findings) {
        if f.severity == Severity::Info {
            *m.entry(f.code.clone()).or_insert(0) += 1;
        }
    }
    m
}

fn gate_name(f: FailOn) -> &'static str {
    match f {
        FailOn::Info => "info",
        FailOn::Low => "low",
        FailOn::Medium => "medium",
        FailOn::High => "high",
        FailOn::Never => "never",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Work out the verdict of `report` under `fail_on`; `show_info` says
/// whether info findings were listed (else a hint says how to list them).
pub fn verdict(report: &ScanReport, fail_on: FailOn, show_info: bool) -> Verdict {
    let exit = exit_code(report, fail_on);
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    let mut hints = Vec::new();

    let gate = gating(report, fail_on);
    if !gate.is_empty() {
        let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, f) in &gate {
            *codes.entry(f.code.as_str()).or_insert(0) += 1;
        }
        let list: Vec<String> = codes.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
        failed.push(format!(
            "{} at or above --fail-on {} ({})",
            plural(gate.len(), "finding", "findings"),
            gate_name(fail_on),
            list.join(", ")
        ));
        hints.push(
            "fix them, or accept reviewed ones with an [[allow]] in the policy or a --baseline"
                .to_owned(),
        );
    }
    let unreadable: Vec<&ArtifactReport> = report
        .artifacts
        .iter()
        .filter(|a| a.error.is_some())
        .collect();
    if !unreadable.is_empty() {
        let names: Vec<String> = unreadable
            .iter()
            .take(3)
            .map(|a| {
                let code = a.error.as_ref().map(|e| e.code.as_str()).unwrap_or("?");
                format!("{} ({code})", crate::baseline::artifact_name(&a.path))
            })
            .collect();
        let more = unreadable.len().saturating_sub(3);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        failed.push(format!(
            "{} not scanned: {}{more}",
            plural(unreadable.len(), "input", "inputs"),
            names.join(", ")
        ));
    }
    if policy_skipped(report) && !report.artifacts.is_empty() {
        skipped.push("policy check (no --policy or --policy-text given)".to_owned());
        hints.push(
            "--policy FILE (TOML) or --policy-text FILE (prose) diffs against the declared policy"
                .to_owned(),
        );
    }
    let capped: Vec<&ArtifactReport> = report
        .artifacts
        .iter()
        .filter(|a| a.findings.iter().any(|f| f.code == "PS905"))
        .collect();
    if !capped.is_empty() {
        skipped.push(format!(
            "part of {} (a resource cap stopped reading: PS905)",
            plural(capped.len(), "artifact", "artifacts")
        ));
        hints.push(
            "--max-entry-size / --max-total-inflated raise the caps if the input is legitimate"
                .to_owned(),
        );
    }
    if let Some(run) = &report.run
        && !run.unused_allows.is_empty()
    {
        hints.push(format!(
            "{} matched nothing: {}",
            plural(
                run.unused_allows.len(),
                "[[allow]] entry",
                "[[allow]] entries"
            ),
            run.unused_allows.join("; ")
        ));
    }
    let suppressed: u64 = report.artifacts.iter().map(|a| a.baseline_suppressed).sum();
    if suppressed > 0 {
        hints.push(format!(
            "{suppressed} finding(s) suppressed by the baseline"
        ));
    }
    let info: usize = info_by_code(&report.artifacts).values().sum();
    if info > 0 && !show_info {
        hints.push(format!(
            "--show info lists the {}",
            plural(info, "info finding", "info findings")
        ));
    }
    if exit == 1 {
        hints.push("--fail-on never reports without failing".to_owned());
    }
    Verdict {
        exit,
        failed,
        skipped,
        hints,
    }
}

impl Verdict {
    /// `PASS`, `FAIL` or `ERROR` (exit 0, 1, 2).
    pub fn word(&self) -> &'static str {
        match self.exit {
            0 => "PASS",
            1 => "FAIL",
            _ => "ERROR",
        }
    }

    /// The one-line verdict: `verdict: FAIL (exit 1): failed: ...; skipped: ...; change: ...`.
    pub fn line(&self) -> String {
        let mut parts = vec![format!("verdict: {} (exit {})", self.word(), self.exit)];
        if self.failed.is_empty() {
            parts.push("nothing failed".to_owned());
        } else {
            parts.push(format!("failed: {}", self.failed.join("; ")));
        }
        if !self.skipped.is_empty() {
            parts.push(format!("skipped: {}", self.skipped.join("; ")));
        }
        if !self.hints.is_empty() {
            parts.push(format!("change: {}", self.hints.join("; ")));
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArtifactError, SCHEMA_VERSION, ToolInfo};

    fn report(artifacts: Vec<ArtifactReport>) -> ScanReport {
        ScanReport {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo {
                name: "privscan".into(),
                version: "0".into(),
                catalog_version: "t".into(),
            },
            run: None,
            totals: None,
            artifacts,
        }
    }

    fn finding(code: &str, severity: Severity) -> Finding {
        Finding {
            code: code.into(),
            severity,
            subject: "s".into(),
            message: "m".into(),
            clause: None,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn no_policy_is_said_to_be_skipped() {
        let v = verdict(
            &report(vec![ArtifactReport::new("a.apk")]),
            FailOn::High,
            false,
        );
        assert_eq!(v.exit, 0);
        assert!(
            v.line().starts_with("verdict: PASS (exit 0)"),
            "{}",
            v.line()
        );
        assert!(v.line().contains("skipped: policy check"), "{}", v.line());
        assert!(v.line().contains("--policy FILE"), "{}", v.line());
    }

    #[test]
    fn failing_findings_caps_and_errors_are_named() {
        let mut a = ArtifactReport::new("dir/a.apk");
        a.policy = Some("p.toml".into());
        a.findings = vec![
            finding("PS101", Severity::High),
            finding("PS905", Severity::Medium),
            finding("PS104", Severity::Info),
        ];
        let mut b = ArtifactReport::new("dir/b.apk");
        b.error = Some(ArtifactError {
            code: "zip".into(),
            message: "dir/b.apk: bad".into(),
        });
        let r = report(vec![a, b]);
        let v = verdict(&r, FailOn::High, false);
        assert_eq!(v.exit, 2);
        let line = v.line();
        assert!(
            line.contains("1 finding at or above --fail-on high (PS101 ×1)"),
            "{line}"
        );
        assert!(line.contains("1 input not scanned: b.apk (zip)"), "{line}");
        assert!(line.contains("PS905"), "{line}");
        assert!(line.contains("--max-entry-size"), "{line}");
        assert!(
            line.contains("--show info lists the 1 info finding"),
            "{line}"
        );
        assert!(!line.contains("policy check"), "{line}");
        let v = verdict(&r, FailOn::Medium, true);
        assert!(v.line().contains("2 findings at or above --fail-on medium"));
        assert!(!v.line().contains("--show info"));
    }
}
