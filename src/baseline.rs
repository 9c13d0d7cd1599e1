//! Finding fingerprints and baselines: `privscan baseline write FILE`
//! records the findings of a run; `privscan scan --baseline FILE` then
//! reports only findings whose fingerprint is not in it.
//!
//! A fingerprint identifies "the same problem" across runs and machines:
//! SHA-256 over the finding code, its subject, the artifact's *file name*
//! (not its absolute path, so a CI checkout in another folder matches) and
//! the first evidence entry (the archive member or source file; for
//! findings about the policy, PS104/PS203/PS401/PS402, the policy's file
//! name). It leaves
//! out byte offsets, element indices (`uses-permission[3]`), line numbers,
//! messages and timestamps, which move when unrelated parts of a build
//! change. The same value is SARIF's `partialFingerprints["privscan/v1"]`.
//!
//! Distrusted input: the baseline file (JSON) is user-supplied; it is
//! parsed with serde into plain strings and only compared for equality.

use crate::model::{ArtifactReport, Finding, ScanReport};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

/// Version of the baseline file layout.
pub const BASELINE_VERSION: u32 = 1;

/// The key under which the fingerprint appears in SARIF `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "privscan/v1";

/// The file name of an artifact path (`build/app.apk` → `app.apk`); the
/// whole path when it has no file-name component.
pub fn artifact_name(path: &str) -> &str {
    path.rsplit(['/', '\\'])
        .find(|s| !s.is_empty())
        .unwrap_or(path)
}

/// Codes whose evidence entry is the policy file, not an archive member.
const POLICY_EVIDENCE_CODES: [&str; 4] = ["PS104", "PS203", "PS401", "PS402"];

/// Stable fingerprint of `finding` in the artifact at `artifact_path`: 32
/// lower-case hex digits (the first 128 bits of a SHA-256).
pub fn fingerprint(artifact_path: &str, finding: &Finding) -> String {
    use sha2::Digest;
    let entry = finding
        .evidence
        .first()
        .map(|l| l.entry.as_str())
        .unwrap_or("");
    // Evidence in the policy names the policy file by the path it was given
    // as (`../privacy/policy.toml`): keep only its file name, as for the artifact.
    let entry = if POLICY_EVIDENCE_CODES.contains(&finding.code.as_str()) {
        artifact_name(entry)
    } else {
        entry
    };
    let mut h = sha2::Sha256::new();
    for part in [
        finding.code.as_str(),
        finding.subject.as_str(),
        artifact_name(artifact_path),
        entry,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let mut s = String::with_capacity(32);
    for b in digest.iter().take(16) {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// One recorded finding. `code`, `subject` and `artifact` are there for a
/// reviewer reading the file; only `fingerprint` is compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// 32 hex digits from [`fingerprint`]: the finding's identity across runs.
    pub fingerprint: String,
    /// Finding code, e.g. `PS101`.
    pub code: String,
    /// What the finding is about (permission name, SDK id...).
    pub subject: String,
    /// File name of the artifact.
    pub artifact: String,
}

/// A baseline file: the accepted findings of an earlier run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// Format version of the baseline file (`BASELINE_VERSION` when written).
    pub baseline_version: u32,
    /// `privscan <version>` that wrote the file.
    pub tool: String,
    /// Sorted by fingerprint, no duplicates.
    pub findings: Vec<BaselineEntry>,
}

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be read.
    #[error("reading baseline {path}: {source}")]
    Io {
        /// The baseline file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not baseline JSON.
    #[error("baseline {path} is not a privscan baseline: {message}")]
    Parse {
        /// The baseline file.
        path: String,
        /// serde_json's description, with line and column.
        message: String,
    },
    /// The file was written in another baseline format version.
    #[error("baseline {path} has baseline_version {found}; this privscan reads {expected}")]
    Version {
        /// The baseline file.
        path: String,
        /// `baseline_version` in the file.
        found: u32,
        /// The version this build reads.
        expected: u32,
    },
}

impl Baseline {
    /// Record every finding of `report`.
    pub fn from_report(report: &ScanReport) -> Baseline {
        let mut findings: Vec<BaselineEntry> = report
            .artifacts
            .iter()
            .flat_map(|a| {
                a.findings.iter().map(move |f| BaselineEntry {
                    fingerprint: fingerprint(&a.path, f),
                    code: f.code.clone(),
                    subject: f.subject.clone(),
                    artifact: artifact_name(&a.path).to_owned(),
                })
            })
            .collect();
        findings.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            baseline_version: BASELINE_VERSION,
            tool: format!("privscan {}", env!("CARGO_PKG_VERSION")),
            findings,
        }
    }

    /// Pretty JSON with a trailing newline (diff-friendly in review).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }

    /// Parse a baseline file's text; `path` only names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Baseline, BaselineError> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| BaselineError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        if b.baseline_version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: path.to_owned(),
                found: b.baseline_version,
                expected: BASELINE_VERSION,
            });
        }
        Ok(b)
    }

    /// Read and parse a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
            path: name.clone(),
            source,
        })?;
        Baseline::parse(&text, &name)
    }

    /// Drop from `artifact` every finding recorded in this baseline;
    /// returns how many were dropped.
    pub fn filter_artifact(&self, artifact: &mut ArtifactReport) -> usize {
        let known: HashSet<&str> = self
            .findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let before = artifact.findings.len();
        let path = artifact.path.clone();
        artifact
            .findings
            .retain(|f| !known.contains(fingerprint(&path, f).as_str()));
        before - artifact.findings.len()
    }

    /// Drop from `report` every finding recorded in this baseline; returns
    /// how many were dropped.
    pub fn filter(&self, report: &mut ScanReport) -> usize {
        report
            .artifacts
            .iter_mut()
            .map(|a| self.filter_artifact(a))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, Severity};

    fn f(code: &str, subject: &str, entry: &str, detail: &str) -> Finding {
        Finding {
            code: code.into(),
            severity: Severity::High,
            subject: subject.into(),
            message: format!("{subject} at {detail}"),
            clause: None,
            evidence: vec![Location::detail(entry, detail)],
        }
    }

    #[test]
    fn fingerprint_ignores_directory_detail_and_message() {
        let a = f(
            "PS101",
            "android.permission.CAMERA",
            "AndroidManifest.xml",
            "x[1]",
        );
        let b = f(
            "PS101",
            "android.permission.CAMERA",
            "AndroidManifest.xml",
            "x[7]",
        );
        assert_eq!(
            fingerprint("/ci/run1/out/app.apk", &a),
            fingerprint("build\\app.apk", &b)
        );
        assert_eq!(fingerprint("app.apk", &a).len(), 32);
        // Code, subject, file name and entry each change it.
        let base = fingerprint("app.apk", &a);
        assert_ne!(base, fingerprint("other.apk", &a));
        let c = f(
            "PS101",
            "android.permission.READ_CONTACTS",
            "AndroidManifest.xml",
            "",
        );
        assert_ne!(base, fingerprint("app.apk", &c));
        let d = f(
            "PS104",
            "android.permission.CAMERA",
            "AndroidManifest.xml",
            "",
        );
        assert_ne!(base, fingerprint("app.apk", &d));
        let e = f(
            "PS101",
            "android.permission.CAMERA",
            "base/manifest/AndroidManifest.xml",
            "",
        );
        assert_ne!(base, fingerprint("app.apk", &e));
    }

    #[test]
    fn artifact_name_takes_last_component() {
        assert_eq!(artifact_name("a/b/c.apk"), "c.apk");
        assert_eq!(artifact_name("c.apk"), "c.apk");
        assert_eq!(artifact_name("src/tree/"), "tree");
        assert_eq!(artifact_name("C:\\x\\y.ipa"), "y.ipa");
    }

    #[test]
    fn parse_rejects_other_versions_and_garbage() {
        assert!(matches!(
            Baseline::parse(
                "{\"baseline_version\":9,\"tool\":\"x\",\"findings\":[]}",
                "b"
            ),
            Err(BaselineError::Version { found: 9, .. })
        ));
        assert!(matches!(
            Baseline::parse("[1,2", "b"),
            Err(BaselineError::Parse { .. })
        ));
    }
}
