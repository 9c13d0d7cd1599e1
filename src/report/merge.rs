//! `privscan merge`: join the reports of shards (`--shard K/N`, a
//! Kubernetes Indexed Job, a CI matrix) or of earlier runs into one
//! report, which any emitter then renders (one SARIF, one HTML page).
//!
//! Inputs are `--format json` reports (a `ScanReport` with its `run`
//! header: policy path and SHA-256, catalog version, flags, inputs) or
//! `--format jsonl` files (one `ArtifactReport` per line, no header).
//!
//! Rules:
//! - reports made with different policies (SHA-256 of the policy file),
//!   catalogs (`tool.catalog_version`) or finding-changing flags
//!   (`--manifest-only`, the caps, `--rules`) are refused unless `force`;
//!   JSONL files carry no header, so only the `policy` paths of their
//!   scanned artifacts are compared;
//! - an artifact path present in several reports is kept once, from the
//!   last report naming it (a re-run shard replaces the failed one);
//! - artifacts are ordered as a single unsharded run lists them: by the
//!   position of the command-line input that contains them, then by path
//!   component order (`input::discover` walks directories sorted by file
//!   name), so the merge of all shards of a run equals the unsharded report;
//! - `run.flags.shard` is cleared, `run.unused_allows` keeps the allows no
//!   part used, and `totals` are recomputed.
//!
//! Distrusted input: the report files. They are parsed with serde into the
//! model types (unknown fields ignored); a line or document that does not
//! parse is an error naming the file and line.

use crate::model::{ArtifactReport, RunInfo, SCHEMA_VERSION, ScanReport, ToolInfo};
use std::path::{Component, Path};

/// One report file, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The file it came from (for messages).
    pub file: String,
    /// The tool header; `None` for a JSONL file.
    pub tool: Option<ToolInfo>,
    /// The run header; `None` for JSONL or a report without one.
    pub run: Option<RunInfo>,
    /// The artifacts, in file order.
    pub artifacts: Vec<ArtifactReport>,
}

/// Why reports could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A report file could not be read.
    #[error("reading {file}: {message}")]
    Io {
        /// The report file.
        file: String,
        /// The OS error.
        message: String,
    },
    /// A report file is neither a JSON report nor JSONL of artifacts.
    #[error("{file}:{line}: not a privscan JSON or JSONL report: {message}")]
    Parse {
        /// The report file.
        file: String,
        /// 1-based line (1 for a JSON document).
        line: usize,
        /// serde_json's description.
        message: String,
    },
    /// A report was written with another `schema_version`.
    #[error("{file} has schema_version {found}; this privscan reads {SCHEMA_VERSION}")]
    Schema {
        /// The report file.
        file: String,
        /// Its `schema_version`.
        found: u32,
    },
    /// Reports were made with different policies, catalogs or flags.
    #[error(
        "{first} and {other} were made with different {what} ({a} vs {b}); merging them would mix results that are not comparable (--force merges anyway)"
    )]
    Mismatch {
        /// The first report.
        first: String,
        /// The report that differs.
        other: String,
        /// `policies`, `SDK catalogs` or `flags`.
        what: &'static str,
        /// The first report's value.
        a: String,
        /// The other report's value.
        b: String,
    },
}

/// Parse one report file's text: a JSON report, or JSONL artifacts.
pub fn parse(file: &str, text: &str) -> Result<Part, MergeError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        // A whole-run JSON document spans lines; JSONL has one object per line.
        if let Ok(report) = serde_json::from_str::<ScanReport>(trimmed) {
            if report.schema_version != SCHEMA_VERSION {
                return Err(MergeError::Schema {
                    file: file.to_owned(),
                    found: report.schema_version,
                });
            }
            return Ok(Part {
                file: file.to_owned(),
                tool: Some(report.tool),
                run: report.run,
                artifacts: report.artifacts,
            });
        }
    }
    let mut artifacts = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let a: ArtifactReport = serde_json::from_str(line).map_err(|e| MergeError::Parse {
            file: file.to_owned(),
            line: i + 1,
            message: e.to_string(),
        })?;
        artifacts.push(a);
    }
    Ok(Part {
        file: file.to_owned(),
        tool: None,
        run: None,
        artifacts,
    })
}

/// Read and parse a report file.
pub fn read(path: &Path) -> Result<Part, MergeError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| MergeError::Io {
        file: file.clone(),
        message: e.to_string(),
    })?;
    parse(&file, &text)
}

/// Flags that must agree, as one comparable string.
fn flag_key(run: &RunInfo) -> String {
    let f = &run.flags;
    format!(
        "manifest_only={} max_entry_size={} max_total_inflated={} rules=[{}]",
        f.manifest_only,
        f.max_entry_size,
        f.max_total_inflated,
        f.rules.join(",")
    )
}

fn policy_key(run: &RunInfo) -> String {
    run.policy.as_ref().map_or_else(
        || "no policy".to_owned(),
        |p| format!("sha256 {}", p.sha256),
    )
}

fn jsonl_policies(p: &Part) -> String {
    let mut v: Vec<&str> = p
        .artifacts
        .iter()
        .filter(|a| a.error.is_none())
        .map(|a| a.policy.as_deref().unwrap_or("no policy"))
        .collect();
    v.sort_unstable();
    v.dedup();
    v.join(", ")
}

fn check(parts: &[Part]) -> Result<(), MergeError> {
    let mismatch = |a: &Part, b: &Part, what, x: String, y: String| MergeError::Mismatch {
        first: a.file.clone(),
        other: b.file.clone(),
        what,
        a: x,
        b: y,
    };
    let headed: Vec<&Part> = parts.iter().filter(|p| p.tool.is_some()).collect();
    if let Some(first) = headed.first() {
        for p in &headed[1..] {
            let (ta, tb) = (
                first.tool.as_ref().map(|t| t.catalog_version.clone()),
                p.tool.as_ref().map(|t| t.catalog_version.clone()),
            );
            if ta != tb {
                return Err(mismatch(
                    first,
                    p,
                    "SDK catalogs",
                    ta.unwrap_or_default(),
                    tb.unwrap_or_default(),
                ));
            }
            if let (Some(ra), Some(rb)) = (&first.run, &p.run) {
                if policy_key(ra) != policy_key(rb) {
                    return Err(mismatch(
                        first,
                        p,
                        "policies",
                        policy_key(ra),
                        policy_key(rb),
                    ));
                }
                if flag_key(ra) != flag_key(rb) {
                    return Err(mismatch(first, p, "flags", flag_key(ra), flag_key(rb)));
                }
            }
        }
    }
    let lines: Vec<&Part> = parts
        .iter()
        .filter(|p| p.tool.is_none() && !p.artifacts.is_empty())
        .collect();
    if let Some(first) = lines.first() {
        for p in &lines[1..] {
            if jsonl_policies(first) != jsonl_policies(p) {
                return Err(mismatch(
                    first,
                    p,
                    "policies",
                    jsonl_policies(first),
                    jsonl_policies(p),
                ));
            }
        }
    }
    Ok(())
}

/// Index of the input that `path` is or lies under (`usize::MAX` when none).
fn input_index(inputs: &[String], path: &str) -> usize {
    let p = Path::new(path);
    inputs
        .iter()
        .position(|i| p == Path::new(i) || p.starts_with(i))
        .unwrap_or(usize::MAX)
}

fn components(path: &str) -> Vec<Component<'_>> {
    Path::new(path).components().collect()
}

/// Merge `parts` into one report. Refuses parts made with different
/// policies, catalogs or flags unless `force`.
pub fn merge(parts: Vec<Part>, force: bool) -> Result<ScanReport, MergeError> {
    if !force {
        check(&parts)?;
    }
    let tool = parts
        .iter()
        .find_map(|p| p.tool.clone())
        .unwrap_or_else(|| ToolInfo {
            name: "privscan".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            catalog_version: "unknown (merged from JSONL)".into(),
        });
    let headed: Vec<&RunInfo> = parts.iter().filter_map(|p| p.run.as_ref()).collect();
    let mut run = headed.first().map(|r| (*r).clone());
    let mut artifacts: Vec<ArtifactReport> = Vec::new();
    for p in parts.iter() {
        for a in &p.artifacts {
            if let Some(slot) = artifacts.iter_mut().find(|b| b.path == a.path) {
                *slot = a.clone();
            } else {
                artifacts.push(a.clone());
            }
        }
    }
    if let Some(run) = &mut run {
        run.flags.shard = None;
        for r in &headed[1..] {
            for i in &r.inputs {
                if !run.inputs.contains(i) {
                    run.inputs.push(i.clone());
                }
            }
        }
        run.unused_allows.retain(|l| {
            headed.iter().all(|r| r.unused_allows.contains(l))
                && !artifacts.iter().any(|a| a.allows_used.contains(l))
        });
    }
    let inputs: Vec<String> = run.as_ref().map(|r| r.inputs.clone()).unwrap_or_default();
    artifacts.sort_by(|a, b| {
        input_index(&inputs, &a.path)
            .cmp(&input_index(&inputs, &b.path))
            .then_with(|| components(&a.path).cmp(&components(&b.path)))
    });
    Ok(ScanReport {
        schema_version: SCHEMA_VERSION,
        tool,
        run,
        totals: None,
        artifacts,
    }
    .with_totals())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PolicyRef, RunFlags};

    fn part(file: &str, sha: &str, paths: &[&str]) -> Part {
        Part {
            file: file.into(),
            tool: Some(ToolInfo {
                name: "privscan".into(),
                version: "0".into(),
                catalog_version: "c1".into(),
            }),
            run: Some(RunInfo {
                policy: Some(PolicyRef {
                    path: "p.toml".into(),
                    sha256: sha.into(),
                    drafted: false,
                }),
                flags: RunFlags {
                    shard: Some("1/2".into()),
                    ..RunFlags::default()
                },
                inputs: vec!["d".into()],
                unused_allows: vec!["PS101 a".into(), "PS101 b".into()],
            }),
            artifacts: paths.iter().map(|p| ArtifactReport::new(*p)).collect(),
        }
    }

    #[test]
    fn merge_orders_like_a_directory_walk_and_recomputes_totals() {
        let mut a = part("1.json", "x", &["d/b.apk", "d/sub/z.apk"]);
        a.artifacts[0].allows_used = vec!["PS101 a".into()];
        let b = part("2.json", "x", &["d/a.apk", "d/sub.apk", "d/b.apk"]);
        let r = merge(vec![a, b], false).unwrap();
        let paths: Vec<&str> = r.artifacts.iter().map(|a| a.path.as_str()).collect();
        // d/sub/z.apk before d/sub.apk: "sub" < "sub.apk" as a component.
        assert_eq!(paths, ["d/a.apk", "d/b.apk", "d/sub/z.apk", "d/sub.apk"]);
        let run = r.run.unwrap();
        assert_eq!(run.flags.shard, None);
        // The later report's d/b.apk replaced the first (which used "PS101 a"),
        // and neither part lists "PS101 a" as used any more.
        assert_eq!(run.unused_allows, ["PS101 a", "PS101 b"]);
        assert_eq!(r.totals.unwrap().artifacts, 4);
    }

    #[test]
    fn different_policies_are_refused_unless_forced() {
        let err = merge(
            vec![part("1.json", "x", &[]), part("2.json", "y", &[])],
            false,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("different policies"), "{err}");
        assert!(err.contains("--force"), "{err}");
        assert!(
            merge(
                vec![part("1.json", "x", &[]), part("2.json", "y", &[])],
                true
            )
            .is_ok()
        );
        let mut c = part("3.json", "x", &[]);
        if let Some(t) = &mut c.tool {
            t.catalog_version = "c2".into();
        }
        let err = merge(vec![part("1.json", "x", &[]), c], false).unwrap_err();
        assert!(err.to_string().contains("SDK catalogs"), "{err}");
    }

    #[test]
    fn jsonl_and_json_parse_and_bad_lines_name_the_line() {
        let line = crate::report::json::render_line(&ArtifactReport::new("x.apk"));
        let p = parse("s.jsonl", &format!("{line}\n\n{line}\n")).unwrap();
        assert_eq!(p.artifacts.len(), 2);
        assert!(p.tool.is_none());
        let err = parse("s.jsonl", &format!("{line}\nnot json\n")).unwrap_err();
        assert!(err.to_string().starts_with("s.jsonl:2: "), "{err}");
        let doc =
            crate::report::json::render(&merge(vec![part("1", "x", &["d/a.apk"])], false).unwrap());
        let p = parse("r.json", &doc).unwrap();
        assert_eq!(p.artifacts.len(), 1);
        assert!(p.run.is_some());
    }
}
